package dev.modelfn.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A strict RFC 8259 reader for UTF-8 request bodies that builds the same Jackson tree {@link
 * Json#mapper()} builds, several times faster on number arrays (digits are turned into values while
 * they are scanned, with Clinger's exact fast path for ordinary decimals).
 *
 * <p>It accepts a subset of what Jackson accepts and nothing more: anything unusual (a syntax
 * error, a duplicate key, a byte-order mark, deep nesting, very long numbers, invalid UTF-8)
 * returns null, and the caller parses with Jackson, which then reports the error exactly as
 * before. So the fast path changes speed, never results.
 */
final class FastJsonReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Jackson's default nesting limit (StreamReadConstraints). */
  private static final int MAX_DEPTH = 1000;

  /** Thrown internally to give up and let Jackson parse; carries no stack trace. */
  private static final class GiveUp extends RuntimeException {
    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();

  private final byte[] b;
  private final int end;
  private int pos;
  private byte[] latin1 = new byte[64];
  private final JsonNumber num = new JsonNumber();

  private FastJsonReader(byte[] b, int offset, int length) {
    this.b = b;
    this.pos = offset;
    this.end = offset + length;
  }

  /** The tree of the document, or null when Jackson should parse it. */
  static JsonNode read(byte[] bytes, int offset, int length) {
    FastJsonReader r = new FastJsonReader(bytes, offset, length);
    try {
      r.skipWhitespace();
      JsonNode root = r.value(0);
      r.skipWhitespace();
      return r.pos == r.end ? root : null;
    } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  private JsonNode value(int depth) {
    if (pos >= end) {
      throw GIVE_UP;
    }
    byte c = b[pos];
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return NODES.textNode(string());
      case 't':
        literal("true");
        return NODES.booleanNode(true);
      case 'f':
        literal("false");
        return NODES.booleanNode(false);
      case 'n':
        literal("null");
        return NODES.nullNode();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw GIVE_UP;
    }
  }

  private ObjectNode object(int depth) {
    if (depth > MAX_DEPTH) {
      throw GIVE_UP;
    }
    pos++; // {
    ObjectNode node = NODES.objectNode();
    skipWhitespace();
    if (b[pos] == '}') {
      pos++;
      return node;
    }
    while (true) {
      if (b[pos] != '"') {
        throw GIVE_UP;
      }
      String key = key();
      skipWhitespace();
      if (b[pos] != ':') {
        throw GIVE_UP;
      }
      pos++;
      skipWhitespace();
      if (node.replace(key, value(depth)) != null) {
        throw GIVE_UP; // a duplicate key: Jackson reports it
      }
      skipWhitespace();
      byte c = b[pos++];
      if (c == '}') {
        return node;
      }
      if (c != ',') {
        throw GIVE_UP;
      }
      skipWhitespace();
    }
  }

  private ArrayNode array(int depth) {
    if (depth > MAX_DEPTH) {
      throw GIVE_UP;
    }
    pos++; // [
    ArrayNode node = NODES.arrayNode();
    skipWhitespace();
    if (b[pos] == ']') {
      pos++;
      return node;
    }
    while (true) {
      node.add(value(depth));
      skipWhitespace();
      byte c = b[pos++];
      if (c == ']') {
        return node;
      }
      if (c != ',') {
        throw GIVE_UP;
      }
      skipWhitespace();
    }
  }

  private void literal(String word) {
    int n = word.length();
    if (end - pos < n) {
      throw GIVE_UP;
    }
    for (int i = 0; i < n; i++) {
      if (b[pos + i] != word.charAt(i)) {
        throw GIVE_UP;
      }
    }
    pos += n;
    if (pos < end && isIdentifierByte(b[pos])) {
      throw GIVE_UP; // "trueish"
    }
  }

  private static boolean isIdentifierByte(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c < 0;
  }

  /** A cached key: its bytes and the String made of them (whose hash is then computed once). */
  private record Key(byte[] bytes, String text) {}

  private static final int KEY_CACHE_SIZE = 1024;
  /** Object keys seen before; a racy cache of immutable entries, so no lock is needed. */
  private static final Key[] KEYS = new Key[KEY_CACHE_SIZE];
  private static final int MAX_CACHED_KEY = 48;

  /**
   * An object key. Events repeat the same few dozen keys on every request, so plain short keys
   * come from a cache instead of a new String (and a new hash code) each time.
   */
  private String key() {
    int start = pos + 1;
    byte[] bytes = b;
    int i = start;
    int h = 0;
    byte c;
    while ((c = bytes[i]) >= 0x20 && c != '"' && c != '\\') {
      h = 31 * h + c;
      i++;
    }
    int len = i - start;
    if (c != '"' || len > MAX_CACHED_KEY) {
      return string();
    }
    int slot = (h ^ (h >>> 10)) & (KEY_CACHE_SIZE - 1);
    Key k = KEYS[slot];
    pos = i + 1;
    if (k != null && java.util.Arrays.equals(k.bytes, 0, k.bytes.length, bytes, start, i)) {
      return k.text;
    }
    byte[] copy = java.util.Arrays.copyOfRange(bytes, start, i);
    String text = new String(copy, StandardCharsets.ISO_8859_1);
    KEYS[slot] = new Key(copy, text);
    return text;
  }

  private String string() {
    int start = ++pos; // opening quote
    // Fast path: printable ASCII without escapes, eight bytes at a time up to exactly the first
    // quote, backslash, control byte or non-ASCII byte.
    byte[] bytes = b;
    int i = PlainAscii.run(bytes, start);
    if (bytes[i] == '"') {
      pos = i + 1;
      return new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
    }
    return slowString(start);
  }

  /**
   * Strings with escapes or non-ASCII text: plain runs are copied in bulk into a Latin-1 buffer
   * (a request body embedded in an event is one long string of short runs between escapes), which
   * widens to UTF-16 only when a character needs it.
   */
  private String slowString(int start) {
    int n = 0;
    int i = start;
    byte[] latin = latin1;
    char[] wide = null;
    while (true) {
      int run = i;
      byte c;
      while ((c = b[i]) >= 0x20 && c != '"' && c != '\\') {
        i++;
      }
      int len = i - run;
      if (len > 0) {
        if (wide == null) {
          latin = ensure(latin, n + len);
          System.arraycopy(b, run, latin, n, len);
        } else {
          wide = ensure(wide, n + len);
          for (int k = 0; k < len; k++) {
            wide[n + k] = (char) b[run + k];
          }
        }
        n += len;
      }
      if (c == '"') {
        break;
      }
      int ch;
      if (c == '\\') {
        byte e = b[i + 1];
        i += 2;
        ch = switch (e) {
          case '"' -> '"';
          case '\\' -> '\\';
          case '/' -> '/';
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'u' -> {
            int v = hex4(i);
            i += 4;
            yield v;
          }
          default -> throw GIVE_UP;
        };
        if (ch > 0xff && wide == null) {
          wide = widen(latin, n);
        }
        if (wide == null) {
          latin = ensure(latin, n + 1);
          latin[n++] = (byte) ch;
        } else {
          wide = ensure(wide, n + 1);
          wide[n++] = (char) ch;
        }
      } else if (c >= 0) {
        throw GIVE_UP; // an unescaped control character
      } else {
        int len8 = utf8Length(c);
        String decoded = strictUtf8(i, len8);
        i += len8;
        if (wide == null) {
          wide = widen(latin, n);
        }
        wide = ensure(wide, n + decoded.length());
        decoded.getChars(0, decoded.length(), wide, n);
        n += decoded.length();
      }
    }
    pos = i + 1;
    latin1 = latin;
    return wide == null ? new String(latin, 0, n, StandardCharsets.ISO_8859_1) : new String(wide, 0, n);
  }

  private static byte[] ensure(byte[] a, int size) {
    return size <= a.length ? a : java.util.Arrays.copyOf(a, Math.max(size, a.length * 2));
  }

  private static char[] ensure(char[] a, int size) {
    return size <= a.length ? a : java.util.Arrays.copyOf(a, Math.max(size, a.length * 2));
  }

  private static char[] widen(byte[] latin, int n) {
    char[] w = new char[Math.max(16, n * 2)];
    for (int k = 0; k < n; k++) {
      w[k] = (char) (latin[k] & 0xff);
    }
    return w;
  }

  private int hex4(int at) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
      byte h = b[at + k];
      int d;
      if (h >= '0' && h <= '9') {
        d = h - '0';
      } else if (h >= 'a' && h <= 'f') {
        d = h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        d = h - 'A' + 10;
      } else {
        throw GIVE_UP;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int utf8Length(byte lead) {
    int u = lead & 0xff;
    if (u >= 0xc2 && u <= 0xdf) {
      return 2;
    }
    if (u >= 0xe0 && u <= 0xef) {
      return 3;
    }
    if (u >= 0xf0 && u <= 0xf4) {
      return 4;
    }
    throw GIVE_UP;
  }

  private String strictUtf8(int at, int len) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, at, len)).toString();
    } catch (CharacterCodingException | IndexOutOfBoundsException e) {
      throw GIVE_UP;
    }
  }

  /** Numbers as Jackson's tree has them: int, long or BigInteger nodes; doubles for the rest. */
  private JsonNode number() {
    JsonNumber n = num;
    if (!n.read(b, pos, end)) {
      throw GIVE_UP;
    }
    pos = n.end;
    if (pos < end && isIdentifierByte(b[pos])) {
      throw GIVE_UP;
    }
    int length = n.end - n.start;
    if (length > JsonNumber.MAX_LENGTH) {
      throw GIVE_UP;
    }
    if (n.isSmallInteger()) {
      long v = n.longValue();
      return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }
    if (!n.isFloat) {
      BigInteger big = new BigInteger(new String(b, n.start, length, StandardCharsets.ISO_8859_1));
      return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
    }
    return NODES.numberNode(n.doubleValue(b));
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte c = b[pos];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        pos++;
      } else {
        return;
      }
    }
  }
}
