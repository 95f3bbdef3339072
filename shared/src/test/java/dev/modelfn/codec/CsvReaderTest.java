package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.errors.InvalidInputException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
  private static List<List<String>> read(String text) {
    CsvReader r = new CsvReader(new StringReader(text));
    List<List<String>> out = new ArrayList<>();
    for (List<String> rec = r.next(); rec != null; rec = r.next()) {
      out.add(rec);
    }
    return out;
  }

  @Test
  void readsQuotedFieldsWithEscapedQuotesCommasAndLineBreaks() {
    assertThat(read("a,\"b,1\",\"say \"\"hi\"\"\"\n\"multi\nline\",x,\n"))
        .containsExactly(List.of("a", "b,1", "say \"hi\""), List.of("multi\nline", "x", ""));
  }

  @Test
  void handlesCrlfBomAndBlankLines() {
    CsvReader r = new CsvReader(new StringReader("\uFEFFh1,h2\r\n\r\n1,2\r\n3,4"));
    assertThat(r.next()).containsExactly("h1", "h2");
    assertThat(r.next()).containsExactly("1", "2");
    assertThat(r.recordLine()).isEqualTo(3);
    assertThat(r.next()).containsExactly("3", "4");
    assertThat(r.next()).isNull();
  }

  @Test
  void rejectsUnterminatedQuote() {
    assertThatThrownBy(() -> read("a,\"open\n1,2\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("closing quote");
  }

  @Test
  void rejectsTextAfterClosingQuote() {
    assertThatThrownBy(() -> read("\"a\"b,c\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("after a closing quote");
  }
}
