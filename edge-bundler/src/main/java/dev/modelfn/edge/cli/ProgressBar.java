package dev.modelfn.edge.cli;

import dev.modelfn.edge.quantize.Progress;
import java.io.PrintStream;

/**
 * A progress bar on stderr, with the rate and the totals: redrawn in place on a terminal, a line
 * per quarter otherwise (CI logs).
 */
final class ProgressBar implements Progress {
  private final String label;
  private final String unit;
  private final boolean bytes;
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastQuarter = -1;
  private boolean finished;

  ProgressBar(String label, String unit, boolean bytes, PrintStream out) {
    this.label = label;
    this.unit = unit;
    this.bytes = bytes;
    this.out = out;
    this.terminal = System.console() != null;
  }

  @Override
  public synchronized void update(long done, long total) {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    boolean end = done >= total;
    double secs = Math.max(1e-9, (now - start) / 1e9);
    int width = 30;
    int filled = total <= 0 ? width : (int) (width * Math.min(1.0, (double) done / total));
    String line = String.format("%-10s [%s%s] %3d%% %s/%s %s/s", label, "=".repeat(filled), " ".repeat(width - filled),
        total <= 0 ? 100 : (int) (100 * done / total), amount(done), amount(total) + (bytes ? "" : " " + unit),
        amount((long) (done / secs)) + (bytes ? "" : " " + unit));
    if (terminal) {
      if (end || now - lastDraw > 100_000_000L) {
        out.print("\r" + line + (end ? String.format(" in %.1f s%n", secs) : ""));
        out.flush();
        lastDraw = now;
      }
    } else {
      int quarter = total <= 0 ? 4 : (int) (4 * done / total);
      if (quarter != lastQuarter && (quarter > 0 || end)) {
        out.println(line + (end ? String.format(" in %.1f s", secs) : ""));
        lastQuarter = quarter;
      }
    }
    finished = end;
  }

  private String amount(long n) {
    if (!bytes) {
      return Long.toString(n);
    }
    if (n >= 1 << 20) {
      return String.format("%.1f MB", n / 1048576.0);
    }
    if (n >= 1 << 10) {
      return String.format("%.1f kB", n / 1024.0);
    }
    return n + " B";
  }
}
