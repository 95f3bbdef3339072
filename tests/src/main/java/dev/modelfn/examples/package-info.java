/**
 * Generators of the example models, from fixed seeds: {@code fraud} (a logistic regression trained
 * with Tribuo on synthetic card transactions, committed under {@code events/models/fraud}) and
 * {@code mlp} (a ~1M-parameter MLP built directly as ONNX protobuf, generated at build time).
 */
package dev.modelfn.examples;
