package dev.modelfn.testing;

import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test or test class did not run, where {@code ./mvnw verify} shows it: Surefire and
 * Failsafe count skipped tests on the console but keep the reason (a failed assumption, a disabled
 * condition, no Docker engine for Testcontainers) in their XML reports only. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}; the platform
 * instantiates one per launcher (a class named by several service files counts once).
 */
public final class SkipReasonsListener implements TestExecutionListener {
  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    print(test, reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
  }

  private static void print(TestIdentifier test, String reason) {
    String why = reason == null || reason.isBlank() ? "no reason given" : reason.replaceFirst("^Assumption failed: ", "");
    // System.out as it is now: Surefire and Failsafe capture it and print it on the console
    System.out.println("[SKIPPED] " + name(test) + ": " + why);
  }

  static String name(TestIdentifier test) {
    Optional<TestSource> source = test.getSource();
    if (source.isPresent() && source.get() instanceof MethodSource m) {
      String cls = m.getClassName();
      return cls.substring(cls.lastIndexOf('.') + 1) + "." + m.getMethodName()
          + (test.getDisplayName().startsWith(m.getMethodName()) ? "" : " " + test.getDisplayName());
    }
    if (source.isPresent() && source.get() instanceof ClassSource c) {
      return c.getClassName();
    }
    return test.getDisplayName();
  }
}
