package io.encryptedfs.nio;

import java.nio.file.FileSystem;

/** Test-only window onto package-private state of an encrypted file system, for leak checks. */
public final class FsInternals {
  private FsInternals() {}

  /** Files of {@code fs} that still have at least one open channel. */
  public static int openFileCount(FileSystem fs) {
    return ((EncryptedFileSystem) fs).files().openFileCount();
  }

  /** Polls for up to five seconds until {@code fs} has no file open; returns how many are. */
  public static int awaitNoOpenFile(FileSystem fs) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (openFileCount(fs) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return openFileCount(fs);
  }
}
