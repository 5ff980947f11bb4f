package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the JDK's own keytool against keystores made by this module and the other way round. */
class KeytoolInteropTest {
  private static final String PASSWORD_VARIABLE = "ENCRYPTEDFS_KEYTOOL_PASSWORD";

  @TempDir Path dir;

  private record Result(int exitCode, String output) {}

  private static Result keytool(String password, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    // The password travels in the environment, not on a command line other users can list.
    command.addAll(List.of("-storepass:env", PASSWORD_VARIABLE, "-storetype", "PKCS12"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(PASSWORD_VARIABLE, password);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "keytool timed out");
    return new Result(process.exitValue(), output);
  }

  @Test
  void aKeystoreMadeByKeytoolOpens() throws Exception {
    Path file = dir.resolve("ks.p12");
    Result made =
        keytool(
            Fixtures.PASSWORD,
            "-genseckey",
            "-keyalg",
            "AES",
            "-keysize",
            "256",
            "-alias",
            "master",
            "-keystore",
            file.toString());
    assertEquals(0, made.exitCode(), made.output());

    try (AuditCapture audit = new AuditCapture(dir.resolve("audit.jsonl"));
        Pkcs12KeyStore keys = Pkcs12KeyStore.open(file, Fixtures.password(), audit.log())) {
      assertEquals(Set.of("master"), keys.aliases());
      assertEquals(Optional.of("master"), keys.currentAlias(), "a lone key is current");
      SecretKey key = keys.masterKey("master");
      assertEquals("AES", key.getAlgorithm());
      assertEquals(32, key.getEncoded().length);
      // keytool writes with the JDK's 10,000-iteration defaults; opening says so.
      List<String> weak =
          audit.fileLines().stream().filter(line -> line.contains("WEAK_PROTECTION")).toList();
      assertEquals(2, weak.size(), weak::toString);
      assertTrue(weak.stream().anyMatch(line -> line.contains("\"part\":\"mac: HmacPBESHA256")));
      assertTrue(weak.stream().anyMatch(line -> line.contains("\"alias\":\"master\"")));

      keys.generateKey("second");
      assertEquals(Optional.of("master"), keys.currentAlias());
    }

    Result listed = keytool(Fixtures.PASSWORD, "-list", "-keystore", file.toString());
    assertEquals(0, listed.exitCode(), listed.output());
    assertTrue(listed.output().contains("master,"), listed.output());
    assertTrue(listed.output().contains("second,"), listed.output());
  }

  @Test
  void aKeystoreMadeHereListsInKeytoolWithItsShippedProtection() throws Exception {
    Path file = dir.resolve("ours.p12");
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(file, Fixtures.password())) {
      keys.generateKey("master");
    }

    Result listed = keytool(Fixtures.PASSWORD, "-list", "-keystore", file.toString());
    assertEquals(0, listed.exitCode(), listed.output());
    assertTrue(listed.output().contains("master, "), listed.output());
    assertTrue(listed.output().contains("SecretKeyEntry"), listed.output());

    Result wrong = keytool("not-the-password", "-list", "-keystore", file.toString());
    assertNotEquals(0, wrong.exitCode(), "keytool must verify our integrity MAC");
    assertFalse(wrong.output().contains("master, "), wrong.output());

    List<Pkcs12Protection.Protection> parts =
        Pkcs12Protection.inspect(Pfx.parse(KeyStoreFile.read(file)));
    assertEquals(3, parts.size(), parts::toString); // MAC, key, current-key marker
    for (Pkcs12Protection.Protection part : parts) {
      assertTrue(part.meets(ProtectionParameters.DEFAULT), part::describe);
    }
    assertEquals(1_200_000, parts.get(0).iterations());
    assertEquals("PBES2/PBKDF2-HmacSHA256/AES-256-CBC", parts.get(1).algorithm());
    assertEquals(600_000, parts.get(1).iterations());
  }
}
