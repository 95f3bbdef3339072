package dev.modelfn.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/** With a data folder ({@code local-dev/up --persist}), objects and records outlive a restart. */
class LocalCloudPersistenceIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();

  private static LocalCloud start(Path data, Path run) throws Exception {
    CloudConfig cfg = CloudConfig.parse("""
        { "buckets": [ { "name": "kept" } ], "streams": [ { "name": "kept-records", "shards": 1 } ] }""", "LocalCloudPersistenceIT");
    LocalCloud cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", Servers.freePort(), HOME,
        HOME.resolve("local-dev/.cache"), run, data, Path.of(System.getProperty("java.home"), "bin", "java"),
        Set.of("s3", "kinesis"), line -> { }), cfg);
    cloud.start();
    return cloud;
  }

  @Test
  void objectsAndRecordsSurviveARestart(@TempDir Path data, @TempDir Path run) throws Exception {
    try (LocalCloud first = start(data, run); S3Client s3 = first.s3Client(); KinesisClient kinesis = first.kinesisClient()) {
      s3.putObject(p -> p.bucket("kept").key("a/b.txt"), RequestBody.fromString("still here"));
      kinesis.putRecord(p -> p.streamName("kept-records").partitionKey("k").data(SdkBytes.fromUtf8String("r1")));
      Thread.sleep(2500); // kinesis-mock writes its data every second
    }
    try (LocalCloud second = start(data, run); S3Client s3 = second.s3Client();
        KinesisClient kinesis = second.kinesisClient()) {
      assertThat(s3.getObjectAsBytes(g -> g.bucket("kept").key("a/b.txt")).asUtf8String()).isEqualTo("still here");
      String shard = kinesis.listShards(l -> l.streamName("kept-records")).shards().get(0).shardId();
      String it = kinesis.getShardIterator(g -> g.streamName("kept-records").shardId(shard)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      List<String> data2 = kinesis.getRecords(g -> g.shardIterator(it)).records().stream()
          .map(r -> r.data().asUtf8String()).toList();
      assertThat(data2).containsExactly("r1");
    }
  }
}
