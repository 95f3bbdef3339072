/**
 * The model corpus: classifiers and regressors built as protobuf in the exact shape their exporters
 * write them (skl2onnx for scikit-learn, onnxmltools for LightGBM), with fixed weights, so that
 * modelfn is tested on what users bring rather than only on its own models. {@link
 * dev.modelfn.examples.corpus.CorpusGenerator} writes them at build time under {@code
 * tests/target/models/corpus/}.
 */
package dev.modelfn.examples.corpus;
