package io.encryptedfs.nio;

import java.nio.file.FileSystem;

/** Test-only window onto package-private state of an encrypted file system, for leak checks. */
public final class FsInternals {
  private FsInternals() {}

  /** Files of {@code fs} that still have at least one open channel. */
  public static int openFileCount(FileSystem fs) {
    return ((EncryptedFileSystem) fs).files().openFileCount();
  }
}
