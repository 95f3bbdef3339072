package dev.modelfn.aws.internal;

import dev.modelfn.codec.JsonScanner;
import dev.modelfn.codec.PlainAscii;
import dev.modelfn.core.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Reads an API Gateway HTTP API event (payload 2.0, which function URLs send too) straight from
 * its bytes, without building a tree: the body is base64-decoded or unescaped where it lies in the
 * event (no String of it), header names are lower-cased byte by byte, everything else is skipped.
 * The tree made for the event, and the Strings of a base64 body, were about a sixth of the
 * handler's own work around a model call.
 *
 * <p>It reads what API Gateway sends: {@code version} {@code "2.0"}, {@code rawPath},
 * {@code headers} and {@code queryStringParameters} of string values, {@code body} and
 * {@code isBase64Encoded}, and in {@code requestContext} the {@code requestId}, {@code stage} and
 * {@code http.method}. Anything else — another payload version, a value of another type, an
 * escape or a non-ASCII byte where it does not expect one, one of those names twice, a body that
 * is not base64 where it should be, malformed JSON — makes it answer null, and the caller reads the
 * event as a tree, which gives the same request or reports what is wrong. (Names it skips are not
 * checked for repeats; API Gateway never repeats one, and the tree path would refuse the event.)
 */
public final class HttpApiEventScanner extends JsonScanner {
  private static final byte[] VERSION = ascii("version");
  private static final byte[] RAW_PATH = ascii("rawPath");
  private static final byte[] HEADERS = ascii("headers");
  private static final byte[] QUERY = ascii("queryStringParameters");
  private static final byte[] BODY = ascii("body");
  private static final byte[] IS_BASE64 = ascii("isBase64Encoded");
  private static final byte[] REQUEST_CONTEXT = ascii("requestContext");
  private static final byte[] REQUEST_ID = ascii("requestId");
  private static final byte[] STAGE = ascii("stage");
  private static final byte[] HTTP = ascii("http");
  private static final byte[] METHOD = ascii("method");
  private static final byte[] V2 = ascii("2.0");

  private String method;
  private String requestId;
  private String stage;
  private boolean seenContext;
  private boolean seenHttp;

  private HttpApiEventScanner(byte[] event) {
    super(event);
  }

  /**
   * The request of an HTTP API 2.0 event, or null when this is not one it reads (see the class
   * comment).
   *
   * @param fallbackRequestId the request id when the event carries none
   */
  public static HttpRequest scan(byte[] event, String fallbackRequestId) {
    try {
      return new HttpApiEventScanner(event).event(fallbackRequestId);
    } catch (JsonScanner.Unreadable | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private HttpRequest event(String fallbackRequestId) {
    boolean v2 = false;
    String rawPath = null;
    Map<String, String> headers = null;
    Map<String, String> query = null;
    int bodyStart = -1;
    int bodyEnd = -1;
    boolean bodyEscaped = false;
    boolean seenBody = false;
    Boolean base64 = null;
    if (object()) {
      do {
        key();
        if (is(VERSION)) {
          once(v2);
          plainString();
          if (!is(V2)) {
            throw UNREADABLE; // payload 1.0 (REST API) or something else: the tree path
          }
          v2 = true;
        } else if (is(RAW_PATH)) {
          once(rawPath != null);
          rawPath = plainText();
        } else if (is(HEADERS)) {
          once(headers != null);
          headers = strings(true);
        } else if (is(QUERY)) {
          once(query != null);
          query = strings(false);
        } else if (is(BODY)) {
          once(seenBody);
          seenBody = true;
          ws();
          if (b[i] == 'n') {
            literal("null");
          } else {
            bodyEscaped = escapable(false);
            bodyStart = start;
            bodyEnd = end;
          }
        } else if (is(IS_BASE64)) {
          once(base64 != null);
          base64 = bool();
        } else if (is(REQUEST_CONTEXT)) {
          once(seenContext);
          seenContext = true;
          requestContext();
        } else {
          skipValue(0);
        }
      } while (comma('}'));
    }
    ws();
    if (i != b.length || !v2 || method == null || rawPath == null) {
      throw UNREADABLE;
    }
    byte[] body;
    if (bodyStart < 0) {
      body = new byte[0];
    } else if (Boolean.TRUE.equals(base64)) {
      body = base64(bodyStart, bodyEnd, bodyEscaped);
    } else {
      body = bodyEscaped ? unescape(bodyStart, bodyEnd) : plain(bodyStart, bodyEnd);
    }
    return ApiGatewayEvents.v2Request(method, rawPath, stage == null ? "$default" : stage,
        headers == null ? Map.of() : headers, query == null ? Map.of() : query, body,
        requestId == null ? fallbackRequestId : requestId);
  }

  private void requestContext() {
    if (!object()) {
      return;
    }
    do {
      key();
      if (is(REQUEST_ID)) {
        once(requestId != null);
        requestId = plainText();
      } else if (is(STAGE)) {
        once(stage != null);
        stage = plainText();
      } else if (is(HTTP)) {
        once(seenHttp);
        seenHttp = true;
        if (object()) {
          do {
            key();
            if (is(METHOD)) {
              once(method != null);
              method = plainText();
            } else {
              skipValue(2);
            }
          } while (comma('}'));
        }
      } else {
        skipValue(1);
      }
    } while (comma('}'));
  }

  /**
   * An object of string values ({@code null} values left out, as the tree path does), or an empty
   * map for {@code null}; names lower-cased when asked (headers). The immutable map is made at once,
   * as the request keeps it.
   */
  @SuppressWarnings("unchecked")
  private Map<String, String> strings(boolean lowerCaseNames) {
    ws();
    if (b[i] == 'n') {
      literal("null");
      return Map.of();
    }
    if (!object()) {
      return Map.of();
    }
    Map.Entry<String, String>[] entries = new Map.Entry[8];
    int n = 0;
    do {
      key();
      String name = lowerCaseNames ? lowerCaseName() : asciiName();
      ws();
      if (b[i] == 'n') {
        literal("null");
        continue;
      }
      String value = escapable(true) ? new String(unescape(start, end), StandardCharsets.UTF_8) : text();
      if (n == entries.length) {
        entries = Arrays.copyOf(entries, n * 2);
      }
      entries[n++] = Map.entry(name, value);
    } while (comma('}'));
    try {
      return Map.ofEntries(n == entries.length ? entries : Arrays.copyOf(entries, n));
    } catch (IllegalArgumentException e) {
      throw UNREADABLE; // the same name twice, or twice in different cases: the tree path decides
    }
  }

  /** The last key in lower case (ASCII only: {@code toLowerCase(Locale.ROOT)} of it). */
  private String lowerCaseName() {
    byte[] name = new byte[end - start];
    for (int k = 0; k < name.length; k++) {
      byte c = b[start + k];
      if (c < 0x20 || c == '\\') {
        throw UNREADABLE; // non-ASCII (negative) or an escape
      }
      name[k] = c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c;
    }
    return new String(name, StandardCharsets.ISO_8859_1);
  }

  private String asciiName() {
    if (PlainAscii.run(b, start) < end) {
      throw UNREADABLE;
    }
    return text();
  }

  private boolean bool() {
    ws();
    if (b[i] == 't') {
      literal("true");
      return true;
    }
    literal("false");
    return false;
  }

  /**
   * A string that may have escapes; answers whether it has. With {@code checked}, its other bytes
   * must be printable ASCII; without, its end is found by quotes and backslashes alone (the body:
   * most of the event, mostly base64), and its bytes are checked by what reads them next — the
   * base64 decoder, {@link #unescape} or {@link #plain}. Its span is left in {@code start},
   * {@code end}.
   */
  private boolean escapable(boolean checked) {
    if (b[i] != '"') {
      throw UNREADABLE;
    }
    boolean escaped = false;
    int p = checked ? PlainAscii.run(b, i + 1) : PlainAscii.quoteOrBackslash(b, i + 1);
    while (b[p] != '"') {
      if (b[p] != '\\') {
        throw UNREADABLE; // a control byte (malformed) or non-ASCII text: the tree path
      }
      escaped = true;
      p = checked ? PlainAscii.run(b, p + 2) : PlainAscii.quoteOrBackslash(b, p + 2);
    }
    start = i + 1;
    end = p;
    i = p + 1;
    return escaped;
  }

  /** The bytes of a string without escapes, when they are all printable ASCII. */
  private byte[] plain(int from, int to) {
    if (PlainAscii.run(b, from) < to) {
      throw UNREADABLE; // a control byte (malformed) or non-ASCII text: the tree path
    }
    return Arrays.copyOfRange(b, from, to);
  }

  /** A base64 body decoded where it lies; anything that is not base64 goes to the tree path for its error. */
  private byte[] base64(int from, int to, boolean escaped) {
    if (escaped) {
      throw UNREADABLE;
    }
    try {
      ByteBuffer d = Base64.getDecoder().decode(ByteBuffer.wrap(b, from, to - from));
      byte[] a = d.array();
      return d.arrayOffset() == 0 && d.remaining() == a.length ? a
          : Arrays.copyOfRange(a, d.arrayOffset() + d.position(), d.arrayOffset() + d.limit());
    } catch (IllegalArgumentException e) {
      throw UNREADABLE;
    }
  }

  /**
   * The UTF-8 bytes of an escaped ASCII string (a JSON body inside the event): plain runs copied
   * in bulk, escapes undone, {@code \\u} escapes encoded as UTF-8 (a lone surrogate, which
   * {@code String.getBytes} would replace, goes to the tree path).
   */
  private byte[] unescape(int from, int to) {
    byte[] out = new byte[to - from]; // never longer: an escape of 2, 6 or 12 bytes gives at most 1, 3 or 4
    int n = 0;
    int p = from;
    while (true) {
      int q = PlainAscii.run(b, p); // stops at the next backslash, at the latest at the closing quote
      if (q > to) {
        q = to;
      }
      System.arraycopy(b, p, out, n, q - p);
      n += q - p;
      if (q == to) {
        return n == out.length ? out : Arrays.copyOf(out, n);
      }
      if (b[q] != '\\') {
        throw UNREADABLE; // a control byte (malformed) or non-ASCII text: the tree path
      }
      byte e = b[q + 1];
      p = q + 2;
      switch (e) {
        case '"', '\\', '/' -> out[n++] = e;
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'u' -> {
          int cu = hex4(p);
          p += 4;
          int cp = cu;
          if (Character.isHighSurrogate((char) cu)) {
            if (p + 6 > to || b[p] != '\\' || b[p + 1] != 'u'
                || !Character.isLowSurrogate((char) hex4(p + 2))) {
              throw UNREADABLE;
            }
            cp = Character.toCodePoint((char) cu, (char) hex4(p + 2));
            p += 6;
          } else if (Character.isLowSurrogate((char) cu)) {
            throw UNREADABLE;
          }
          n = utf8(cp, out, n);
        }
        default -> throw UNREADABLE;
      }
    }
  }

  private int hex4(int at) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(b[at + k], 16);
      if (d < 0) {
        throw UNREADABLE;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private static int utf8(int cp, byte[] out, int n) {
    if (cp < 0x80) {
      out[n++] = (byte) cp;
    } else if (cp < 0x800) {
      out[n++] = (byte) (0xc0 | cp >> 6);
      out[n++] = (byte) (0x80 | cp & 0x3f);
    } else if (cp < 0x10000) {
      out[n++] = (byte) (0xe0 | cp >> 12);
      out[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
      out[n++] = (byte) (0x80 | cp & 0x3f);
    } else {
      out[n++] = (byte) (0xf0 | cp >> 18);
      out[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
      out[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
      out[n++] = (byte) (0x80 | cp & 0x3f);
    }
    return n;
  }
}
