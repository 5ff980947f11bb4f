package io.encryptedfs.nio;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract suite over the default file system, in a temporary directory. */
class DiskFileSystemTest extends AbstractFileSystemTest {
  @TempDir Path tmp;

  @Override
  Path base() {
    return tmp;
  }
}
