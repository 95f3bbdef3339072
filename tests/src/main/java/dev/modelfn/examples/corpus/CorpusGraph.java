package dev.modelfn.examples.corpus;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A corpus model that is not tabular (several typed inputs, dynamic inner dimensions, images): its
 * name (and file {@code <name>/<name>.onnx}), the exporter whose shape it has and how to build it.
 * Its own test knows its inputs; {@link CorpusModel} lists the tabular ones.
 */
public record CorpusGraph(String name, String exporter, Supplier<OnnxMl.ModelProto> builder) {

  public Path file(Path corpusDir) {
    return corpusDir.resolve(name).resolve(name + ".onnx");
  }

  /** Every non-tabular model of the corpus. */
  public static List<CorpusGraph> all() {
    return List.of(
        new CorpusGraph(SklearnColumnTransformer.NAME, "skl2onnx", SklearnColumnTransformer::pipeline),
        new CorpusGraph(PyTorchSequenceClassifier.NAME, "pytorch", PyTorchSequenceClassifier::model),
        new CorpusGraph(PyTorchSequenceWithContext.NAME, "pytorch", PyTorchSequenceWithContext::model),
        new CorpusGraph(SqueezeNetLike.NAME, "pytorch", SqueezeNetLike::model));
  }

  public static CorpusGraph named(String name) {
    return all().stream().filter(g -> g.name.equals(name)).findFirst().orElseThrow();
  }
}
