package dev.modelfn.edge.publish;

import java.util.List;

/**
 * The CDN's cache invalidation, as a port: the publisher invalidates channel pointers only, never
 * models (their keys are immutable and content-addressed, so nothing cached can be stale).
 */
@FunctionalInterface
public interface PointerInvalidator {
  /** No CDN in front (local runs, or a CDN whose pointer TTL is short enough). */
  PointerInvalidator NONE = paths -> {};

  /** @param paths absolute paths on the CDN, e.g. {@code /channels/mlp/stable.json} */
  void invalidate(List<String> paths);
}
