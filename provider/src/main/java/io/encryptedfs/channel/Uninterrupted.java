package io.encryptedfs.channel;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a call with the thread's interrupt status cleared and sets it again after, for what the
 * default file system does without heeding that status (a {@code stat}, a copy, the streams of
 * {@code Files.newInputStream} and {@code newOutputStream}) and this one does through a channel,
 * which would close on an interrupted thread. An interrupt from another thread during the call is
 * kept: the file's underlying channel, which the JDK closes then, is reopened and the call repeated
 * ({@link RawFile}).
 */
public final class Uninterrupted {
  private Uninterrupted() {}

  /** One call that may do I/O. */
  public interface Call<T> {
    T run() throws IOException;
  }

  /**
   * Pauses for {@code nanos} whatever the thread's interrupt status, which it keeps: a park returns
   * at once while the status is set, so a retry loop that pauses between looks would otherwise spin
   * on an interrupted thread (and on one interrupted during a call that completes, since the status
   * is set again after each look), and give up before the other side had its time.
   */
  public static void park(long nanos) {
    long end = System.nanoTime() + nanos;
    boolean interrupted = Thread.interrupted();
    for (long left = nanos; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  public static <T> T call(Call<T> call) throws IOException {
    boolean interrupted = clear();
    try {
      return call.run();
    } finally {
      restore(interrupted);
    }
  }

  /**
   * Clears the thread's interrupt status before a call, returning it for {@link #restore} in the
   * call's {@code finally}: the form of {@link #call} for a stream's reads and writes, which a
   * capturing lambda and a boxed count would make allocate at every call where the JIT does not
   * inline them away (about 40 bytes a call, seen under JMH).
   */
  public static boolean clear() {
    return Thread.interrupted();
  }

  /** Sets the interrupt status again after a call if {@link #clear} found it set. */
  public static void restore(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
