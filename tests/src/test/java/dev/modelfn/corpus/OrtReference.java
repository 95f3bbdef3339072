package dev.modelfn.corpus;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelfn.examples.corpus.CorpusModel;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What ONNX Runtime's Java API itself answers for a corpus model and rows: the session run on the
 * model file, the label tensor read as it is and each row's {@code OnnxMap} of the ZipMap output
 * looked up class by class, or the regressor's value tensor. The yardstick of the parity tests.
 *
 * @param labels each row's label as ONNX Runtime returns it ({@code Long} or {@code String}), empty
 *     for a regressor
 * @param scores each row's scores: the probabilities in the order of {@link CorpusModel#classes()}, or
 *     the regressor's values
 */
record OrtReference(List<Object> labels, float[][] scores) {

  static OrtReference run(CorpusModel m, Path file, float[][] rows) throws OrtException {
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(file.toString(), so);
        OnnxTensor x = OnnxTensor.createTensor(env, rows);
        OrtSession.Result result = session.run(Map.of(m.input(), x))) {
      if (!m.classifier()) {
        float[][] values = (float[][]) ((OnnxTensor) result.get(m.scoresOutput()).orElseThrow()).getValue();
        return new OrtReference(List.of(), values);
      }
      List<Object> labels = new ArrayList<>();
      Object raw = ((OnnxTensor) result.get(m.labelOutput()).orElseThrow()).getValue();
      if (raw instanceof long[] longs) {
        for (long l : longs) {
          labels.add(l);
        }
      } else {
        labels.addAll(List.of((String[]) raw));
      }
      OnnxSequence seq = (OnnxSequence) result.get(m.scoresOutput()).orElseThrow();
      List<? extends OnnxValue> maps = seq.getValue();
      float[][] scores = new float[maps.size()][m.classes().size()];
      try {
        for (int r = 0; r < maps.size(); r++) {
          Map<? extends Object, ? extends Object> map = ((OnnxMap) maps.get(r)).getValue();
          if (map.size() != m.classes().size()) {
            throw new AssertionError("row " + r + ": ONNX Runtime returned classes " + map.keySet());
          }
          for (int j = 0; j < m.classes().size(); j++) {
            String c = m.classes().get(j);
            Object key = labels.get(0) instanceof Long ? (Object) Long.valueOf(c) : c;
            scores[r][j] = ((Number) map.get(key)).floatValue();
          }
        }
      } finally {
        maps.forEach(OnnxValue::close);
      }
      return new OrtReference(labels, scores);
    }
  }

  /**
   * What ONNX Runtime answers on one tensor output of the model file for tensor inputs given by
   * name as Java arrays (as {@code OnnxTensor.createTensor} takes them): the output's value, e.g. a
   * {@code float[][]}.
   */
  static Object tensorOutput(Path file, Map<String, Object> inputs, String output) throws OrtException {
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    Map<String, OnnxTensor> tensors = new java.util.LinkedHashMap<>();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(file.toString(), so)) {
      for (var in : inputs.entrySet()) {
        tensors.put(in.getKey(), OnnxTensor.createTensor(env, in.getValue()));
      }
      try (OrtSession.Result result = session.run(tensors)) {
        return ((OnnxTensor) result.get(output).orElseThrow()).getValue();
      }
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }
}
