package dev.modelfn.core.release;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.telemetry.Metrics;
import java.util.List;

/**
 * Compares the candidate's answer to a copied request with the live answer, and records {@code
 * ShadowAgreement} (1 when both answers match within the tolerance: same status, same labels and
 * texts, every number within it; 0 otherwise), {@code ShadowLatencyDelta} (candidate minus live
 * handler time, ms), {@code ShadowMaxDelta} (the largest numeric difference) and {@code
 * ShadowErrors} (candidate server errors). Runs in the shadow, after the caller was answered.
 */
public final class ShadowCompareFunction {
  /** One comparison: whether they agree, by how much the numbers moved, and the first differences. */
  public record Comparison(boolean agreed, double maxDelta, double latencyDeltaMs, List<ResponseDiff.Mismatch> firstMismatches) {
    public Comparison {
      firstMismatches = List.copyOf(firstMismatches);
    }
  }

  private final ResponseDiff diff;
  private final Metrics metrics;

  public ShadowCompareFunction(double tolerance, Metrics metrics) {
    this.diff = new ResponseDiff(tolerance);
    this.metrics = metrics;
  }

  /** Both answers as readable response events (see {@link ResponseDiff#readable}). */
  public Comparison compare(String requestId, JsonNode live, double liveMs, JsonNode candidate, double candidateMs) {
    List<ResponseDiff.Mismatch> mismatches = diff.compare(requestId, live, candidate);
    double maxDelta = ResponseDiff.maxNumericDelta(live.path("body"), candidate.path("body"));
    int status = candidate.path("statusCode").asInt(0);
    metrics.entry()
        .metric("ShadowAgreement", mismatches.isEmpty() ? 1 : 0, "Count")
        .metric("ShadowLatencyDelta", candidateMs - liveMs, "Milliseconds")
        .metric("ShadowMaxDelta", maxDelta, "None")
        .metric("ShadowErrors", status >= 500 ? 1 : 0, "Count")
        .property("request_id", requestId)
        .emit();
    return new Comparison(mismatches.isEmpty(), maxDelta, candidateMs - liveMs,
        mismatches.subList(0, Math.min(5, mismatches.size())));
  }
}
