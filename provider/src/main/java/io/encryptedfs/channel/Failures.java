package io.encryptedfs.channel;

import java.io.IOException;

/** A failure another thread met on the caller's behalf, to be thrown on the caller's thread. */
final class Failures {
  private Failures() {}

  /**
   * As {@link #thrown}, for a failure met on another thread: first adds the caller's stack to it as
   * a suppressed {@link CallerStack}. The failure's own trace is the other thread's, which ends in
   * a pool's run loop, so a program's log would not show which of its calls failed.
   */
  static IOException rethrown(Throwable failure) {
    if (failure instanceof IOException || failure instanceof RuntimeException) {
      // Not an Error: the JVM may throw one preallocated instance again and again.
      failure.addSuppressed(new CallerStack());
    }
    return thrown(failure);
  }

  /**
   * Throws {@code failure} itself if it is unchecked; otherwise returns the {@code IOException} to
   * throw: {@code failure} if it is one, else one that wraps it.
   */
  static IOException thrown(Throwable failure) {
    if (failure instanceof IOException e) {
      return e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return new IOException(failure);
  }

  /** Where the caller waited for the other thread: its stack, and nothing of the failure's. */
  static final class CallerStack extends Exception {
    private static final long serialVersionUID = 1L;

    CallerStack() {
      super("the calling thread, which another thread ran this call for");
    }
  }
}
