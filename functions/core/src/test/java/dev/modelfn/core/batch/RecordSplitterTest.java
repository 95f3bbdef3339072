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
    assertThat(dev.modelfn.codec.CsvRecords.fields(r.get(1).text().getBytes(StandardCharsets.UTF_8), r.get(1).text().length()))
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

  /** The splitting rules byte by byte, as the reference the run-copying splitter must agree with. */
  private static List<Rec> reference(byte[] b, boolean csv) {
    List<Rec> out = new ArrayList<>();
    int pos = b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF ? 3 : 0;
    long line = 1;
    while (pos < b.length) {
      int start = pos;
      long startLine = line;
      StringBuilder rec = new StringBuilder();
      boolean inQuotes = false;
      boolean fieldStart = true;
      boolean justClosed = false;
      while (pos < b.length) {
        char c = (char) (b[pos++] & 0xff);
        if (c == '"' && csv) {
          if (inQuotes) {
            inQuotes = false;
            justClosed = true;
          } else if (fieldStart || justClosed) {
            inQuotes = true;
            justClosed = false;
          } else {
            justClosed = false;
          }
          fieldStart = false;
        } else {
          if (c == '\n') {
            line++;
            if (!inQuotes) {
              break;
            }
          }
          fieldStart = c == ',' && !inQuotes;
          justClosed = false;
        }
        rec.append(c);
      }
      String text = rec.toString();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      if (!text.chars().allMatch(ch -> ch == ' ' || ch == '\t' || ch == '\r')) { // blank lines are not records
        out.add(new Rec(text, start, startLine, pos));
      }
    }
    return out;
  }

  @Test
  void agreesWithTheByteByByteRulesOnGeneratedInputAndAnyReadSizes() throws IOException {
    java.util.Random rnd = new java.util.Random(20261201L);
    String alphabet = "ab1.,,\"\"\n\r \t";
    for (int round = 0; round < 3000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(120);
      for (int i = 0; i < n; i++) {
        sb.append(rnd.nextInt(8) == 0 ? alphabet.charAt(rnd.nextInt(alphabet.length())) : "0123456789,"
            .charAt(rnd.nextInt(11)));
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
      int chunk = 1 + rnd.nextInt(20);
      for (boolean csv : new boolean[] {true, false}) {
        InputStream in = new ByteArrayInputStream(b) {
          @Override
          public synchronized int read(byte[] buf, int off, int len) {
            return super.read(buf, off, Math.min(len, chunk));
          }
        };
        RecordSplitter s = new RecordSplitter(in, csv, 0, 1);
        List<Rec> got = new ArrayList<>();
        while (s.next()) {
          got.add(new Rec(new String(s.bytes, 0, s.length, StandardCharsets.ISO_8859_1), s.offset, s.startLine,
              s.nextOffset));
        }
        assertThat(got).as("csv=%s chunk=%d input=%s", csv, chunk, sb).isEqualTo(reference(b, csv));
      }
    }
  }

  @Test
  void lineScanFindsTheFirstLineFeedOrQuoteAtEveryAlignment() {
    java.util.Random rnd = new java.util.Random(7);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[rnd.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        int k = rnd.nextInt(30);
        b[i] = (byte) (k == 0 ? '\n' : k == 1 ? '"' : k == 2 ? 0x8a : k == 3 ? 0xa2 : k == 4 ? 0 : 'a' + k);
      }
      for (int from = 0; from <= b.length; from++) {
        int lf = from;
        while (lf < b.length && b[lf] != '\n') {
          lf++;
        }
        int lq = from;
        while (lq < b.length && b[lq] != '\n' && b[lq] != '"') {
          lq++;
        }
        assertThat(LineScan.lineFeed(b, from, b.length)).isEqualTo(lf);
        assertThat(LineScan.lineFeedOrQuote(b, from, b.length)).isEqualTo(lq);
      }
    }
  }
}
