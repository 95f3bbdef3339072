package dev.modelfn.edge.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelfn.examples.MlpModelGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both quantizers on the mlp example: the graphs are well-formed, ONNX Runtime loads them, and the drift is small. */
class QuantizationTest {
  static OnnxMl.ModelProto mlp;
  static byte[] fp32;
  static Rows holdout;

  @BeforeAll
  static void model() {
    mlp = MlpModelGenerator.build();
    fp32 = mlp.toByteArray();
    holdout = Rows.synthetic(2000, 256, 11);
  }

  /**
   * What ONNX's checker would say of these graphs: nodes in topological order, every input
   * defined (graph input, initializer or an earlier node's output), every output defined once,
   * initializer names unique, and the graph outputs produced.
   */
  static void assertWellFormed(OnnxMl.ModelProto m) {
    OnnxMl.GraphProto g = m.getGraph();
    Set<String> defined = new HashSet<>();
    g.getInputList().forEach(i -> defined.add(i.getName()));
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      assertThat(defined.add(t.getName())).as("initializer %s defined once", t.getName()).isTrue();
    }
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        assertThat(in.isEmpty() || defined.contains(in)).as("input %s of %s defined before it", in, n.getName()).isTrue();
      }
      for (String out : n.getOutputList()) {
        assertThat(defined.add(out)).as("output %s of %s defined once", out, n.getName()).isTrue();
      }
    }
    g.getOutputList().forEach(o -> assertThat(defined).contains(o.getName()));
  }

  static Set<String> ops(OnnxMl.ModelProto m) {
    Set<String> s = new HashSet<>();
    m.getGraph().getNodeList().forEach(n -> s.add(n.getOpType()));
    return s;
  }

  static void assertLoads(OnnxMl.ModelProto m) throws Exception {
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(m.toByteArray())) {
      assertThat(s.getInputNames()).containsExactly("input");
      assertThat(s.getOutputNames()).containsExactly("probabilities");
    }
  }

  @Test
  void dynamicInt8ReplacesEveryMatMulWithTheIntegerPath() throws Exception {
    DynamicQuantizer.Result q = DynamicQuantizer.quantize(mlp);
    assertThat(q.quantizedNodes()).isEqualTo(2); // the 768x16 output layer stays fp32
    assertWellFormed(q.model());
    assertThat(ops(q.model())).contains("DynamicQuantizeLinear", "MatMulInteger").doesNotContain("DequantizeLinear");
    assertThat(q.model().getGraph().getInitializerList()).noneMatch(t -> t.getName().equals("W0"));
    assertLoads(q.model());
    Drift d = Drift.measure(fp32, q.model().toByteArray(), holdout, Progress.NONE);
    record("dynamic-int8", d);
    assertThat(d.sizeRatio()).isLessThanOrEqualTo(0.3);
    assertThat(d.top1Agreement()).isGreaterThanOrEqualTo(0.99);
    assertThat(d.maxAbsProbabilityDiff()).isLessThan(0.05);
  }

  @Test
  void staticQdqWrapsActivationsAndWeightsWithCalibratedScales() throws Exception {
    Rows cal = Rows.synthetic(512, 256, 5);
    for (Calibrator.Method method : Calibrator.Method.values()) {
      Map<String, StaticQdqQuantizer.Range> ranges = Calibrator.calibrate(mlp, cal.features(), method, 99.99,
          Progress.NONE);
      assertThat(ranges).containsOnlyKeys("input", "matmul0", "relu0", "matmul1");
      assertThat(ranges.get("relu0").min()).isGreaterThanOrEqualTo(0f); // after a ReLU
      assertThat(ranges.get("input").max()).isGreaterThan(2f);
      StaticQdqQuantizer.Result q = StaticQdqQuantizer.quantize(mlp, ranges);
      assertThat(q.quantizedNodes()).isEqualTo(2); // the 768x16 output layer stays fp32
      assertWellFormed(q.model());
      assertThat(ops(q.model())).contains("QuantizeLinear", "DequantizeLinear", "MatMul");
      assertThat(q.model().getGraph().getInitializerList()).anyMatch(t -> t.getName().equals("W0_quantized")
          && t.getDataType() == OnnxMl.TensorProto.DataType.INT8.getNumber());
      assertLoads(q.model());
      Drift d = Drift.measure(fp32, q.model().toByteArray(), holdout, Progress.NONE);
      record("static-qdq-" + method.name().toLowerCase(java.util.Locale.ROOT), d);
      assertThat(d.sizeRatio()).isLessThanOrEqualTo(0.3);
      assertThat(d.top1Agreement()).isGreaterThanOrEqualTo(0.97);
    }
  }

  @Test
  void percentileCalibrationIgnoresRareOutliers() throws Exception {
    float[][] rows = Rows.synthetic(400, 256, 3).features();
    rows[7][0] = 1000f;
    Map<String, StaticQdqQuantizer.Range> minmax = Calibrator.calibrate(mlp, rows, Calibrator.Method.MINMAX, 0,
        Progress.NONE);
    Map<String, StaticQdqQuantizer.Range> pct = Calibrator.calibrate(mlp, rows, Calibrator.Method.PERCENTILE, 99.9,
        Progress.NONE);
    assertThat(minmax.get("input").max()).isEqualTo(1000f);
    assertThat(pct.get("input").max()).isLessThan(10f);
  }

  @Test
  void optimizedModelStaysLoadableOnnx() throws Exception {
    Path dir = Files.createTempDirectory("opt");
    Path in = dir.resolve("q.onnx");
    Files.write(in, DynamicQuantizer.quantize(mlp).model().toByteArray());
    Path out = dir.resolve("o.onnx");
    Optimizer.optimize(in, out);
    OnnxMl.ModelProto o = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out));
    assertWellFormed(o);
    assertThat(ops(o)).contains("MatMulInteger");
    assertLoads(o);
  }

  @Test
  void aucOfPerfectAndReversedScores() {
    float[][] p = {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.6f, 0.4f}, {0.3f, 0.7f}};
    assertThat(Drift.auc(p, new int[] {0, 1, 0, 1})).isEqualTo(1.0);
    assertThat(Drift.auc(p, new int[] {1, 0, 1, 0})).isEqualTo(0.0);
  }

  /** The figures, for the record (target/quantization-figures.txt); timings are the benchmark's. */
  static synchronized void record(String what, Drift d) throws Exception {
    String line = String.format("%-22s size x%.3f  top-1 agreement %.4f  max |dp| %.5f  (%d rows)%n", what,
        d.sizeRatio(), d.top1Agreement(), d.maxAbsProbabilityDiff(), d.rows());
    System.out.print(line);
    Path f = Path.of("target", "quantization-figures.txt");
    Files.createDirectories(f.getParent());
    Files.writeString(f, line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  static List<String> unused() {
    return List.of();
  }
}
