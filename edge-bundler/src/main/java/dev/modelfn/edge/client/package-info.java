/**
 * The edge client: keeps a device's model up to date from a signed channel on a CDN (pointer
 * checks, staged rollout, resumable download, verification before use, atomic swap, health check
 * with fallback, telemetry). JDK and ONNX Runtime only, so it runs on Android-class JVMs; the
 * bundle format and signature checks it shares with the bundler live here too.
 */
package dev.modelfn.edge.client;
