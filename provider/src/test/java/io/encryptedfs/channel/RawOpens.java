package io.encryptedfs.channel;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

/** Files opened, written and read through an {@link OpenFiles} directly, for its tests. */
final class RawOpens {
  static final NewFilePolicy POLICY =
      new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "k0");
  static final Set<StandardOpenOption> READ = EnumSet.of(StandardOpenOption.READ);
  static final Set<StandardOpenOption> READ_WRITE =
      EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
  static final Set<StandardOpenOption> CREATE_NEW =
      EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private RawOpens() {}

  static FileChannel open(OpenFiles files, Path path, Set<? extends OpenOption> options)
      throws IOException {
    return files.newFileChannel(path, "/" + path.getFileName(), options, POLICY);
  }

  static void create(OpenFiles files, Path path, byte[] content) throws IOException {
    try (FileChannel ch = open(files, path, CREATE_NEW)) {
      ch.write(ByteBuffer.wrap(content), 0);
    }
  }

  /** Creates {@code path} with 100 bytes and reads it back. */
  static byte[] roundTrip(OpenFiles files, Path path) throws IOException {
    create(files, path, bytes(100, 10));
    return readAll(files, path);
  }

  static byte[] readAll(OpenFiles files, Path path) throws IOException {
    try (FileChannel ch = open(files, path, READ)) {
      return read(ch);
    }
  }

  static byte[] read(FileChannel ch) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) ch.size());
    while (all.hasRemaining()) {
      if (ch.read(all, all.position()) < 0) {
        break;
      }
    }
    return all.array();
  }

  static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
