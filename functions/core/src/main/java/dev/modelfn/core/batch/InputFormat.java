package dev.modelfn.core.batch;

import java.util.Locale;
import java.util.Optional;

/** The formats batch scoring reads, and writes back in kind. */
public enum InputFormat {
  CSV("text/csv", ".csv"),
  JSONL("application/x-ndjson", ".jsonl");

  private final String contentType;
  private final String extension;

  InputFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  /** The format of a key by its extension ({@code .csv}, {@code .jsonl}/{@code .ndjson}, each maybe {@code .gz}). */
  public static Optional<InputFormat> ofKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.endsWith(".gz")) {
      k = k.substring(0, k.length() - 3);
    }
    if (k.endsWith(".csv")) {
      return Optional.of(CSV);
    }
    if (k.endsWith(".jsonl") || k.endsWith(".ndjson") || k.endsWith(".json")) {
      return Optional.of(JSONL);
    }
    return Optional.empty();
  }

  /** {@code csv} or {@code jsonl}, as in {@code MODELFN_BATCH_OUTPUT_FORMAT}. */
  public static Optional<InputFormat> ofName(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "csv" -> Optional.of(CSV);
      case "jsonl", "ndjson" -> Optional.of(JSONL);
      default -> Optional.empty();
    };
  }

  public static boolean gzipped(String key) {
    return key.toLowerCase(Locale.ROOT).endsWith(".gz");
  }
}
