package dev.modelfn.cdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * Where a function finds its ONNX model: bundled in the deployment package ({@code classpath:}), an
 * S3 asset uploaded by {@code cdk deploy}, or an object already in a bucket. Becomes {@code
 * MODELFN_MODEL_URI}; S3 models are cached by the function in {@code /tmp} by ETag.
 */
public abstract class ModelArtifact {
  /** The example model inside the package. */
  public static final ModelArtifact EXAMPLE_FRAUD = bundled("models/fraud/fraud.onnx");

  ModelArtifact() {}

  /** A model inside the deployment package, e.g. {@code models/fraud/fraud.onnx}. */
  public static ModelArtifact bundled(String pathInPackage) {
    String p = Objects.requireNonNull(pathInPackage, "pathInPackage");
    if (!p.endsWith(".onnx") || p.startsWith("/")) {
      throw new IllegalArgumentException("bundled model: expected a relative path ending in .onnx, got '" + p + "'");
    }
    return new ModelArtifact() {
      @Override
      public String uri(Construct scope) {
        return "classpath:" + p;
      }

      @Override
      public void grantRead(Construct scope, IGrantable grantee) {}
    };
  }

  /** A local {@code .onnx} file, uploaded as an S3 asset (one per stack). */
  public static ModelArtifact fromAsset(Path onnxFile) {
    if (!Files.isRegularFile(onnxFile) || !onnxFile.toString().endsWith(".onnx")) {
      throw new IllegalArgumentException("model asset: expected an existing .onnx file, got " + onnxFile);
    }
    Path file = onnxFile.toAbsolutePath().normalize();
    Map<String, Asset> byStack = new HashMap<>();
    return new ModelArtifact() {
      private Asset asset(Construct scope) {
        Stack stack = Stack.of(scope);
        return byStack.computeIfAbsent(stack.getNode().getPath(), s -> Asset.Builder.create(stack,
            "ModelAsset" + Integer.toHexString(file.toString().hashCode())).path(file.toString()).build());
      }

      @Override
      public String uri(Construct scope) {
        return asset(scope).getS3ObjectUrl();
      }

      @Override
      public void grantRead(Construct scope, IGrantable grantee) {
        Asset a = asset(scope);
        readObject(grantee, a.getBucket(), a.getS3ObjectKey());
      }
    };
  }

  /** An object already in a bucket. */
  public static ModelArtifact fromBucket(IBucket bucket, String key) {
    Objects.requireNonNull(bucket, "bucket");
    if (key == null || !key.endsWith(".onnx")) {
      throw new IllegalArgumentException("model in a bucket: expected a key ending in .onnx, got '" + key + "'");
    }
    return new ModelArtifact() {
      @Override
      public String uri(Construct scope) {
        return "s3://" + bucket.getBucketName() + "/" + key;
      }

      @Override
      public void grantRead(Construct scope, IGrantable grantee) {
        readObject(grantee, bucket, key);
      }
    };
  }

  /** The value of {@code MODELFN_MODEL_URI}. */
  public abstract String uri(Construct scope);

  /** Lets a function read the model (nothing for a bundled model). */
  public abstract void grantRead(Construct scope, IGrantable grantee);

  private static void readObject(IGrantable grantee, IBucket bucket, String key) {
    // The fetcher reads the object and its ETag: s3:GetObject on that one key, nothing wider.
    grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
        .actions(List.of("s3:GetObject")).resources(List.of(bucket.arnForObjects(key))).build());
    if (bucket.getEncryptionKey() != null) {
      bucket.getEncryptionKey().grantDecrypt(grantee);
    }
  }
}
