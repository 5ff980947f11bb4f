package io.encryptedfs.channel;

import java.io.IOException;

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

  public static <T> T call(Call<T> call) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      return call.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
