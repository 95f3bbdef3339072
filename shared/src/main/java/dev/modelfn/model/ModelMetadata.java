package dev.modelfn.model;

/**
 * What a predictor serves: the model's name and version as reported with every prediction, the
 * platform (for the OIP v2 metadata endpoint) and the signature.
 */
public record ModelMetadata(String name, String version, String platform, ModelSignature signature) {}
