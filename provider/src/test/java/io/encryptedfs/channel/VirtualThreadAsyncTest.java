package io.encryptedfs.channel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;

import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code AsynchronousFileChannel} ({@link AsyncChannelAdapter}) called from many virtual threads
 * (platform threads on JDK 17), on its own executor and on one of virtual threads: positional
 * writes and reads, and appends taking turns under the channel's lock of the whole file, as on a
 * plain file. A calling thread interrupted while it waits for a result leaves the channel open.
 */
class VirtualThreadAsyncTest {
  private static final int THREADS = 50;
  private static final int RECORD = 100;

  @TempDir Path tmp;

  @Test
  void callsFromVirtualThreadsEndAsOnAPlainFile() throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, f -> calls(f, null));
  }

  @Test
  void callsOnAVirtualThreadExecutorEndAsOnAPlainFile() throws IOException {
    ExecutorService executor = VirtualThreads.perTaskExecutor();
    try {
      PlainAndEncryptedFile.assertSame(tmp, f -> calls(f, executor));
    } finally {
      executor.shutdown();
    }
  }

  private static List<String> calls(Path f, ExecutorService executor) throws IOException {
    List<String> seen = new ArrayList<>();
    try (AsynchronousFileChannel c =
        AsynchronousFileChannel.open(f, Set.of(READ, WRITE, CREATE), executor)) {
      List<CompletableFuture<Object>> threads = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int t = i;
        threads.add(VirtualThreads.outcome("caller", () -> positionalThenAppend(c, t)));
      }
      for (CompletableFuture<Object> t : threads) {
        seen.add(String.valueOf(end(t)));
      }
      seen.add(interruptedWhileItWaits(c));
      seen.add("size " + c.size() + " open " + c.isOpen());
    }
    byte[] all = Files.readAllBytes(f);
    String[] records = new String[all.length / RECORD];
    for (int i = 0; i < records.length; i++) {
      records[i] = new String(all, i * RECORD, RECORD, US_ASCII).trim();
    }
    Arrays.sort(records, THREADS, records.length);
    seen.add(Arrays.toString(records));
    return seen;
  }

  /** Writes record {@code t} at its place and reads it back; then appends one under a lock. */
  private static Object positionalThenAppend(AsynchronousFileChannel c, int t) throws Exception {
    byte[] mine = record("placed", t);
    c.write(ByteBuffer.wrap(mine), (long) t * RECORD).get(30, SECONDS);
    ByteBuffer back = ByteBuffer.allocate(RECORD);
    c.read(back, (long) t * RECORD).get(30, SECONDS);
    if (!Arrays.equals(mine, back.array())) {
      return "read back " + new String(back.array(), US_ASCII);
    }
    FileLock lock = lockInTurn(c);
    try {
      // Past the placed records, which the others may still be writing.
      long end = Math.max(c.size(), (long) THREADS * RECORD);
      c.write(ByteBuffer.wrap(record("appended", t)), end).get(30, SECONDS);
    } finally {
      lock.release();
    }
    return "ended";
  }

  private static FileLock lockInTurn(AsynchronousFileChannel c) throws Exception {
    while (true) {
      try {
        return c.lock().get(30, SECONDS);
      } catch (OverlappingFileLockException e) {
        // Another thread of this program holds the file, or waits for it.
        LockSupport.parkNanos(100_000);
      }
    }
  }

  /**
   * A thread interrupted while it waits for a write's result: {@code get} may throw {@code
   * InterruptedException} (a plain channel's write may be done by then, and a future that is done
   * does not look at the interrupt), and the write, which runs on the executor, completes either
   * way.
   */
  private static String interruptedWhileItWaits(AsynchronousFileChannel c) throws IOException {
    CompletableFuture<Object> outcome =
        VirtualThreads.outcome(
            "caller",
            () -> {
              Thread.currentThread().interrupt();
              Future<Integer> write =
                  c.write(ByteBuffer.wrap(record("interrupted", 0)), 2L * THREADS * RECORD);
              try {
                return "write " + write.get(30, SECONDS);
              } catch (InterruptedException e) {
                return "write " + write.get(30, SECONDS);
              }
            });
    return String.valueOf(end(outcome));
  }

  private static Object end(CompletableFuture<Object> call) throws IOException {
    try {
      return call.get(30, SECONDS);
    } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("a thread did not end", e);
    }
  }

  private static byte[] record(String kind, int t) {
    byte[] r = new byte[RECORD];
    Arrays.fill(r, (byte) ' ');
    byte[] text = String.format("%s %03d", kind, t).getBytes(US_ASCII);
    System.arraycopy(text, 0, r, 0, text.length);
    r[RECORD - 1] = '\n';
    return r;
  }
}
