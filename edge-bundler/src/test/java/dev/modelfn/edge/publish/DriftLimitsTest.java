package dev.modelfn.edge.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DriftLimitsTest {
  static ObjectNode drift(double agreement, double diff, Double auc) {
    ObjectNode d = new ObjectMapper().createObjectNode().put("top1_agreement", agreement)
        .put("max_abs_probability_diff", diff);
    if (auc == null) {
      d.putNull("auc_delta");
    } else {
      d.put("auc_delta", auc);
    }
    return d;
  }

  @Test
  void acceptsDriftWithinTheDefaults() {
    assertThat(Publisher.drift(drift(0.995, 0.02, -0.001), Publisher.Thresholds.DEFAULTS)).isEmpty();
    assertThat(Publisher.drift(drift(0.995, 0.02, null), Publisher.Thresholds.DEFAULTS)).isEmpty();
  }

  @Test
  void namesEveryFigureOverItsLimit() {
    assertThat(Publisher.drift(drift(0.95, 0.2, -0.02), Publisher.Thresholds.DEFAULTS)).hasSize(3)
        .anyMatch(s -> s.contains("--max-top1-disagreement")).anyMatch(s -> s.contains("--max-prob-diff"))
        .anyMatch(s -> s.contains("--max-auc-drop"));
  }

  @Test
  void anAucGainIsNoDrop() {
    assertThat(Publisher.drift(drift(1, 0, 0.03), Publisher.Thresholds.DEFAULTS)).isEmpty();
  }
}
