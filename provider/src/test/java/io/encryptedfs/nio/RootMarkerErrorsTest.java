package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.NotAnEncryptedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root whose marker fails to open is refused with a message that names the root's underlying
 * directory, not only the in-root path {@code /.encryptedfs} that every root's marker has: one
 * program opening many roots (or one log gathering many programs') must tell which root it was.
 */
class RootMarkerErrorsTest {
  private static final String ALG = "AES-256-GCM";
  private static final int BLOCK = 4096;

  @TempDir Path tmp;

  private Path root;
  private Path marker;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  private void makeRoot() throws IOException {
    root = tmp.resolve("many-roots").resolve("root-17");
    try (FileSystem fs = TestRoots.open(root, keys, ALG, BLOCK)) {
      Files.writeString(fs.getPath("/a.txt"), "data");
    }
    marker = root.resolve(".encryptedfs");
  }

  private void overwrite(long at, byte... bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), at);
    }
  }

  /** Opens the root without create, so that no damage is repaired, and checks the message. */
  private <T extends Throwable> T refused(Class<T> type, InMemoryKeys with) {
    Map<String, Object> env = TestRoots.env(with, ALG, BLOCK);
    env.remove(EncryptedFileSystems.CREATE);
    Executable open = () -> EncryptedFileSystems.newFileSystem(root, env).close();
    T e = assertThrows(type, open);
    assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
    return e;
  }

  @Test
  void aTruncatedMarkerNamesItsRoot() throws Exception {
    makeRoot();
    try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1);
    }
    DamagedFileException e = refused(DamagedFileException.class, keys);
    assertEquals(marker.toString(), e.path());
  }

  @Test
  void aTruncatedHeaderNamesItsRoot() throws Exception {
    makeRoot();
    try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE)) {
      ch.truncate(300);
    }
    assertTrue(refused(DamagedFileException.class, keys).getMessage().contains("truncated"));
  }

  @Test
  void anEmptyMarkerNamesItsRoot() throws Exception {
    makeRoot();
    Files.write(marker, new byte[0]);
    assertTrue(refused(DamagedFileException.class, keys).getMessage().contains("empty"));
  }

  @Test
  void aMarkerWithoutMagicNamesItsRoot() throws Exception {
    makeRoot();
    overwrite(0, new byte[8]);
    overwrite(256, new byte[8]);
    refused(NotAnEncryptedFileException.class, keys);
  }

  @Test
  void aMarkerOfAnotherFormatVersionNamesItsRoot() throws Exception {
    makeRoot();
    overwrite(8, (byte) 0, (byte) 9);
    overwrite(256 + 8, (byte) 0, (byte) 9);
    assertTrue(refused(DamagedFileException.class, keys).getMessage().contains("version 9"));
  }

  @Test
  void aMarkerWhoseContentFailsAuthenticationNamesItsRoot() throws Exception {
    makeRoot();
    byte[] raw = Files.readAllBytes(marker);
    Geometry g = Geometry.ofBlockSize(BLOCK);
    for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
      int at = (int) g.tailSlotOffset(s) + Geometry.TAIL_META_SIZE + Geometry.NONCE_SIZE + 1;
      overwrite(at, (byte) (raw[at] ^ 1));
    }
    refused(DamagedFileException.class, keys);
  }

  @Test
  void aMarkerMadeWithAnotherKeyNamesItsRoot() throws Exception {
    makeRoot();
    KeyMismatchException e = refused(KeyMismatchException.class, new InMemoryKeys("master"));
    assertEquals("master", e.alias());
  }

  @Test
  void aMarkerUnderAnUnknownKeyNamesItsRoot() throws Exception {
    makeRoot();
    InMemoryKeys other = new InMemoryKeys("other");
    Map<String, Object> env = TestRoots.env(other, ALG, BLOCK);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_ALIAS, "other");
    UnknownKeyAliasException e =
        assertThrows(
            UnknownKeyAliasException.class, () -> EncryptedFileSystems.newFileSystem(root, env));
    assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
    assertEquals("master", e.alias());
  }

  @Test
  void anUnreadableMarkerNamesItsRoot() throws Exception {
    makeRoot();
    Files.delete(marker);
    Files.createDirectory(marker);
    refused(IOException.class, keys);
  }
}
