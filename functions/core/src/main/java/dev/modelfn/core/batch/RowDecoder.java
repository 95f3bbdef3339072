package dev.modelfn.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelfn.codec.CsvCodec;
import dev.modelfn.codec.CsvRecords;
import dev.modelfn.codec.InstancesCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.TensorSpec;
import java.util.List;

/** Turns one record into one row of features, or says precisely why it cannot. */
abstract class RowDecoder {
  /**
   * The one-pass reading of plain decimals, on unless {@code -Dmodelfn.batch.onePassDecimals=false}
   * (the batch benchmark runs both, side by side; every record then goes field by field through
   * the JDK's parser).
   */
  static final boolean ONE_PASS = !"false".equals(System.getProperty("modelfn.batch.onePassDecimals"));

  /** Exact powers of ten, 10^0 to 10^22: the one-pass reading of plain decimals divides by them. */
  static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  final int width;

  private RowDecoder(int width) {
    this.width = width;
  }

  /**
   * Decodes a record into {@code dest[at .. at + width)}.
   *
   * @throws InvalidInputException naming the column and what was wrong
   */
  abstract void decode(byte[] record, int length, float[] dest, int at);

  /** CSV rows mapped by a header (or in feature order when {@code mapping} has none). */
  static RowDecoder csv(ModelSignature sig, CsvCodec.ColumnMapping mapping) {
    return new Csv(sig, mapping);
  }

  /** JSON Lines: one object of named features, or one array of values, per line. */
  static RowDecoder jsonl(ModelSignature sig) {
    return new JsonLines(sig);
  }

  /** The batch input: a single [rows, features] FP32 input. */
  static TensorSpec tabularInput(ModelSignature sig) {
    TensorSpec spec = sig.tabularInput().filter(s -> s.type() == dev.modelfn.model.ElementType.FP32)
        .orElseThrow(() -> new IllegalArgumentException("batch scoring reads rows into a single [rows, features] FP32"
            + " input; this model has " + sig.inputs().size() + " input(s): " + sig.describeInputs()
            + " (serve it through OIP v2 or v1 :predict with instances keyed by input name)"));
    if (spec.shape().get(1) < 0 && sig.featureNames().isEmpty()) {
      throw new IllegalArgumentException("batch scoring needs the feature count: the model's input "
          + spec.shape() + " has a dynamic width and no feature names");
    }
    return spec;
  }

  static int width(ModelSignature sig) {
    TensorSpec spec = tabularInput(sig);
    return sig.featureNames().isEmpty() ? (int) spec.shape().get(1).longValue() : sig.featureNames().size();
  }

  static final class Csv extends RowDecoder {
    private final CsvCodec.ColumnMapping mapping;
    private final List<String> names;

    /** For each field of a record, the feature it feeds, or -1 for a column the model does not use. */
    private final int[] featureOf;
    /** Whether the one-pass reading applies (each column feeds at most one feature). */
    private final boolean plain;

    Csv(ModelSignature sig, CsvCodec.ColumnMapping mapping) {
      super(mapping.sourceColumn().length);
      this.mapping = mapping;
      this.names = sig.featureNames();
      this.featureOf = new int[mapping.width()];
      java.util.Arrays.fill(featureOf, -1);
      boolean distinct = true;
      for (int c = 0; c < width; c++) {
        distinct &= featureOf[mapping.sourceColumn()[c]] < 0;
        featureOf[mapping.sourceColumn()[c]] = c;
      }
      this.plain = distinct && ONE_PASS;
    }

    /**
     * The common record in one pass: unquoted plain decimals (up to 15 significant digits, no
     * exponent: the digits as a whole number divided by an exact power of ten, both exact in a
     * double, so the one rounding of the division gives what {@link Double#parseDouble} gives) in
     * exactly the expected number of fields. Kept for its measured share of batch rows/s
     * (docs/performance.md). False for
     * anything else, which {@link #decode} then reads field by field with its precise errors;
     * {@code dest} may then hold part of this record.
     */
    private boolean decodePlain(byte[] record, int length, float[] dest, int at) {
      int fields = featureOf.length;
      int f = 0;
      int i = 0;
      while (true) {
        if (f == fields) {
          return false; // more fields than expected
        }
        int c = featureOf[f];
        if (c < 0) {
          while (i < length && record[i] != ',') {
            if (record[i] == '"') {
              return false;
            }
            i++;
          }
        } else {
          while (i < length && (record[i] == ' ' || record[i] == '\t')) {
            i++;
          }
          boolean negative = false;
          if (i < length && (record[i] == '-' || record[i] == '+')) {
            negative = record[i] == '-';
            i++;
          }
          long mantissa = 0;
          int digits = 0;
          int fraction = -1;
          boolean any = false;
          for (; i < length; i++) {
            int d = record[i] - '0';
            if (d >= 0 && d <= 9) {
              any = true;
              if (mantissa != 0 || d != 0) {
                if (++digits > 15) {
                  return false;
                }
                mantissa = mantissa * 10 + d;
              }
              if (fraction >= 0) {
                fraction++;
              }
            } else if (record[i] == '.' && fraction < 0) {
              fraction = 0;
            } else {
              break;
            }
          }
          while (i < length && (record[i] == ' ' || record[i] == '\t')) {
            i++;
          }
          if (!any || fraction >= POW10.length || (i < length && record[i] != ',')) {
            return false;
          }
          double v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
          dest[at + c] = (float) (negative ? -v : v);
        }
        f++;
        if (i == length) {
          return f == fields;
        }
        i++; // the comma
      }
    }

    /** Field boundaries of the current record, reused. */
    private int[] starts = new int[32];
    private int[] ends = new int[32];

    @Override
    void decode(byte[] record, int length, float[] dest, int at) {
      if (!plain || !decodePlain(record, length, dest, at)) {
        decodeFields(record, length, dest, at);
      }
    }

    /** Field by field: the boundaries first, then each mapped cell, with the error for the first bad one. */
    void decodeFields(byte[] record, int length, float[] dest, int at) {
      int fields = 0;
      boolean quoted = false;
      int start = 0;
      for (int i = 0; i <= length; i++) {
        if (i == length || record[i] == ',') {
          if (fields == starts.length) {
            starts = java.util.Arrays.copyOf(starts, fields * 2);
            ends = java.util.Arrays.copyOf(ends, fields * 2);
          }
          starts[fields] = start;
          ends[fields++] = i;
          start = i + 1;
        } else if (record[i] == '"') {
          quoted = true;
          break;
        }
      }
      if (quoted) {
        decodeQuoted(record, length, dest, at);
        return;
      }
      if (fields != mapping.width()) {
        throw new InvalidInputException("", mapping.width() + " columns", fields + " columns");
      }
      for (int c = 0; c < width; c++) {
        int f = mapping.sourceColumn()[c];
        int from = starts[f];
        int to = ends[f];
        while (from < to && (record[from] == ' ' || record[from] == '\t')) {
          from++;
        }
        while (to > from && (record[to - 1] == ' ' || record[to - 1] == '\t')) {
          to--;
        }
        if (from == to) {
          throw new InvalidInputException(column(c), "a value", "an empty cell");
        }
        double d;
        try {
          d = Double.parseDouble(new String(record, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
          throw notANumber(c, new String(record, from, to - from, java.nio.charset.StandardCharsets.UTF_8));
        }
        float v = (float) d;
        if (!Float.isFinite(v)) {
          throw new InvalidInputException(column(c), "a finite number", "'"
              + new String(record, from, to - from, java.nio.charset.StandardCharsets.UTF_8) + "'");
        }
        dest[at + c] = v;
      }
    }

    private String column(int c) {
      return names.isEmpty() ? "/" + c : "/" + Json.pointerSegment(names.get(c));
    }

    private InvalidInputException notANumber(int c, String s) {
      return new InvalidInputException(column(c), "a number", "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
          + "'");
    }

    /** Records with quoted fields: split with quote handling, then parse each cell. */
    private void decodeQuoted(byte[] record, int length, float[] dest, int at) {
      List<String> cells = CsvRecords.fields(record, length);
      if (cells.size() != mapping.width()) {
        throw new InvalidInputException("", mapping.width() + " columns", cells.size() + " columns");
      }
      for (int c = 0; c < width; c++) {
        String s = cells.get(mapping.sourceColumn()[c]).strip();
        if (s.isEmpty()) {
          throw new InvalidInputException(column(c), "a value", "an empty cell");
        }
        double d;
        try {
          d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw notANumber(c, s);
        }
        float f = (float) d;
        if (!Float.isFinite(f)) {
          throw new InvalidInputException(column(c), "a finite number", "'" + s + "'");
        }
        dest[at + c] = f;
      }
    }
  }

  private static final class JsonLines extends RowDecoder {
    private final ModelSignature sig;

    JsonLines(ModelSignature sig) {
      super(RowDecoder.width(sig));
      this.sig = sig;
    }

    @Override
    void decode(byte[] record, int length, float[] dest, int at) {
      JsonNode row = Json.parse(record, 0, length);
      ArrayNode one = JsonNodeFactory.instance.arrayNode().add(row);
      float[] values = (float[]) InstancesCodec.decode(one, "", sig, 1).inputs().get(0).data();
      System.arraycopy(values, 0, dest, at, width);
    }
  }
}
