package dev.modelfn.e2e.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.config.EnvVars;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** local-dev/cloud.json hands its resources to functions under the env var names modelfn reads. */
class CloudDescriptionTest {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();

  @Test
  void resourcesUseDeclaredEnvVarNames() {
    CloudConfig config = CloudConfig.read(HOME.resolve("local-dev/cloud.json"));
    var env = LocalCloud.resourceEnvironment(config, name -> "http://127.0.0.1:4566/000000000000/" + name);
    assertThat(env).isNotEmpty();
    assertThat(EnvVars.ALL).containsAll(env.keySet());
    assertThat(env).containsEntry(EnvVars.DATA_BUCKET, "modelfn-data")
        .containsEntry(EnvVars.BATCH_QUEUE_URL, "http://127.0.0.1:4566/000000000000/modelfn-batch-objects")
        .containsEntry(EnvVars.INPUT_STREAM, "modelfn-input-stream");
  }
}
