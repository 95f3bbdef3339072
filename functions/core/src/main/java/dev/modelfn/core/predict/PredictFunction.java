package dev.modelfn.core.predict;

import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import java.util.function.Function;

/**
 * The cloud-agnostic predict function: validated tensors in, one batched inference, outputs out,
 * with the model's name and version and the time spent in the model.
 */
public final class PredictFunction implements Function<InferenceRequest, PredictFunction.Result> {
  private final Predictor predictor;

  public PredictFunction(Predictor predictor) {
    this.predictor = predictor;
  }

  /** Outputs plus what every response reports. */
  public record Result(InferenceResult outputs, ModelMetadata model, int rows, long inferenceNanos) {}

  @Override
  public Result apply(InferenceRequest request) {
    long t0 = System.nanoTime();
    InferenceResult out = predictor.infer(request);
    return new Result(out, predictor.metadata(), request.rows(), System.nanoTime() - t0);
  }

  public Predictor predictor() {
    return predictor;
  }

  public ModelMetadata metadata() {
    return predictor.metadata();
  }
}
