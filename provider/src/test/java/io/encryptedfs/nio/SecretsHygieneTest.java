package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.PasswordSource;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker with the program's logs, its error output or a shell on the box sees: neither
 * the keystore password nor a byte of the master key, in any form (raw, hex, Base64), in the {@code
 * toString()} of anything the public API hands out, in any exception a damaged file, a wrong key or
 * a wrong password gets, in any log record, nor in any file the root, the keystore's directory or
 * the audit trail holds. The keystore is written with the JDK's default (fast) protection, which
 * also makes every opening log {@code WEAK_PROTECTION} warnings to look through.
 */
class SecretsHygieneTest {
  private static final String PASSWORD = "Pw-hygiene-7Q2x!";

  @TempDir Path dir;

  private final byte[] master = new byte[32];
  private final List<String> seen = new ArrayList<>();
  private final Logger rootLogger = Logger.getLogger("");
  private final Logger encryptedfs = Logger.getLogger("io.encryptedfs");
  private Level rootLevel;
  private Level encryptedfsLevel;

  private final Handler capture =
      new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
          seen.add("log " + record.getLoggerName() + ": " + format.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureEveryLogRecord() {
    rootLevel = rootLogger.getLevel();
    encryptedfsLevel = encryptedfs.getLevel();
    encryptedfs.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    rootLogger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    rootLogger.removeHandler(capture);
    rootLogger.setLevel(rootLevel);
    encryptedfs.setLevel(encryptedfsLevel);
  }

  @Test
  void noPasswordNorKeyByteInStringsExceptionsLogsOrFiles() throws Exception {
    new SecureRandom().nextBytes(master);
    Path keystore = dir.resolve("keys/keys.p12");
    writeKeystore(keystore, "master", master, PASSWORD);
    Path root = dir.resolve("root");
    Path audit = dir.resolve("logs/audit.jsonl");
    Map<String, Object> env =
        Map.of(
            EncryptedFileSystems.KEYSTORE,
            keystore.toString(),
            EncryptedFileSystems.KEYSTORE_PASSWORD,
            PASSWORD,
            EncryptedFileSystems.AUDIT_FILE,
            audit.toString(),
            EncryptedFileSystems.CREATE,
            "true");

    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env)) {
      Path a = fs.getPath("/d/a.bin");
      Files.createDirectories(a.getParent());
      try (FileChannel ch =
          FileChannel.open(a, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[10_000]));
        ch.force(true);
        note(ch);
      }
      note(fs, a, fs.provider(), Files.getFileStore(a), EncryptedFileSystems.info(fs));
      note(Files.readAttributes(a, "*"), Files.readAttributes(a, "posix:*"));
      note(KeyRotation.usage(fs), KeyRotation.describe(fs));
      note(KeyRotation.rewrapAll(fs, this::note));
      try (WatchService watch = fs.newWatchService();
          Stream<Path> listing = Files.list(a.getParent())) {
        note(watch, listing.toList(), a.toUri());
      }
      try (AuditLog log = AuditLog.appendingTo(audit);
          Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, PASSWORD.toCharArray(), log)) {
        note(keys, keys.keys(), log, keys.currentAlias());
      }
    }
    flipAByteOfTheFirstBlock(root.resolve("d/a.bin"));
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env)) {
      note(
          assertThrows(
              DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/d/a.bin"))));
    }
    Map<String, Object> wrongPassword = new java.util.HashMap<>(env);
    wrongPassword.put(EncryptedFileSystems.KEYSTORE_PASSWORD, "not-" + PASSWORD);
    note(
        assertThrows(
            WrongPasswordException.class,
            () -> EncryptedFileSystems.newFileSystem(root, wrongPassword)));
    Path otherKeystore = dir.resolve("keys/other.p12");
    byte[] otherKey = new byte[32];
    new SecureRandom().nextBytes(otherKey);
    writeKeystore(otherKeystore, "master", otherKey, PASSWORD);
    Map<String, Object> wrongKey = new java.util.HashMap<>(env);
    wrongKey.put(EncryptedFileSystems.KEYSTORE, otherKeystore.toString());
    note(
        assertThrows(
            KeyMismatchException.class, () -> EncryptedFileSystems.newFileSystem(root, wrongKey)));
    Path emptyPasswordFile = Files.writeString(dir.resolve("empty.pass"), "\n");
    note(assertThrows(IOException.class, () -> PasswordSource.fromFile(emptyPasswordFile).read()));
    note(PasswordSource.fromFile(emptyPasswordFile), PasswordSource.of(PASSWORD.toCharArray()));

    assertTrue(seen.stream().anyMatch(s -> s.contains("WEAK_PROTECTION")), "logs were captured");
    for (String s : seen) {
      assertNoSecret(s, s);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String contents = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertNoSecret(contents, file.toString());
      }
    }
  }

  /** Records each object's {@code toString()}; of a throwable, its whole stack trace. */
  private void note(Object... objects) {
    for (Object o : objects) {
      if (o instanceof Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        seen.add(trace.toString());
      } else {
        seen.add(String.valueOf(o));
      }
    }
  }

  private void assertNoSecret(String text, String where) {
    List<String> forms =
        List.of(
            PASSWORD,
            new String(master, StandardCharsets.ISO_8859_1),
            HexFormat.of().formatHex(master),
            HexFormat.of().withUpperCase().formatHex(master),
            Base64.getEncoder().encodeToString(master),
            Base64.getUrlEncoder().encodeToString(master),
            // Any 8 bytes of the key in a row, in hex: a partial dump of it.
            HexFormat.of().formatHex(master, 12, 20));
    for (String form : forms) {
      assertFalse(text.contains(form), () -> "a secret in " + where);
    }
  }

  /** A PKCS#12 keystore as keytool writes it: the JDK's default protection. */
  private static void writeKeystore(Path file, String alias, byte[] key, String password)
      throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setEntry(
        alias,
        new KeyStore.SecretKeyEntry(new SecretKeySpec(key, "AES")),
        new KeyStore.PasswordProtection(password.toCharArray()));
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
  }

  private static void flipAByteOfTheFirstBlock(Path raw) throws IOException {
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = io.encryptedfs.format.Geometry.ofBlockSize(4096).frontSize() + 100;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 1));
      ch.write(b.flip(), at);
    }
  }
}
