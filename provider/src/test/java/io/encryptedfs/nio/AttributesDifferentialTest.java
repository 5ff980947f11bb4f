package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attribute handling on files, directories and links beside the default file system. */
class AttributesDifferentialTest {
  @Test
  void attributesGoAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.assertSame(tmp, AttributeSweep::run);
  }
}
