/**
 * Request decoders and response encoders shared by every serving mode: Open Inference Protocol v2
 * tensors, TF-Serving/KServe v1 {@code instances}, and CSV rows. Decoders validate against the
 * model's {@link dev.modelfn.model.ModelSignature} and throw only {@link
 * dev.modelfn.errors.InvalidInputException}, with a JSON pointer to the offending field.
 *
 * <p>JSON is read and written with Jackson only ({@link dev.modelfn.codec.Json}): one reader per
 * format, no second path.
 */
package dev.modelfn.codec;
