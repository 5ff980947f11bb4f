package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static io.encryptedfs.durability.FaultRoots.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A master key retired by another program (a keystore this one follows, here keys that drop it)
 * while files it wraps were written here and not forced: the file system's close opens each such
 * file again to force it, and that open, needing the key, failed, so the file was not forced at
 * all; a power loss right after the close lost what every returned write had put there. Now the
 * close forces the underlying file, reports the file and the key, and forces every other file.
 */
class RetiredKeyCloseTest {
  private static final int BLOCK = 4096;

  /** A root on {@code faults} whose files under /old (a directory made here) use the key "old". */
  private static FileSystem openWithOldKeyUnderOld(
      FaultInjectingFileSystem faults, InMemoryKeys keys) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.KEY_POLICY, "/old/**=old");
    FileSystem fs = EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
    Files.createDirectory(fs.getPath("/old"));
    return fs;
  }

  /** The keys as they are now, kept for the restore after the power loss. */
  private static InMemoryKeys copyOf(InMemoryKeys keys) throws IOException {
    return new InMemoryKeys()
        .add("master", keys.masterKey("master"))
        .add("old", keys.masterKey("old"));
  }

  @Test
  void theFileSystemsCloseForcesFilesWhoseKeyWasRetiredAndSaysSo() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master", "old");
    InMemoryKeys restored = copyOf(keys);
    byte[] closed = content(1, 3 * BLOCK + 100);
    byte[] open = content(2, 2 * BLOCK + 7);
    byte[] current = content(3, BLOCK + 1);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem fs = openWithOldKeyUnderOld(faults, keys);
      write(fs.getPath("/old/closed"), closed);
      write(fs.getPath("/current"), current);
      FileChannel channel =
          FileChannel.open(
              fs.getPath("/old/open"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      channel.write(ByteBuffer.wrap(open));

      keys.remove("old");
      UnknownKeyAliasException e = assertThrows(UnknownKeyAliasException.class, fs::close);
      try (Restorer restorer = new Restorer(restored, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            faults.recording(),
            CrashPlan.powerLoss(),
            after -> {
              assertArrayEquals(closed, Files.readAllBytes(after.getPath("/old/closed")));
              assertArrayEquals(open, Files.readAllBytes(after.getPath("/old/open")));
              assertArrayEquals(current, Files.readAllBytes(after.getPath("/current")));
            });
      }
      assertEquals("old", e.alias());
      assertTrue(
          e.getMessage().startsWith("/old/closed: forced through its underlying file only"),
          e.getMessage());
      // The open file is forced with the keys it holds; the file under the current key as ever.
      assertEquals(0, e.getSuppressed().length, () -> Arrays.toString(e.getSuppressed()));
      assertFalse(channel.isOpen());
    }
  }

  /**
   * Where that force of the underlying file fails too, the close says the file was not forced, as a
   * {@code SyncFailedException} naming it, the key's failure its cause.
   */
  @Test
  void aFailedForceOfTheUnderlyingFileIsASyncFailure() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master", "old");
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem fs = openWithOldKeyUnderOld(faults, keys);
      write(fs.getPath("/old/closed"), content(4, BLOCK + 5));
      keys.remove("old");
      faults.failForces(p -> p.endsWith("closed"));

      SyncFailedException e = assertThrows(SyncFailedException.class, fs::close);
      assertTrue(e.getMessage().startsWith("/old/closed: not forced"), e.getMessage());
      assertInstanceOf(UnknownKeyAliasException.class, e.getCause());
    }
  }

  /**
   * A delete of one name of a closed file with hard links forces the file first (nothing would
   * force it once the name it owes a force by is gone): with its key gone that force failed and the
   * delete was refused with {@code UnknownKeyAliasException}, where a plain file system deletes.
   * Now the underlying file is forced and the name goes; the bytes survive under the other name.
   */
  @Test
  void aNameOfAFileWhoseKeyIsGoneIsDeletedOnceTheFileIsForced() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master", "old");
    InMemoryKeys restored = copyOf(keys);
    byte[] linked = content(5, 2 * BLOCK + 9);
    try (FileSystem jimfs = Jimfs.newFileSystem(HardLinkDurabilityTest.WITH_LINK_COUNTS)) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem fs = openWithOldKeyUnderOld(faults, keys);
      write(fs.getPath("/old/a"), linked);
      Files.createLink(fs.getPath("/old/b"), fs.getPath("/old/a"));
      keys.remove("old");

      Files.delete(fs.getPath("/old/a"));
      assertFalse(Files.exists(fs.getPath("/old/a")));
      fs.close();

      try (Restorer restorer = new Restorer(restored, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            faults.recording(),
            CrashPlan.powerLoss(),
            after -> assertArrayEquals(linked, Files.readAllBytes(after.getPath("/old/b"))));
      }
    }
  }

  /**
   * A delete whose force of the underlying file failed is refused; the delete tried again forces on
   * a new descriptor, which Linux lets succeed over what the failed one lost (a writeback error is
   * reported once). So the file system's close, a durability point, must still report that failed
   * force, as it does one made through a file that opens.
   */
  @Test
  void aFailedForceBeforeADeleteIsReportedByTheClose() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master", "old");
    try (FileSystem jimfs = Jimfs.newFileSystem(HardLinkDurabilityTest.WITH_LINK_COUNTS)) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem fs = openWithOldKeyUnderOld(faults, keys);
      write(fs.getPath("/old/a"), content(6, BLOCK + 3));
      Files.createLink(fs.getPath("/old/b"), fs.getPath("/old/a"));
      keys.remove("old");
      AtomicBoolean failing = new AtomicBoolean(true);
      faults.failForces(p -> failing.get() && p.getFileName().toString().equals("a"));

      SyncFailedException refused =
          assertThrows(SyncFailedException.class, () -> Files.delete(fs.getPath("/old/a")));
      assertTrue(refused.getMessage().startsWith("/old/a: not forced"), refused.getMessage());
      failing.set(false);
      Files.delete(fs.getPath("/old/a"));

      SyncFailedException e = assertThrows(SyncFailedException.class, fs::close);
      assertEquals(
          "/old/a: a force of this file failed; what it was to make durable may have been lost",
          e.getMessage());
    }
  }
}
