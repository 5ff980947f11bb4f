package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static io.encryptedfs.durability.FaultRoots.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * A keystore given to file systems ({@code key.provider}) and closed before one of them: its keys
 * then throw {@code IllegalStateException}, as {@code Pkcs12KeyStore}'s do. That escaped the file
 * system's close at the first file written and closed unforced, which it opens again to force: the
 * files after it were not forced at all, and the close threw no {@code IOException}.
 */
class ClosedKeysCloseTest {
  private static final int BLOCK = 4096;

  /** Keys that refuse every call once closed, as a closed keystore does. */
  private static final class ClosableKeys implements KeyProvider {
    private final InMemoryKeys keys;
    private volatile boolean closed;

    ClosableKeys(InMemoryKeys keys) {
      this.keys = keys;
    }

    private void ensureOpen() {
      if (closed) {
        throw new IllegalStateException("keystore is closed");
      }
    }

    @Override
    public SecretKey masterKey(String alias) throws IOException {
      ensureOpen();
      return keys.masterKey(alias);
    }

    @Override
    public Set<String> aliases() {
      ensureOpen();
      return keys.aliases();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void theFileSystemsCloseForcesEveryFileWhenItsKeysWereClosedFirst() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    ClosableKeys closable = new ClosableKeys(keys);
    byte[] a = content(1, 2 * BLOCK + 5);
    byte[] b = content(2, BLOCK + 9);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
      env.put(EncryptedFileSystems.KEY_PROVIDER, closable);
      FileSystem fs = EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
      write(fs.getPath("/a"), a);
      write(fs.getPath("/b"), b);

      closable.close();
      IOException e = assertThrows(IOException.class, fs::close);
      // One failure per file, in no set order: the first thrown, the other suppressed in it.
      assertEquals(1, e.getSuppressed().length, () -> Arrays.toString(e.getSuppressed()));
      List<String> reports =
          Stream.of(e.getMessage(), e.getSuppressed()[0].getMessage()).sorted().toList();
      for (int i = 0; i < 2; i++) {
        String report = reports.get(i);
        assertTrue(
            report.startsWith((i == 0 ? "/a" : "/b") + ": forced through its underlying file only"),
            report);
        assertTrue(report.endsWith("keystore is closed"), report);
      }
      assertFalse(fs.isOpen());
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            faults.recording(),
            CrashPlan.powerLoss(),
            after -> {
              assertArrayEquals(a, Files.readAllBytes(after.getPath("/a")));
              assertArrayEquals(b, Files.readAllBytes(after.getPath("/b")));
            });
      }
    }
  }
}
