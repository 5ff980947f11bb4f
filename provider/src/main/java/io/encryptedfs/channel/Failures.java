package io.encryptedfs.channel;

import java.io.IOException;

/** A failure another thread met on the caller's behalf, to be thrown on the caller's thread. */
final class Failures {
  private Failures() {}

  /**
   * Throws {@code failure} itself if it is unchecked; otherwise returns the {@code IOException} to
   * throw: {@code failure} if it is one, else one that wraps it.
   */
  static IOException rethrown(Throwable failure) {
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
}
