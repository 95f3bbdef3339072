/**
 * The model runtime: a {@link dev.modelfn.model.Predictor} with its {@link
 * dev.modelfn.model.ModelSignature}, the in-process ONNX Runtime backend, and model loading from
 * {@code file:}, {@code classpath:} and (through a {@link dev.modelfn.model.ModelArtifactFetcher})
 * {@code s3://} URIs.
 */
package dev.modelfn.model;
