package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.errors.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {
  private static List<List<String>> read(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    List<List<String>> out = new ArrayList<>();
    try (CsvRecords r = CsvRecords.of(b, 0, b.length)) {
      for (List<String> rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec);
      }
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
    byte[] b = "\uFEFFh1,h2\r\n\r\n1,2\r\n3,4".getBytes(StandardCharsets.UTF_8);
    try (CsvRecords r = CsvRecords.of(b, 0, b.length)) {
      assertThat(r.next()).containsExactly("h1", "h2");
      assertThat(r.next()).containsExactly("1", "2");
      assertThat(r.recordLine()).isEqualTo(3);
      assertThat(r.next()).containsExactly("3", "4");
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void rejectsAnUnterminatedQuoteNamingTheProblem() {
    assertThatThrownBy(() -> read("a,\"open\n1,2\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("valid CSV").hasMessageContaining("quote");
  }

  @Test
  void fieldsOfOneRecord() {
    byte[] b = "x,\"a,b\",,\"q\"\"\"".getBytes(StandardCharsets.UTF_8);
    assertThat(CsvRecords.fields(b, b.length)).containsExactly("x", "a,b", "", "q\"");
    byte[] two = "a\nb".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> CsvRecords.fields(two, two.length)).isInstanceOf(InvalidInputException.class);
  }
}
