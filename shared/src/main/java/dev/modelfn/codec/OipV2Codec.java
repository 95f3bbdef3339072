package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Open Inference Protocol v2 (KServe/Triton) tensor requests and responses, including the binary
 * tensor data extension: an input with {@code "parameters": {"binary_data_size": n}} and no {@code
 * data} takes its values from the next {@code n} bytes after the JSON header (little-endian;
 * {@code BYTES} elements as 4-byte length plus UTF-8), which spares parsing decimal text for large
 * tensors. See https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/ and
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md.
 */
public final class OipV2Codec {
  private OipV2Codec() {}

  /** The most elements one input tensor may have (64 MiB of FP32); far above any body API Gateway accepts. */
  static final long MAX_ELEMENTS = 1L << 24;

  /** A decoded v2 request: its optional {@code id} and the validated tensors. */
  public record Request(Optional<String> id, InferenceRequest inference) {}

  /**
   * Decodes a v2 inference request from its bytes: the JSON (header) in {@code [0, headerEnd)},
   * then binary tensor data when {@code binary} is given.
   *
   * @param binary the bytes after the JSON header, or null when the body is all JSON
   */
  public static Request read(byte[] body, int headerEnd, ModelSignature sig, int maxRows, ByteBuffer binary) {
    return decode(Json.parse(body, 0, headerEnd), sig, maxRows, binary);
  }

  /** Decodes a parsed v2 inference request body, validating it against the signature. */
  public static Request decode(JsonNode body, ModelSignature sig, int maxRows) {
    return decode(body, sig, maxRows, null);
  }

  /**
   * Decodes a v2 request whose JSON header is followed by binary tensor data.
   *
   * @param binary the bytes after the JSON header, or null when the request has none
   */
  public static Request decode(JsonNode body, ModelSignature sig, int maxRows, ByteBuffer binary) {
    if (!body.isObject()) {
      throw new InvalidInputException("", "a JSON object with an 'inputs' array", Json.describe(body));
    }
    Optional<String> id = Optional.empty();
    JsonNode idNode = body.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual()) {
        throw new InvalidInputException("/id", "a string", Json.describe(idNode));
      }
      id = Optional.of(idNode.textValue());
    }
    JsonNode inputs = body.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new InvalidInputException("/inputs", "a non-empty array of input tensors", Json.describe(inputs));
    }
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < inputs.size(); k++) {
      String ptr = "/inputs/" + k;
      JsonNode in = inputs.get(k);
      if (!in.isObject()) {
        throw new InvalidInputException(ptr, "an object with name, shape, datatype and data", Json.describe(in));
      }
      String name = text(in, "name", ptr);
      TensorSpec spec = sig.input(name).orElseThrow(() -> new InvalidInputException(ptr + "/name",
          "one of the model's inputs " + names(sig.inputs()), "'" + name + "'"));
      if (!seen.add(name)) {
        throw new InvalidInputException(ptr + "/name", "each input once", "'" + name + "' again");
      }
      tensors.add(decodeTensor(in, ptr, spec, maxRows, binary));
    }
    if (binary != null && binary.hasRemaining()) {
      throw new InvalidInputException("/inputs", "binary data exactly as long as the inputs' binary_data_size"
          + " parameters add up to", binary.remaining() + " bytes more");
    }
    for (TensorSpec spec : sig.inputs()) {
      if (!seen.contains(spec.name())) {
        throw new InvalidInputException("/inputs", "an input named '" + spec.name() + "'", "inputs " + seen);
      }
    }
    List<String> outputs = new ArrayList<>();
    JsonNode outs = body.get("outputs");
    if (outs != null && !outs.isNull()) {
      if (!outs.isArray()) {
        throw new InvalidInputException("/outputs", "an array of {\"name\": ...} objects", Json.describe(outs));
      }
      for (int k = 0; k < outs.size(); k++) {
        String ptr = "/outputs/" + k;
        JsonNode o = outs.get(k);
        if (!o.isObject()) {
          throw new InvalidInputException(ptr, "an object with a name", Json.describe(o));
        }
        String name = text(o, "name", ptr);
        if (sig.output(name).isEmpty()) {
          throw new InvalidInputException(ptr + "/name", "one of the model's outputs " + names(sig.outputs()),
              "'" + name + "'");
        }
        outputs.add(name);
      }
    }
    return new Request(id, new InferenceRequest(tensors, outputs));
  }

  private static Tensor decodeTensor(JsonNode in, String ptr, TensorSpec spec, int maxRows, ByteBuffer binary) {
    String datatype = text(in, "datatype", ptr);
    ElementType type = ElementType.fromOip(datatype).orElseThrow(() -> new InvalidInputException(ptr + "/datatype",
        spec.type().name(), "'" + datatype + "'"));
    if (type != spec.type()) {
      throw new InvalidInputException(ptr + "/datatype", spec.type().name() + " for input '" + spec.name() + "'",
          "'" + datatype + "'");
    }
    JsonNode shapeNode = in.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new InvalidInputException(ptr + "/shape", "an array of dimensions, e.g. " + exampleShape(spec),
          Json.describe(shapeNode));
    }
    if (shapeNode.size() != spec.rank()) {
      throw new InvalidInputException(ptr + "/shape", spec.rank() + " dimensions " + exampleShape(spec),
          shapeNode.size() + " dimensions " + shapeNode);
    }
    long[] shape = new long[spec.rank()];
    for (int d = 0; d < shape.length; d++) {
      JsonNode dim = shapeNode.get(d);
      if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.longValue() < 0) {
        throw new InvalidInputException(ptr + "/shape/" + d, "a non-negative integer", Json.describe(dim));
      }
      shape[d] = dim.longValue();
      long declared = spec.shape().get(d);
      if (declared >= 0 && declared != shape[d]) {
        throw new InvalidInputException(ptr + "/shape/" + d, declared + " (model shape " + exampleShape(spec) + ")",
            Long.toString(shape[d]));
      }
    }
    long elements = 1;
    for (long d : shape) {
      elements = d > MAX_ELEMENTS ? MAX_ELEMENTS + 1 : elements * d;
      if (elements > MAX_ELEMENTS) {
        throw new InvalidInputException(ptr + "/shape", "at most " + MAX_ELEMENTS + " elements in all",
            shapeNode.toString());
      }
    }
    if (spec.batched()) {
      if (shape[0] == 0) {
        throw new InvalidInputException(ptr + "/shape/0", "at least one row", "0");
      }
      if (shape[0] > maxRows) {
        throw new InvalidInputException(ptr + "/shape/0", "at most " + maxRows + " rows", Long.toString(shape[0]));
      }
    }
    JsonNode binarySize = in.path("parameters").get("binary_data_size");
    if (binarySize != null) {
      if (in.has("data")) {
        throw new InvalidInputException(ptr + "/data", "no data: the input's values are binary (binary_data_size)",
            Json.describe(in.get("data")));
      }
      return BinaryTensors.read(spec.name(), type, shape, binarySize, binary, ptr + "/parameters/binary_data_size");
    }
    JsonNode data = in.get("data");
    if (data == null || !data.isArray()) {
      throw new InvalidInputException(ptr + "/data", "an array of " + Tensor.elementCount(shape) + " values",
          Json.describe(data));
    }
    long expected = Tensor.elementCount(shape);
    TensorBuilder b = new TensorBuilder(spec.name(), type, shape);
    int filled = fill(b, data, ptr + "/data", 0, expected);
    if (filled != expected) {
      throw new InvalidInputException(ptr + "/data", expected + " values for shape " + java.util.Arrays.toString(shape),
          filled + " values");
    }
    return b.build();
  }

  /** Fills flat or nested (row-major) data; returns the next free index. */
  private static int fill(TensorBuilder b, JsonNode arr, String ptr, int at, long expected) {
    int i = at;
    for (int k = 0; k < arr.size(); k++) {
      JsonNode v = arr.get(k);
      if (v.isArray()) {
        i = fill(b, v, ptr + "/" + k, i, expected);
        continue;
      }
      if (i >= expected) {
        throw new InvalidInputException(ptr, expected + " values in all", "more");
      }
      b.put(i++, v, ptr, k);
    }
    return i;
  }

  /** Writes a v2 inference response. */
  public static byte[] encode(ModelMetadata md, String id, InferenceResult result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model_name", md.name());
      g.writeStringField("model_version", md.version());
      g.writeStringField("id", id);
      g.writeArrayFieldStart("outputs");
      for (Tensor t : result.outputs()) {
        TensorJson.writeTensor(g, t, md.signature().output(t.name()).map(TensorSpec::classes).orElse(List.of()));
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String text(JsonNode obj, String field, String ptr) {
    JsonNode n = obj.get(field);
    if (n == null || !n.isTextual()) {
      throw new InvalidInputException(ptr + "/" + field, "a string", Json.describe(n));
    }
    return n.textValue();
  }

  static String names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList().toString();
  }

  static String exampleShape(TensorSpec spec) {
    return spec.shape().toString();
  }
}
