/**
 * Synchronous prediction: {@link dev.modelfn.core.predict.PredictFunction} (decoded tensors in,
 * predictions out) and {@link dev.modelfn.core.predict.PredictHttpFunction} (the HTTP surface:
 * Open Inference Protocol v2, TF-Serving/KServe v1 and the SageMaker container contract).
 */
package dev.modelfn.core.predict;
