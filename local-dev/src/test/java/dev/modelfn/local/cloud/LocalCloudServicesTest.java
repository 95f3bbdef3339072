package dev.modelfn.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code local-dev/up --services} leaves out of {@code cloud.json}, and says it does. */
class LocalCloudServicesTest {
  private static final CloudConfig CLOUD_JSON = CloudConfig.read(Path.of("cloud.json"));

  private static LocalCloud cloud(Set<String> services) {
    return new LocalCloud(new LocalCloud.Options("127.0.0.1", 4566, Path.of(".."), Path.of("target/cache"),
        Path.of("target/run"), null, Path.of("java"), services, line -> { }), CLOUD_JSON);
  }

  @Test
  void withoutKinesisTheStreamAndItsTriggerAreLeftOutWithOneNote() {
    assertThat(cloud(Set.of("s3", "sqs")).skippedNotes()).containsExactly("kinesis is not started (--services s3,sqs):"
        + " skipped stream modelfn-input-stream (MODELFN_INPUT_STREAM), trigger stream modelfn-input-stream ->"
        + " modelfn-stream; add kinesis to --services to have them");
    CloudConfig hosted = CLOUD_JSON.onlyFor(Set.of("s3", "sqs"));
    assertThat(hosted.streams()).isEmpty();
    assertThat(hosted.triggers()).allMatch(t -> t.queue() != null).hasSize(3);
    assertThat(hosted.functions()).hasSameSizeAs(CLOUD_JSON.functions());
    Map<String, String> env = LocalCloud.resourceEnvironment(hosted, q -> "http://edge/" + q);
    assertThat(env).doesNotContainKey("MODELFN_INPUT_STREAM").containsEntry("MODELFN_POISON_QUEUE_URL",
        "http://edge/modelfn-poison").containsEntry("MODELFN_DATA_BUCKET", "modelfn-data");
  }

  @Test
  void withoutSqsTheQueuesTheirNotificationsAndTriggersAreLeftOut() {
    var notes = cloud(Set.of("s3", "kinesis")).skippedNotes();
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0)).startsWith("sqs is not started (--services s3,kinesis): skipped notification"
        + " modelfn-data/incoming/ -> queue modelfn-batch-objects, queue modelfn-batch-objects-dlq, ")
        .contains("queue modelfn-poison (MODELFN_POISON_QUEUE_URL)", "trigger queue modelfn-jobs -> modelfn-async");
    CloudConfig hosted = CLOUD_JSON.onlyFor(Set.of("s3", "kinesis"));
    assertThat(hosted.queues()).isEmpty();
    assertThat(hosted.buckets()).singleElement().satisfies(b -> assertThat(b.notifications()).isEmpty());
    assertThat(hosted.triggers()).singleElement().satisfies(t -> assertThat(t.stream())
        .isEqualTo("modelfn-input-stream"));
  }

  @Test
  void everythingIsHostedWithAllServers() {
    assertThat(cloud(LocalCloud.SERVICES).skippedNotes()).isEmpty();
    assertThat(CLOUD_JSON.onlyFor(LocalCloud.SERVICES)).isEqualTo(CLOUD_JSON);
  }

  @Test
  void saysWhatToDoWhenNodeIsNotOnThePath() {
    assertThatThrownBy(() -> Servers.requireNode("/nonexistent:/also-not-here"))
        .isInstanceOf(ServerStartException.class)
        .hasMessage("the Kinesis server runs on Node.js, and there is no 'node' on the PATH: install Node.js 20 with"
            + " npm (https://nodejs.org/), or start without Kinesis: local-dev/up --services s3,sqs");
  }
}
