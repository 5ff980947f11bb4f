package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Captures audit events both ways they leave the module: the JSON-lines file and the {@link
 * System.Logger}, which the JDK routes to java.util.logging when no other backend is installed.
 */
final class AuditCapture implements AutoCloseable {
  private static final Pattern KIND = Pattern.compile("\"kind\":\"([A-Z_]+)\"");

  private final Path file;
  private final AuditLog log;
  // Held strongly: java.util.logging forgets loggers nobody references.
  private final Logger julLogger = Logger.getLogger(AuditLog.LOGGER_NAME);
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final Level previousLevel;

  AuditCapture(Path file) throws IOException {
    this.file = file;
    this.log = AuditLog.appendingTo(file);
    previousLevel = julLogger.getLevel();
    julLogger.setLevel(Level.ALL);
    julLogger.addHandler(handler);
  }

  AuditLog log() {
    return log;
  }

  List<String> fileLines() throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  List<String> loggedMessages() {
    return records.stream().map(LogRecord::getMessage).collect(Collectors.toList());
  }

  List<LogRecord> loggedRecords() {
    return List.copyOf(records);
  }

  /** The kinds of the events in the file, in order. */
  List<String> kinds() throws IOException {
    return fileLines().stream().map(AuditCapture::kind).collect(Collectors.toList());
  }

  static String kind(String json) {
    Matcher matcher = KIND.matcher(json);
    return matcher.find() ? matcher.group(1) : "";
  }

  /** Everything captured, for searching for secrets. */
  String everything() throws IOException {
    StringBuilder all = new StringBuilder(String.join("\n", fileLines()));
    for (LogRecord record : records) {
      all.append('\n').append(record.getMessage());
      if (record.getThrown() != null) {
        all.append('\n').append(record.getThrown());
      }
    }
    return all.toString();
  }

  @Override
  public void close() {
    julLogger.removeHandler(handler);
    julLogger.setLevel(previousLevel);
    log.close();
  }
}
