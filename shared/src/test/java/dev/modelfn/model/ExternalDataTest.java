package dev.modelfn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
  private static final String URI = "s3://models/fraud/model.onnx";

  /** A TensorProto named {@code name} whose data is at {@code location} (onnx.proto fields 8, 13, 14). */
  private static ProtoMessage external(String name, String location, long offset) {
    return new ProtoMessage().varint(1, 16).varint(2, 1).text(8, name)
        .message(13, entry("location", location))
        .message(13, entry("offset", Long.toString(offset)))
        .message(13, entry("length", "64"))
        .varint(14, 1);
  }

  private static ProtoMessage entry(String key, String value) {
    return new ProtoMessage().text(1, key).text(2, value);
  }

  private static ProtoMessage inline(String name) {
    return new ProtoMessage().varint(1, 2).varint(2, 1).text(8, name).bytes(9, new byte[8]);
  }

  private static ByteBuffer model(ProtoMessage graph) {
    return new ProtoMessage().varint(1, 8).text(2, "pytorch").message(7, graph)
        .message(8, new ProtoMessage().text(1, "").varint(2, 15)).buffer();
  }

  @Test
  void anOrtFormatModelNamesNoDataFiles(@TempDir Path dir) throws Exception {
    // a FlatBuffer: the root table's offset, then the file identifier ORTM (as ONNX Runtime writes .ort files)
    byte[] ort = new byte[64];
    ort[0] = 16;
    ort[4] = 'O';
    ort[5] = 'R';
    ort[6] = 'T';
    ort[7] = 'M';
    ort[20] = (byte) 0xff; // not a protobuf message: read as one, this would be refused
    Path file = dir.resolve("model.ort");
    Files.write(file, ort);
    assertThat(ExternalData.locations(file, "s3://models/m/model.ort")).isEmpty();
  }

  @Test
  void listsEachLocationOnceInTheOrderTheModelNamesThem() {
    ProtoMessage graph = new ProtoMessage()
        .message(1, new ProtoMessage().text(1, "x").text(4, "Gemm"))
        .message(5, external("fc1.weight", "model.onnx.data", 0))
        .message(5, inline("fc1.bias"))
        .message(5, external("fc2.weight", "./model.onnx.data", 4096))
        .message(5, external("fc3.weight", "weights/fc3.bin", 0));
    assertThat(ExternalData.locations(model(graph), URI))
        .containsExactly("model.onnx.data", "weights/fc3.bin");
  }

  @Test
  void readsSparseInitializersAndSubgraphsOfNodeAttributes() {
    ProtoMessage body = new ProtoMessage().message(5, external("loop.w", "loop.bin", 0));
    ProtoMessage ifNode = new ProtoMessage().text(4, "If")
        .message(5, new ProtoMessage().text(1, "then_branch").message(6, body).varint(20, 5))
        .message(5, new ProtoMessage().text(1, "value").message(5, external("const", "const.bin", 0)));
    ProtoMessage sparse = new ProtoMessage().message(1, external("sp.values", "sparse.bin", 0))
        .message(2, inline("sp.indices"));
    ProtoMessage graph = new ProtoMessage().message(1, ifNode).message(15, sparse);
    assertThat(ExternalData.locations(model(graph), URI)).containsExactly("loop.bin", "const.bin", "sparse.bin");
  }

  @Test
  void aModelHoldingAllItsTensorsNamesNone(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("m.onnx");
    Files.write(file, model(new ProtoMessage().message(5, inline("w"))).array());
    assertThat(ExternalData.locations(file, file.toUri().toString())).isEmpty();
  }

  @Test
  void aTensorMarkedExternalWithoutALocationIsRefusedNamingTheTensor() {
    ProtoMessage tensor = new ProtoMessage().text(8, "fc.weight").message(13, entry("offset", "0")).varint(14, 1);
    assertThatThrownBy(() -> ExternalData.locations(model(new ProtoMessage().message(5, tensor)), URI))
        .isInstanceOf(ModelfnException.class)
        .hasMessageContaining(URI).hasMessageContaining("'fc.weight'").hasMessageContaining("no location");
  }

  @Test
  void refusesLocationsOutsideTheModelsFolderNamingThem() {
    for (String[] c : new String[][] {
        {"../secrets.bin", "'..'"},
        {"weights/../../x.bin", "'..'"},
        {"/etc/passwd", "absolute"},
        {"C:\\weights.bin", "absolute"},
        {"weights\\a.bin", "'\\'"},
        {"", "empty"},
        {"./", "names no file"}}) {
      ProtoMessage graph = new ProtoMessage().message(5, external("w", c[0], 0));
      assertThatThrownBy(() -> ExternalData.locations(model(graph), URI)).as(c[0])
          .isInstanceOfSatisfying(ModelfnException.class,
              e -> assertThat(e.problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
          .hasMessageContaining(URI)
          .hasMessageContaining("location '" + c[0] + "'")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void refusesATruncatedModel() {
    byte[] whole = model(new ProtoMessage().message(5, external("w", "w.bin", 0))).array();
    ByteBuffer cut = ByteBuffer.wrap(whole, 0, whole.length - 20).slice();
    assertThatThrownBy(() -> ExternalData.locations(cut, URI)).isInstanceOf(ModelfnException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void namesEachFileBesideTheModelsKey() {
    assertThat(ExternalData.objectKey("models/v3/model.onnx", "model.onnx.data")).isEqualTo("models/v3/model.onnx.data");
    assertThat(ExternalData.objectKey("model.onnx", "w/a.bin")).isEqualTo("w/a.bin");
  }
}
