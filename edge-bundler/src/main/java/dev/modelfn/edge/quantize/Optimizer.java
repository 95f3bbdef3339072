package dev.modelfn.edge.quantize;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/**
 * ONNX Runtime's offline graph optimization at the basic level (constant folding, redundant node
 * removal, semantics-preserving fusions), written back as ONNX. Basic is the level whose output is
 * hardware-independent; extended and layout optimizations can bake in the build machine's CPU, so
 * devices apply those themselves when they load the model.
 *
 * @see <a href="https://onnxruntime.ai/docs/performance/model-optimizations/graph-optimizations.html">ORT graph optimizations</a>
 */
public final class Optimizer {
  public static final String LEVEL = "basic";

  private Optimizer() {}

  public static void optimize(Path in, Path out) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
      o.setOptimizedModelFilePath(out.toString());
      env.createSession(in.toString(), o).close();
    }
  }
}
