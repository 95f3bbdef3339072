package dev.modelfn.edge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.edge.bundle.Bundler;
import dev.modelfn.edge.bundle.SigningKey;
import dev.modelfn.edge.client.BundleFile;
import dev.modelfn.edge.client.ChannelPointer;
import dev.modelfn.edge.client.EdgeClient;
import dev.modelfn.edge.client.EdgeException;
import dev.modelfn.edge.client.TrustedKeys;
import dev.modelfn.edge.publish.CloudFrontInvalidator;
import dev.modelfn.edge.publish.PointerInvalidator;
import dev.modelfn.edge.publish.PublishException;
import dev.modelfn.edge.publish.Publisher;
import dev.modelfn.edge.quantize.Calibrator;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code modelfn-edge}: bundles, signs, verifies, inspects and publishes models for devices, and
 * moves their channels (docs/edge.md). Exit codes: 0 done, 1 refused (the reason is printed), 2
 * usage.
 */
@Command(name = "modelfn-edge", mixinStandardHelpOptions = true, version = "modelfn-edge 0.1.0",
    description = "Optimize, quantize, sign and publish ONNX models for on-device inference.",
    subcommands = {EdgeCli.Keygen.class, EdgeCli.Bundle.class, EdgeCli.Sign.class, EdgeCli.Verify.class,
        EdgeCli.Inspect.class, EdgeCli.Publish.class, EdgeCli.Promote.class, EdgeCli.Rollout.class,
        EdgeCli.Rollback.class, EdgeCli.Refresh.class, EdgeCli.Status.class, EdgeCli.Cdn.class,
        EdgeCli.Device.class})
public final class EdgeCli {
  static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line; returns the exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new EdgeCli());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof PublishException || e instanceof IllegalArgumentException || e instanceof java.io.IOException
          || e instanceof software.amazon.awssdk.core.exception.SdkException || e instanceof ai.onnxruntime.OrtException) {
        cmd.getErr().println("modelfn-edge " + cmd.getCommandName() + ": " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cl.execute(args);
  }

  /** What every command has: --help, and its spec for output. */
  abstract static class Base implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
  }

  @Command(name = "keygen", description = "Write an Ed25519 key pair: <prefix>-private.key.json and <prefix>-public.key.json.")
  static final class Keygen extends Base {
    @Option(names = "--out", required = true, description = "Directory for the key files.")
    Path out;

    @Option(names = "--prefix", defaultValue = "edge-signing", description = "File name prefix (default ${DEFAULT-VALUE}).")
    String prefix;

    @Override
    public Integer call() throws Exception {
      SigningKey.KeyFiles f = SigningKey.generate(out, prefix);
      PrintWriter o = spec.commandLine().getOut();
      o.println("private key: " + f.privateKey() + " (keep it secret; publish and sign need it)");
      o.println("public key:  " + f.publicKey() + " (ship it in the app; verify needs it)");
      o.println("key id:      " + f.keyId());
      return 0;
    }
  }

  @Command(name = "bundle", description = "Quantize (optional), optimize, measure, sign and write <name>-<version>.bundle.")
  static final class Bundle extends Base {
    @Option(names = "--model", required = true, description = "The fp32 ONNX model.")
    Path model;

    @Option(names = "--name", required = true, description = "Model name (a-z 0-9 . _ -).")
    String name;

    @Option(names = "--version", required = true, description = "Version: an integer above every earlier one.")
    long version;

    @Option(names = "--key", required = true, description = "Private key file (keygen).")
    Path key;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--quantize", defaultValue = "none", description = "none, dynamic (int8) or static (QDQ int8).")
    String quantize;

    @Option(names = "--calibration", description = "Calibration inputs for --quantize static (CSV or .npy).")
    Path calibration;

    @Option(names = "--calibration-method", defaultValue = "minmax", description = "minmax or percentile.")
    String calibrationMethod;

    @Option(names = "--percentile", defaultValue = "99.99", description = "Upper percentile for percentile calibration.")
    double percentile;

    @Option(names = "--holdout", description = "Hold-out inputs (CSV with an optional label column, or .npy); default: synthetic standard-normal rows.")
    Path holdout;

    @Option(names = "--holdout-rows", defaultValue = "10000", description = "Rows of the synthetic hold-out set.")
    int holdoutRows;

    @Option(names = "--no-optimize", negatable = false, description = "Skip ONNX Runtime's offline (basic) optimization.")
    boolean noOptimize;

    @Option(names = "--min-client-version", defaultValue = "1.0", description = "Oldest edge client that can run the bundle.")
    String minClientVersion;

    @Option(names = "--feature-names", split = ",", description = "Input feature names, comma-separated.")
    List<String> featureNames;

    @Option(names = "--labels", split = ",", description = "Output class labels, comma-separated.")
    List<String> labels;

    @Option(names = "--golden", defaultValue = "3", description = "Golden cases for the on-device health check.")
    int golden;

    @Override
    public Integer call() throws Exception {
      Bundler.Quantization q = Bundler.Quantization.valueOf(quantize.toUpperCase(Locale.ROOT));
      Calibrator.Method m = Calibrator.Method.valueOf(calibrationMethod.toUpperCase(Locale.ROOT));
      Bundler.Request r = new Bundler.Request(model, name, version, SigningKey.read(key), out, q, calibration, m,
          percentile, holdout, holdoutRows, !noOptimize, minClientVersion, featureNames, labels, golden,
          Clock.systemUTC());
      Bundler.Result res = Bundler.bundle(r, stage -> new ProgressBar(stage, "rows", false, System.err));
      PrintWriter o = spec.commandLine().getOut();
      o.println("wrote " + res.bundle() + " (" + Files.size(res.bundle()) + " bytes)");
      printDrift(o, res.manifest());
      return 0;
    }
  }

  static void printDrift(PrintWriter o, JsonNode manifest) {
    JsonNode q = manifest.path("quantization");
    JsonNode d = q.path("drift");
    o.printf("quantization %s; against fp32 on %d hold-out rows: size x%.3f, p50 x%.3f (%.1f -> %.1f us), "
        + "top-1 agreement %.4f, max abs prob diff %.5f, AUC delta %s%n", q.path("method").asText(),
        d.path("holdout_rows").asInt(), d.path("size_ratio").asDouble(), d.path("p50_latency_ratio").asDouble(),
        d.path("fp32_p50_us").asDouble(), d.path("p50_us").asDouble(), d.path("top1_agreement").asDouble(),
        d.path("max_abs_probability_diff").asDouble(), d.path("auc_delta").isNumber()
            ? String.format("%.5f", d.path("auc_delta").asDouble()) : "n/a (not a binary classifier)");
  }

  @Command(name = "sign", description = "Re-sign a bundle's manifest with one or more keys (key rotation: old and new).")
  static final class Sign extends Base {
    @Option(names = "--bundle", required = true)
    Path bundle;

    @Option(names = "--key", required = true, description = "Private key file(s); repeat for several signatures.")
    List<Path> keys;

    @Option(names = "--public-key", required = true, description = "Key(s) the bundle is signed with now (checked first).")
    List<Path> publicKeys;

    @Override
    public Integer call() throws Exception {
      List<SigningKey> ks = new ArrayList<>();
      for (Path k : keys) {
        ks.add(SigningKey.read(k));
      }
      try {
        Bundler.resign(bundle, ks, TrustedKeys.read(publicKeys));
      } catch (EdgeException e) {
        spec.commandLine().getErr().println("modelfn-edge sign: refused: " + e.getMessage());
        return 1;
      }
      spec.commandLine().getOut().println("signed " + bundle + " with " + ks.stream().map(SigningKey::keyId).toList());
      return 0;
    }
  }

  @Command(name = "verify", description = "Check a bundle: framing, signature, model hash. Exit 1 names the reason.")
  static final class Verify extends Base {
    @Option(names = "--bundle", required = true)
    Path bundle;

    @Option(names = "--public-key", required = true, description = "Trusted public key file(s).")
    List<Path> publicKeys;

    @Override
    public Integer call() throws Exception {
      try {
        BundleFile.Verified v = BundleFile.verify(bundle, TrustedKeys.read(publicKeys), null);
        spec.commandLine().getOut().println("OK " + v.manifest().name() + " version " + v.manifest().version()
            + ": signature valid, model.onnx sha256 " + v.manifest().modelSha256());
        return 0;
      } catch (EdgeException e) {
        spec.commandLine().getErr().println("REFUSED " + bundle + ": " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "inspect", description = "Print a bundle's manifest (verified when --public-key is given).")
  static final class Inspect extends Base {
    @Option(names = "--bundle", required = true)
    Path bundle;

    @Option(names = "--public-key", description = "Verify with these keys first.")
    List<Path> publicKeys;

    @Option(names = "--extract", description = "Also write manifest.json, signature.json and model.onnx here (after verifying).")
    Path extract;

    @Option(names = "--json", description = "Print the whole manifest as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter o = spec.commandLine().getOut();
      JsonNode m;
      String status = "NOT VERIFIED (no --public-key)";
      try {
        if (publicKeys != null && !publicKeys.isEmpty()) {
          Path model = null;
          if (extract != null) {
            Files.createDirectories(extract);
            model = extract.resolve("model.onnx");
          }
          BundleFile.Verified v = BundleFile.verify(bundle, TrustedKeys.read(publicKeys), model);
          m = JSON.readTree(v.manifestBytes());
          status = "verified";
          if (extract != null) {
            Files.write(extract.resolve(BundleFile.MANIFEST), v.manifestBytes());
            Files.write(extract.resolve(BundleFile.SIGNATURE), v.signatureBytes());
          }
        } else {
          if (extract != null) {
            throw new IllegalArgumentException("--extract needs --public-key: nothing unverified is extracted");
          }
          m = JSON.valueToTree(BundleFile.peekManifest(bundle));
        }
      } catch (EdgeException e) {
        spec.commandLine().getErr().println("REFUSED " + bundle + ": " + e.getMessage());
        return 1;
      }
      if (json) {
        o.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        return 0;
      }
      o.printf("%s version %d (%s)%n", m.path("name").asText(), m.path("version").asLong(), status);
      o.printf("created %s, min client %s, model.onnx %d bytes sha256 %s%n", m.path("created").asText(),
          m.path("min_client_version").asText(), m.path("files").path("model.onnx").path("size").asLong(),
          m.path("files").path("model.onnx").path("sha256").asText());
      o.printf("ONNX IR %d, opsets %s, optimization %s%n", m.path("model").path("ir_version").asInt(),
          m.path("model").path("opsets"), m.path("optimization").path("level").asText());
      for (String side : List.of("inputs", "outputs")) {
        for (JsonNode io : m.path(side)) {
          o.printf("%s %s %s %s%n", side.substring(0, side.length() - 1), io.path("name").asText(),
              io.path("type").asText(), io.path("shape"));
        }
      }
      printDrift(o, m);
      o.printf("golden cases: %d (tolerance %s)%n", m.path("golden").path("cases").size(),
          m.path("golden").path("tolerance").asText());
      return 0;
    }
  }

  /** Where the bucket is and how to sign pointers: shared by publish, promote, rollout, rollback, refresh. */
  static final class Channel {
    @Option(names = "--bucket", required = true, description = "S3 bucket behind the CDN.")
    String bucket;

    @Option(names = "--channel", defaultValue = "stable", description = "Channel: stable, beta, ... (default ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--key", required = true, description = "Private key that signs pointers.")
    Path key;

    @Option(names = "--public-key", description = "More keys whose earlier pointers and bundles are accepted (rotation).")
    List<Path> publicKeys;

    @Option(names = "--distribution-id", description = "CloudFront distribution whose pointer cache is invalidated.")
    String distributionId;

    @Option(names = "--endpoint-url", description = "S3 endpoint (the local cloud: http://127.0.0.1:4566).")
    URI endpoint;

    @Option(names = "--region", description = "AWS region (default: the SDK's chain).")
    String region;

    @Option(names = "--expires-in", defaultValue = "P7D", description = "Pointer lifetime, ISO-8601 (default ${DEFAULT-VALUE}); run refresh before it ends.")
    Duration expiresIn;

    @Option(names = "--pointer-max-age", defaultValue = "30", description = "Cache-Control max-age of pointers, seconds.")
    int pointerMaxAge;

    Publisher publisher(S3Client s3, CloudFrontClient cf) throws java.io.IOException {
      SigningKey k = SigningKey.read(key);
      TrustedKeys trusted = publicKeys == null ? k.trust() : k.trust().plus(TrustedKeys.read(publicKeys));
      PointerInvalidator inv = cf == null ? PointerInvalidator.NONE : new CloudFrontInvalidator(cf, distributionId);
      return new Publisher(s3, bucket, k, trusted, inv, Clock.systemUTC(), expiresIn, pointerMaxAge);
    }

    S3Client s3() {
      var b = S3Client.builder().httpClient(UrlConnectionHttpClient.create());
      if (endpoint != null) {
        b.endpointOverride(endpoint).forcePathStyle(true);
      }
      if (region != null) {
        b.region(Region.of(region));
      }
      return b.build();
    }

    CloudFrontClient cloudFront() {
      return distributionId == null ? null : CloudFrontClient.builder().region(Region.AWS_GLOBAL)
          .httpClient(UrlConnectionHttpClient.create()).build();
    }
  }

  abstract static class ChannelCommand extends Base {
    @Mixin
    Channel channel;

    abstract ChannelPointer apply(Publisher p) throws Exception;

    @Override
    public Integer call() throws Exception {
      CloudFrontClient cf = channel.cloudFront();
      try (S3Client s3 = channel.s3()) {
        ChannelPointer p = apply(channel.publisher(s3, cf));
        PrintWriter o = spec.commandLine().getOut();
        o.println(describe(p) + (cf == null ? " (no --distribution-id: no CDN invalidation)" : ""));
        return 0;
      } finally {
        if (cf != null) {
          cf.close();
        }
      }
    }
  }

  static String describe(ChannelPointer p) {
    return String.format("%s/%s -> version %d for %s%% of devices%s; sequence %d, expires %s%s", p.name(), p.channel(),
        p.current().version(), trim(p.rolloutPercent()), p.previous() == null || p.rolloutPercent() >= 100 ? ""
            : ", version " + p.previous().version() + " for the rest", p.sequence(), p.expires(),
        p.revoked().isEmpty() ? "" : ", revoked " + p.revoked());
  }

  static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  @Command(name = "publish", description = "Upload a bundle (immutable, content-addressed) and point a channel at it.")
  static final class Publish extends ChannelCommand {
    @Option(names = "--bundle", required = true)
    Path bundle;

    @Option(names = "--rollout", defaultValue = "1", description = "Share of devices, percent (default ${DEFAULT-VALUE}; promote walks 1, 5, 25, 100).")
    double rollout;

    @Option(names = "--max-top1-disagreement", defaultValue = "0.01", description = "Refuse above this top-1 disagreement with fp32 (default ${DEFAULT-VALUE}).")
    double maxTop1;

    @Option(names = "--max-prob-diff", defaultValue = "0.05", description = "Refuse above this max abs probability difference (default ${DEFAULT-VALUE}).")
    double maxProb;

    @Option(names = "--max-auc-drop", defaultValue = "0.005", description = "Refuse a binary classifier losing more AUC (default ${DEFAULT-VALUE}).")
    double maxAuc;

    @Option(names = "--force", description = "Publish even when the drift exceeds the limits.")
    boolean force;

    @Override
    ChannelPointer apply(Publisher p) throws Exception {
      return p.publish(bundle, channel.channel, rollout, new Publisher.Thresholds(maxTop1, maxProb, maxAuc), force,
          new ProgressBar("upload", "", true, System.err));
    }
  }

  @Command(name = "promote", description = "Move the channel's rollout one step: 1 -> 5 -> 25 -> 100 %%.")
  static final class Promote extends ChannelCommand {
    @Option(names = "--name", required = true)
    String name;

    @Override
    ChannelPointer apply(Publisher p) throws Exception {
      return p.promote(name, channel.channel);
    }
  }

  @Command(name = "rollout", description = "Set the share of devices on the channel's current version.")
  static final class Rollout extends ChannelCommand {
    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--percent", required = true)
    double percent;

    @Override
    ChannelPointer apply(Publisher p) throws Exception {
      return p.rollout(name, channel.channel, percent);
    }
  }

  @Command(name = "rollback", description = "Point the channel back at the previous version, for all devices (revokes the current one).")
  static final class Rollback extends ChannelCommand {
    @Option(names = "--name", required = true)
    String name;

    @Override
    ChannelPointer apply(Publisher p) throws Exception {
      return p.rollback(name, channel.channel);
    }
  }

  @Command(name = "refresh", description = "Re-sign the channel's pointer with a new expiry (schedule it).")
  static final class Refresh extends ChannelCommand {
    @Option(names = "--name", required = true)
    String name;

    @Override
    ChannelPointer apply(Publisher p) throws Exception {
      return p.refresh(name, channel.channel);
    }
  }

  @Command(name = "status", description = "Print the channel's pointer, verified.")
  static final class Status extends ChannelCommand {
    @Option(names = "--name", required = true)
    String name;

    @Override
    ChannelPointer apply(Publisher p) throws Exception {
      return p.read(name, channel.channel).orElseThrow(() -> new PublishException("no pointer for " + name + "/"
          + channel.channel));
    }
  }

  @Command(name = "cdn", description = "Serve a bucket to devices as CloudFront would (signed reads, Range), for local runs.")
  static final class Cdn extends Base {
    @Option(names = "--bucket", required = true)
    String bucket;

    @Option(names = "--endpoint-url", description = "S3 endpoint (the local cloud: http://127.0.0.1:4566).")
    URI endpoint;

    @Option(names = "--region", description = "AWS region (default: the SDK's chain).")
    String region;

    @Option(names = "--port", defaultValue = "8787", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
      Channel c = new Channel();
      c.endpoint = endpoint;
      c.region = region;
      try (S3Client s3 = c.s3(); CdnServer server = new CdnServer(s3, bucket, host, port)) {
        spec.commandLine().getOut().println("serving s3://" + bucket + " at " + server.uri() + " (Ctrl-C stops)");
        spec.commandLine().getOut().flush();
        Thread.currentThread().join();
      }
      return 0;
    }
  }

  @Command(name = "device", description = "Act as one device: update from a channel once, run a row, print what happened.")
  static final class Device extends Base {
    @Option(names = "--cdn", required = true, description = "CDN root, e.g. https://dxxxx.cloudfront.net/ or http://127.0.0.1:8787/")
    URI cdn;

    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--channel", defaultValue = "stable")
    String channel;

    @Option(names = "--device-id", required = true)
    String deviceId;

    @Option(names = "--public-key", required = true, description = "Trusted public key file(s).")
    List<Path> publicKeys;

    @Option(names = "--dir", required = true, description = "The device's storage (versions, downloads, state).")
    Path dir;

    @Override
    public Integer call() throws Exception {
      PrintWriter o = spec.commandLine().getOut();
      try (EdgeClient c = EdgeClient.builder().cdn(cdn).name(name)
          .channel(channel).deviceId(deviceId).trustedKeys(TrustedKeys.read(publicKeys)).directory(dir).open()) {
        o.printf("device %s (rollout bucket %.2f), on version %s%n", deviceId,
            ChannelPointer.rolloutBucket(deviceId, name), c.version());
        EdgeClient.UpdateResult r = c.update();
        o.printf("update: %s%s - %s%n", r.outcome(), r.reason() == null ? "" : " (" + r.reason() + ")", r.message());
        o.printf("now on version %s, previous %s%n", c.version(), c.previousVersion());
        return r.outcome() == EdgeClient.Outcome.REFUSED ? 1 : 0;
      }
    }
  }
}
