package dev.modelfn.telemetry;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Structured logging on {@code java.util.logging}: a message plus alternating keys and values
 * (request id, model, route, error ...), handed to a JUL {@link Logger} as one {@link
 * java.util.logging.LogRecord} whose parameters are those keys and values. How a record looks is the
 * platform's formatter's business ({@link Logs#install}; JSON lines by default). Cheap when a level
 * is off: the threshold ({@code MODELFN_LOG_LEVEL}) is checked before a record is made.
 */
public final class JsonLogger {
  /** Log levels in increasing severity, with the JUL level each is logged at. */
  public enum Level {
    DEBUG(java.util.logging.Level.FINE),
    INFO(java.util.logging.Level.INFO),
    WARN(java.util.logging.Level.WARNING),
    ERROR(java.util.logging.Level.SEVERE);

    private final java.util.logging.Level jul;

    Level(java.util.logging.Level jul) {
      this.jul = jul;
    }
  }

  private final Logger logger;
  private final Level threshold;

  /**
   * @param level the threshold: {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}
   */
  public JsonLogger(String name, String level) {
    this.logger = Logs.logger(name);
    this.threshold = Level.valueOf(level.toUpperCase(Locale.ROOT));
  }

  public boolean enabled(Level level) {
    return level.ordinal() >= threshold.ordinal();
  }

  public void debug(String message, Object... keyValues) {
    log(Level.DEBUG, message, null, keyValues);
  }

  public void info(String message, Object... keyValues) {
    log(Level.INFO, message, null, keyValues);
  }

  public void warn(String message, Object... keyValues) {
    log(Level.WARN, message, null, keyValues);
  }

  public void error(String message, Throwable error, Object... keyValues) {
    log(Level.ERROR, message, error, keyValues);
  }

  /** Logs {@code message} with alternating keys and values; {@code error} adds its type, message and stack. */
  public void log(Level level, String message, Throwable error, Object... keyValues) {
    if (!enabled(level)) {
      return;
    }
    java.util.logging.LogRecord record = new java.util.logging.LogRecord(level.jul, message);
    record.setLoggerName(logger.getName());
    record.setParameters(keyValues);
    record.setThrown(error);
    logger.log(record);
  }
}
