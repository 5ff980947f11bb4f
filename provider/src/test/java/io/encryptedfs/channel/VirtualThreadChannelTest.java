package io.encryptedfs.channel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One channel shared by many virtual threads (platform threads on JDK 17), more of them than there
 * are carriers: reads, writes, forces and the channel's close racing, and a thread interrupted in
 * the middle of its calls. Records are 100 bytes that name their writer and place, so every read
 * and the file at the end can be judged alone.
 */
class VirtualThreadChannelTest {
  private static final int THREADS = 64;
  private static final int RECORD = 100;
  private static final int PER_THREAD = 8;

  private final InMemoryKeys keys = new InMemoryKeys("master");

  @TempDir Path tmp;

  /** Positional and appending writes, reads and forces at once end as on a plain file. */
  @Test
  void sharedChannelCallsEndAsOnAPlainFile() throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, VirtualThreadChannelTest::sharedCalls);
  }

  private static List<String> sharedCalls(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    try (FileChannel c = FileChannel.open(f, READ, WRITE, CREATE)) {
      seen.addAll(
          inThreads(
              t -> {
                for (int k = 0; k < PER_THREAD; k++) {
                  long at = slot(t, k);
                  c.write(ByteBuffer.wrap(record(t, k)), at);
                  assertEquals(text(record(t, k)), text(read(c, at)), "read back");
                  String other = text(read(c, slot((t + 1) % THREADS, k)));
                  assertTrue(other.isBlank() || other.startsWith("record "), other);
                  if (k % 3 == t % 3) {
                    c.force(t % 2 == 0);
                  }
                }
              }));
      seen.add("size " + c.size());
      seen.add(Arrays.toString(records(c, (long) THREADS * PER_THREAD)));
    }
    try (FileChannel c = FileChannel.open(f, WRITE, APPEND)) {
      seen.addAll(
          inThreads(
              t -> {
                for (int k = 0; k < 2; k++) {
                  ByteBuffer b = ByteBuffer.wrap(record(t, PER_THREAD + k));
                  while (b.hasRemaining()) {
                    c.write(b);
                  }
                }
              }));
      seen.add("size " + c.size());
    }
    try (FileChannel c = FileChannel.open(f, READ)) {
      String[] all = records(c, c.size() / RECORD);
      Arrays.sort(all);
      seen.add(Arrays.toString(all));
    }
    return seen;
  }

  /**
   * The channel closes while threads write, read and force through it: each call returns or throws
   * {@code ClosedChannelException} (or its {@code AsynchronousCloseException}), and every write
   * that returned is in the file once it is reopened. On both files, each judged alone.
   */
  @Test
  void aCloseRacingCallsLosesNoWriteThatReturned() throws Exception {
    closeUnderCalls(tmp.resolve("plain.bin"));
    try (FileSystem fs = root()) {
      closeUnderCalls(fs.getPath("/f"));
    }
    try (FileSystem fs = root()) {
      try (FileChannel c = FileChannel.open(fs.getPath("/f"), READ)) {
        records(c, c.size() / RECORD);
      }
    }
  }

  private void closeUnderCalls(Path f) throws Exception {
    ConcurrentHashMap<Long, String> returned = new ConcurrentHashMap<>();
    AtomicInteger calls = new AtomicInteger();
    FileChannel c = FileChannel.open(f, READ, WRITE, CREATE);
    List<CompletableFuture<Object>> threads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int t = i;
      threads.add(
          VirtualThreads.outcome(
              "caller",
              () -> {
                for (int k = 0; ; k++) {
                  long at = slot(t, k % 1000);
                  c.write(ByteBuffer.wrap(record(t, k)), at);
                  returned.put(at, text(record(t, k)));
                  calls.incrementAndGet();
                  read(c, at);
                  if (k % 16 == 0) {
                    c.force(false);
                  }
                }
              }));
    }
    while (calls.get() < THREADS * 4) {
      LockSupport.parkNanos(100_000);
    }
    c.close();
    for (CompletableFuture<Object> t : threads) {
      assertInstanceOf(ClosedChannelException.class, t.get(30, SECONDS));
    }
    try (FileChannel again = FileChannel.open(f, READ)) {
      for (var w : returned.entrySet()) {
        // A slot written again may hold the later record, whose write had not yet returned.
        String found = text(read(again, w.getKey()));
        String thread = w.getValue().substring(0, "record 000".length());
        assertTrue(found.startsWith(thread), () -> "at " + w.getKey() + ": " + found);
      }
    }
  }

  /**
   * A virtual thread interrupted while it writes and reads: the JDK closes its channel ({@code
   * ClosedByInterruptException}, the interrupt kept); another channel on the file goes on working,
   * and every write that returned before is in the file, which reopens whole.
   */
  @Test
  void anInterruptedThreadClosesOnlyItsChannel() throws Exception {
    List<String> written = new ArrayList<>();
    try (FileSystem fs = root()) {
      Path f = fs.getPath("/f");
      try (FileChannel keep = FileChannel.open(f, READ, WRITE, CREATE);
          FileChannel victim = FileChannel.open(f, READ, WRITE)) {
        AtomicInteger returned = new AtomicInteger();
        CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread t =
            VirtualThreads.start(
                "interrupted",
                () -> {
                  try {
                    for (int k = 0; ; k++) {
                      victim.write(ByteBuffer.wrap(record(0, k)), slot(0, k));
                      synchronized (written) {
                        written.add(text(record(0, k)));
                      }
                      returned.incrementAndGet();
                      read(victim, slot(0, k / 2));
                    }
                  } catch (Throwable e) {
                    outcome.complete(e);
                  }
                  interruptKept.complete(Thread.currentThread().isInterrupted());
                });
        while (returned.get() < 20 && !outcome.isDone()) {
          keep.write(ByteBuffer.wrap(record(1, returned.get())), slot(1, 0));
        }
        t.interrupt();
        assertInstanceOf(ClosedByInterruptException.class, outcome.get(30, SECONDS));
        assertTrue(interruptKept.get(30, SECONDS), "the interrupt stays set");
        assertFalse(victim.isOpen(), "the interrupted thread's channel closes");
        assertTrue(keep.isOpen());
        keep.write(ByteBuffer.wrap(record(1, 999)), slot(1, 0));
        keep.force(true);
        for (int k = 0; k < written.size(); k++) {
          assertEquals(written.get(k), text(read(keep, slot(0, k))), "record " + k);
        }
      }
    }
    try (FileSystem fs = root()) {
      try (FileChannel c = FileChannel.open(fs.getPath("/f"), READ)) {
        for (int k = 0; k < written.size(); k++) {
          assertEquals(written.get(k), text(read(c, slot(0, k))), "record " + k + " reopened");
        }
        assertEquals(text(record(1, 999)), text(read(c, slot(1, 0))));
        records(c, c.size() / RECORD);
      }
    }
  }

  private FileSystem root() throws IOException {
    return TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096);
  }

  private interface PerThread {
    void run(int thread) throws Exception;
  }

  /** Runs {@code body} on {@link #THREADS} threads at once; one line per thread, how it ended. */
  private static List<String> inThreads(PerThread body) throws IOException {
    List<CompletableFuture<Object>> all = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int t = i;
      all.add(
          VirtualThreads.outcome(
              "caller",
              () -> {
                body.run(t);
                return "ended";
              }));
    }
    List<String> lines = new ArrayList<>();
    for (CompletableFuture<Object> f : all) {
      Object end;
      try {
        end = f.get(30, SECONDS);
      } catch (Exception e) {
        throw new AssertionError("a thread did not end", e);
      }
      if (end instanceof Throwable e) {
        throw new AssertionError("a thread failed", e);
      }
      lines.add(String.valueOf(end));
    }
    return lines;
  }

  /** Where thread {@code t}'s record {@code k} goes: records of all threads interleaved. */
  private static long slot(int t, int k) {
    return ((long) k * THREADS + t) * RECORD;
  }

  private static byte[] record(int t, int k) {
    byte[] r = new byte[RECORD];
    Arrays.fill(r, (byte) ' ');
    byte[] text = String.format("record %03d.%04d", t, k).getBytes(US_ASCII);
    System.arraycopy(text, 0, r, 0, text.length);
    r[RECORD - 1] = '\n';
    return r;
  }

  private static byte[] read(FileChannel c, long at) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(RECORD);
    while (b.hasRemaining() && c.read(b, at + b.position()) >= 0) {
      // Read to the record's end or the file's.
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  private static String text(byte[] r) {
    return new String(r, US_ASCII).replace('\0', ' ').trim();
  }

  /** The first {@code count} records, each a whole record or a hole (blank); fails otherwise. */
  private static String[] records(FileChannel c, long count) throws IOException {
    String[] all = new String[(int) count];
    for (int i = 0; i < count; i++) {
      byte[] r = read(c, (long) i * RECORD);
      String s = text(r);
      assertTrue(s.isEmpty() || (r.length == RECORD && s.startsWith("record ")), s);
      all[i] = s;
    }
    return all;
  }
}
