package dev.modelfn.telemetry;

import dev.modelfn.codec.JsonBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch Embedded Metric Format writer: each {@link Entry} becomes one JSON line on standard
 * output, which CloudWatch turns into metrics with no API call.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html.
 */
public final class EmfMetrics {
  private final String namespace;
  private final boolean enabled;
  private final Map<String, String> dimensions;
  /** {@code ,"Model":"fraud","ModelVersion":"1"}: the same on every document. */
  private final byte[] dimensionValues;
  /**
   * The {@code _aws} declarations after the timestamp, one per list of metric names and units met
   * so far (a function emits a handful); looked up by comparing the names, with no key to build.
   */
  private volatile Declaration[] declarations = new Declaration[0];

  private static final int MAX_DECLARATIONS = 64; // past this, declarations are built per document
  private static final byte[] OPEN = JsonBytes.ascii("{\"_aws\":{\"Timestamp\":");
  private static final byte[] END = JsonBytes.ascii("}\n");
  /** Each thread's line buffer: a line is written out before its thread starts another. */
  private static final ThreadLocal<JsonBytes> LINE = ThreadLocal.withInitial(() -> new JsonBytes(1024));

  /**
   * @param dimensions dimension names and values put on every metric (for example {@code Model}
   *     and {@code ModelVersion}); metrics are emitted for each prefix of this list as a dimension
   *     set, so they can be read per model and per model version
   */
  public EmfMetrics(String namespace, boolean enabled, Map<String, String> dimensions) {
    this.namespace = namespace;
    this.enabled = enabled;
    this.dimensions = new LinkedHashMap<>(dimensions);
    JsonBytes b = new JsonBytes(64);
    for (Map.Entry<String, String> d : this.dimensions.entrySet()) {
      b.raw(',').string(d.getKey()).raw(':').string(d.getValue());
    }
    this.dimensionValues = b.toByteArray();
  }

  public Entry entry() {
    return new Entry();
  }

  private record Declaration(String[] names, String[] units, byte[] text) {
    boolean matches(String[] n, String[] u, int count) {
      if (names.length != count) {
        return false;
      }
      for (int i = 0; i < count; i++) {
        if (!names[i].equals(n[i]) || !units[i].equals(u[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private byte[] declaration(String[] names, String[] units, int count) {
    Declaration[] known = declarations;
    for (Declaration d : known) {
      if (d.matches(names, units, count)) {
        return d.text;
      }
    }
    Declaration made = new Declaration(Arrays.copyOf(names, count), Arrays.copyOf(units, count),
        declarationText(names, units, count));
    synchronized (this) {
      Declaration[] now = declarations;
      if (now.length < MAX_DECLARATIONS) {
        Declaration[] grown = Arrays.copyOf(now, now.length + 1);
        grown[now.length] = made;
        declarations = grown;
      }
    }
    return made.text;
  }

  private byte[] declarationText(String[] metricNames, String[] units, int count) {
    JsonBytes b = new JsonBytes(256);
    b.raw(JsonBytes.ascii(",\"CloudWatchMetrics\":[{\"Namespace\":")).string(namespace).raw(JsonBytes.ascii(",\"Dimensions\":["));
    List<String> names = new ArrayList<>(dimensions.keySet());
    for (int n = 1; n <= names.size(); n++) {
      b.raw(n > 1 ? JsonBytes.ascii(",[") : JsonBytes.ascii("["));
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          b.raw(',');
        }
        b.string(names.get(i));
      }
      b.raw(']');
    }
    b.raw(JsonBytes.ascii("],\"Metrics\":["));
    for (int i = 0; i < count; i++) {
      b.raw(i > 0 ? JsonBytes.ascii(",{\"Name\":") : JsonBytes.ascii("{\"Name\":")).string(metricNames[i]).raw(JsonBytes.ascii(",\"Unit\":"))
          .string(units[i]).raw('}');
    }
    b.raw(JsonBytes.ascii("]}]}"));
    return b.toByteArray();
  }


  /** One EMF document: metrics with units plus searchable properties. */
  public final class Entry {
    private String[] names = new String[6];
    private String[] units = new String[6];
    /** Per metric: a value, or nanoseconds written as milliseconds when {@code inNanos}. */
    private double[] values = new double[6];
    private long[] nanos = new long[6];
    private boolean[] inNanos = new boolean[6];
    private int count;
    private Object[] properties = new Object[8]; // name, value, name, value, …
    private int propertyCount;

    /** Adds a metric; {@code unit} is a CloudWatch unit such as {@code Milliseconds} or {@code Count}. */
    public Entry metric(String name, double value, String unit) {
      int i = add(name, unit);
      values[i] = value;
      return this;
    }

    /**
     * Adds a duration in milliseconds, given in nanoseconds and written with microsecond precision
     * ({@code 0.073}): cheaper to format than a double on the request path, and as precise as
     * CloudWatch is useful.
     */
    public Entry millis(String name, long nanos) {
      int i = add(name, "Milliseconds");
      this.nanos[i] = nanos;
      inNanos[i] = true;
      return this;
    }

    private int add(String name, String unit) {
      if (count == names.length) {
        int more = count * 2;
        names = Arrays.copyOf(names, more);
        units = Arrays.copyOf(units, more);
        values = Arrays.copyOf(values, more);
        nanos = Arrays.copyOf(nanos, more);
        inNanos = Arrays.copyOf(inNanos, more);
      }
      names[count] = name;
      units[count] = unit;
      return count++;
    }

    /** Adds a property: logged with the metrics, searchable in Logs Insights, not a dimension. */
    public Entry property(String name, Object value) {
      if (value != null) {
        if (propertyCount == properties.length) {
          properties = Arrays.copyOf(properties, propertyCount * 2);
        }
        properties[propertyCount++] = name;
        properties[propertyCount++] = value;
      }
      return this;
    }

    /**
     * Writes the document as one line, built as bytes and written in one call: it runs on every
     * request.
     */
    public void emit() {
      if (!enabled) {
        return;
      }
      JsonBytes b = line();
      JsonLogger.sink().write(b.array(), 0, b.length());
    }

    /** The document's line in this thread's buffer. */
    JsonBytes line() {
      JsonBytes b = LINE.get().reset();
      b.raw(OPEN).number(System.currentTimeMillis()).raw(declaration(names, units, count)).raw(dimensionValues);
      for (int i = 0; i < count; i++) {
        b.raw(',').string(names[i]).raw(':');
        if (inNanos[i]) {
          writeMillis(b, nanos[i]);
        } else {
          writeNumber(b, values[i]);
        }
      }
      for (int p = 0; p < propertyCount; p += 2) {
        b.raw(',').string((String) properties[p]).raw(':');
        Object v = properties[p + 1];
        if (v instanceof Integer || v instanceof Long) {
          b.number(((Number) v).longValue());
        } else if (v instanceof Number num) {
          writeNumber(b, num.doubleValue());
        } else {
          b.string(String.valueOf(v));
        }
      }
      return b.raw(END);
    }
  }

  /**
   * Builds one document of each kind of value without writing it, so that a cold start loads and
   * initialises this writer before the first request.
   */
  public static void warmUp() {
    new EmfMetrics("modelfn", true, Map.of("Model", "warm-up")).entry().millis("Latency", 1_234_567)
        .metric("Rows", 1, "Count").metric("Confidence", 0.5, "None").property("status", 200)
        .property("request_id", "warm-up").line();
  }

  /** A finite number as JSON, integral values without a fraction; NaN and infinities as null. */
  static void writeNumber(JsonBytes b, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      b.raw(NULL);
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      b.number((long) v);
    } else {
      b.raw(JsonBytes.ascii(Double.toString(v)));
    }
  }

  private static final byte[] NULL = JsonBytes.ascii("null");

  /** Nanoseconds as milliseconds rounded to the microsecond: {@code 73456} → {@code 0.073}. */
  static void writeMillis(JsonBytes b, long nanos) {
    long micros = (Math.abs(nanos) + 500) / 1000;
    if (nanos < 0 && micros > 0) {
      b.raw('-');
    }
    b.number(micros / 1000);
    long frac = micros % 1000;
    if (frac != 0) {
      b.raw('.');
      if (frac < 100) {
        b.raw('0');
      }
      if (frac < 10) {
        b.raw('0');
      }
      // trailing zeros dropped, as a JSON number reads the same either way
      while (frac % 10 == 0) {
        frac /= 10;
      }
      b.number(frac);
    }
  }
}
