package dev.modelfn.errors;

/**
 * The request or record is invalid for the model: malformed JSON or CSV, wrong shape or datatype,
 * unknown input, missing feature, non-finite value, too many or no instances. HTTP 400; retrying the
 * same input never helps, so batch and stream functions send it to the rejects or dead-letter place.
 *
 * <p>{@link #pointer()} is a JSON pointer (RFC 6901) to the offending field, or for CSV {@code
 * /rows/N/columns/M}; {@link #expected()} and {@link #received()} say what was wanted and what came.
 */
public class InvalidInputException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  private final String pointer;
  private final String expected;
  private final String received;

  public InvalidInputException(String pointer, String expected, String received) {
    this(pointer, expected, received, null);
  }

  public InvalidInputException(String pointer, String expected, String received, Throwable cause) {
    super(Problem.INVALID_INPUT, describe(pointer, expected, received), cause);
    this.pointer = pointer == null ? "" : pointer;
    this.expected = expected;
    this.received = received;
  }

  private static String describe(String pointer, String expected, String received) {
    StringBuilder sb = new StringBuilder();
    sb.append(pointer == null || pointer.isEmpty() ? "request" : pointer).append(": expected ").append(expected);
    if (received != null) {
      sb.append(", received ").append(received);
    }
    return sb.toString();
  }

  /** JSON pointer to the offending field; empty for the whole document. */
  public String pointer() {
    return pointer;
  }

  public String expected() {
    return expected;
  }

  /** What came instead, abbreviated; may be null. */
  public String received() {
    return received;
  }

  /** A copy of this error with {@code prefix} put in front of the pointer (for nested decoding). */
  public InvalidInputException under(String prefix) {
    return new InvalidInputException(prefix + pointer, expected, received, getCause());
  }
}
