package io.encryptedfs.keystore;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;

/** Shared test values. */
final class Fixtures {
  private Fixtures() {}

  static FileSystem unixFileSystem() {
    return Jimfs.newFileSystem(Configuration.unix());
  }
}
