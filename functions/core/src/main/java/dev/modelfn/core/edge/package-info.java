/**
 * The serving side of edge bundles: the telemetry devices report ({@code POST
 * /v2/edge/telemetry}, docs/edge.md), read and turned into metrics by model and version.
 */
package dev.modelfn.core.edge;
