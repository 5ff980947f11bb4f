package io.encryptedfs.nio;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;

/** The contract suite over Jimfs with basic, posix and owner attribute views. */
class JimfsFileSystemTest extends AbstractFileSystemTest {
  private FileSystem jimfs;

  @Override
  Path base() {
    jimfs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder().setAttributeViews("basic", "posix", "owner").build());
    return jimfs.getPath("/work");
  }

  @Override
  void closeBase() throws IOException {
    jimfs.close();
  }
}
