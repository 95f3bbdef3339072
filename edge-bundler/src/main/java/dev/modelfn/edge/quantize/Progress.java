package dev.modelfn.edge.quantize;

/** Reports how far long work (calibration, evaluation, uploads) has come: {@code done} of {@code total} units. */
@FunctionalInterface
public interface Progress {
  Progress NONE = (done, total) -> {};

  void update(long done, long total);
}
