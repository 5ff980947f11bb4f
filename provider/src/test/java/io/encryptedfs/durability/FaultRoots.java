package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Encrypted roots over a fault file system, and the content the durability tests write there. */
final class FaultRoots {
  static final int BLOCK = 4096;

  private FaultRoots() {}

  /**
   * The root {@link Restorer#ROOT} in {@code faults}, AES-256-GCM, {@link #BLOCK}-byte blocks, in
   * write mode {@code mode}, with a bound long enough that no timed write runs unless a failure
   * made it retry.
   */
  static FileSystem open(FaultInjectingFileSystem faults, InMemoryKeys keys, String mode)
      throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "60000");
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
  }

  /** {@code size} bytes drawn from {@code seed}. */
  static byte[] content(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Creates {@code p} with {@code content}, and closes it without a force. */
  static void write(Path p, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(p, CREATE_NEW, WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
  }

  /** Creates {@code p} with {@code content}, forces it, and closes it. */
  static void writeForced(Path p, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(p, CREATE_NEW, WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }
}
