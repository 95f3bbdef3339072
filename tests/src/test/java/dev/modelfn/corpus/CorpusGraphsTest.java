package dev.modelfn.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusGraph;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus's non-tabular graphs are written the same every time, well formed (nodes in
 * topological order, every domain imported), and ONNX Runtime loads each with the graph's inputs
 * and outputs, in order.
 */
class CorpusGraphsTest {
  private static Path corpus;

  @BeforeAll
  static void generate() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
  }

  static Stream<CorpusGraph> graphs() {
    return CorpusGraph.all().stream();
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("graphs")
  void writesTheSameWellFormedGraphThatOnnxRuntimeLoads(CorpusGraph m) throws Exception {
    byte[] written = Files.readAllBytes(m.file(corpus));
    assertThat(written).isEqualTo(m.builder().get().toByteArray());
    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(written);
    assertThat(model.getIrVersion()).isEqualTo(8);
    assertThat(model.getProducerName()).isEqualTo(m.exporter());
    Map<String, Long> opsets = model.getOpsetImportList().stream()
        .collect(Collectors.toMap(OnnxMl.OperatorSetIdProto::getDomain, OnnxMl.OperatorSetIdProto::getVersion));
    OnnxMl.GraphProto g = model.getGraph();
    List<String> inputs = g.getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    List<String> outputs = assertWellFormed(g, opsets);
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = OnnxRuntimeEnvironment.get().createSession(m.file(corpus).toString(), so)) {
      assertThat(s.getInputNames()).containsExactlyElementsOf(inputs);
      assertThat(s.getOutputNames()).containsExactlyElementsOf(outputs);
    }
  }

  /**
   * Checks that every node's domain is imported, that the nodes are in topological order (each
   * reads only inputs, initializers and earlier nodes' outputs) and write each value once, and that
   * the graph's outputs are written; returns the outputs' names.
   */
  static List<String> assertWellFormed(OnnxMl.GraphProto g, Map<String, Long> opsets) {
    Set<String> defined = new HashSet<>();
    g.getInputList().forEach(i -> defined.add(i.getName()));
    g.getInitializerList().forEach(t -> defined.add(t.getName()));
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      assertThat(opsets).as("domain of %s", n.getOpType()).containsKey(n.getDomain());
      assertThat(defined).as("inputs of %s (topological order)", n.getName()).containsAll(n.getInputList());
      for (String out : n.getOutputList()) {
        assertThat(defined.add(out)).as("%s written once", out).isTrue();
      }
    }
    List<String> outputs = g.getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    assertThat(defined).containsAll(outputs);
    return outputs;
  }
}
