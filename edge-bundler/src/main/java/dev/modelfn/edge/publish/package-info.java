/**
 * Publishing to S3 behind a CDN: immutable content-addressed bundles, signed expiring channel
 * pointers with a rollout percentage, and pointer invalidation behind a port.
 */
package dev.modelfn.edge.publish;
