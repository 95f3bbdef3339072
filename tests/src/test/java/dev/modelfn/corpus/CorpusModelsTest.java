package dev.modelfn.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusModel;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.examples.corpus.SklearnLogisticRegression;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelArtifact;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.model.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus generator writes well-formed graphs in their exporter's shape, the same bytes every
 * time, and ONNX Runtime loads each with the input and output types the exporter's models have.
 */
class CorpusModelsTest {
  private static Path corpus;

  @BeforeAll
  static void generate() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
  }

  static Stream<CorpusModel> models() {
    return CorpusModel.all().stream();
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("models")
  void writesTheSameWellFormedGraphEveryTime(CorpusModel m) throws Exception {
    byte[] written = Files.readAllBytes(m.file(corpus));
    assertThat(written).isEqualTo(m.builder().get().toByteArray());
    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(written);
    assertThat(model.getIrVersion()).isEqualTo(8);
    Map<String, Long> opsets = model.getOpsetImportList().stream()
        .collect(Collectors.toMap(OnnxMl.OperatorSetIdProto::getDomain, OnnxMl.OperatorSetIdProto::getVersion));
    assertThat(opsets).containsOnlyKeys("", "ai.onnx.ml");
    assertThat(model.getProducerName()).isEqualTo(m.exporter());

    OnnxMl.GraphProto g = model.getGraph();
    assertThat(g.getInputList()).extracting(OnnxMl.ValueInfoProto::getName).containsExactly(m.input());
    List<String> outputs = CorpusGraphsTest.assertWellFormed(g, opsets);
    if (m.classifier()) {
      assertThat(outputs).containsExactly(m.labelOutput(), m.scoresOutput());
      OnnxMl.NodeProto zipMap = g.getNodeList().stream().filter(n -> n.getOpType().equals("ZipMap")).findFirst()
          .orElseThrow();
      assertThat(zipMap.getDomain()).isEqualTo("ai.onnx.ml");
      assertThat(zipMap.getOutputList()).containsExactly(m.scoresOutput());
      OnnxMl.AttributeProto labels = zipMap.getAttribute(0);
      List<String> classes = labels.getName().equals("classlabels_int64s")
          ? labels.getIntsList().stream().map(String::valueOf).toList()
          : labels.getStringsList().stream().map(b -> b.toString(StandardCharsets.UTF_8)).toList();
      assertThat(classes).isEqualTo(m.classes());
    } else {
      assertThat(outputs).containsExactly(m.scoresOutput());
    }
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("models")
  void onnxRuntimeLoadsItWithTheExportersTypes(CorpusModel m) throws Exception {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = OnnxRuntimeEnvironment.get().createSession(m.file(corpus).toString(), so)) {
      TensorInfo in = (TensorInfo) s.getInputInfo().get(m.input()).getInfo();
      assertThat(in.type).isEqualTo(OnnxJavaType.FLOAT);
      assertThat(in.getShape()).containsExactly(-1, m.features());
      Map<String, NodeInfo> out = s.getOutputInfo();
      if (!m.classifier()) {
        TensorInfo v = (TensorInfo) out.get(m.scoresOutput()).getInfo();
        assertThat(v.type).isEqualTo(OnnxJavaType.FLOAT);
        assertThat(v.getShape()).containsExactly(-1, 1);
        return;
      }
      boolean strings = CorpusParityTest.stringLabels(m);
      OnnxJavaType key = strings ? OnnxJavaType.STRING : OnnxJavaType.INT64;
      assertThat(((TensorInfo) out.get(m.labelOutput()).getInfo()).type).isEqualTo(key);
      SequenceInfo seq = (SequenceInfo) out.get(m.scoresOutput()).getInfo();
      assertThat(seq.isSequenceOfMaps()).isTrue();
      MapInfo map = seq.mapInfo;
      assertThat(map.keyType).isEqualTo(key);
      assertThat(map.valueType).isEqualTo(OnnxJavaType.FLOAT);
    }
    // the rows the parity tests send reach more than one class: the corpus tests the classes, not one
    OrtReference ort = OrtReference.run(m, m.file(corpus), CorpusRows.of(m.features(), 12));
    if (m.classifier()) {
      assertThat(new HashSet<>(ort.labels())).hasSizeGreaterThan(1);
    }
  }

  /**
   * The IR versions docs/models.md states: the ZipMap classifier, loaded from bytes, is served from
   * IR 3 to 13, and at IR 14 (onnx 1.23's default, newer than ONNX Runtime 1.28 reads) as IR 13,
   * answering the same.
   */
  @Test
  void servesIrVersions3To14() {
    float[] row = CorpusRows.of(SklearnLogisticRegression.FEATURES, 1)[4];
    float[] first = null;
    for (int ir = 3; ir <= 14; ir++) {
      byte[] bytes = SklearnLogisticRegression.multinomial().toBuilder().setIrVersion(ir).build().toByteArray();
      ModelArtifact artifact = new ModelArtifact("memory:ir" + ir, "ir" + ir, Optional.empty(), Optional.of(bytes),
          Optional.empty());
      try (OnnxPredictor p = OnnxPredictor.load(artifact, OnnxPredictor.Options.defaults())) {
        assertThat(p.metadata().signature().output("output_probability").orElseThrow().classes())
            .as("IR %d", ir).containsExactly("0", "1", "2");
        InferenceResult r = p.infer(new InferenceRequest(
            List.of(Tensor.ofFloats("float_input", new long[] {1, row.length}, row)), List.of()));
        assertThat(r.outputs()).extracting(Tensor::name).containsExactlyInAnyOrder("output_label", "output_probability");
        float[] probabilities = (float[]) r.output("output_probability").orElseThrow().data();
        if (first == null) {
          first = probabilities;
        }
        assertThat(probabilities).as("IR %d", ir).containsExactly(first);
      }
    }
  }

  /**
   * An IR 14 model that cannot be loaded as IR 13 here (its ir_version is not where exporters write
   * it, first) is refused once, with how to re-export it and no stack of ONNX Runtime's.
   */
  @Test
  void refusesANewerIrItCannotLoadSayingHowToReExport() {
    byte[] ir14 = SklearnLogisticRegression.multinomial().toBuilder().setIrVersion(14).build().toByteArray();
    // the same model with its ir_version field (08 0e) written last instead of first
    assertThat(ir14[0]).isEqualTo((byte) 0x08);
    byte[] moved = java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(ir14, 2, ir14.length), ir14.length);
    moved[ir14.length - 2] = 0x08;
    moved[ir14.length - 1] = 14;
    ModelArtifact artifact = new ModelArtifact("memory:ir14-reordered", "m", Optional.empty(), Optional.of(moved),
        Optional.empty());
    assertThatThrownBy(() -> OnnxPredictor.load(artifact, OnnxPredictor.Options.defaults()))
        .isInstanceOfSatisfying(ModelfnException.class, e -> {
          assertThat(e.problem()).isEqualTo(dev.modelfn.errors.Problem.MODEL_LOAD_FAILED);
          assertThat(e.getCause()).isNull();
        })
        .hasMessageContaining("its ONNX IR version is 14").hasMessageContaining("reads IR versions up to 13")
        .hasMessageContaining("m.ir_version = 13");
  }
}
