package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls of an {@code AsynchronousFileChannel} that run on the calling thread, made by a thread
 * whose interrupt status is set (a request's cancelled virtual thread), beside the default file
 * system's: they ignore the status, and the channel, which the program's other threads share, stays
 * open. Before, each threw {@code ClosedByInterruptException} and closed the channel.
 */
class InterruptedAsyncDifferentialTest {
  private interface Call {
    Object on(AsynchronousFileChannel c) throws IOException;
  }

  private static List<String> steps(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    List<Call> calls =
        List.of(
            AsynchronousFileChannel::size,
            c -> {
              c.force(true);
              return "forced";
            },
            c -> c.truncate(5).size(),
            c -> describe(c.tryLock()),
            c -> describe(c.tryLock(0, 3, true)),
            c -> c.write(ByteBuffer.wrap(new byte[] {1, 2}), 0),
            c -> c.lock(0, 3, false));
    for (Call call : calls) {
      try (AsynchronousFileChannel c =
          AsynchronousFileChannel.open(f, Set.of(READ, WRITE, CREATE), null)) {
        c.write(ByteBuffer.wrap(new byte[10]), 0).get(30, SECONDS);
        Thread.currentThread().interrupt();
        String outcome;
        try {
          Object r = call.on(c);
          if (r instanceof java.util.concurrent.Future<?> future) {
            Thread.interrupted();
            r = describe(future.get(30, SECONDS));
            Thread.currentThread().interrupt();
          }
          outcome = "returned " + r;
        } catch (IOException | RuntimeException e) {
          outcome = "threw " + e.getClass().getSimpleName();
        }
        seen.add(outcome + ", interrupted " + Thread.interrupted() + ", open " + c.isOpen());
        seen.add(c.isOpen() ? "size after " + c.size() : "closed");
      } catch (ExecutionException | TimeoutException | InterruptedException e) {
        throw new IOException(e);
      }
    }
    return seen;
  }

  private static Object describe(Object r) {
    return r instanceof FileLock lock ? "lock valid " + lock.isValid() : r;
  }

  @Test
  void callsOnTheCallingThreadIgnoreItsInterrupt(@TempDir Path tmp) throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, InterruptedAsyncDifferentialTest::steps);
  }
}
