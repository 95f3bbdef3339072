package dev.modelfn.config;

/** Which predictor backend serves the model. */
public enum PredictorKind {
  /** In-process ONNX Runtime (default). */
  ONNX,
  /** A remote SageMaker real-time endpoint through SageMaker Runtime {@code InvokeEndpoint}. */
  SAGEMAKER
}
