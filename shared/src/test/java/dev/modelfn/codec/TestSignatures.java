package dev.modelfn.codec;

import dev.modelfn.model.ElementType;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.TensorSpec;
import java.util.List;

/** Small signatures for codec tests. */
final class TestSignatures {
  private TestSignatures() {}

  /** One FP32 input [-1, 3] with features a, b, c; a classifier output [-1, 2] labelled no, yes. */
  static ModelSignature tabular() {
    return new ModelSignature(
        List.of(new TensorSpec("input", ElementType.FP32, List.of(-1L, 3L))),
        List.of(new TensorSpec("output", ElementType.FP32, List.of(-1L, 2L))),
        List.of("a", "b", "c"),
        List.of("no", "yes"));
  }

  /** Two inputs: ids INT64 [-1, 2] and mask BOOL [-1, 2]. */
  static ModelSignature multiInput() {
    return new ModelSignature(
        List.of(new TensorSpec("ids", ElementType.INT64, List.of(-1L, 2L)),
            new TensorSpec("mask", ElementType.BOOL, List.of(-1L, 2L))),
        List.of(new TensorSpec("score", ElementType.FP32, List.of(-1L, 1L))),
        List.of(),
        List.of());
  }
}
