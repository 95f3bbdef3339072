package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.errors.InvalidInputException;
import java.io.IOException;

/**
 * The process-wide Jackson factory and mapper, and a parse helper that reports malformed JSON as
 * invalid input. Every JSON document the project reads goes through {@link #parse} (a tree) or a
 * parser from {@link #FACTORY}; every document it writes goes through a generator from {@link
 * #FACTORY}. The mapper is made on first use only: the request paths do not need it.
 */
public final class Json {
  /**
   * Strict: duplicate keys are errors; NaN and Infinity literals are refused.
   */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // Numbers dominate inference bodies: Jackson's bundled FastDoubleParser reads them several
      // times faster than Double.parseDouble, with the same results.
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      // ... and writes them with Schubfach (shortest repr that reads back to the same value),
      // several times faster than Float.toString on Java 17.
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  /**
   * For the envelopes a platform itself writes around user data (a Kinesis or SQS event's records):
   * as {@link #FACTORY} but without duplicate-key detection, which guards users' documents against
   * ambiguity and costs a third of the time of walking a large envelope. The user data inside is
   * still read with {@link #FACTORY}.
   */
  public static final JsonFactory ENVELOPE_FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private static final class Holder {
    /** Over {@link #FACTORY}; trailing tokens are errors too. */
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** The process-wide mapper. */
  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  private Json() {}

  /** Parses a request body; any syntax error becomes an {@link InvalidInputException} at the root. */
  public static JsonNode parse(byte[] body, int offset, int length) {
    if (length == 0) {
      throw new InvalidInputException("", "a JSON document", "an empty body");
    }
    try (JsonParser p = FACTORY.createParser(body, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return MissingNode.getInstance(); // only whitespace, as ObjectMapper.readTree reads it
      }
      JsonNode root = tree(p, first);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw new InvalidInputException("", "valid JSON", "malformed JSON at line " + p.currentLocation().getLineNr()
            + ", column " + p.currentLocation().getColumnNr() + ": trailing token (" + trailing + ") after the document");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("", "valid JSON", "malformed JSON"
          + (e.getLocation() != null
              ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
              : "")
          + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("", "valid JSON", e.getMessage(), e);
    }
  }

  /**
   * The tree of the value at the parser's current token, built from Jackson's streaming parser and
   * node factory with the nodes {@code ObjectMapper.readTree} makes (ints, longs, big integers,
   * doubles). Requests are read this way, not through the mapper, because the mapper's
   * initialisation is some 100 ms of a cold start (see docs/performance.md) and no request needs it.
   */
  private static JsonNode tree(JsonParser p, JsonToken t) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (t) {
      case START_OBJECT: {
        ObjectNode o = nodes.objectNode();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String name = p.currentName();
          o.set(name, tree(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = nodes.arrayNode();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          a.add(tree(p, v));
        }
        return a;
      }
      case VALUE_STRING:
        return nodes.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> nodes.numberNode(p.getIntValue());
          case LONG -> nodes.numberNode(p.getLongValue());
          default -> nodes.numberNode(p.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return nodes.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return nodes.booleanNode(true);
      case VALUE_FALSE:
        return nodes.booleanNode(false);
      case VALUE_NULL:
        return nodes.nullNode();
      default:
        throw new JsonParseException(p, "unexpected token " + t);
    }
  }

  public static JsonNode parse(byte[] body) {
    return parse(body, 0, body.length);
  }

  /** A short description of a JSON value for error messages. */
  public static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String kind = switch (node.getNodeType()) {
      case ARRAY -> "an array of " + node.size();
      case OBJECT -> "an object";
      case STRING -> "the string";
      case NUMBER -> "the number";
      case BOOLEAN -> "the boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
    if (node.isValueNode() && !node.isNull()) {
      String text = node.toString();
      return kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
    return kind;
  }

  /** Escapes a name for use as a JSON pointer segment (RFC 6901). */
  public static String pointerSegment(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

}
