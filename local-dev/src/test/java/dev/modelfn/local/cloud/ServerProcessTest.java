package dev.modelfn.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start is named, with the end of its log; a slow one is stopped. */
class ServerProcessTest {
  @Test
  void aServerThatExitsIsReportedWithItsLog(@TempDir Path dir) {
    ServerProcess p = new ServerProcess(new ServerProcess.Spec("sqs", List.of("sh", "-c",
        "echo starting; echo 'Address already in use' >&2; exit 7"), Map.of(), dir, dir.resolve("logs/sqs.log"),
        Servers.freePort(), Duration.ofSeconds(10)));
    ServerStartException e = catchThrowableOfType(ServerStartException.class, p::start);
    assertThat(e.getMessage()).contains("sqs exited with status 7 while starting").contains("Address already in use")
        .contains("sqs.log");
  }

  @Test
  void aServerThatNeverListensIsStoppedAfterItsTimeout(@TempDir Path dir) {
    int port = Servers.freePort();
    ServerProcess p = new ServerProcess(new ServerProcess.Spec("s3", List.of("sh", "-c", "echo waiting; sleep 30"),
        Map.of(), dir, dir.resolve("s3.log"), port, Duration.ofMillis(700)));
    ServerStartException e = catchThrowableOfType(ServerStartException.class, p::start);
    assertThat(e.getMessage()).contains("s3 was not listening on port " + port).contains("waiting");
    assertThat(p.alive()).isFalse();
  }

  @Test
  void aMissingCommandIsReported(@TempDir Path dir) {
    ServerProcess p = new ServerProcess(new ServerProcess.Spec("kinesis", List.of("/nonexistent/node", "main.js"),
        Map.of(), dir, dir.resolve("k.log"), Servers.freePort(), Duration.ofSeconds(5)));
    assertThat(catchThrowableOfType(ServerStartException.class, p::start).getMessage())
        .startsWith("kinesis did not start");
  }
}
