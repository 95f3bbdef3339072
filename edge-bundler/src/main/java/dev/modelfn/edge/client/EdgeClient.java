package dev.modelfn.edge.client;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The edge client: keeps one model up to date from a channel on a CDN, safely (docs/edge.md).
 *
 * <ol>
 *   <li>Fetches the channel pointer and checks its signature, expiry, sequence and that the
 *       version does not go below the installed one (unless a signed rollback revokes it).
 *   <li>Picks the current or previous version by a stable hash of (device id, model name) against
 *       the rollout percentage.
 *   <li>Downloads the bundle with resume (HTTP Range), checks its SHA-256 against the pointer, the
 *       manifest's signature and the model's SHA-256, before anything is used.
 *   <li>Installs it beside the running version (write, fsync, rename), loads it and runs its
 *       golden inputs; only then swaps the state file atomically. A bundle that fails to load or
 *       to give its golden outputs is not used (automatic fallback), and not tried again.
 * </ol>
 *
 * <p>Only the JDK and ONNX Runtime: it runs on Android-class JVMs ({@link HttpURLConnection}, no
 * {@code java.net.http}). Thread-safe: {@link #predict} may run while {@link #update} swaps.
 */
public final class EdgeClient implements AutoCloseable {
  /** This client's version, compared with a manifest's {@code min_client_version}. */
  public static final String VERSION = "1.0";

  /** What {@link #update} did. */
  public enum Outcome {
    /** A new version is installed and in use. */
    UPDATED,
    /** The pointer names the version in use (or one that failed here before). */
    UNCHANGED,
    /** The pointer or bundle was refused; the version in use stays. */
    REFUSED,
    /** The new version failed its health check; the version in use stays. */
    FELL_BACK
  }

  /** The result of one {@link #update}. */
  public record UpdateResult(Outcome outcome, Long version, EdgeException.Reason reason, String message) {}

  private final URI cdn;
  private final String name;
  private final String channel;
  private final String deviceId;
  private final TrustedKeys keys;
  private final Path dir;
  private final Clock clock;
  private final URI telemetryUri;
  private final String clientVersion;
  private final int timeoutMillis;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Telemetry telemetry;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile State state;
  private Loaded loaded;

  private record Loaded(long version, Manifest manifest, OrtSession session) {}

  /** What survives restarts ({@code state.json}). */
  private record State(Long current, Long previous, long sequence, List<Long> rejected) {}

  private EdgeClient(Builder b) {
    this.cdn = URI.create(Objects.requireNonNull(b.cdn, "cdn").toString().replaceAll("/?$", "/"));
    this.name = Objects.requireNonNull(b.name, "name");
    this.channel = b.channel;
    this.deviceId = Objects.requireNonNull(b.deviceId, "deviceId");
    this.keys = Objects.requireNonNull(b.keys, "trustedKeys");
    this.dir = Objects.requireNonNull(b.dir, "directory");
    this.clock = b.clock;
    this.telemetryUri = b.telemetry;
    this.clientVersion = b.clientVersion;
    this.timeoutMillis = b.timeoutMillis;
    this.telemetry = new Telemetry(clock);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a client; {@code cdn}, {@code name}, {@code deviceId}, keys and directory are required. */
  public static final class Builder {
    private URI cdn;
    private String name;
    private String channel = "stable";
    private String deviceId;
    private TrustedKeys keys;
    private Path dir;
    private Clock clock = Clock.systemUTC();
    private URI telemetry;
    private String clientVersion = VERSION;
    private int timeoutMillis = 15_000;

    /** The CDN root that serves {@code channels/} and {@code models/}. */
    public Builder cdn(URI v) {
      cdn = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder channel(String v) {
      channel = v;
      return this;
    }

    public Builder deviceId(String v) {
      deviceId = v;
      return this;
    }

    public Builder trustedKeys(TrustedKeys v) {
      keys = v;
      return this;
    }

    /** Where versions, downloads and the state live (app-private storage). */
    public Builder directory(Path v) {
      dir = v;
      return this;
    }

    public Builder clock(Clock v) {
      clock = v;
      return this;
    }

    /** Where {@link #postTelemetry} posts ({@code .../v2/edge/telemetry}); none by default. */
    public Builder telemetry(URI v) {
      telemetry = v;
      return this;
    }

    public Builder clientVersion(String v) {
      clientVersion = v;
      return this;
    }

    public Builder timeoutMillis(int v) {
      timeoutMillis = v;
      return this;
    }

    /** Builds the client and loads the installed version, if any (falling back if it fails). */
    public EdgeClient open() throws IOException {
      EdgeClient c = new EdgeClient(this);
      c.start();
      return c;
    }
  }

  private void start() throws IOException {
    Files.createDirectories(dir.resolve("versions"));
    Files.createDirectories(dir.resolve("downloads"));
    state = readState();
    if (state.current() == null) {
      return;
    }
    try {
      loaded = load(state.current());
    } catch (EdgeException e) {
      telemetry.fellBack();
      Long previous = state.previous();
      State s = new State(null, null, state.sequence(), add(state.rejected(), state.current()));
      if (previous != null) {
        try {
          loaded = load(previous);
          s = new State(previous, null, s.sequence(), s.rejected());
        } catch (EdgeException again) {
          telemetry.refused(again.reason());
        }
      }
      state = s;
      writeState(s);
    }
  }

  /** The version in use, or null before the first update. */
  public Long version() {
    lock.readLock().lock();
    try {
      return loaded == null ? null : loaded.version();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The previous version kept on disk for fallback, or null. */
  public Long previousVersion() {
    return state.previous();
  }

  /** Runs the model in use on rows of features; the first output, as rows. */
  public float[][] predict(float[][] rows) throws OrtException {
    lock.readLock().lock();
    try {
      if (loaded == null) {
        throw new IllegalStateException("no model installed yet: call update() first");
      }
      long t0 = System.nanoTime();
      float[][] out = run(loaded.session(), loaded.manifest().inputName(), rows);
      telemetry.inference((System.nanoTime() - t0) / 1e6, out);
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  private float[][] run(OrtSession session, String input, float[][] rows) throws OrtException {
    String in = input != null ? input : session.getInputNames().iterator().next();
    try (OnnxTensor t = OnnxTensor.createTensor(env, rows);
        OrtSession.Result r = session.run(Map.of(in, t))) {
      OnnxValue v = r.get(0);
      Object o = v.getValue();
      if (o instanceof float[][] f) {
        return f;
      }
      throw new IllegalStateException("the model's first output is not a float matrix: " + v.getInfo());
    }
  }

  /**
   * Checks the channel once and installs what it names for this device. Refusals are results,
   * not exceptions: the device keeps its model.
   *
   * @throws IOException when the CDN cannot be reached or a download breaks (the next call resumes it)
   */
  public synchronized UpdateResult update() throws IOException {
    byte[] raw = get(cdn.resolve("channels/" + name + "/" + channel + ".json"));
    try {
      ChannelPointer p = ChannelPointer.verify(raw, keys);
      if (!p.name().equals(name) || !p.channel().equals(channel)) {
        throw new EdgeException(EdgeException.Reason.WRONG_MODEL, "the pointer is for " + p.name() + "/"
            + p.channel() + ", not " + name + "/" + channel);
      }
      if (!clock.instant().isBefore(p.expires())) {
        throw new EdgeException(EdgeException.Reason.POINTER_EXPIRED, "the pointer expired at " + p.expires()
            + " (now " + clock.instant() + ")");
      }
      if (p.sequence() < state.sequence()) {
        throw new EdgeException(EdgeException.Reason.POINTER_REPLAYED, "pointer sequence " + p.sequence()
            + " is older than " + state.sequence() + ", already seen");
      }
      ChannelPointer.Target t = p.targetFor(deviceId);
      Long current = state.current();
      if (current != null && t.version() == current) {
        saveSequence(p);
        return new UpdateResult(Outcome.UNCHANGED, current, null, "version " + current + " is in use");
      }
      if (current != null && t.version() < current && !p.revoked().contains(current)) {
        throw new EdgeException(EdgeException.Reason.DOWNGRADE, "the pointer names version " + t.version()
            + ", below version " + current + " in use, and does not revoke " + current);
      }
      if (state.rejected().contains(t.version())) {
        saveSequence(p);
        return new UpdateResult(Outcome.UNCHANGED, current, EdgeException.Reason.HEALTH_CHECK, "version "
            + t.version() + " failed its health check here before; staying on " + current);
      }
      if (Manifest.compareVersions(clientVersion, t.minClientVersion()) < 0) {
        throw new EdgeException(EdgeException.Reason.CLIENT_TOO_OLD, "version " + t.version() + " needs client "
            + t.minClientVersion() + "; this is " + clientVersion);
      }
      Path bundle = download(t);
      install(bundle, t);
      Files.deleteIfExists(bundle);
      Loaded next;
      try {
        next = load(t.version());
      } catch (EdgeException e) {
        telemetry.fellBack();
        state = new State(state.current(), state.previous(), p.sequence(), add(state.rejected(), t.version()));
        writeState(state);
        deleteTree(dir.resolve("versions").resolve(Long.toString(t.version())));
        return new UpdateResult(Outcome.FELL_BACK, current, e.reason(), e.getMessage()
            + "; staying on " + current);
      }
      swap(next, p);
      return new UpdateResult(Outcome.UPDATED, t.version(), null, "now on version " + t.version()
          + (current == null ? "" : " (was " + current + ")"));
    } catch (EdgeException e) {
      telemetry.refused(e.reason());
      return new UpdateResult(Outcome.REFUSED, state.current(), e.reason(), e.getMessage());
    }
  }

  private void saveSequence(ChannelPointer p) throws IOException {
    if (p.sequence() != state.sequence()) {
      state = new State(state.current(), state.previous(), p.sequence(), state.rejected());
      writeState(state);
    }
  }

  private void swap(Loaded next, ChannelPointer p) throws IOException {
    Long old = state.current();
    boolean oldRevoked = old != null && p.revoked().contains(old);
    State s = new State(next.version(), oldRevoked ? state.previous() : old, p.sequence(), state.rejected());
    if (s.previous() != null && s.previous().equals(s.current())) {
      s = new State(s.current(), null, s.sequence(), s.rejected());
    }
    writeState(s); // the commit point: a crash before it keeps the old version, after it the new one
    Loaded before;
    lock.writeLock().lock();
    try {
      before = loaded;
      loaded = next;
      state = s;
    } finally {
      lock.writeLock().unlock();
    }
    if (before != null) {
      close(before);
    }
    prune();
  }

  /** Downloads a bundle into {@code downloads/<sha256>.part}, resuming what an earlier try left. */
  private Path download(ChannelPointer.Target t) throws IOException, EdgeException {
    Path part = dir.resolve("downloads").resolve(t.sha256() + ".part");
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (have > t.size()) {
      Files.delete(part);
      have = 0;
    }
    if (have < t.size()) {
      HttpURLConnection c = connect(cdn.resolve(t.path()));
      try {
        if (have > 0) {
          c.setRequestProperty("Range", "bytes=" + have + "-");
        }
        int status = c.getResponseCode();
        if (status != 200 && status != 206) {
          throw new IOException("GET " + c.getURL() + ": HTTP " + status);
        }
        boolean resume = status == 206 && have > 0
            && String.valueOf(c.getHeaderField("Content-Range")).startsWith("bytes " + have + "-");
        try (InputStream in = c.getInputStream();
            FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                resume ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
          byte[] buf = new byte[64 << 10];
          java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
          try {
            int n;
            long total = resume ? have : 0;
            while (total < t.size() && (n = in.read(buf)) > 0) {
              bb.clear().limit(n);
              while (bb.hasRemaining()) {
                out.write(bb);
              }
              total += n;
            }
          } finally {
            out.force(true); // what arrived is kept for the next try
          }
        }
      } finally {
        c.disconnect();
      }
    }
    long size = Files.size(part);
    if (size < t.size()) {
      throw new IOException("download of " + t.path() + " stopped at " + size + " of " + t.size()
          + " bytes; the next update resumes it");
    }
    String hash = BundleFile.sha256(part);
    if (size != t.size() || !hash.equals(t.sha256())) {
      Files.delete(part);
      throw new EdgeException(EdgeException.Reason.BUNDLE_HASH, t.path() + " has SHA-256 " + hash + " and "
          + size + " bytes; the pointer says " + t.sha256() + " and " + t.size());
    }
    return part;
  }

  /** Verifies the bundle and writes its files into {@code versions/<v>/} (write, fsync, rename). */
  private void install(Path bundle, ChannelPointer.Target t) throws IOException, EdgeException {
    Path versions = dir.resolve("versions");
    Path tmp = versions.resolve(".tmp-" + t.version());
    deleteTree(tmp);
    Files.createDirectories(tmp);
    BundleFile.Verified v;
    try {
      v = BundleFile.verify(bundle, keys, tmp.resolve(Manifest.MODEL_FILE));
    } catch (EdgeException e) {
      Files.deleteIfExists(bundle);
      deleteTree(tmp);
      throw e;
    }
    if (!v.manifest().name().equals(name) || v.manifest().version() != t.version()) {
      deleteTree(tmp);
      throw new EdgeException(EdgeException.Reason.WRONG_MODEL, "the bundle holds " + v.manifest().name()
          + " version " + v.manifest().version() + "; the pointer names " + name + " version " + t.version());
    }
    writeDurably(tmp.resolve(BundleFile.MANIFEST), v.manifestBytes());
    writeDurably(tmp.resolve(BundleFile.SIGNATURE), v.signatureBytes());
    fsyncDir(tmp);
    Path target = versions.resolve(Long.toString(t.version()));
    deleteTree(target);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(versions);
  }

  /** Loads an installed version and runs its golden inputs. */
  private Loaded load(long version) throws EdgeException {
    Path d = dir.resolve("versions").resolve(Long.toString(version));
    long t0 = System.nanoTime();
    Manifest m;
    OrtSession session = null;
    try {
      byte[] manifest = Files.readAllBytes(d.resolve(BundleFile.MANIFEST));
      List<?> sigs = Json.list(Json.object(Files.readString(d.resolve(BundleFile.SIGNATURE))), "signatures");
      if (!keys.verify(TrustedKeys.MANIFEST_TYPE, manifest, sigs)) {
        throw new EdgeException(EdgeException.Reason.MANIFEST_SIGNATURE, "installed version " + version
            + " no longer verifies");
      }
      m = Manifest.parse(manifest);
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(d.resolve(Manifest.MODEL_FILE).toString(), o);
      int i = 0;
      for (Manifest.Golden g : m.golden()) {
        float[][] out = run(session, m.inputName(), g.input());
        String diff = compare(out, g.output(), m.goldenTolerance());
        if (diff != null) {
          throw new EdgeException(EdgeException.Reason.HEALTH_CHECK, "version " + version + ", golden case " + i
              + ": " + diff);
        }
        i++;
      }
    } catch (EdgeException e) {
      closeQuietly(session);
      throw e;
    } catch (IOException | OrtException | RuntimeException e) {
      closeQuietly(session);
      throw new EdgeException(EdgeException.Reason.HEALTH_CHECK, "version " + version + " did not load: " + e, e);
    }
    telemetry.load((System.nanoTime() - t0) / 1e6);
    return new Loaded(version, m, session);
  }

  static String compare(float[][] got, float[][] want, double tolerance) {
    if (got.length != want.length) {
      return got.length + " output rows, expected " + want.length;
    }
    for (int r = 0; r < got.length; r++) {
      if (got[r].length != want[r].length) {
        return "row " + r + " has " + got[r].length + " values, expected " + want[r].length;
      }
      for (int c = 0; c < got[r].length; c++) {
        double d = Math.abs(got[r][c] - want[r][c]);
        if (!(d <= tolerance * Math.max(1, Math.abs(want[r][c])))) {
          return "output [" + r + "][" + c + "] is " + got[r][c] + ", expected " + want[r][c] + " (tolerance "
              + tolerance + ")";
        }
      }
    }
    return null;
  }

  /** The telemetry document of the period so far (docs/edge.md, telemetry). */
  public Map<String, Object> telemetry() {
    String device = HexFormat.of().formatHex(BundleFile.sha256().digest(("modelfn-edge-device\n" + deviceId)
        .getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    return telemetry.document(name, channel, device, version(), state.previous(), clientVersion);
  }

  /**
   * Posts the period's telemetry to the configured URL and starts a new period when it was taken
   * (2xx).
   *
   * @return the HTTP status
   */
  public int postTelemetry() throws IOException {
    if (telemetryUri == null) {
      throw new IllegalStateException("no telemetry URL configured");
    }
    int status = Telemetry.post(telemetryUri, Json.write(telemetry()), timeoutMillis);
    if (status / 100 == 2) {
      telemetry.reset();
    }
    return status;
  }

  // ---- HTTP and files

  private HttpURLConnection connect(URI uri) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(timeoutMillis);
    c.setReadTimeout(timeoutMillis);
    c.setUseCaches(false);
    return c;
  }

  private byte[] get(URI uri) throws IOException {
    HttpURLConnection c = connect(uri);
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        throw new IOException("GET " + uri + ": HTTP " + status);
      }
      try (InputStream in = c.getInputStream()) {
        return in.readNBytes(1 << 20);
      }
    } finally {
      c.disconnect();
    }
  }

  private State readState() throws IOException {
    Path f = dir.resolve("state.json");
    if (!Files.exists(f)) {
      return new State(null, null, 0, List.of());
    }
    Map<String, Object> m = Json.object(Files.readString(f));
    List<Long> rejected = new ArrayList<>();
    for (Object o : Json.list(m, "rejected")) {
      rejected.add(((Number) o).longValue());
    }
    return new State((Long) m.get("current"), (Long) m.get("previous"), Json.lng(m, "sequence"), rejected);
  }

  private void writeState(State s) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("current", s.current());
    m.put("previous", s.previous());
    m.put("sequence", s.sequence());
    m.put("rejected", s.rejected());
    Path f = dir.resolve("state.json");
    Path tmp = dir.resolve("state.json.tmp");
    writeDurably(tmp, Json.write(m).getBytes(StandardCharsets.UTF_8));
    try {
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + dir + " cannot rename atomically", e);
    }
    fsyncDir(dir);
  }

  private static void writeDurably(Path f, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  private static void fsyncDir(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms cannot open directories; the rename is still atomic there
    }
  }

  private void prune() throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve("versions"))) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!n.equals(String.valueOf(state.current())) && !n.equals(String.valueOf(state.previous()))) {
          deleteTree(p);
        }
      }
    }
  }

  private static List<Long> add(List<Long> l, long v) {
    List<Long> r = new ArrayList<>(l);
    if (!r.contains(v)) {
      r.add(v);
    }
    return r;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private static void closeQuietly(OrtSession s) {
    if (s != null) {
      try {
        s.close();
      } catch (OrtException e) {
        // closing anyway
      }
    }
  }

  private static void close(Loaded l) {
    closeQuietly(l.session());
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (loaded != null) {
        close(loaded);
        loaded = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
