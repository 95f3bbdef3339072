package dev.modelfn.cdk;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.HttpNoneAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;

/**
 * Who may call the HTTP API: AWS IAM (SigV4-signed requests; the default), a JWT issuer (Cognito,
 * Auth0, Okta, ...), or nobody checked at all, which must be asked for by name.
 */
public abstract class ApiAuth {
  ApiAuth() {}

  /** Callers sign requests with SigV4 and need {@code execute-api:Invoke} on the API. */
  public static ApiAuth iam() {
    return new ApiAuth() {
      @Override
      IHttpRouteAuthorizer authorizer() {
        return new HttpIamAuthorizer();
      }

      @Override
      public String kind() {
        return "iam";
      }
    };
  }

  /** Bearer tokens from {@code issuer} (an https URL) with one of {@code audiences}. */
  public static ApiAuth jwt(String issuer, List<String> audiences) {
    if (issuer == null || !issuer.startsWith("https://")) {
      throw new IllegalArgumentException("jwt issuer: expected an https:// URL, got '" + issuer + "'");
    }
    if (audiences == null || audiences.isEmpty()) {
      throw new IllegalArgumentException("jwt audiences: expected at least one audience (client id)");
    }
    List<String> aud = List.copyOf(audiences);
    return new ApiAuth() {
      @Override
      IHttpRouteAuthorizer authorizer() {
        return HttpJwtAuthorizer.Builder.create("JwtAuthorizer", issuer).jwtAudience(aud).build();
      }

      @Override
      public String kind() {
        return "jwt";
      }
    };
  }

  /** An open API: anyone who knows the URL may call it. Only by explicit choice. */
  public static ApiAuth none() {
    return new ApiAuth() {
      @Override
      IHttpRouteAuthorizer authorizer() {
        return new HttpNoneAuthorizer();
      }

      @Override
      public String kind() {
        return "none";
      }
    };
  }

  /** From the words {@code iam}, {@code jwt} (with issuer and audiences) or {@code none}. */
  public static ApiAuth parse(String kind, String issuer, List<String> audiences) {
    return switch (Objects.requireNonNullElse(kind, "iam")) {
      case "iam" -> iam();
      case "jwt" -> jwt(issuer, audiences);
      case "none" -> none();
      default -> throw new IllegalArgumentException("auth: expected iam, jwt or none, got '" + kind + "'");
    };
  }

  abstract IHttpRouteAuthorizer authorizer();

  /** {@code iam}, {@code jwt} or {@code none}. */
  public abstract String kind();
}
