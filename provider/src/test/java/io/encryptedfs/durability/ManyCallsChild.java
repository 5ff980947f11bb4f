package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.testing.VirtualThreads;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A program for {@link OneCarrierTest}: a hundred virtual threads make many kinds of calls at once
 * on a few shared files (positional and appending writes, reads, size, truncate, force, locks,
 * transfers, the asynchronous channel, attributes, copies, moves, deletes, directory streams,
 * buffered readers and writers), so that each kind waits for the files' locks while others hold
 * them. Prints {@code done} and whether the positional records are all in place, or the failure.
 *
 * <p>It reads whole files through {@code Files.newInputStream} and {@code Files.readAllBytes}: the
 * JDK's {@code readAllBytes} wraps the file's channel in its own stream, which holds a monitor
 * around each read, and on JDK 21 this program with it never ended (two carriers pinned in that
 * stream's read, waiting for the file's read lock) until such reads ran off the carrier ({@code
 * PinnedCalls}).
 *
 * <p>Arguments: the root directory.
 */
public final class ManyCallsChild {
  private static final int THREADS = 100;
  private static final int ROUNDS = 5;
  private static final int RECORD = 512;

  /**
   * Where each thread's lock ranges begin, past the data: this program's locks must not overlap.
   */
  private static final long LOCKS = 1L << 40;

  private ManyCallsChild() {}

  public static void main(String[] args) throws Exception {
    try (FileSystem fs = NestedRoots.open(Path.of(args[0]))) {
      Path records = fs.getPath("/records");
      Path log = fs.getPath("/log");
      Path scratch = fs.getPath("/scratch");
      Files.createDirectories(fs.getPath("/dir"));
      Files.write(records, new byte[THREADS * RECORD]);
      Files.createFile(log);
      Files.write(scratch, new byte[3 * RECORD]);
      List<Callable<?>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int t = i;
        Path records1 = records;
        tasks.add(
            () -> {
              for (int round = 0; round < ROUNDS; round++) {
                callsOf(t % 10, t, records1, log, scratch, fs);
              }
              return null;
            });
      }
      VirtualThreads.runAll(tasks, 60);
      System.out.println("done");
      System.out.println("records " + recordsWhole(Files.readAllBytes(records)));
    }
  }

  private static void callsOf(int kind, int t, Path records, Path log, Path scratch, FileSystem fs)
      throws Exception {
    switch (kind) {
      case 0 -> {
        try (FileChannel c = FileChannel.open(records, WRITE)) {
          c.write(ByteBuffer.wrap(record(t)), (long) t * RECORD);
          c.force(true);
          c.size();
        }
      }
      case 1 -> {
        try (FileChannel c = FileChannel.open(log, APPEND)) {
          c.write(ByteBuffer.wrap(("line " + t + "\n").getBytes(UTF_8)));
          try (FileLock l = c.lock(LOCKS + t, 1, false)) {
            c.write(ByteBuffer.wrap(("locked " + t + "\n").getBytes(UTF_8)));
          }
          FileLock maybe = c.tryLock(LOCKS + THREADS + t, 1, false);
          if (maybe != null) {
            maybe.release();
          }
          c.force(false);
        }
      }
      case 2 -> {
        try (FileChannel c = FileChannel.open(records, READ)) {
          ByteBuffer b = ByteBuffer.allocate(RECORD * 4);
          c.read(b, (long) (t % 25) * RECORD);
          c.position(0);
          c.read(ByteBuffer.allocate(RECORD));
        }
      }
      case 3 -> {
        try (FileChannel c = FileChannel.open(scratch, READ, WRITE)) {
          c.truncate(RECORD);
          c.write(ByteBuffer.wrap(record(t)), 2L * RECORD);
          try (FileLock l = c.lock(LOCKS + t, 1, false)) {
            c.write(ByteBuffer.wrap(record(t)), 0);
          }
        }
      }
      case 4 -> {
        Path to = fs.getPath("/dir/copy" + t);
        try (FileChannel from = FileChannel.open(records, READ);
            FileChannel into = FileChannel.open(to, WRITE, CREATE)) {
          from.transferTo(0, RECORD * 2L, into);
          into.transferFrom(from, RECORD * 2L, RECORD);
        }
        Files.delete(to);
      }
      case 5 -> {
        try (AsynchronousFileChannel a = AsynchronousFileChannel.open(log, READ, WRITE)) {
          a.read(ByteBuffer.allocate(64), 0).get(60, TimeUnit.SECONDS);
          FileLock l = a.lock(LOCKS + t, 1, false).get(60, TimeUnit.SECONDS);
          a.write(ByteBuffer.wrap(("async " + t + "\n").getBytes(UTF_8)), a.size())
              .get(60, TimeUnit.SECONDS);
          l.release();
          a.force(true);
        }
      }
      case 6 -> {
        Files.size(records);
        Files.readAttributes(log, BasicFileAttributes.class);
        Files.getLastModifiedTime(scratch);
        Path copy = fs.getPath("/dir/c" + t);
        Files.copy(records, copy, StandardCopyOption.REPLACE_EXISTING);
        Path moved = fs.getPath("/dir/m" + t);
        Files.move(copy, moved, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(moved);
      }
      case 7 -> {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(fs.getPath("/dir"))) {
          for (Path p : dir) {
            try {
              Files.size(p);
            } catch (NoSuchFileException gone) {
              // deleted by another thread meanwhile
            }
          }
        }
        try (DirectoryStream<Path> root = Files.newDirectoryStream(fs.getPath("/"))) {
          root.forEach(p -> {});
        }
      }
      case 8 -> {
        try (BufferedWriter w = Files.newBufferedWriter(log, UTF_8, APPEND)) {
          w.write("buffered " + t + "\n");
        }
        try (BufferedReader r = Files.newBufferedReader(log, UTF_8)) {
          while (r.readLine() != null) {
            // only the waits matter
          }
        }
      }
      default -> {
        try (InputStream in = Files.newInputStream(scratch)) {
          in.readAllBytes();
        }
        Files.readAllBytes(records);
        try (FileChannel c = FileChannel.open(records, READ, WRITE)) {
          try (FileLock l = c.lock((long) t * RECORD, RECORD, false)) {
            c.write(ByteBuffer.wrap(record(t)), (long) t * RECORD);
          }
          c.force(false);
        }
      }
    }
  }

  private static byte[] record(int t) {
    byte[] r = new byte[RECORD];
    Arrays.fill(r, (byte) (t + 1));
    return r;
  }

  /** Every thread that wrote its record (kinds 0 and 9) left it whole; others left zeros. */
  private static boolean recordsWhole(byte[] content) {
    if (content.length != THREADS * RECORD) {
      return false;
    }
    for (int t = 0; t < THREADS; t++) {
      byte[] expected = t % 10 == 0 || t % 10 == 9 ? record(t) : new byte[RECORD];
      if (!Arrays.equals(expected, Arrays.copyOfRange(content, t * RECORD, (t + 1) * RECORD))) {
        return false;
      }
    }
    return true;
  }
}
