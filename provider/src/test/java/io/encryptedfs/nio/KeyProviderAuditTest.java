package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system given its keys as a {@code key.provider} records its files' events as one that
 * opens its keystore does. Before, only the latter did: with the caller's own keys, a rewrap and a
 * tampered block left no audit event at all, in the file or the logger.
 */
class KeyProviderAuditTest {
  @TempDir Path root;
  @TempDir Path logs;

  private final InMemoryKeys keys = new InMemoryKeys("master", "next");
  private final AtomicInteger closes = new AtomicInteger();

  /** The caller's keys, counting closes: the file system must not close what it did not open. */
  private final KeyProvider given =
      new KeyProvider() {
        @Override
        public SecretKey masterKey(String alias) throws IOException {
          return keys.masterKey(alias);
        }

        @Override
        public Set<String> aliases() {
          return keys.aliases();
        }

        @Override
        public void close() {
          closes.incrementAndGet();
        }
      };

  @Test
  void rewrapsAndTamperingGoToTheAuditFile() throws Exception {
    Path audit = logs.resolve("audit.jsonl");
    writeOneBlockFile();
    try (FileSystem fs = open("next", audit)) {
      assertEquals(2, KeyRotation.rewrapAll(fs, e -> {}).rewrapped());
    }
    flipAByteOfBlockZero();
    try (FileSystem fs = open("next", audit)) {
      assertThrows(DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/a")));
    }
    List<String> lines = Files.readAllLines(audit);
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.contains("\"kind\":\"FILE_REWRAPPED\"")
                        && l.contains("\"alias\":\"next\"")
                        && l.contains("\"path\":\"/a\"")
                        && l.contains("\"previous\":\"master\"")),
        lines::toString);
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.contains("\"kind\":\"CONTENT_AUTHENTICATION_FAILED\"")
                        && l.contains("\"path\":\"/a\"")
                        && l.contains("\"block\":\"0\"")),
        lines::toString);
    assertEquals(0, closes.get(), "the caller's keys stay open");
  }

  @Test
  void withoutAnAuditFileTheEventsGoToTheAuditLogger() throws Exception {
    writeOneBlockFile();
    List<String> logged = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(AuditLog.LOGGER_NAME);
    logger.addHandler(capture);
    try (FileSystem fs = open("next", null)) {
      KeyRotation.rewrapAll(fs, e -> {});
    } finally {
      logger.removeHandler(capture);
    }
    assertTrue(
        logged.stream().anyMatch(m -> m.contains("FILE_REWRAPPED") && m.contains("\"/a\"")),
        logged::toString);
  }

  private FileSystem open(String alias, Path audit) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_PROVIDER, given);
    env.put(EncryptedFileSystems.KEY_ALIAS, alias);
    if (audit != null) {
      env.put(EncryptedFileSystems.AUDIT_FILE, audit.toString());
    }
    return EncryptedFileSystems.newFileSystem(root, env);
  }

  private void writeOneBlockFile() throws IOException {
    try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", 4096)) {
      Files.write(fs.getPath("/a"), new byte[5000]);
    }
  }

  /** A ciphertext byte of home block 0, which lies after the 512-byte header and 3 tail slots. */
  private void flipAByteOfBlockZero() throws IOException {
    long block0 = 512 + 3 * (4096 + 64);
    try (FileChannel raw =
        FileChannel.open(root.resolve("a"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      raw.read(b, block0 + 100);
      b.put(0, (byte) (b.get(0) ^ 1)).rewind();
      raw.write(b, block0 + 100);
    }
  }
}
