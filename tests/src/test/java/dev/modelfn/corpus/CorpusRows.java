package dev.modelfn.corpus;

import java.util.SplittableRandom;

/** The rows the parity tests send: edge rows (zeros, split thresholds exactly) and seeded random ones. */
final class CorpusRows {
  private CorpusRows() {}

  static float[][] of(int features, int random) {
    float[][] rows = new float[4 + random][features];
    for (int j = 0; j < features; j++) {
      rows[1][j] = -0.5f; // the first trees' thresholds: BRANCH_LEQ takes the true branch
      rows[2][j] = 0.75f;
      rows[3][j] = j % 2 == 0 ? 6.5f : -3.25f; // far out: saturated probabilities
    }
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 4; i < rows.length; i++) {
      for (int j = 0; j < features; j++) {
        rows[i][j] = (float) (rng.nextDouble() * 6 - 3);
      }
    }
    return rows;
  }
}
