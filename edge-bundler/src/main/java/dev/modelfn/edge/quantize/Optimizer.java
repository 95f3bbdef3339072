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

  public static void optimize(Path in, Path out) throws OrtException, java.io.IOException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
      o.setOptimizedModelFilePath(out.toString());
      env.createSession(in.toString(), o).close();
    }
    dropUnusedOpsets(out);
  }

  /** ORT writes an import for every domain it knows; keep those the nodes use (and the default). */
  static void dropUnusedOpsets(Path model) throws java.io.IOException {
    ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(model));
    java.util.Set<String> used = new java.util.HashSet<>(java.util.List.of("", "ai.onnx"));
    m.getGraph().getNodeList().forEach(n -> used.add(n.getDomain()));
    java.util.List<ai.onnx.proto.OnnxMl.OperatorSetIdProto> keep = m.getOpsetImportList().stream()
        .filter(o -> used.contains(o.getDomain())).toList();
    if (keep.size() != m.getOpsetImportCount()) {
      java.nio.file.Files.write(model, m.toBuilder().clearOpsetImport().addAllOpsetImport(keep).build().toByteArray());
    }
  }
}
