package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSplitterTest {
  private record Rec(String text, long offset, long line, long nextOffset) {}

  private static List<Rec> split(InputStream in, boolean csv, long offset, long line) throws IOException {
    RecordSplitter s = new RecordSplitter(in, csv, offset, line);
    List<Rec> out = new ArrayList<>();
    while (s.next()) {
      out.add(new Rec(new String(s.bytes, 0, s.length, StandardCharsets.UTF_8), s.offset, s.startLine, s.nextOffset));
    }
    return out;
  }

  private static List<Rec> split(String text, boolean csv) throws IOException {
    return split(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), csv, 0, 1);
  }

  @Test
  void splitsLinesWithOffsetsLineNumbersBomCrLfAndBlankLines() throws IOException {
    List<Rec> r = split("\uFEFFa,b\r\n\r\n1,2\n  \n3,4", true);
    assertThat(r).extracting(Rec::text).containsExactly("a,b", "1,2", "3,4");
    assertThat(r).extracting(Rec::line).containsExactly(1L, 3L, 5L);
    assertThat(r.get(0).offset()).isEqualTo(3); // after the BOM
    assertThat(r.get(1).offset()).isEqualTo(10);
    assertThat(r.get(0).nextOffset()).isEqualTo(8);
  }

  @Test
  void keepsLineBreaksInsideQuotedFieldsAndEscapedQuotes() throws IOException {
    List<Rec> r = split("id,text\n1,\"two\nlines, \"\"quoted\"\"\"\n2,ok\n3,12\"3\n4,x\n", true);
    assertThat(r).extracting(Rec::text).containsExactly("id,text", "1,\"two\nlines, \"\"quoted\"\"\"", "2,ok",
        "3,12\"3", "4,x");
    assertThat(r).extracting(Rec::line).containsExactly(1L, 2L, 4L, 5L, 6L);
    assertThat(CsvFields.split(r.get(1).text().getBytes(StandardCharsets.UTF_8), r.get(1).text().length()))
        .containsExactly("1", "two\nlines, \"quoted\"");
  }

  @Test
  void resumesAtARecordBoundaryWithTheSameOffsetsAndLines() throws IOException {
    String text = "h\nr1\nr2\n\"r\n3\"\nr4\n";
    List<Rec> all = split(text, true);
    Rec third = all.get(3);
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    List<Rec> resumed = split(new ByteArrayInputStream(b, (int) third.offset(), b.length - (int) third.offset()),
        true, third.offset(), third.line());
    assertThat(resumed).isEqualTo(all.subList(3, all.size()));
  }

  @Test
  void jsonLinesSplitOnEveryNewlineAndSmallReadsChangeNothing() throws IOException {
    String text = "{\"a\":\"x\\\"y\"}\n{\"a\":2}\n";
    InputStream trickle = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    };
    assertThat(split(trickle, false, 0, 1)).isEqualTo(split(text, false));
    assertThat(split(text, false)).extracting(Rec::text).containsExactly("{\"a\":\"x\\\"y\"}", "{\"a\":2}");
  }
}
