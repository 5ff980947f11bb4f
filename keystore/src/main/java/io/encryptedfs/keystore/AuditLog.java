package io.encryptedfs.keystore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit trail for key events.
 *
 * <p>Every event is logged through {@link System.Logger} under the name {@value #LOGGER_NAME}, at
 * the level of its {@link AuditEvent.Kind}, with the event's JSON as the message; route that logger
 * to your audit store with your logging configuration. An audit log made with {@link
 * #appendingTo(Path)} also appends each event as one line of JSON to a file (JSON Lines).
 *
 * <p>Recording never throws: if the file cannot be written, the failure is logged at {@code ERROR}
 * (naming the event's kind, the file and, as the log record's throwable, the reason), the event
 * still goes to the logger, and {@link #failedAppends()} counts it. Safe for use by several
 * threads.
 */
public final class AuditLog implements AutoCloseable {
  /** The {@link System.Logger} name audit events are logged under. */
  public static final String LOGGER_NAME = "io.encryptedfs.audit";

  private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);
  private static final AuditLog SYSTEM_LOGGER_ONLY = new AuditLog(null, null);
  private static final AtomicLong FAILED_APPENDS = new AtomicLong();

  private final Path file;
  private FileChannel channel;
  // Guarded by this: an append failed, perhaps part-way through its line (a full disk, say).
  private boolean lastAppendFailed;

  AuditLog(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /**
   * How many events the audit logs of this JVM have failed to append to their files since it
   * started (a full disk, a log already closed). Recording never throws, so a program that must not
   * lose an event silently, a command-line tool say, compares this before and after its work: the
   * logs that a file system opened for its {@code audit.file} are not the program's to ask.
   */
  public static long failedAppends() {
    return FAILED_APPENDS.get();
  }

  /**
   * The shared audit log that writes to the {@link System.Logger} only; closing it does nothing.
   */
  public static AuditLog systemLogger() {
    return SYSTEM_LOGGER_ONLY;
  }

  /**
   * An audit log that also appends JSON lines to {@code file}, creating it (0600 on POSIX, in
   * directories created 0700) if needed, and then forcing its directory and each one it made, so
   * that a new file's events survive a power loss. Close it when done.
   */
  public static AuditLog appendingTo(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    return appendingTo(file, KeyStoreFile::syncDirectory);
  }

  /** {@link #appendingTo(Path)}, forcing directories through {@code sync}: for tests. */
  static AuditLog appendingTo(Path file, KeyStoreFile.DirectorySync sync) throws IOException {
    Path absolute = file.toAbsolutePath();
    List<Path> made = OwnerOnly.createDirectories(absolute.getParent());
    boolean existed = Files.exists(absolute);
    FileChannel channel =
        FileChannel.open(
            absolute,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
            OwnerOnly.file(absolute));
    try {
      endTornLine(absolute, channel);
      if (!existed) {
        // Each append forces the file, but a new file is an entry in its directory, and each
        // directory made for it an entry in its parent: lost in a power cut, they take the forced
        // events with them.
        sync.force(absolute.getParent());
        for (Path dir : made) {
          sync.force(dir.getParent());
        }
      }
    } catch (IOException e) {
      IOException named = named(absolute, e);
      try {
        channel.close();
      } catch (IOException closing) {
        named.addSuppressed(closing);
      }
      throw named;
    }
    return new AuditLog(absolute, channel);
  }

  /** The JDK says only "No space left on device" or "Input/output error", not of what. */
  private static IOException named(Path file, IOException e) {
    if (e instanceof FileSystemException || e instanceof ClosedChannelException) {
      return e;
    }
    FileSystemException named =
        new FileSystemException(
            file.toString(),
            null,
            "cannot check that the audit file's last line is whole, or end it, before appending: "
                + e.getMessage());
    named.initCause(e);
    return named;
  }

  /**
   * A line a crash or a failed append cut short would otherwise swallow the first event appended
   * after it, and a reader would count both as one unreadable line: end it first.
   */
  private static void endTornLine(Path file, FileChannel appending) throws IOException {
    long size = appending.size();
    if (size == 0) {
      return;
    }
    ByteBuffer first = ByteBuffer.allocate(1);
    ByteBuffer last = ByteBuffer.allocate(1);
    try (FileChannel reading = FileChannel.open(file, StandardOpenOption.READ)) {
      reading.read(first, 0);
      reading.read(last, size - 1);
    }
    if (first.get(0) != '{') {
      // Every event is a JSON object, so an audit file begins with '{'. Anything else is another
      // file named by mistake, the keystore itself say (the same path given for both), which a
      // line appended to it would ruin.
      throw new FileSystemException(
          file.toString(), null, "not an audit file (it does not begin with '{'): not appended to");
    }
    if (last.get(0) != '\n') {
      appending.write(ByteBuffer.wrap(new byte[] {'\n'}));
    }
  }

  /** Records an event that happens now; see {@link AuditEvent#now}. */
  public void record(
      AuditEvent.Kind kind, String keystore, String alias, Map<String, String> details) {
    record(AuditEvent.now(kind, keystore, alias, details));
  }

  /** Records {@code event}. */
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    String json = event.toJson();
    LOGGER.log(event.kind().level(), json);
    if (file != null) {
      append(event.kind(), json);
    }
  }

  // Failures are logged once the monitor is let go: a logging backend may wait for a lock of its
  // own (a socket appender does, while it writes), and on JDK 21 to 23 a virtual thread waiting so
  // holding a monitor keeps its carrier; queued behind one that left its carrier, with every
  // carrier held so by threads appending on a full disk, nothing ran again.
  private void append(AuditEvent.Kind kind, String json) {
    boolean open;
    IOException failed = null;
    synchronized (this) {
      open = channel != null;
      if (open) {
        failed = writeLine(json);
      }
    }
    if (!open) {
      FAILED_APPENDS.incrementAndGet();
      LOGGER.log(Level.ERROR, "audit file " + file + " is closed; " + kind + " event not appended");
    } else if (failed != null) {
      FAILED_APPENDS.incrementAndGet();
      LOGGER.log(Level.ERROR, "cannot append the " + kind + " event to audit file " + file, failed);
    }
  }

  /**
   * Under this object's monitor: appends {@code json} as a line and forces it; the failure, or
   * null.
   */
  private IOException writeLine(String json) {
    try {
      if (lastAppendFailed) {
        endTornLine(file, channel);
        lastAppendFailed = false;
      }
      ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
      while (line.hasRemaining()) {
        channel.write(line);
      }
      // Key events are rare and an audit trail that loses its tail in a crash is worth little.
      channel.force(false);
      return null;
    } catch (IOException e) {
      lastAppendFailed = true;
      return e;
    }
  }

  /** Closes the audit file, if any. */
  @Override
  public void close() {
    IOException failed = null;
    synchronized (this) {
      if (channel == null) {
        return;
      }
      try {
        channel.close();
      } catch (IOException e) {
        failed = e;
      }
      channel = null;
    }
    if (failed != null) {
      LOGGER.log(Level.ERROR, "cannot close audit file " + file, failed);
    }
  }

  @Override
  public String toString() {
    return "AuditLog[" + LOGGER_NAME + (file == null ? "" : ", " + file) + "]";
  }
}
