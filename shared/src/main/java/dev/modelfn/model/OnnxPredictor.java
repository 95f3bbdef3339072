package dev.modelfn.model;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * In-process ONNX Runtime predictor. The session is created once; every call runs all rows of the
 * request in one {@code session.run}, and closes every tensor and result it creates.
 *
 * <p>The model may carry its feature names and class labels as ONNX {@code metadata_props} under
 * {@link #FEATURE_NAMES_KEY} and {@link #LABELS_KEY} (JSON arrays), or in a sidecar JSON.
 *
 * <p>An output ONNX Runtime returns as {@code sequence<map<int64|string, float>>} (a {@code ZipMap},
 * the class probabilities of scikit-learn and LightGBM classifiers as skl2onnx and onnxmltools export
 * them) is served as an FP32 tensor {@code [rows, classes]} with the ZipMap's class labels in their
 * order ({@link TensorSpec#classes()}); without other labels, those become the model's labels.
 */
public final class OnnxPredictor implements Predictor {
  /** ONNX metadata key holding the ordered feature names, as a JSON array of strings. */
  public static final String FEATURE_NAMES_KEY = "modelfn.feature_names";
  /** ONNX metadata key holding the class labels, as a JSON array of strings. */
  public static final String LABELS_KEY = "modelfn.labels";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelMetadata metadata;
  private final String[] outputNames;
  /** The outputs served from a sequence of maps, by name. */
  private final Map<String, TensorSpec> classMaps = new HashMap<>();

  private OnnxPredictor(OrtEnvironment env, OrtSession session, ModelMetadata metadata) {
    this.env = env;
    this.session = session;
    this.metadata = metadata;
    this.outputNames = metadata.signature().outputs().stream().map(TensorSpec::name).toArray(String[]::new);
    for (TensorSpec s : metadata.signature().outputs()) {
      if (s.classMap()) {
        classMaps.put(s.name(), s);
      }
    }
  }

  /** Options for loading: overrides from the configuration. */
  public record Options(
      Optional<String> name, Optional<String> version, List<String> featureNames, List<String> labels,
      int intraOpThreads) {
    public Options {
      featureNames = List.copyOf(featureNames);
      labels = List.copyOf(labels);
    }

    public static Options defaults() {
      return new Options(Optional.empty(), Optional.empty(), List.of(), List.of(), 1);
    }

    /** Overrides taken from the environment (model name, version, feature names, labels, threads). */
    public static Options from(dev.modelfn.config.ModelfnConfig config) {
      return new Options(config.modelName(), config.modelVersion(), config.featureNames(), config.labels(),
          config.intraOpThreads());
    }
  }

  /** Locates the configured model with {@code loader} and loads it. */
  public static OnnxPredictor load(dev.modelfn.config.ModelfnConfig config, ModelLoader loader) {
    String uri = config.modelUri().orElseThrow();
    return load(loader.locate(uri), Options.from(config));
  }

  private static final dev.modelfn.telemetry.JsonLogger LOG = new dev.modelfn.telemetry.JsonLogger("dev.modelfn.model",
      "WARN");
  private static final java.util.regex.Pattern NEWER_IR = java.util.regex.Pattern.compile(
      "Unsupported model IR version: (\\d+), max supported IR version: (\\d+)");

  public static OnnxPredictor load(ModelArtifact artifact, Options options) {
    try {
      return open(artifact, options);
    } catch (ModelfnException e) {
      java.util.regex.Matcher m = e.getCause() == null ? null : NEWER_IR.matcher(String.valueOf(e.getCause().getMessage()));
      if (m == null || !m.find()) {
        throw e;
      }
      return openAsSupportedIr(artifact, options, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
  }

  /**
   * A model whose IR version is newer than ONNX Runtime reads (onnx 1.23 writes IR 14 by default,
   * ONNX Runtime 1.28 reads up to 13) usually uses nothing of the newer IR: it is loaded with the
   * version ONNX Runtime reads, and served so with a warning. When that fails too, it is refused
   * once, saying how to re-export it.
   */
  private static OnnxPredictor openAsSupportedIr(ModelArtifact artifact, Options options, int ir, int max) {
    byte[] bytes;
    try {
      bytes = artifact.bytes().isPresent() ? artifact.bytes().get().clone()
          : java.nio.file.Files.readAllBytes(artifact.file().orElseThrow());
    } catch (java.io.IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read ONNX model " + artifact.uri() + ": "
          + e.getMessage(), e);
    }
    String fix = "its ONNX IR version is " + ir + " and ONNX Runtime " + OnnxRuntimeEnvironment.get().getVersion()
        + " reads IR versions up to " + max + ". Re-export it for IR " + max + " (in Python: m = onnx.load('model.onnx');"
        + " m.ir_version = " + max + "; onnx.save(m, 'model.onnx'); or export with onnx older than 1.23)";
    // ModelProto's first field is ir_version (field 1, a varint): what exporters write first
    if (bytes.length < 2 || bytes[0] != 0x08 || bytes[1] != ir || ir > 127) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + artifact.uri() + ": " + fix);
    }
    bytes[1] = (byte) max;
    try {
      // loaded from bytes, ONNX Runtime finds external data (model.onnx.data) in the folder this names
      OnnxPredictor p = open(new ModelArtifact(artifact.uri(), artifact.baseName(), Optional.empty(), Optional.of(bytes),
          artifact.sidecar()), options, artifact.file().map(f -> f.toAbsolutePath().getParent()));
      LOG.warn("model has a newer ONNX IR version than ONNX Runtime reads; it loaded as IR " + max + " and is served so",
          "model", artifact.uri(), "ir_version", ir, "max_ir_version", max);
      return p;
    } catch (ModelfnException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + artifact.uri() + ": " + fix
          + "; loaded as IR " + max + " it fails: " + firstLine(e.getCause() == null ? e.getMessage()
          : e.getCause().getMessage()));
    }
  }

  /**
   * The session option that tells ONNX Runtime where the external data of a model loaded from bytes
   * is (onnxruntime_session_options_config_keys.h, {@code kOrtSessionOptionsModelExternalInitializersFileFolderPath}).
   */
  private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }

  private static OnnxPredictor open(ModelArtifact artifact, Options options) {
    return open(artifact, options, Optional.empty());
  }

  private static OnnxPredictor open(ModelArtifact artifact, Options options, Optional<java.nio.file.Path> dataFolder) {
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    OrtSession session = null;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(1);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (dataFolder.isPresent()) {
        so.addConfigEntry(EXTERNAL_DATA_FOLDER, dataFolder.get().toString());
      }
      session = artifact.file().isPresent()
          ? env.createSession(artifact.file().get().toString(), so)
          : env.createSession(artifact.bytes().orElseThrow(), so);
      ModelMetadata metadata = readMetadata(artifact, session, options);
      return new OnnxPredictor(env, session, metadata);
    } catch (OrtException e) {
      closeQuietly(session);
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + artifact.uri() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  private static ModelMetadata readMetadata(ModelArtifact artifact, OrtSession session, Options options)
      throws OrtException {
    List<TensorSpec> inputs = specs(artifact, session.getInputInfo(), true);
    List<TensorSpec> outputs = specs(artifact, session.getOutputInfo(), false);
    OnnxModelMetadata md = session.getMetadata();
    Map<String, String> props = md.getCustomMetadata();

    List<String> features = options.featureNames();
    List<String> labels = options.labels();
    if (artifact.sidecar().isPresent()) {
      JsonNode side = parseSidecar(artifact);
      if (features.isEmpty()) {
        features = strings(side.isArray() ? side : side.path("features"), artifact.uri() + " sidecar 'features'");
      }
      if (labels.isEmpty()) {
        labels = strings(side.path("labels"), artifact.uri() + " sidecar 'labels'");
      }
    }
    if (features.isEmpty() && props.containsKey(FEATURE_NAMES_KEY)) {
      features = strings(parseJson(props.get(FEATURE_NAMES_KEY), artifact, FEATURE_NAMES_KEY), FEATURE_NAMES_KEY);
    }
    if (labels.isEmpty() && props.containsKey(LABELS_KEY)) {
      labels = strings(parseJson(props.get(LABELS_KEY), artifact, LABELS_KEY), LABELS_KEY);
    }
    if (labels.isEmpty()) {
      labels = outputs.stream().filter(TensorSpec::classMap).findFirst().map(TensorSpec::classes).orElse(List.of());
    }
    ModelSignature signature = new ModelSignature(inputs, outputs, features, labels);
    if (!features.isEmpty()) {
      TensorSpec tab = signature.tabularInput().orElseThrow(() -> new ModelfnException(Problem.MODEL_LOAD_FAILED, 
          "model " + artifact.uri() + " has feature names but no single [rows, features] numeric input", null));
      long cols = tab.shape().get(1);
      if (cols >= 0 && cols != features.size()) {
        throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "model " + artifact.uri() + ": input '" + tab.name() + "' has " + cols
            + " columns but " + features.size() + " feature names are given", null);
      }
    }
    String version = options.version().orElse(modelVersion(md.getVersion()));
    String name = options.name().orElse(artifact.baseName());
    return new ModelMetadata(name, version, "onnxruntime_onnx", signature);
  }

  /**
   * The served version from the model's {@code model_version}: ONNX Runtime reports {@code
   * Long.MAX_VALUE} (and older exporters 0) for a model that sets none, which is served as {@code 1}.
   */
  static String modelVersion(long reported) {
    return reported > 0 && reported != Long.MAX_VALUE ? Long.toString(reported) : "1";
  }

  private static List<TensorSpec> specs(ModelArtifact artifact, Map<String, NodeInfo> infos, boolean input) {
    List<TensorSpec> specs = new ArrayList<>();
    Map<String, List<String>> zipMaps = null;
    for (NodeInfo ni : infos.values()) {
      ValueInfo vi = ni.getInfo();
      if (!input && vi instanceof SequenceInfo si && classScores(si)) {
        if (zipMaps == null) {
          zipMaps = zipMapClasses(artifact);
        }
        List<String> classes = zipMaps.get(ni.getName());
        if (classes != null && !classes.isEmpty()) {
          specs.add(new TensorSpec(ni.getName(), ElementType.FP32, List.of(-1L, (long) classes.size()), classes));
          continue;
        }
      }
      if (!(vi instanceof TensorInfo ti)) {
        if (input) {
          throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "model " + artifact.uri() + ": input '" + ni.getName()
              + "' is not a tensor (" + vi + "); modelfn serves tensor inputs only", null);
        }
        // Other non-tensor outputs (sequences of tensors, maps) are left out of the signature and
        // never requested; docs/models.md lists what is served.
        continue;
      }
      Optional<ElementType> type = elementType(ti.type);
      if (type.isEmpty()) {
        if (input) {
          throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "model " + artifact.uri() + ": input '" + ni.getName() + "' has element type "
              + ti.type + "; modelfn serves FP32, FP64, INT64, INT32, BOOL and BYTES inputs", null);
        }
        continue;
      }
      List<Long> shape = new ArrayList<>();
      for (long d : ti.getShape()) {
        shape.add(d);
      }
      specs.add(new TensorSpec(ni.getName(), type.get(), shape));
    }
    return specs;
  }

  /** A sequence of maps from int64 or string class labels to float scores: what a ZipMap writes. */
  private static boolean classScores(SequenceInfo si) {
    MapInfo m = si.mapInfo;
    return si.isSequenceOfMaps() && m != null && (m.keyType == OnnxJavaType.INT64 || m.keyType == OnnxJavaType.STRING)
        && (m.valueType == OnnxJavaType.FLOAT || m.valueType == OnnxJavaType.DOUBLE);
  }

  private static Map<String, List<String>> zipMapClasses(ModelArtifact artifact) {
    try {
      return artifact.file().isPresent()
          ? ZipMapClasses.read(artifact.file().get())
          : ZipMapClasses.read(ByteBuffer.wrap(artifact.bytes().orElseThrow()));
    } catch (RuntimeException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read the ZipMap class labels of " + artifact.uri()
          + ": " + e.getMessage(), e);
    }
  }

  static Optional<ElementType> elementType(OnnxJavaType t) {
    return switch (t) {
      case FLOAT -> Optional.of(ElementType.FP32);
      case DOUBLE -> Optional.of(ElementType.FP64);
      case INT64 -> Optional.of(ElementType.INT64);
      case INT32, INT16, INT8, UINT8 -> Optional.of(ElementType.INT32);
      case BOOL -> Optional.of(ElementType.BOOL);
      case STRING -> Optional.of(ElementType.BYTES);
      default -> Optional.empty();
    };
  }

  private static JsonNode parseSidecar(ModelArtifact artifact) {
    try {
      return Json.parse(artifact.sidecar().orElseThrow());
    } catch (InvalidInputException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "feature sidecar of " + artifact.uri() + " is not valid JSON: " + e.received(), e);
    }
  }

  private static JsonNode parseJson(String text, ModelArtifact artifact, String key) {
    try {
      return Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (InvalidInputException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "metadata '" + key + "' of " + artifact.uri()
          + " must be a JSON array of strings: " + e.received(), e);
    }
  }


  private static List<String> strings(JsonNode node, String what) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, what + ": expected a JSON array of strings", null);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new ModelfnException(Problem.MODEL_LOAD_FAILED, what + ": expected a JSON array of strings, found " + n, null);
      }
      out.add(n.asText());
    }
    if (new LinkedHashSet<>(out).size() != out.size()) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, what + ": names must be unique", null);
    }
    return out;
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public InferenceResult infer(InferenceRequest request) {
    Map<String, OnnxTensor> feeds = new HashMap<>(request.inputs().size() * 2);
    InputArena arena = ARENA.get();
    arena.reset();
    try {
      for (Tensor t : request.inputs()) {
        feeds.put(t.name(), toOnnx(t, arena));
      }
      OrtSession.Result result = request.outputs().isEmpty()
          ? session.run(feeds)
          : session.run(feeds, new LinkedHashSet<>(request.outputs()));
      try (result) {
        List<Tensor> outputs = new ArrayList<>(result.size());
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getValue() instanceof OnnxTensor ot) {
            outputs.add(fromOnnx(e.getKey(), ot));
          } else if (e.getValue() instanceof OnnxSequence seq && classMaps.containsKey(e.getKey())) {
            outputs.add(fromClassMaps(classMaps.get(e.getKey()), seq));
          }
        }
        return new InferenceResult(outputs);
      }
    } catch (OrtException e) {
      if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
        throw new InvalidInputException("", "input accepted by the model", e.getMessage(), e);
      }
      throw new ModelfnException(Problem.INFERENCE_FAILED, "ONNX Runtime failed on model " + metadata.name() + ": " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }

  private OnnxTensor toOnnx(Tensor t, InputArena arena) throws OrtException {
    long[] shape = t.shape();
    return switch (t.type()) {
      case FP32 -> OnnxTensor.createTensor(env, arena.floats((float[]) t.data()), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) t.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) t.data()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) t.data()), shape);
      case BOOL -> {
        boolean[] b = (boolean[]) t.data();
        ByteBuffer buf = ByteBuffer.allocate(b.length);
        for (boolean v : b) {
          buf.put((byte) (v ? 1 : 0));
        }
        buf.flip();
        yield OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.BOOL);
      }
      case BYTES -> OnnxTensor.createTensor(env, (String[]) t.data(), shape);
    };
  }

  private static Tensor fromOnnx(String name, OnnxTensor ot) throws OrtException {
    TensorInfo info = ot.getInfo();
    long[] shape = info.getShape();
    return switch (info.type) {
      case FLOAT -> new Tensor(name, ElementType.FP32, shape, toArray(ot.getFloatBuffer()));
      case DOUBLE -> new Tensor(name, ElementType.FP64, shape, toArray(ot.getDoubleBuffer()));
      case INT64 -> new Tensor(name, ElementType.INT64, shape, toArray(ot.getLongBuffer()));
      case INT32 -> new Tensor(name, ElementType.INT32, shape, toArray(ot.getIntBuffer()));
      case INT16 -> {
        ShortBuffer sb = ot.getShortBuffer();
        int[] out = new int[sb.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = sb.get(i);
        }
        yield new Tensor(name, ElementType.INT32, shape, out);
      }
      case INT8, UINT8 -> {
        ByteBuffer bb = ot.getByteBuffer();
        int[] out = new int[bb.remaining()];
        boolean unsigned = info.type == OnnxJavaType.UINT8;
        for (int i = 0; i < out.length; i++) {
          out[i] = unsigned ? Byte.toUnsignedInt(bb.get(i)) : bb.get(i);
        }
        yield new Tensor(name, ElementType.INT32, shape, out);
      }
      case BOOL -> {
        ByteBuffer bb = ot.getByteBuffer();
        boolean[] out = new boolean[bb.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = bb.get(i) != 0;
        }
        yield new Tensor(name, ElementType.BOOL, shape, out);
      }
      case STRING -> new Tensor(name, ElementType.BYTES, shape, flattenStrings(ot.getValue()));
      default -> throw new ModelfnException(Problem.INFERENCE_FAILED, "output '" + name + "' has element type " + info.type
          + ", which modelfn cannot return", null);
    };
  }

  /**
   * A sequence of class-to-score maps, one per row, as the FP32 tensor {@code [rows, classes]} in the
   * order of {@code spec.classes()}. Each map ONNX Runtime hands out is closed here (the sequence
   * does not close them).
   */
  private static Tensor fromClassMaps(TensorSpec spec, OnnxSequence seq) throws OrtException {
    List<String> classes = spec.classes();
    int k = classes.size();
    List<? extends OnnxValue> rows = seq.getValue();
    float[] data = new float[rows.size() * k];
    Object[] keys = null; // the classes as the maps' keys: Long for int64 labels, else String
    try {
      for (int r = 0; r < rows.size(); r++) {
        Map<? extends Object, ? extends Object> row = ((OnnxMap) rows.get(r)).getValue();
        if (keys == null) {
          boolean longKeys = !row.isEmpty() && row.keySet().iterator().next() instanceof Long;
          keys = new Object[k];
          for (int j = 0; j < k; j++) {
            keys[j] = longKeys ? (Object) Long.valueOf(classes.get(j)) : classes.get(j);
          }
        }
        for (int j = 0; j < k; j++) {
          Object v = row.get(keys[j]);
          if (!(v instanceof Number n)) {
            throw new ModelfnException(Problem.INFERENCE_FAILED, "output '" + spec.name() + "' row " + r + " has no score for class '"
                + classes.get(j) + "' of its ZipMap (keys " + row.keySet() + ")", null);
          }
          data[r * k + j] = n.floatValue();
        }
      }
    } finally {
      for (OnnxValue v : rows) {
        v.close();
      }
    }
    return new Tensor(spec.name(), ElementType.FP32, new long[] {rows.size(), k}, data);
  }

  private static final ThreadLocal<InputArena> ARENA = ThreadLocal.withInitial(InputArena::new);

  /**
   * Native memory for FP32 inputs, reused by each thread's next request: ONNX Runtime reads a direct
   * buffer in place, where a heap array costs it a fresh direct allocation and a copy per call. A
   * tensor over this memory is closed before its thread serves another request.
   */
  private static final class InputArena {
    private static final int KEEP_BYTES = 16 << 20; // larger inputs get a one-off buffer
    private ByteBuffer memory = ByteBuffer.allocateDirect(64 << 10).order(ByteOrder.nativeOrder());

    void reset() {
      memory.clear();
    }

    FloatBuffer floats(float[] data) {
      int bytes = data.length * Float.BYTES;
      if (memory.remaining() < bytes) {
        if (memory.position() + bytes > KEEP_BYTES) {
          return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().put(data).flip();
        }
        ByteBuffer grown = ByteBuffer.allocateDirect(Math.max(memory.capacity() * 2, memory.position() + bytes))
            .order(ByteOrder.nativeOrder());
        memory = grown; // tensors already made keep the old memory alive until they are closed
      }
      ByteBuffer slice = memory.slice().order(ByteOrder.nativeOrder());
      slice.limit(bytes);
      memory.position(memory.position() + bytes);
      return slice.asFloatBuffer().put(data).flip();
    }
  }

  private static float[] toArray(FloatBuffer b) {
    float[] a = new float[b.remaining()];
    b.get(a);
    return a;
  }

  private static double[] toArray(DoubleBuffer b) {
    double[] a = new double[b.remaining()];
    b.get(a);
    return a;
  }

  private static long[] toArray(LongBuffer b) {
    long[] a = new long[b.remaining()];
    b.get(a);
    return a;
  }

  private static int[] toArray(IntBuffer b) {
    int[] a = new int[b.remaining()];
    b.get(a);
    return a;
  }

  private static String[] flattenStrings(Object value) {
    List<String> out = new ArrayList<>();
    flatten(value, out);
    return out.toArray(String[]::new);
  }

  private static void flatten(Object v, List<String> out) {
    if (v instanceof String s) {
      out.add(s);
    } else if (v instanceof Object[] arr) {
      for (Object o : arr) {
        flatten(o, out);
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession s) {
    if (s != null) {
      try {
        s.close();
      } catch (OrtException ignored) {
        // closing at shutdown; nothing to report to a caller
      }
    }
  }
}
