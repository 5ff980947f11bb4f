package io.encryptedfs.cli;

import io.encryptedfs.keystore.AuditLog;
import java.io.PrintWriter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The audit events of one run that could not be appended to {@code --audit-file}. Recording never
 * throws, so the command would otherwise succeed with its audit trail short, and the failure
 * reached stderr only as java.util.logging's stack trace (68 lines for a full disk). Each failure
 * is one line instead, and a run that lost an event exits 4 once its work is done.
 */
final class AuditFailures implements AutoCloseable {
  // Held strongly: java.util.logging forgets loggers nobody references, and the filter with them.
  private static final Logger LOGGER = Logger.getLogger(AuditLog.LOGGER_NAME);

  private final PrintWriter err;
  private final long before = AuditLog.failedAppends();
  private final Filter previous;

  /** Reports the audit log's failures to {@code err} until closed. */
  AuditFailures(PrintWriter err) {
    this.err = err;
    previous = LOGGER.getFilter();
    // A filter, not a handler: the events themselves (a warning such as KEYSTORE_OPEN_FAILED)
    // still reach the console, as LogLines prints it; only the log's reports of its own failures
    // are taken.
    LOGGER.setFilter(this::passes);
  }

  private boolean passes(LogRecord record) {
    String message = record.getMessage();
    if (message != null && message.startsWith("{")) {
      // An event: every event is a JSON object, and everything else is a failure of the log's.
      return previous == null || previous.isLoggable(record);
    }
    Throwable reason = record.getThrown();
    err.println(
        "encryptedfs: "
            + OneLine.of(message + (reason == null ? "" : ": " + Main.describe(reason))));
    err.flush();
    return false;
  }

  /**
   * {@code code}, or 4 where the command succeeded (or left out something named) but lost events.
   */
  int exitCode(int code) {
    long lost = AuditLog.failedAppends() - before;
    if (lost == 0) {
      return code;
    }
    boolean done = code == ExitCodes.OK || code == ExitCodes.INCOMPLETE;
    err.println(
        "encryptedfs: "
            + lost
            + " audit event(s) not appended to the audit file, each named above"
            + (done ? "; the command's work is done, but the audit trail lacks them" : ""));
    err.flush();
    return done ? ExitCodes.IO : code;
  }

  @Override
  public void close() {
    LOGGER.setFilter(previous);
  }
}
