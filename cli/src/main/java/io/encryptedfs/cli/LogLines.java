package io.encryptedfs.cli;

import io.encryptedfs.keystore.AuditLog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the library logs to the console (java.util.logging's root {@link ConsoleHandler}: an audit
 * warning such as {@code KEYSTORE_OPEN_FAILED}, a password file others may read), printed for the
 * length of one run as the tool's other messages are: one line, {@code encryptedfs: } and the
 * message, through {@link OneLine}, so that a line break in an event (a file's name) cannot make a
 * line of its own. java.util.logging's own format took two lines, a date and the logging class
 * first. Only the console handlers are replaced, for the run: the library logs as it always does,
 * and any other handler a logging configuration gives (a file's) gets every record as before.
 *
 * <p>Routine audit events (INFO) would bury the tool's output: the audit logger is set to {@code
 * WARNING} for the run; {@code --audit-file} records every event.
 */
final class LogLines implements AutoCloseable {
  private static final Logger ROOT = Logger.getLogger("");
  // Held strongly: java.util.logging forgets loggers nobody references, and the level with them.
  private static final Logger AUDIT = Logger.getLogger(AuditLog.LOGGER_NAME);

  private final List<Handler> replaced = new ArrayList<>();
  private final Handler lines;
  private final Level auditLevel;

  /** Prints what the console handlers would have printed to {@code err}, until closed. */
  LogLines(PrintWriter err) {
    auditLevel = AUDIT.getLevel();
    AUDIT.setLevel(Level.WARNING);
    Handler console = null;
    for (Handler handler : ROOT.getHandlers()) {
      if (handler instanceof ConsoleHandler) {
        replaced.add(handler);
        console = handler;
      }
    }
    if (console == null) {
      // A logging configuration without a console: nothing was printed, nor is now.
      lines = null;
      return;
    }
    lines = new Lines(err);
    lines.setLevel(console.getLevel());
    lines.setFilter(console.getFilter());
    replaced.forEach(ROOT::removeHandler);
    ROOT.addHandler(lines);
  }

  /** The line a record is printed as: the tool's prefix, the message and the reason, if any. */
  static String line(LogRecord record) {
    String message = new SimpleFormatter().formatMessage(record);
    Throwable reason = record.getThrown();
    return "encryptedfs: "
        + OneLine.of(
            (message == null ? "" : message)
                + (reason == null ? "" : ": " + Main.describe(reason)));
  }

  @Override
  public void close() {
    if (lines != null) {
      ROOT.removeHandler(lines);
      replaced.forEach(ROOT::addHandler);
    }
    AUDIT.setLevel(auditLevel);
  }

  private static final class Lines extends Handler {
    private final PrintWriter err;

    Lines(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      // One println, so that a line logged by another thread (a delayed write's) is not cut in.
      err.println(line(record));
      err.flush();
    }

    @Override
    public void flush() {
      err.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
