package dev.modelfn.edge.quantize;

import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.Map;

/**
 * Dynamic int8 quantization: each MatMul with a constant fp32 weight becomes {@code
 * DynamicQuantizeLinear} (activations to uint8, scale and zero point computed per call) + {@code
 * MatMulInteger} (int8 weights, symmetric, zero point 0) + {@code Cast} + {@code Mul} by the product
 * of the two scales. ONNX Runtime fuses that pattern into one integer kernel
 * (DynamicQuantizeMatMul); a weight-only {@code DequantizeLinear} graph would not run faster than
 * fp32 (measured 26× slower here), so it is not offered. Other nodes stay fp32.
 *
 * @see <a href="https://onnx.ai/onnx/operators/onnx__DynamicQuantizeLinear.html">DynamicQuantizeLinear</a>
 * @see <a href="https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html">ORT quantization</a>
 */
public final class DynamicQuantizer {
  private DynamicQuantizer() {}

  /** The quantized model and how many MatMuls it quantized. */
  public record Result(OnnxMl.ModelProto model, int quantizedNodes) {}

  /**
   * MatMuls whose weight has fewer elements than this stay fp32: they add little to the size, the
   * quantize/convert steps around them cost about what the integer kernel saves, and a small
   * output layer is where quantization error reaches the scores undamped.
   */
  public static final long MIN_WEIGHT_ELEMENTS = 16_384;

  public static Result quantize(OnnxMl.ModelProto model) {
    return quantize(model, MIN_WEIGHT_ELEMENTS);
  }

  public static Result quantize(OnnxMl.ModelProto model, long minWeightElements) {
    OnnxMl.GraphProto graph = model.getGraph();
    Map<String, OnnxMl.TensorProto> inits = OnnxGraphs.initializers(graph);
    OnnxMl.GraphProto.Builder g = graph.toBuilder().clearNode();
    Map<String, String[]> quantizedInputs = new HashMap<>();
    Map<String, String[]> quantizedWeights = new HashMap<>();
    int count = 0;
    for (OnnxMl.NodeProto n : graph.getNodeList()) {
      OnnxMl.TensorProto w = n.getOpType().equals("MatMul") && n.getDomain().isEmpty() && n.getInputCount() == 2
          ? OnnxGraphs.floatMatrix(inits, n.getInput(1)) : null;
      if (w != null && w.getDims(0) * w.getDims(1) < minWeightElements) {
        w = null;
      }
      if (w == null || inits.containsKey(n.getInput(0))) {
        g.addNode(n);
        continue;
      }
      String a = n.getInput(0);
      String y = n.getOutput(0);
      String[] aq = quantizedInputs.get(a);
      if (aq == null) {
        aq = new String[] {a + "_quantized", a + "_scale", a + "_zero_point"};
        g.addNode(OnnxGraphs.node("DynamicQuantizeLinear", a + "_QuantizeLinear", OnnxGraphs.in(a), aq));
        quantizedInputs.put(a, aq);
      }
      String[] wq = quantizedWeights.get(w.getName());
      if (wq == null) {
        int k = (int) w.getDims(0);
        int cols = (int) w.getDims(1);
        OnnxGraphs.PerColumnInt8 q = OnnxGraphs.perColumnInt8(OnnxGraphs.floats(w), k, cols);
        wq = new String[] {w.getName() + "_quantized", w.getName() + "_scale", w.getName() + "_zero_point"};
        g.addInitializer(OnnxGraphs.int8(wq[0], new long[] {k, cols}, q.data()));
        g.addInitializer(OnnxGraphs.floatVector(wq[1], q.scales()));
        g.addInitializer(OnnxGraphs.int8Zeros(wq[2], cols));
        quantizedWeights.put(w.getName(), wq);
      }
      String base = n.getName().isEmpty() ? y : n.getName();
      g.addNode(OnnxGraphs.node("MatMulInteger", base + "_MatMulInteger", OnnxGraphs.in(aq[0], wq[0], aq[2], wq[2]),
          y + "_int32"));
      g.addNode(OnnxGraphs.node("Cast", base + "_Cast", OnnxGraphs.in(y + "_int32"), y + "_float").toBuilder()
          .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT)
              .setI(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))
          .build());
      g.addNode(OnnxGraphs.node("Mul", base + "_scales_Mul", OnnxGraphs.in(aq[1], wq[1]), y + "_scale"));
      g.addNode(OnnxGraphs.node("Mul", base + "_output_Mul", OnnxGraphs.in(y + "_float", y + "_scale"), y));
      count++;
    }
    OnnxGraphs.dropUnused(g);
    OnnxMl.ModelProto.Builder m = model.toBuilder().setGraph(g);
    OnnxGraphs.requireOpset(m, 11);
    return new Result(m.build(), count);
  }
}
