package dev.modelfn.cdk;

/**
 * The settings every construct's function has: memory, timeout and reserved concurrency, with the
 * construct's defaults. {@code P} is the construct's own props type, so that setters chain.
 */
public abstract class FunctionProps<P extends FunctionProps<P>> {
  int memoryMb;
  int timeoutSeconds;
  Integer reservedConcurrency;

  FunctionProps(int memoryMb, int timeoutSeconds) {
    this.memoryMb = memoryMb;
    this.timeoutSeconds = timeoutSeconds;
  }

  @SuppressWarnings("unchecked")
  private P self() {
    return (P) this;
  }

  /** Memory in MB (CPU grows with it), 128 to 10240. */
  public P memoryMb(int v) {
    this.memoryMb = v;
    return self();
  }

  /** 1 to 900 seconds. */
  public P timeoutSeconds(int v) {
    this.timeoutSeconds = v;
    return self();
  }

  /** Reserved concurrency, also a cap; default none (the account's pool). */
  public P reservedConcurrency(Integer v) {
    this.reservedConcurrency = v;
    return self();
  }
}
