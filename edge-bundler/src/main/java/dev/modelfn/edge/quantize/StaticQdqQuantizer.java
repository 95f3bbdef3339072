package dev.modelfn.edge.quantize;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static post-training int8 quantization in the QDQ format: for each MatMul with a constant fp32
 * weight, the activation input goes through {@code QuantizeLinear} → {@code DequantizeLinear} with
 * a uint8 scale and zero point from calibration, and the weight is stored as int8 (symmetric) behind
 * a {@code DequantizeLinear}. ONNX Runtime recognises DQ → MatMul and runs the integer kernel; the
 * graph stays valid ONNX that any runtime can execute.
 *
 * @see <a href="https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html#onnx-quantization-representation-format">QDQ format</a>
 */
public final class StaticQdqQuantizer {
  private StaticQdqQuantizer() {}

  /** An activation tensor's calibrated range. */
  public record Range(float min, float max) {}

  /** The quantized model and how many MatMuls it quantized. */
  public record Result(OnnxMl.ModelProto model, int quantizedNodes) {}

  /** The activation tensors calibration must observe: the data inputs and the outputs of quantizable MatMuls. */
  public static List<String> calibrationTensors(OnnxMl.ModelProto model) {
    Map<String, OnnxMl.TensorProto> inits = OnnxGraphs.initializers(model.getGraph());
    Set<String> out = new LinkedHashSet<>();
    for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
      if (quantizable(n, inits)) {
        out.add(n.getInput(0));
        out.add(n.getOutput(0));
      }
    }
    return new ArrayList<>(out);
  }

  private static boolean quantizable(OnnxMl.NodeProto n, Map<String, OnnxMl.TensorProto> inits) {
    return n.getOpType().equals("MatMul") && n.getDomain().isEmpty() && n.getInputCount() == 2
        && OnnxGraphs.floatMatrix(inits, n.getInput(1)) != null && !inits.containsKey(n.getInput(0))
        && inits.get(n.getInput(1)).getDims(0) * inits.get(n.getInput(1)).getDims(1)
            >= DynamicQuantizer.MIN_WEIGHT_ELEMENTS;
  }

  /** The model with {@code tensors} added as graph outputs, so that a session returns them. */
  public static OnnxMl.ModelProto withOutputs(OnnxMl.ModelProto model, List<String> tensors) {
    OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
    Set<String> existing = new java.util.HashSet<>();
    g.getOutputList().forEach(o -> existing.add(o.getName()));
    for (String t : tensors) {
      if (existing.add(t)) {
        g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(t).setType(OnnxMl.TypeProto.newBuilder()
            .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT
                .getNumber()))));
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  /** QuantizeLinear → DequantizeLinear of {@code tensor} with a uint8 scale and zero point from {@code r}. */
  private static void qdq(OnnxMl.GraphProto.Builder g, String tensor, Range r, String base, String output) {
    float lo = Math.min(0f, r.min());
    float hi = Math.max(0f, r.max());
    float scale = hi > lo ? (hi - lo) / 255f : 1f;
    int zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
    g.addInitializer(OnnxGraphs.scalarFloat(base + "_scale", scale));
    g.addInitializer(OnnxGraphs.scalarUint8(base + "_zero_point", zp));
    g.addNode(OnnxGraphs.node("QuantizeLinear", base + "_QuantizeLinear",
        OnnxGraphs.in(tensor, base + "_scale", base + "_zero_point"), base + "_quantized"));
    g.addNode(OnnxGraphs.node("DequantizeLinear", base + "_DequantizeLinear",
        OnnxGraphs.in(base + "_quantized", base + "_scale", base + "_zero_point"), output));
  }

  public static Result quantize(OnnxMl.ModelProto model, Map<String, Range> ranges) {
    OnnxMl.GraphProto graph = model.getGraph();
    Map<String, OnnxMl.TensorProto> inits = OnnxGraphs.initializers(graph);
    OnnxMl.GraphProto.Builder g = graph.toBuilder().clearNode();
    Map<String, String> dequantized = new HashMap<>();
    Map<String, String> weights = new HashMap<>();
    int count = 0;
    for (OnnxMl.NodeProto n : graph.getNodeList()) {
      if (!quantizable(n, inits)) {
        g.addNode(n);
        continue;
      }
      String a = n.getInput(0);
      Range r = ranges.get(a);
      if (r == null) {
        throw new IllegalArgumentException("no calibrated range for tensor '" + a + "'");
      }
      String adq = dequantized.get(a);
      if (adq == null) {
        adq = a + "_dequantized";
        qdq(g, a, r, a, adq);
        dequantized.put(a, adq);
      }
      OnnxMl.TensorProto w = inits.get(n.getInput(1));
      String wdq = weights.get(w.getName());
      if (wdq == null) {
        OnnxGraphs.SymmetricInt8 q = OnnxGraphs.symmetricInt8(OnnxGraphs.floats(w));
        String wq = w.getName() + "_quantized";
        g.addInitializer(OnnxGraphs.int8(wq, new long[] {w.getDims(0), w.getDims(1)}, q.data()));
        g.addInitializer(OnnxGraphs.scalarFloat(w.getName() + "_scale", q.scale()));
        g.addInitializer(OnnxGraphs.scalarInt8(w.getName() + "_zero_point", (byte) 0));
        wdq = w.getName() + "_dequantized";
        g.addNode(OnnxGraphs.node("DequantizeLinear", w.getName() + "_DequantizeLinear",
            OnnxGraphs.in(wq, w.getName() + "_scale", w.getName() + "_zero_point"), wdq));
        weights.put(w.getName(), wdq);
      }
      // Q/DQ on the output too: DQ -> MatMul -> Q is the node unit ORT turns into QLinearMatMul
      String y = n.getOutput(0);
      Range yr = ranges.get(y);
      if (yr == null) {
        throw new IllegalArgumentException("no calibrated range for tensor '" + y + "'");
      }
      g.addNode(n.toBuilder().setInput(0, adq).setInput(1, wdq).setOutput(0, y + "_float").build());
      qdq(g, y + "_float", yr, y, y);
      count++;
    }
    OnnxGraphs.dropUnused(g);
    OnnxMl.ModelProto.Builder m = model.toBuilder().setGraph(g);
    OnnxGraphs.requireOpset(m, 13);
    return new Result(m.build(), count);
  }
}
