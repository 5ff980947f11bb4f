package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.EnumSet;

/**
 * Where {@link CopyMove} makes a copy: the underlying file its attributes are set on, made and
 * removed by that copy alone. {@link #path} is the target's path, which errors name.
 */
interface CopyTarget {
  EncryptedPath path();

  Path raw() throws IOException;

  /** Creates the regular file, failing if anything is there. */
  FileChannel create(FileAttribute<?>[] attrs) throws IOException;

  void remove() throws IOException;

  /** The target's own name: the copy is made where it is seen. */
  static CopyTarget atName(EncryptedFileSystemProvider provider, EncryptedPath path) {
    return new AtName(provider, path);
  }

  /** See {@link #atName}. */
  record AtName(EncryptedFileSystemProvider provider, EncryptedPath path) implements CopyTarget {
    @Override
    public Path raw() throws IOException {
      return EncryptedFileSystemProvider.raw(path);
    }

    @Override
    public FileChannel create(FileAttribute<?>[] attrs) throws IOException {
      return provider.newFileChannel(
          path, EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), attrs);
    }

    @Override
    public void remove() throws IOException {
      provider.delete(path);
    }
  }
}
