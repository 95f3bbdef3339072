/**
 * Request decoders and response encoders shared by every serving mode: Open Inference Protocol v2
 * tensors, TF-Serving/KServe v1 {@code instances}, and CSV rows. Decoders validate against the
 * model's {@link dev.modelfn.model.ModelSignature} and throw only {@link
 * dev.modelfn.errors.InvalidInputException}, with a JSON pointer to the offending field.
 *
 * <p>The per-request paths read and write bytes directly where a tree or a generator would cost
 * more than the work: {@link dev.modelfn.codec.JsonScanner} (the tokenizer of the event and
 * request scanners, which hand anything unusual to the tree path), the OIP v2 request scanner,
 * {@link dev.modelfn.codec.JsonBytes} (documents written into one byte array), {@link
 * dev.modelfn.codec.FloatText} and {@link dev.modelfn.codec.PlainAscii}. Each is held to the
 * general path (Jackson's reader, tree or generator) by differential tests.
 */
package dev.modelfn.codec;
