package dev.modelfn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The reason of every skipped test reaches the console, through the listener the service file registers. */
class SkipReasonsListenerTest {
  /** Run only by the launcher below (Surefire leaves nested classes alone). */
  static class Sample {
    @Test
    void needsAnEngine() {
      Assumptions.assumeTrue(false, "no Docker engine on this machine");
    }

    @Test
    @Disabled("waits for the next runtime")
    void disabled() {
    }

    @Test
    void runs() {
    }
  }

  @Test
  void printsTheReasonOfEachSkippedTest() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Sample.class))
          .build());
    } finally {
      System.setOut(console);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("[SKIPPED]")))
        .containsExactlyInAnyOrder(
            "[SKIPPED] SkipReasonsListenerTest$Sample.needsAnEngine: no Docker engine on this machine",
            "[SKIPPED] SkipReasonsListenerTest$Sample.disabled: waits for the next runtime");
  }
}
