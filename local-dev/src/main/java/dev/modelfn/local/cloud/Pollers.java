package dev.modelfn.local.cloud;

/** What the event source pollers share. */
final class Pollers {
  private Pollers() {}

  /** A function's error document, short enough for one log line. */
  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** Sleeps; an interrupt ends the sleep and is kept for the poller loop to see. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
