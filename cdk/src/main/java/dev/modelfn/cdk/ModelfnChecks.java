package dev.modelfn.cdk;

import dev.modelfn.cdk.internal.Nag;
import software.amazon.awscdk.Stack;

/**
 * cdk-nag for stacks built from these constructs: the AwsSolutions findings the constructs accept
 * by design, each suppressed with its reason (see {@code dev.modelfn.cdk.internal.Nag}), so that
 * what remains is yours to look at.
 */
public final class ModelfnChecks {
  private ModelfnChecks() {}

  /** Call once the stack's constructs are added (it also finds the roles the CDK itself made). */
  public static void acceptDesignedFindings(Stack stack) {
    Nag.suppressForStack(stack);
    Nag.cdkInternals(stack);
  }
}
