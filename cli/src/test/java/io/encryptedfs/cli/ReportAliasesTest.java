package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.cli.CliRunner.Run;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} shows an alias from outside (a keytool keystore, a file's header, the audit file)
 * on one line, as {@code keys list} does. Before, an alias holding a line break printed a line of
 * its own ("OK: all keys rotated").
 */
class ReportAliasesTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String EVIL = "evil\nOK: all keys rotated";

  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() throws Exception {
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), PASSWORD + "\n");
  }

  @Test
  void aKeytoolAliasIsOneLine() throws Exception {
    KeyStore keytool = KeyStore.getInstance("PKCS12");
    keytool.load(null, null);
    KeyStore.ProtectionParameter protection =
        new KeyStore.PasswordProtection(PASSWORD.toCharArray());
    keytool.setEntry(
        EVIL, new KeyStore.SecretKeyEntry(new SecretKeySpec(new byte[32], "AES")), protection);
    try (OutputStream out = Files.newOutputStream(tmp.resolve("keys.p12"))) {
      keytool.store(out, PASSWORD.toCharArray());
    }
    Files.writeString(
        tmp.resolve("audit.jsonl"),
        "{\"time\":\"2026-12-01T10:00:00Z\",\"kind\":\"KEY_ROTATED\",\"alias\":\"evil\\n"
            + "OK: done\"}\n");
    Run report = cli.keys("report");
    assertEquals(0, report.code(), report.err());
    // The JDK folds a PKCS#12 alias to lower case.
    assertTrue(report.out().contains("  evil\\nok: all keys rotated (current)"), report.out());
    assertTrue(
        report.out().contains("last rotation: 2026-12-01T10:00:00Z (evil\\nOK: done)"),
        report.out());
    assertFalse(report.out().lines().anyMatch(l -> l.toUpperCase().startsWith("OK")), report.out());
  }

  /** Whoever can write the root's disk can write a header naming any alias. */
  @Test
  void anAliasFromAFileHeaderIsOneLine() throws Exception {
    assertEquals(0, cli.keys("keys", "init").code());
    Path root = tmp.resolve("root");
    cli.createRoot(root, 4096).close();
    SecretKey master;
    try (Pkcs12KeyStore keys =
        Pkcs12KeyStore.open(tmp.resolve("keys.p12"), PASSWORD.toCharArray())) {
      master = new SecretKeySpec(keys.masterKey("master").getEncoded(), "AES");
    }
    SecretKey other = new SecretKeySpec(new byte[32], "AES");
    KeyProvider forger =
        new KeyProvider() {
          @Override
          public SecretKey masterKey(String alias) throws java.io.IOException {
            if (alias.equals("master")) {
              return master;
            }
            if (alias.equals(EVIL)) {
              return other;
            }
            throw new UnknownKeyAliasException("forger", alias);
          }

          @Override
          public Set<String> aliases() {
            return Set.of("master", EVIL);
          }

          @Override
          public void close() {}
        };
    try (FileSystem fs =
        EncryptedFileSystems.newFileSystem(
            root,
            Map.of(
                EncryptedFileSystems.KEY_PROVIDER, forger, EncryptedFileSystems.KEY_ALIAS, EVIL))) {
      Files.writeString(fs.getPath("/forged"), "x", StandardOpenOption.CREATE_NEW);
    }
    Run report = cli.keys("report", "--root", root.toString());
    assertEquals(0, report.code(), report.err());
    assertTrue(
        report.out().contains("  evil\\nOK: all keys rotated (MISSING from keystore)\tfiles 1"),
        report.out());
    assertFalse(report.out().lines().anyMatch(l -> l.toUpperCase().startsWith("OK")), report.out());
  }
}
