package dev.modelfn.telemetry;

import java.io.PrintStream;
import java.util.Objects;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where modelfn's log lines go. The functions log through {@code java.util.logging}, the JDK's
 * logging facade (see {@link JsonLogger}); every logger under {@code dev.modelfn} reaches one
 * handler that writes each record as one line to standard output, formatted by the platform's
 * formatter: {@link JsonLogFormatter} by default (CloudWatch Logs on AWS Lambda), Cloud Logging's
 * structured format on Google Cloud (installed by that adapter with {@link #install}). Standard
 * output is where both clouds collect a function's logs, and where the AWS adapter's metrics (EMF)
 * go too.
 */
public final class Logs {
  /** The parent of every modelfn logger; kept here so that its handler is never collected. */
  private static final Logger ROOT = Logger.getLogger("dev.modelfn");
  private static final LineHandler HANDLER = new LineHandler();
  private static volatile PrintStream sink = System.out;

  static {
    HANDLER.setFormatter(new JsonLogFormatter());
    HANDLER.setLevel(Level.ALL);
    ROOT.setUseParentHandlers(false);
    ROOT.setLevel(Level.ALL); // each JsonLogger applies its own threshold before a record is made
    ROOT.addHandler(HANDLER);
  }

  private Logs() {}

  /** The logger {@code name}, connected to modelfn's handler (names outside {@code dev.modelfn} get it too). */
  static Logger logger(String name) {
    Logger logger = Logger.getLogger(name);
    if (!name.equals("dev.modelfn") && !name.startsWith("dev.modelfn.")) {
      synchronized (Logs.class) {
        if (logger.getUseParentHandlers()) {
          logger.setUseParentHandlers(false);
          logger.addHandler(HANDLER);
        }
      }
    }
    return logger;
  }

  /** Makes {@code formatter} the format of every modelfn log line (one per platform, set once at start). */
  public static void install(Formatter formatter) {
    HANDLER.setFormatter(Objects.requireNonNull(formatter, "formatter"));
  }

  /** The formatter in use. */
  public static Formatter formatter() {
    return HANDLER.getFormatter();
  }

  /** Redirects log lines and metric lines (benchmarks and tests that capture output). */
  public static void setSink(PrintStream out) {
    sink = Objects.requireNonNull(out, "out");
  }

  /** Where log and metric lines are written: standard output unless redirected. */
  public static PrintStream sink() {
    return sink;
  }

  /** Writes each formatted record as it comes; the formatter's text ends with its line separator. */
  private static final class LineHandler extends Handler {
    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      String line;
      try {
        line = getFormatter().format(record);
      } catch (RuntimeException e) {
        reportError("cannot format a log record", e, java.util.logging.ErrorManager.FORMAT_FAILURE);
        return;
      }
      sink.print(line);
      sink.flush();
    }

    @Override
    public void flush() {
      sink.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
