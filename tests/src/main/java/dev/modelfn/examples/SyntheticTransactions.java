package dev.modelfn.examples;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded synthetic card transactions with 16 named numeric features and a fraud label drawn from a
 * known logistic ground truth. Values are rounded to what the CSV carries, so a model trained on
 * them sees exactly what a user scores.
 */
public final class SyntheticTransactions {
  /** Feature names in generation (and CSV) order. */
  public static final List<String> FEATURES = List.of(
      "amount",
      "hour_of_day",
      "merchant_risk",
      "distance_from_home_km",
      "distance_from_last_txn_km",
      "ratio_to_median_amount",
      "txn_count_24h",
      "card_age_years",
      "account_age_years",
      "is_online",
      "used_chip",
      "used_pin",
      "foreign_country",
      "failed_logins_24h",
      "velocity_1h",
      "customer_age");

  /** One transaction: feature values in {@link #FEATURES} order and the label. */
  public record Transaction(double[] values, boolean fraud) {}

  private final SplittableRandom rng;

  public SyntheticTransactions(long seed) {
    this.rng = new SplittableRandom(seed);
  }

  public Transaction next() {
    double amount = round(StrictMath.exp(3.6 + 1.1 * gaussian()), 2);
    int hour = rng.nextInt(24);
    double merchantRisk = round(StrictMath.pow(rng.nextDouble(), 2.5), 3);
    double distHome = round(StrictMath.exp(1.5 + 1.3 * gaussian()), 1);
    double distLast = round(StrictMath.exp(1.0 + 1.4 * gaussian()), 1);
    double ratio = round(amount / StrictMath.exp(3.6 + 0.4 * gaussian()), 3);
    int count24h = poisson(3.0);
    double cardAge = round(0.05 + rng.nextDouble() * 9.95, 2);
    double accountAge = round(cardAge + rng.nextDouble() * 12, 2);
    int online = rng.nextDouble() < 0.4 ? 1 : 0;
    int chip = online == 0 && rng.nextDouble() < 0.8 ? 1 : 0;
    int pin = chip == 1 && rng.nextDouble() < 0.6 ? 1 : 0;
    int foreign = rng.nextDouble() < 0.06 ? 1 : 0;
    int failedLogins = rng.nextDouble() < 0.85 ? 0 : 1 + poisson(1.2);
    int velocity = poisson(0.8);
    int customerAge = 18 + rng.nextInt(68);

    // Ground truth: linear in the features as the model sees them, so a linear model can learn it.
    double z = -7.0
        + 4.5 * merchantRisk
        + 0.012 * distHome
        + 0.004 * distLast
        + 0.55 * ratio
        + 1.6 * foreign
        + 1.1 * online
        - 1.0 * chip
        - 0.8 * pin
        + 0.7 * failedLogins
        + 0.6 * velocity
        - 0.15 * cardAge
        + 0.08 * count24h
        - 0.01 * (customerAge - 40)
        + 0.002 * amount;
    boolean fraud = rng.nextDouble() < 1.0 / (1.0 + StrictMath.exp(-z));
    double[] v = {amount, hour, merchantRisk, distHome, distLast, ratio, count24h, cardAge, accountAge, online,
        chip, pin, foreign, failedLogins, velocity, customerAge};
    return new Transaction(v, fraud);
  }

  /** The CSV line of a transaction's features (no label), in {@link #FEATURES} order. */
  public static String csvLine(double[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      double v = values[i];
      sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : format(v));
    }
    return sb.toString();
  }

  private static String format(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private double gaussian() {
    // Box-Muller from the seeded stream, so values do not depend on the JDK's nextGaussian algorithm.
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }

  private int poisson(double lambda) {
    double l = StrictMath.exp(-lambda);
    int k = 0;
    double p = 1.0;
    do {
      k++;
      p *= rng.nextDouble();
    } while (p > l);
    return k - 1;
  }

  private static double round(double v, int digits) {
    double f = StrictMath.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
