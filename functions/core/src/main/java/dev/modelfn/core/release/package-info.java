/**
 * Release checks, cloud-agnostic: {@link dev.modelfn.core.release.GoldenReplayFunction} replays
 * golden requests against a new version before it takes traffic; {@link
 * dev.modelfn.core.release.ShadowCompareFunction} scores a copy of live traffic with a candidate and
 * measures agreement and latency, without ever reaching the caller.
 */
package dev.modelfn.core.release;
