package dev.modelfn.core.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A row batch scoring could not score: its row number, the line it starts on, the record as it
 * came and why. Written to {@code rejects/<key>.jsonl}, one JSON object a line.
 */
public record Reject(long row, long line, String raw, String reason) {
  /** {@code {"row":…,"line":…,"raw":…,"reason":…}} and a newline, as UTF-8. */
  public byte[] jsonLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + raw.length() + reason.length());
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("row", row);
      g.writeNumberField("line", line);
      g.writeStringField("raw", raw);
      g.writeStringField("reason", reason);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }
}
