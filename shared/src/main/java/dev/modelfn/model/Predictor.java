package dev.modelfn.model;

import dev.modelfn.errors.ModelfnException;

/**
 * A model that answers inference requests. Implementations are built once per process and are safe
 * for concurrent use. Backends: {@link OnnxPredictor} (in-process, default) and a remote SageMaker
 * endpoint (in the AWS adapter).
 */
public interface Predictor extends AutoCloseable {

  ModelMetadata metadata();

  /**
   * Runs one batched inference: all rows of the request in one call.
   *
   * @throws dev.modelfn.errors.InvalidInputException if the backend rejects the input
   * @throws dev.modelfn.errors.ModelfnException {@code INFERENCE_FAILED} if the model fails, {@code
   *     MODEL_NOT_READY} if the backend is unavailable
   */
  InferenceResult infer(InferenceRequest request);

  /** True when the predictor can answer requests now. */
  default boolean ready() {
    return true;
  }

  @Override
  default void close() {}
}
