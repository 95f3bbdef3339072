package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Row-oriented JSON: TF-Serving/KServe v1 {@code {"instances": [...]}} and the SageMaker JSON
 * contract. An instance is an array of numbers in feature order, an object of named features
 * (when the model carries feature names), or, for a model with several inputs, an object keyed by
 * input name: {@code {"num": [1.5, 2.0], "age_bucket": 3, "country": "DE"}}, each value one row of
 * its input (an array, nested for inner dimensions; a scalar where the input has one column), in
 * the input's own type. Every key must be an input and every input present; errors point at the
 * input by name ({@code /instances/0/country}, {@code /instances/0/num/1}).
 */
public final class InstancesCodec {
  private InstancesCodec() {}

  /**
   * Decodes an array of instances at {@code ptr} into one batched request.
   *
   * @throws InvalidInputException with a pointer into the instances on any invalid value
   */
  public static InferenceRequest decode(JsonNode instances, String ptr, ModelSignature sig, int maxRows) {
    if (instances == null || !instances.isArray()) {
      throw new InvalidInputException(ptr, "an array of instances", Json.describe(instances));
    }
    int rows = instances.size();
    if (rows == 0) {
      throw new InvalidInputException(ptr, "at least one instance", "an empty array");
    }
    if (rows > maxRows) {
      throw new InvalidInputException(ptr, "at most " + maxRows + " instances", rows + " instances");
    }
    if (sig.inputs().size() == 1) {
      return InferenceRequest.of(decodeSingleInput(instances, ptr, sig, rows));
    }
    return decodeMultiInput(instances, ptr, sig, rows);
  }

  private static Tensor decodeSingleInput(JsonNode instances, String ptr, ModelSignature sig, int rows) {
    TensorSpec spec = sig.inputs().get(0);
    List<String> features = sig.featureNames();
    long rowSize = spec.rowSize();
    if (spec.rank() > 2) {
      return decodeNested(instances, ptr, spec, rows);
    }
    if (rowSize < 0) {
      rowSize = features.isEmpty() ? rowLength(instances.get(0), ptr + "/0") : features.size();
    }
    long[] shape = rowShape(spec, rows, rowSize);
    TensorBuilder b = new TensorBuilder(spec.name(), spec.type(), shape);
    Map<String, Integer> columns = features.isEmpty() ? Map.of() : columnIndex(features);
    for (int r = 0; r < rows; r++) {
      JsonNode inst = instances.get(r);
      String rowPtr = ptr + "/" + r;
      int base = (int) (r * rowSize);
      if (inst.isObject()) {
        if (features.isEmpty()) {
          throw new InvalidInputException(rowPtr, "an array of " + rowSize
              + " numbers (this model carries no feature names, so named objects cannot be mapped)", "an object");
        }
        fillNamed(b, inst, rowPtr, base, features, columns);
      } else if (inst.isArray()) {
        int filled = fillArray(b, inst, rowPtr, base, base + (int) rowSize);
        if (filled - base != rowSize) {
          throw new InvalidInputException(rowPtr, rowSize + " values" + featureHint(features),
              (filled - base) + " values");
        }
      } else if (rowSize == 1 && inst.isValueNode()) {
        b.put(base, inst, ptr, r);
      } else {
        throw new InvalidInputException(rowPtr, "an array of " + rowSize + " values"
            + (features.isEmpty() ? "" : " or an object of named features"), Json.describe(inst));
      }
    }
    return b.build();
  }

  /**
   * An input of rank 3 or more: each instance nested as its inner dimensions ({@code [3][32][32]}
   * for an image {@code [N, 3, 32, 32]}). Where they are dynamic ({@code [batch, seq, 8]}), instance
   * 0's nesting fixes them, as TF-Serving and KServe read instances, and every other instance must
   * have the same shape, since one tensor has one shape.
   */
  private static Tensor decodeNested(JsonNode instances, String ptr, TensorSpec spec, int rows) {
    long[] inner = innerShape(instances.get(0), ptr + "/0", spec);
    long rowSize = elements(inner);
    long[] shape = batchShape(rows, inner);
    if (!spec.batched()) {
      rowShape(spec, rows, rowSize); // checks a fixed batch size
    }
    TensorBuilder b = new TensorBuilder(spec.name(), spec.type(), shape);
    for (int r = 0; r < rows; r++) {
      String rowPtr = ptr + "/" + r;
      if (r > 0) {
        sameShape(instances.get(r), rowPtr, spec, inner);
      }
      fillNested(b, instances.get(r), rowPtr, spec, r * rowSize, rowSize);
    }
    return b.build();
  }

  /**
   * The inner shape of instance 0 of an input (the whole instance, or its value in an object keyed
   * by input name), checked against the dimensions the model fixes.
   */
  private static long[] innerShape(JsonNode inst, String ptr, TensorSpec spec) {
    long[] inner = nestedShape(inst, ptr, spec);
    for (int d = 0; d < inner.length; d++) {
      long declared = spec.shape().get(d + 1);
      if (declared >= 0 && declared != inner[d]) {
        throw new InvalidInputException(ptr, "an instance of shape " + instanceShape(spec)
            + " (input '" + spec.name() + "' " + spec.shape() + ")", "shape " + java.util.Arrays.toString(inner));
      }
    }
    return inner;
  }

  /** An instance after the first has instance 0's inner shape: one tensor has one shape. */
  private static void sameShape(JsonNode inst, String ptr, TensorSpec spec, long[] inner) {
    long[] s = nestedShape(inst, ptr, spec);
    if (!java.util.Arrays.equals(s, inner)) {
      throw new InvalidInputException(ptr, "an instance of shape " + java.util.Arrays.toString(inner)
          + ", as instance 0 (input '" + spec.name() + "' " + spec.shape() + ": all instances of a request share"
          + " its inner dimensions)", "shape " + java.util.Arrays.toString(s));
    }
  }

  private static void fillNested(TensorBuilder b, JsonNode inst, String ptr, TensorSpec spec, long at, long rowSize) {
    try {
      fillArray(b, inst, ptr, (int) at, (int) (at + rowSize));
    } catch (InvalidInputException e) { // a value of the wrong type, deep in an instance: name the input
      throw new InvalidInputException(e.pointer(), e.expected() + " (input '" + spec.name() + "' " + spec.type()
          + " " + spec.shape() + ")", e.received());
    }
  }

  private static long elements(long[] inner) {
    long n = 1;
    for (long d : inner) {
      n *= d;
    }
    return n;
  }

  private static long[] batchShape(int rows, long[] inner) {
    long[] shape = new long[inner.length + 1];
    shape[0] = rows;
    System.arraycopy(inner, 0, shape, 1, inner.length);
    return shape;
  }

  /** The shape of one instance of a rank-{@code n} input: {@code n - 1} levels of equal-length arrays. */
  private static long[] nestedShape(JsonNode inst, String ptr, TensorSpec spec) {
    long[] shape = new long[spec.rank() - 1];
    JsonNode level = inst;
    for (int d = 0; d < shape.length; d++) {
      if (level == null || !level.isArray() || level.isEmpty()) {
        throw new InvalidInputException(ptr, "an instance of shape " + instanceShape(spec) + " (input '"
            + spec.name() + "' " + spec.shape() + "): arrays nested " + shape.length + " deep",
            d == 0 ? Json.describe(inst) : "arrays nested " + d + " deep");
      }
      shape[d] = level.size();
      level = level.get(0);
    }
    checkRectangular(inst, ptr, shape, 0, spec);
    return shape;
  }

  private static void checkRectangular(JsonNode node, String ptr, long[] shape, int d, TensorSpec spec) {
    if (d == shape.length) {
      if (!node.isValueNode()) {
        throw new InvalidInputException(ptr, "a value (input '" + spec.name() + "' " + spec.shape() + ")",
            Json.describe(node));
      }
      return;
    }
    if (!node.isArray() || node.size() != shape[d]) {
      throw new InvalidInputException(ptr, shape[d] + " values, as the first at this depth (input '" + spec.name()
          + "' " + spec.shape() + ")", node.isArray() ? node.size() + " values" : Json.describe(node));
    }
    for (int k = 0; k < node.size(); k++) {
      checkRectangular(node.get(k), ptr + "/" + k, shape, d + 1, spec);
    }
  }

  /** An instance's shape as the model declares it: {@code [seq, 8]} for {@code [batch, seq, 8]}. */
  private static String instanceShape(TensorSpec spec) {
    List<String> dims = new ArrayList<>();
    for (int d = 1; d < spec.rank(); d++) {
      long v = spec.shape().get(d);
      dims.add(v >= 0 ? Long.toString(v) : "any");
    }
    return dims.toString();
  }

  /**
   * Instances as objects keyed by input name. An input whose inner dimensions are dynamic ({@code
   * [batch, seq, 8]}) takes them from its value in instance 0, nested as they are ({@code [[8
   * values], [8 values]]} is {@code [N, 2, 8]}), as a single such input does; every other instance
   * must give it the same shape.
   */
  private static InferenceRequest decodeMultiInput(JsonNode instances, String ptr, ModelSignature sig, int rows) {
    int n = sig.inputs().size();
    TensorBuilder[] builders = new TensorBuilder[n]; // of a dynamic input: made when instance 0 fixes its shape
    long[] rowSizes = new long[n];
    long[][] inner = new long[n][]; // the inner shape instance 0 fixed, for dynamic inputs
    for (int k = 0; k < n; k++) {
      TensorSpec spec = sig.inputs().get(k);
      if (!spec.batched()) {
        throw new InvalidInputException(ptr, "OIP v2 tensors: input '" + spec.name() + "' has shape " + spec.shape()
            + ", which instances cannot express", "instances");
      }
      rowSizes[k] = spec.rowSize();
      if (rowSizes[k] >= 0) {
        builders[k] = new TensorBuilder(spec.name(), spec.type(), rowShape(spec, rows, rowSizes[k]));
      }
    }
    for (int r = 0; r < rows; r++) {
      JsonNode inst = instances.get(r);
      String rowPtr = ptr + "/" + r;
      if (!inst.isObject()) {
        throw new InvalidInputException(rowPtr, "an object keyed by input name " + OipV2Codec.names(sig.inputs()),
            Json.describe(inst));
      }
      for (Iterator<String> it = inst.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (sig.input(key).isEmpty()) {
          throw new InvalidInputException(rowPtr + "/" + Json.pointerSegment(key),
              "one of the model's inputs " + OipV2Codec.names(sig.inputs()), "'" + key + "'");
        }
      }
      for (int k = 0; k < n; k++) {
        TensorSpec spec = sig.inputs().get(k);
        String p = rowPtr + "/" + Json.pointerSegment(spec.name());
        JsonNode v = inst.get(spec.name());
        if (v == null) {
          throw new InvalidInputException(p, "a value for input '" + spec.name() + "'", "nothing");
        }
        if (rowSizes[k] < 0 || inner[k] != null) { // dynamic inner dimensions: instance 0's nesting fixes them
          if (r == 0) {
            inner[k] = innerShape(v, p, spec);
            rowSizes[k] = elements(inner[k]);
            builders[k] = new TensorBuilder(spec.name(), spec.type(), batchShape(rows, inner[k]));
          } else {
            sameShape(v, p, spec, inner[k]);
          }
          fillNested(builders[k], v, p, spec, r * rowSizes[k], rowSizes[k]);
          continue;
        }
        long rowSize = rowSizes[k];
        int base = (int) (r * rowSize);
        if (v.isArray()) {
          int filled = fillArray(builders[k], v, p, base, base + (int) rowSize);
          if (filled - base != rowSize) {
            throw new InvalidInputException(p, rowSize + " values", (filled - base) + " values");
          }
        } else if (rowSize == 1) {
          builders[k].put(base, v, rowPtr, 0, Json.pointerSegment(spec.name()));
        } else {
          throw new InvalidInputException(p, "an array of " + rowSize + " values", Json.describe(v));
        }
      }
    }
    return new InferenceRequest(java.util.Arrays.stream(builders).map(TensorBuilder::build).toList(), List.of());
  }

  private static long[] rowShape(TensorSpec spec, int rows, long rowSize) {
    if (!spec.batched()) {
      if (rows != 1 && spec.rank() > 0 && spec.shape().get(0) != rows) {
        throw new InvalidInputException("/instances", "exactly " + spec.shape().get(0)
            + " instances (input '" + spec.name() + "' has a fixed batch size)", rows + " instances");
      }
    }
    long[] shape = new long[Math.max(spec.rank(), 1)];
    shape[0] = rows;
    for (int d = 1; d < spec.rank(); d++) {
      long declared = spec.shape().get(d);
      shape[d] = declared >= 0 ? declared : rowSize;
    }
    return shape;
  }

  private static int rowLength(JsonNode first, String ptr) {
    if (first != null && first.isArray()) {
      return first.size();
    }
    throw new InvalidInputException(ptr, "an array of feature values", Json.describe(first));
  }

  private static Map<String, Integer> columnIndex(List<String> features) {
    Map<String, Integer> m = new HashMap<>(features.size() * 2);
    for (int i = 0; i < features.size(); i++) {
      m.put(features.get(i), i);
    }
    return m;
  }

  private static void fillNamed(TensorBuilder b, JsonNode inst, String rowPtr, int base, List<String> features,
      Map<String, Integer> columns) {
    for (Iterator<Map.Entry<String, JsonNode>> it = inst.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Integer col = columns.get(e.getKey());
      if (col == null) {
        throw new InvalidInputException(rowPtr + "/" + Json.pointerSegment(e.getKey()),
            "one of the features " + features, "unknown feature '" + e.getKey() + "'");
      }
    }
    for (int c = 0; c < features.size(); c++) {
      String f = features.get(c);
      JsonNode v = inst.get(f);
      if (v == null) {
        throw new InvalidInputException(rowPtr + "/" + Json.pointerSegment(f), "a value for feature '" + f + "'",
            "nothing (missing feature)");
      }
      b.put(base + c, v, rowPtr, 0, Json.pointerSegment(f));
    }
  }

  private static int fillArray(TensorBuilder b, JsonNode arr, String ptr, int at, int limit) {
    int i = at;
    for (int k = 0; k < arr.size(); k++) {
      JsonNode v = arr.get(k);
      if (v.isArray()) {
        i = fillArray(b, v, ptr + "/" + k, i, limit);
        continue;
      }
      if (i >= limit) {
        return i + arr.size() - k; // too many values: report the count
      }
      b.put(i++, v, ptr, k);
    }
    return i;
  }

  private static String featureHint(List<String> features) {
    return features.isEmpty() ? "" : " in the order " + features;
  }

  /**
   * Writes {@code {"predictions": [...], "model_name", "model_version", "id"}}, one prediction per
   * row (see {@link Predictions}).
   */
  public static byte[] encode(ModelMetadata md, String id, InferenceResult result, int rows) {
    Predictions p = new Predictions(md.signature());
    Optional<Tensor> scores = p.classScores(result);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + rows * 64);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("predictions");
      for (int r = 0; r < rows; r++) {
        p.writeRow(g, result, scores, r);
      }
      g.writeEndArray();
      g.writeStringField("model_name", md.name());
      g.writeStringField("model_version", md.version());
      g.writeStringField("id", id);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
