package dev.modelfn.aws;

import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The callback signing secret: {@code MODELFN_CALLBACK_SECRET_ARN} (a Secrets Manager secret whose
 * {@code SecretString} is the secret, read at start and again every {@link #REFRESH} so that a
 * rotation takes effect without a deployment) or {@code MODELFN_CALLBACK_SECRET}. Never taken from a
 * request.
 */
final class CallbackSecrets implements Supplier<CallbackSigner> {
  static final Duration REFRESH = Duration.ofMinutes(5);

  private final SecretsManagerClient client;
  private final String secretId;
  private final Clock clock;
  private volatile CallbackSigner signer;
  private volatile Instant readAt;

  private CallbackSecrets(SecretsManagerClient client, String secretId, Clock clock, CallbackSigner fixed) {
    this.client = client;
    this.secretId = secretId;
    this.clock = clock;
    this.signer = fixed;
    this.readAt = clock.instant();
  }

  /**
   * The configured secret; a supplier of null when neither variable is set (deliveries then fail
   * with that reason, and the job status says so).
   */
  static Supplier<CallbackSigner> from(Map<String, String> env, Supplier<SecretsManagerClient> clients, Clock clock) {
    String arn = env.get(EnvVars.CALLBACK_SECRET_ARN);
    if (arn != null && !arn.isBlank()) {
      CallbackSecrets s = new CallbackSecrets(clients.get(), arn.trim(), clock, null);
      s.signer = s.fetch();
      return s;
    }
    return AsyncConfig.callbackSigner(env);
  }

  private CallbackSigner fetch() {
    String value;
    try {
      value = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (SdkException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.CALLBACK_SECRET_ARN + ": cannot read secret '" + secretId + "': "
          + e.getMessage());
    }
    if (value == null) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.CALLBACK_SECRET_ARN + ": secret '" + secretId
          + "' has no SecretString (binary secrets are not supported)");
    }
    try {
      return new CallbackSigner(value.strip());
    } catch (IllegalArgumentException e) {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.CALLBACK_SECRET_ARN + ": secret '" + secretId + "': " + e.getMessage());
    }
  }

  @Override
  public CallbackSigner get() {
    Instant now = clock.instant();
    if (Duration.between(readAt, now).compareTo(REFRESH) >= 0) {
      try {
        signer = fetch();
      } catch (ModelfnException e) {
        if (e.problem() != Problem.CONFIGURATION_ERROR) {
          throw e;
        }
        // keep signing with the secret read last; the next call tries again
      }
      readAt = now;
    }
    return signer;
  }
}
