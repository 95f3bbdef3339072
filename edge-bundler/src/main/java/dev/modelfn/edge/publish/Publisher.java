package dev.modelfn.edge.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.edge.bundle.SigningKey;
import dev.modelfn.edge.client.BundleFile;
import dev.modelfn.edge.client.ChannelPointer;
import dev.modelfn.edge.client.EdgeException;
import dev.modelfn.edge.client.TrustedKeys;
import dev.modelfn.edge.quantize.Progress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Publishes bundles and moves channel pointers in S3 (docs/edge.md):
 *
 * <ul>
 *   <li>a bundle goes to {@code models/<name>/<version>-<sha256>/<name>-<version>.bundle}, with its
 *       manifest beside it, as immutable objects ({@code Cache-Control: public, max-age=31536000,
 *       immutable});
 *   <li>the pointer {@code channels/<name>/<channel>.json} is rewritten, signed, with a short max-age
 *       and an expiry, a sequence one above the last, and only then invalidated on the CDN.
 * </ul>
 *
 * Versions only grow; a rollback is a new pointer (higher sequence) that names the previous
 * version and revokes the withdrawn one. Pointer writes are conditional on the pointer read
 * (If-Match / If-None-Match), so two publishers cannot overwrite each other's step unseen.
 */
public final class Publisher {
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** The rollout ladder {@code promote} walks. */
  public static final List<Double> STEPS = List.of(1.0, 5.0, 25.0, 100.0);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Client s3;
  private final String bucket;
  private final SigningKey key;
  private final TrustedKeys trust;
  private final PointerInvalidator invalidator;
  private final Clock clock;
  private final Duration pointerLifetime;
  private final int pointerMaxAgeSeconds;

  /** Drift limits: a bundle over any of them is refused unless forced. */
  public record Thresholds(double maxTop1Disagreement, double maxProbabilityDiff, double maxAucDrop) {
    public static final Thresholds DEFAULTS = new Thresholds(0.01, 0.05, 0.005);
  }

  /**
   * @param trust keys whose pointers and bundles this publisher accepts (its own key, plus old keys while rotating)
   * @param pointerLifetime how long a pointer stays valid; run {@code refresh} before it runs out
   */
  public Publisher(S3Client s3, String bucket, SigningKey key, TrustedKeys trust, PointerInvalidator invalidator,
      Clock clock, Duration pointerLifetime, int pointerMaxAgeSeconds) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.trust = trust;
    this.invalidator = invalidator;
    this.clock = clock;
    this.pointerLifetime = pointerLifetime;
    this.pointerMaxAgeSeconds = pointerMaxAgeSeconds;
  }

  public static String pointerKey(String name, String channel) {
    return "channels/" + name + "/" + channel + ".json";
  }

  private record Current(ChannelPointer pointer, String etag) {}

  /** The channel's pointer as it is in the bucket, verified; empty when the channel is new. */
  public Optional<ChannelPointer> read(String name, String channel) throws IOException, PublishException {
    return current(name, channel).map(Current::pointer);
  }

  private Optional<Current> current(String name, String channel) throws PublishException {
    ResponseBytes<GetObjectResponse> b;
    try {
      b = s3.getObjectAsBytes(r -> r.bucket(bucket).key(pointerKey(name, channel)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Current(ChannelPointer.verify(b.asByteArray(), trust), b.response().eTag()));
    } catch (EdgeException e) {
      throw new PublishException("s3://" + bucket + "/" + pointerKey(name, channel) + " is refused (" + e.getMessage()
          + "); pass the key that signed it with --public-key, or fix the bucket");
    }
  }

  /**
   * Uploads a bundle and points the channel at it for {@code rolloutPercent} of devices; the
   * version the channel named becomes the previous one.
   */
  public ChannelPointer publish(Path bundle, String channel, double rolloutPercent, Thresholds limits, boolean force,
      Progress progress) throws IOException, PublishException {
    BundleFile.Verified v;
    try {
      v = BundleFile.verify(bundle, trust, null);
    } catch (EdgeException e) {
      throw new PublishException(bundle + " is refused: " + e.getMessage());
    }
    JsonNode manifest = JSON.readTree(v.manifestBytes());
    List<String> over = drift(manifest.path("quantization").path("drift"), limits);
    if (!over.isEmpty() && !force) {
      throw new PublishException("the bundle's measured drift exceeds the limits: " + String.join("; ", over)
          + ". Re-bundle (another quantization or calibration), raise the limits, or pass --force");
    }
    String name = v.manifest().name();
    long version = v.manifest().version();
    Optional<Current> cur = current(name, channel);
    if (cur.isPresent() && version <= cur.get().pointer().current().version()) {
      throw new PublishException("version " + version + " is not above version " + cur.get().pointer().current()
          .version() + " on " + name + "/" + channel + ": versions only grow (bundle again with a higher --version)");
    }
    String sha = BundleFile.sha256(bundle);
    long size = Files.size(bundle);
    String prefix = "models/" + name + "/" + version + "-" + sha + "/";
    String objectKey = prefix + bundle.getFileName();
    if (!exists(objectKey, size)) {
      try (InputStream in = new Counting(Files.newInputStream(bundle), size, progress)) {
        s3.putObject(r -> r.bucket(bucket).key(objectKey).cacheControl(IMMUTABLE)
            .contentType("application/vnd.modelfn.edge-bundle"), RequestBody.fromInputStream(in, size));
      }
      s3.putObject(r -> r.bucket(bucket).key(prefix + "manifest.json").cacheControl(IMMUTABLE)
          .contentType("application/json"), RequestBody.fromBytes(v.manifestBytes()));
    }
    progress.update(size, size);
    ChannelPointer.Target target = new ChannelPointer.Target(version, objectKey, sha, size,
        v.manifest().minClientVersion());
    ChannelPointer.Target previous = cur.map(c -> c.pointer().current()).orElse(null);
    List<Long> revoked = cur.map(c -> c.pointer().revoked()).orElse(List.of());
    return write(name, channel, cur, rolloutPercent, target, previous, revoked);
  }

  /** The next rollout step (1 → 5 → 25 → 100 %). */
  public ChannelPointer promote(String name, String channel) throws IOException, PublishException {
    Current c = require(name, channel);
    double now = c.pointer().rolloutPercent();
    Double next = STEPS.stream().filter(s -> s > now).findFirst().orElse(null);
    if (next == null) {
      throw new PublishException(name + "/" + channel + " is at 100 % already (version " + c.pointer().current()
          .version() + ")");
    }
    return rollout(name, channel, next);
  }

  /** Sets the share of devices on the current version. */
  public ChannelPointer rollout(String name, String channel, double percent) throws IOException, PublishException {
    if (percent < 0 || percent > 100) {
      throw new PublishException("the rollout percentage must be 0 to 100, not " + percent);
    }
    Current c = require(name, channel);
    ChannelPointer p = c.pointer();
    return write(name, channel, Optional.of(c), percent, p.current(), p.previous(), p.revoked());
  }

  /** Points the channel back at the previous version, for every device, and revokes the current one. */
  public ChannelPointer rollback(String name, String channel) throws IOException, PublishException {
    Current c = require(name, channel);
    ChannelPointer p = c.pointer();
    if (p.previous() == null) {
      throw new PublishException(name + "/" + channel + " has no previous version to roll back to");
    }
    List<Long> revoked = new ArrayList<>(p.revoked());
    revoked.add(p.current().version());
    return write(name, channel, Optional.of(c), 100, p.previous(), null, revoked);
  }

  /** Re-signs the pointer unchanged with a new expiry (run it on a schedule shorter than the lifetime). */
  public ChannelPointer refresh(String name, String channel) throws IOException, PublishException {
    Current c = require(name, channel);
    ChannelPointer p = c.pointer();
    return write(name, channel, Optional.of(c), p.rolloutPercent(), p.current(), p.previous(), p.revoked());
  }

  private Current require(String name, String channel) throws PublishException {
    return current(name, channel).orElseThrow(() -> new PublishException("no pointer at s3://" + bucket + "/"
        + pointerKey(name, channel) + ": publish a bundle to it first"));
  }

  private ChannelPointer write(String name, String channel, Optional<Current> cur, double rollout,
      ChannelPointer.Target current, ChannelPointer.Target previous, List<Long> revoked)
      throws IOException, PublishException {
    ObjectNode p = JSON.createObjectNode();
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    p.put("type", ChannelPointer.TYPE).put("name", name).put("channel", channel)
        .put("sequence", cur.map(c -> c.pointer().sequence() + 1).orElse(1L))
        .put("created", now.toString()).put("expires", now.plus(pointerLifetime).toString())
        .put("rollout_percent", rollout);
    target(p.putObject("current"), current);
    if (previous == null) {
      p.putNull("previous");
    } else {
      target(p.putObject("previous"), previous);
    }
    ArrayNode r = p.putArray("revoked");
    revoked.forEach(r::add);
    byte[] payload = JSON.writeValueAsBytes(p);
    Map<String, String> sig = key.sign(TrustedKeys.POINTER_TYPE, payload);
    ObjectNode env = JSON.createObjectNode().put("payloadType", TrustedKeys.POINTER_TYPE)
        .put("payload", Base64.getEncoder().encodeToString(payload));
    env.putArray("signatures").addObject().put("keyid", sig.get("keyid")).put("sig", sig.get("sig"));
    byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(env);
    String k = pointerKey(name, channel);
    try {
      s3.putObject(b -> {
        b.bucket(bucket).key(k).cacheControl("public, max-age=" + pointerMaxAgeSeconds).contentType("application/json");
        if (cur.isPresent() && cur.get().etag() != null) {
          b.ifMatch(cur.get().etag());
        } else if (cur.isEmpty()) {
          b.ifNoneMatch("*");
        }
      }, RequestBody.fromBytes(body));
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        throw new PublishException(k + " changed while this command ran (another publisher?): run it again");
      }
      throw e;
    }
    invalidator.invalidate(List.of("/" + k));
    return ChannelPointer.parse(payload);
  }

  private static void target(ObjectNode n, ChannelPointer.Target t) {
    n.put("version", t.version()).put("path", t.path()).put("sha256", t.sha256()).put("size", t.size())
        .put("min_client_version", t.minClientVersion());
  }

  private boolean exists(String objectKey, long size) {
    try {
      return s3.headObject(r -> r.bucket(bucket).key(objectKey)).contentLength() == size;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** The drift figures over their limits, as readable lines; empty when within. */
  static List<String> drift(JsonNode d, Thresholds t) {
    List<String> over = new ArrayList<>();
    if (d.isMissingNode() || d.isNull()) {
      return over;
    }
    double disagreement = 1 - d.path("top1_agreement").asDouble(1);
    if (disagreement > t.maxTop1Disagreement()) {
      over.add(String.format("top-1 disagreement %.4f > --max-top1-disagreement %.4f", disagreement,
          t.maxTop1Disagreement()));
    }
    double diff = d.path("max_abs_probability_diff").asDouble(0);
    if (diff > t.maxProbabilityDiff()) {
      over.add(String.format("max abs probability diff %.4f > --max-prob-diff %.4f", diff, t.maxProbabilityDiff()));
    }
    if (d.path("auc_delta").isNumber() && -d.path("auc_delta").asDouble() > t.maxAucDrop()) {
      over.add(String.format("AUC drop %.4f > --max-auc-drop %.4f", -d.path("auc_delta").asDouble(), t.maxAucDrop()));
    }
    return over;
  }

  /** Counts bytes read, for the upload's progress bar. */
  private static final class Counting extends FilterInputStream {
    private final long total;
    private final Progress progress;
    private long done;

    Counting(InputStream in, long total, Progress progress) {
      super(in);
      this.total = total;
      this.progress = progress;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        done += n;
        progress.update(done, total);
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c >= 0) {
        progress.update(++done, total);
      }
      return c;
    }
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
