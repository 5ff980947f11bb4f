package io.encryptedfs.channel;

import java.time.Duration;

/** Runs a buffered file's delayed tail write once its time bound has passed. */
interface TailFlusher {
  void schedule(Runnable flush, Duration delay);
}
