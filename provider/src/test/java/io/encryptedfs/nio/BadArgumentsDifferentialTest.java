package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad arguments to channels beside the default file system: the same exception type, thrown at the
 * call (not in a future), for each.
 */
class BadArgumentsDifferentialTest {
  private static List<String> run(Path dir) throws IOException {
    Path file = Files.write(dir.resolve("f"), new byte[100]);
    ByteBuffer readOnly = ByteBuffer.allocate(10).asReadOnlyBuffer();
    List<String> seen = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, READ, WRITE)) {
      seen.add("read into read-only: " + outcome(() -> ch.read(readOnly)));
      seen.add("pread into read-only: " + outcome(() -> ch.read(readOnly, 0)));
      seen.add(
          "scatter into read-only: "
              + outcome(() -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(1), readOnly})));
      // Null first, as the JDK checks it: transferTo(0, 0, null) returned 0.
      seen.add("pread into null at -1: " + outcome(() -> ch.read(null, -1)));
      seen.add("pwrite of null at -1: " + outcome(() -> ch.write(null, -1)));
      seen.add("transferTo null: " + outcome(() -> ch.transferTo(0, 0, null)));
      seen.add("transferFrom null: " + outcome(() -> ch.transferFrom(null, 0, 0)));
    }
    try (FileChannel reader = FileChannel.open(file, READ)) {
      seen.add("reader transferFrom null: " + outcome(() -> reader.transferFrom(null, 0, 1)));
    }
    transfersOfNothing(file, Files.write(dir.resolve("g"), new byte[0]), "", seen);
    Path plain = Files.createTempFile("plain-target", "");
    try {
      transfersOfNothing(file, plain, " (default target)", seen);
    } finally {
      Files.delete(plain);
    }
    seen.add(
        "async APPEND: "
            + outcome(() -> AsynchronousFileChannel.open(file, WRITE, APPEND).isOpen()));
    try (AsynchronousFileChannel reader = AsynchronousFileChannel.open(file, READ);
        AsynchronousFileChannel writer = AsynchronousFileChannel.open(file, WRITE)) {
      seen.add("async read at -1: " + outcome(() -> reader.read(ByteBuffer.allocate(1), -1)));
      seen.add("async write at -1: " + outcome(() -> writer.write(ByteBuffer.allocate(1), -1)));
      seen.add("async read of writer: " + outcome(() -> writer.read(ByteBuffer.allocate(1), 0)));
      seen.add("async write of reader: " + outcome(() -> reader.write(ByteBuffer.allocate(1), 0)));
      seen.add("async read into read-only: " + outcome(() -> reader.read(readOnly, 0)));
      // The adapter ran every lock on its executor, so these failed its future instead.
      seen.add("async exclusive lock of reader: " + outcome(() -> reader.lock(0, 10, false)));
      seen.add("async shared lock of writer: " + outcome(() -> writer.lock(0, 10, true)));
      seen.add("async lock at -1: " + outcome(() -> writer.lock(-1, 10, false)));
      seen.add("async lock of size -1: " + outcome(() -> writer.lock(0, -1, false)));
      FileLock held = writer.lock(0, 10, false).get();
      seen.add("async overlapping lock: " + outcome(() -> writer.lock(5, 10, false)));
      seen.add(
          "async lock beside it: " + outcome(() -> writer.lock(10, 10, false).get().isValid()));
      held.release();
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
    seen.add(
        "same missing file: "
            + outcome(() -> Files.isSameFile(dir.resolve("nope"), dir.resolve("./nope"))));
    seen.add("same file: " + outcome(() -> Files.isSameFile(file, dir.resolve("./f"))));
    try (FileChannel ch = FileChannel.open(dir, READ)) {
      seen.add("directory channel size: " + (ch.size() > 0));
    }
    seen.add("hard link: " + outcome(() -> Files.createLink(dir.resolve("h"), file).getFileName()));
    // No view named: the JDK's refuses the argument; this one said the view '' was not available.
    seen.add("attributes of no view: " + outcome(() -> Files.readAttributes(file, ":")));
    seen.add("size of no view: " + outcome(() -> Files.readAttributes(file, ":size")));
    seen.add("set in no view: " + outcome(() -> Files.setAttribute(file, ":size", 1L)));
    seen.add("attributes of view x: " + outcome(() -> Files.readAttributes(file, "x:size")));
    // The JDK names the link and the missing file; this one named the missing file alone.
    seen.add(
        "link to missing: "
            + message(dir, () -> Files.createLink(dir.resolve("h2"), dir.resolve("nx"))));
    return seen;
  }

  /**
   * Transfers between {@code file} (100 bytes) and {@code other}, of this file system or the
   * default one (labelled {@code to}), with nothing to copy (at the end, or of no bytes): the JDK
   * checks the channels first, so a closed or read-only target, or a closed source, is refused all
   * the same. Before, these returned 0 here.
   */
  private static void transfersOfNothing(Path file, Path other, String to, List<String> seen)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, READ, WRITE);
        FileChannel writeOnly = FileChannel.open(file, WRITE);
        FileChannel readOnlyTarget = FileChannel.open(other, READ);
        FileChannel closed = FileChannel.open(other, READ, WRITE)) {
      closed.close();
      seen.add(
          "transferTo at end into closed"
              + to
              + ": "
              + outcome(() -> ch.transferTo(100, 5, closed)));
      seen.add(
          "transferTo of none into closed"
              + to
              + ": "
              + outcome(() -> ch.transferTo(0, 0, closed)));
      seen.add(
          "transferTo at end into read-only"
              + to
              + ": "
              + outcome(() -> ch.transferTo(100, 5, readOnlyTarget)));
      seen.add(
          "transferTo at -1 into read-only"
              + to
              + ": "
              + outcome(() -> ch.transferTo(-1, 5, readOnlyTarget)));
      seen.add(
          "transferTo of write-only into closed"
              + to
              + ": "
              + outcome(() -> writeOnly.transferTo(0, 5, closed)));
      seen.add(
          "transferFrom closed at end"
              + to
              + ": "
              + outcome(() -> ch.transferFrom(closed, 100, 5)));
      seen.add(
          "transferFrom closed into read-only"
              + to
              + ": "
              + outcome(() -> readOnlyTarget.transferFrom(closed, 0, 5)));
      seen.add("size after" + to + ": " + ch.size());
    }
  }

  /** As {@link #outcome}, with the exception's message, {@code dir} in it shown as DIR. */
  private static String message(Path dir, Callable<?> call) {
    try {
      call.call();
      return "returned";
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage().replace(dir.toString(), "DIR");
    }
  }

  /** What {@code call} did: "returned", or the simple name of what it threw. */
  static String outcome(Callable<?> call) {
    try {
      call.call();
      return "returned";
    } catch (Exception e) {
      return e.getClass().getSimpleName();
    }
  }

  @Test
  void badArgumentsThrowAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.Seen seen = PlainAndEncrypted.run(tmp, BadArgumentsDifferentialTest::run);
    assertEquals(String.join("\n", seen.plain()), String.join("\n", seen.encrypted()));
  }
}
