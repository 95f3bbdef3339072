/**
 * Model preparation for devices: ONNX Runtime's offline optimization, dynamic int8 and static QDQ
 * quantization built with the ONNX protobuf classes, calibration, and the drift of a candidate
 * against the fp32 model.
 */
package dev.modelfn.edge.quantize;
