package dev.modelfn.examples.corpus;

import static dev.modelfn.examples.corpus.Graphs.floats;
import static dev.modelfn.examples.corpus.Graphs.integer;
import static dev.modelfn.examples.corpus.Graphs.ints;
import static dev.modelfn.examples.corpus.Graphs.node;
import static dev.modelfn.examples.corpus.Graphs.string;
import static dev.modelfn.examples.corpus.Graphs.strings;
import static dev.modelfn.examples.corpus.Graphs.tensorType;
import static dev.modelfn.examples.corpus.Graphs.value;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LightGBM boosters as onnxmltools converts them ({@code convert_lightgbm(model, initial_types=[("input",
 * FloatTensorType([None, 4]))])}): a {@code TreeEnsembleClassifier} over one tree per class and
 * boosting round (softmax over the summed leaf values) with its label cast to INT64 as {@code label}
 * and its probabilities zipped into {@code probabilities}; and a {@code TreeEnsembleRegressor}
 * (summed leaf values) writing {@code variable} FP32 {@code [N, 1]}.
 *
 * <p>The trees are small and fixed: each splits on two features with {@code BRANCH_LEQ} (LightGBM's
 * {@code <=}) at thresholds from a table, and its leaf values come from a fixed seed, rounded to
 * 1/1024 so that they are exact in FP32.
 */
public final class LightGbmTrees {
  public static final int FEATURES = 4;
  public static final int CLASSES = 3;
  static final int ROUNDS = 2;
  static final int REGRESSION_TREES = 3;
  static final long IR_VERSION = 8;
  static final long OPSET = 15;
  static final long ML_OPSET = 3;
  static final long SEED = 19L;
  /** Split thresholds of the trees, {@code [tree][level]}, cycled. */
  static final float[][] THRESHOLDS = {{-0.5f, 0.25f}, {0.75f, -1.0f}, {1.25f, 0.0f}, {0.5f, -0.25f}};

  private LightGbmTrees() {}

  /** The node arrays of a tree ensemble, built tree by tree. */
  private static final class Nodes {
    final List<Long> treeIds = new java.util.ArrayList<>();
    final List<Long> nodeIds = new java.util.ArrayList<>();
    final List<Long> featureIds = new java.util.ArrayList<>();
    final List<String> modes = new java.util.ArrayList<>();
    final List<Float> values = new java.util.ArrayList<>();
    final List<Long> trueIds = new java.util.ArrayList<>();
    final List<Long> falseIds = new java.util.ArrayList<>();
    /** Leaves: tree, node, leaf value. */
    final List<long[]> leaves = new java.util.ArrayList<>();
    final List<Float> leafValues = new java.util.ArrayList<>();

    /**
     * Tree {@code t}: node 0 splits feature {@code t % 4}; its true branch, node 1, splits feature
     * {@code (t + 1) % 4}; nodes 2, 3 and 4 are leaves.
     */
    void tree(int t, SplittableRandom rng) {
      float[] th = THRESHOLDS[t % THRESHOLDS.length];
      branch(t, 0, t % FEATURES, th[0], 1, 2);
      branch(t, 1, (t + 1) % FEATURES, th[1], 3, 4);
      for (int leaf : new int[] {2, 3, 4}) {
        add(t, leaf, 0, "LEAF", 0f, 0, 0);
        leaves.add(new long[] {t, leaf});
        leafValues.add(Math.round((rng.nextDouble() * 2 - 1) * 1024) / 1024f);
      }
    }

    private void branch(int t, int id, int feature, float threshold, int yes, int no) {
      add(t, id, feature, "BRANCH_LEQ", threshold, yes, no);
    }

    private void add(int t, int id, int feature, String mode, float v, int yes, int no) {
      treeIds.add((long) t);
      nodeIds.add((long) id);
      featureIds.add((long) feature);
      modes.add(mode);
      values.add(v);
      trueIds.add((long) yes);
      falseIds.add((long) no);
    }

    void addTo(OnnxMl.NodeProto.Builder n) {
      n.addAttribute(ints("nodes_treeids", longs(treeIds)))
          .addAttribute(ints("nodes_nodeids", longs(nodeIds)))
          .addAttribute(ints("nodes_featureids", longs(featureIds)))
          .addAttribute(strings("nodes_modes", modes.toArray(String[]::new)))
          .addAttribute(floats("nodes_values", floatArray(values)))
          .addAttribute(ints("nodes_truenodeids", longs(trueIds)))
          .addAttribute(ints("nodes_falsenodeids", longs(falseIds)))
          .addAttribute(ints("nodes_missing_value_tracks_true", new long[treeIds.size()]));
    }

    long[] leafColumn(int i) {
      return leaves.stream().mapToLong(l -> l[i]).toArray();
    }
  }

  /** Three classes 0, 1, 2; trees {@code 0..5}, tree {@code t} voting for class {@code t % 3}. */
  public static OnnxMl.ModelProto classifier() {
    SplittableRandom rng = new SplittableRandom(SEED);
    Nodes nodes = new Nodes();
    for (int t = 0; t < ROUNDS * CLASSES; t++) {
      nodes.tree(t, rng);
    }
    long[] classIds = nodes.leaves.stream().mapToLong(l -> l[0] % CLASSES).toArray();
    OnnxMl.NodeProto.Builder ensemble = node("TreeEnsembleClassifier", "TreeEnsembleClassifier", true,
        List.of("input"), List.of("label_tensor", "probability_tensor"));
    nodes.addTo(ensemble);
    ensemble.addAttribute(ints("class_treeids", nodes.leafColumn(0)))
        .addAttribute(ints("class_nodeids", nodes.leafColumn(1)))
        .addAttribute(ints("class_ids", classIds))
        .addAttribute(floats("class_weights", floatArray(nodes.leafValues)))
        .addAttribute(ints("classlabels_int64s", 0, 1, 2))
        .addAttribute(string("post_transform", "SOFTMAX"));
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("LightGBM")
        .addInput(value("input", tensorType(DataType.FLOAT, null, (long) FEATURES)))
        .addNode(ensemble)
        .addNode(node("Cast", "Cast", false, List.of("label_tensor"), List.of("label"))
            .addAttribute(integer("to", DataType.INT64.getNumber())))
        .addNode(node("ZipMap", "ZipMap", true, List.of("probability_tensor"), List.of("probabilities"))
            .addAttribute(ints("classlabels_int64s", 0, 1, 2)))
        .addOutput(value("label", tensorType(DataType.INT64, (Long) null)))
        .addOutput(value("probabilities", Graphs.sequenceOfMaps(DataType.INT64)))
        .build();
    return Graphs.model(graph, IR_VERSION, OPSET, ML_OPSET, "onnxmltools", "1.12.0");
  }

  /** One target, the sum of three trees' leaf values. */
  public static OnnxMl.ModelProto regressor() {
    SplittableRandom rng = new SplittableRandom(SEED + 1);
    Nodes nodes = new Nodes();
    for (int t = 0; t < REGRESSION_TREES; t++) {
      nodes.tree(t, rng);
    }
    OnnxMl.NodeProto.Builder ensemble = node("TreeEnsembleRegressor", "TreeEnsembleRegressor", true,
        List.of("input"), List.of("variable"));
    nodes.addTo(ensemble);
    ensemble.addAttribute(ints("target_treeids", nodes.leafColumn(0)))
        .addAttribute(ints("target_nodeids", nodes.leafColumn(1)))
        .addAttribute(ints("target_ids", new long[nodes.leaves.size()]))
        .addAttribute(floats("target_weights", floatArray(nodes.leafValues)))
        .addAttribute(integer("n_targets", 1))
        .addAttribute(string("aggregate_function", "SUM"))
        .addAttribute(string("post_transform", "NONE"));
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("LightGBM")
        .addInput(value("input", tensorType(DataType.FLOAT, null, (long) FEATURES)))
        .addNode(ensemble)
        .addOutput(value("variable", tensorType(DataType.FLOAT, null, 1L)))
        .build();
    return Graphs.model(graph, IR_VERSION, OPSET, ML_OPSET, "onnxmltools", "1.12.0");
  }

  private static long[] longs(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] floatArray(List<Float> l) {
    float[] a = new float[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
