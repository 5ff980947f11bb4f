package io.encryptedfs.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long operation: files and bytes done, the rate, and the time left (estimated from
 * the files done so far). On a terminal, one line redrawn in place with a bar; otherwise a plain
 * line at most every few seconds, and a summary at the end.
 */
final class Progress {
  private static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
  private static final long BAR_INTERVAL_NANOS = 200_000_000L;

  private final PrintWriter out;
  private final boolean terminal;
  private final String verb;
  private final long totalFiles;
  private final long start = System.nanoTime();
  private long lastPrint = start;
  private long files;
  private long bytes;

  Progress(PrintWriter out, boolean terminal, String verb, long totalFiles) {
    this.out = out;
    this.terminal = terminal;
    this.verb = verb;
    this.totalFiles = totalFiles;
  }

  void fileDone(long fileBytes) {
    files++;
    bytes += fileBytes;
    long now = System.nanoTime();
    if (now - lastPrint >= (terminal ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
      lastPrint = now;
      print(now, false);
    }
  }

  /**
   * Prints a message on its own line (clearing the bar first on a terminal), the names in it unable
   * to make another ({@link OneLine}).
   */
  void line(String message) {
    if (terminal) {
      out.print("\r\033[K");
    }
    out.println(OneLine.of(message));
    out.flush();
  }

  void finish() {
    print(System.nanoTime(), true);
  }

  private void print(long now, boolean last) {
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    String status =
        String.format(
            Locale.ROOT,
            "%s %d/%d files, %.1f MiB in %.1f s (%.1f MiB/s)",
            verb,
            files,
            totalFiles,
            bytes / 1048576.0,
            seconds,
            bytes / 1048576.0 / seconds);
    if (!last && files > 0 && files < totalFiles) {
      double left = seconds / files * (totalFiles - files);
      status += String.format(Locale.ROOT, ", about %.0f s left", left);
    }
    if (terminal) {
      int width = 30;
      int filled = totalFiles == 0 ? width : (int) (width * files / totalFiles);
      out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + status);
      if (last) {
        out.println();
      }
    } else {
      out.println(status);
    }
    out.flush();
  }
}
