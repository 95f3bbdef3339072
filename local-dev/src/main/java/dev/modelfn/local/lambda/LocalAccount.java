package dev.modelfn.local.lambda;

/** The account and credentials of the local cloud (the same defaults LocalStack uses). */
public final class LocalAccount {
  public static final String ID = "000000000000";
  public static final String REGION = "us-east-1";
  public static final String ACCESS_KEY_ID = "test";
  public static final String SECRET_ACCESS_KEY = "test";

  private LocalAccount() {}

  /** Lambda's Java runtime class path (the runtime interface client), built by local-dev/lambda-runtime. */
  public static java.nio.file.Path runtimeDir(java.nio.file.Path home) {
    return home.resolve("local-dev/lambda-runtime/target/lib");
  }
}
