package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.keystore.AuditEvent.Kind;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every key event leaves a record, and no record holds a secret. */
class AuditTrailTest {

  @Test
  void everyKeyEventIsRecordedWithoutSecrets() throws IOException {
    List<byte[]> keyBytes = new ArrayList<>();
    try (FileSystem fs = Fixtures.unixFileSystem();
        AuditCapture audit = new AuditCapture(fs.getPath("/audit.jsonl"))) {
      Path file = fs.getPath("/keys/ks.p12");
      try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
        keyBytes.add(keys.generateKey("master").getEncoded());
      }
      assertThrows(
          WrongPasswordException.class,
          () ->
              Pkcs12KeyStore.open(
                  file, "Wrong-Passw0rd".toCharArray(), audit.log(), Fixtures.FAST));
      try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
        keyBytes.add(keys.masterKey("master").getEncoded());
        String rotated = keys.rotate();
        keyBytes.add(keys.masterKey(rotated).getEncoded());
        keys.setCurrent("master");
        keys.retire(rotated);
        audit
            .log()
            .record(Kind.KEY_UNWRAP_FAILED, file.toString(), "master", Map.of("path", "/db/a"));
        audit
            .log()
            .record(
                Kind.CONTENT_AUTHENTICATION_FAILED,
                file.toString(),
                "master",
                Map.of("path", "/db/a", "block", "3"));
      }

      assertEquals(
          List.of(
              "KEYSTORE_CREATED",
              "KEY_CHANGE_BEGUN",
              "KEY_GENERATED",
              "KEYSTORE_OPEN_FAILED",
              "KEYSTORE_OPENED",
              "KEY_LOADED",
              "KEY_CHANGE_BEGUN",
              "KEY_GENERATED",
              "KEY_ROTATED",
              "KEY_CHANGE_BEGUN",
              "CURRENT_KEY_CHANGED",
              "KEY_CHANGE_BEGUN",
              "KEY_RETIRED",
              "KEY_UNWRAP_FAILED",
              "CONTENT_AUTHENTICATION_FAILED"),
          audit.kinds());
      List<String> lines = audit.fileLines();
      assertEquals(lines, audit.loggedMessages(), "the logger and the file see the same events");
      String principal = "\"principal\":\"" + System.getProperty("user.name") + "\"";
      String pid = "\"pid\":" + ProcessHandle.current().pid() + ",";
      for (String line : lines) {
        assertTrue(line.startsWith("{\"time\":\"") && line.endsWith("}"), line);
        assertTrue(line.contains(principal) && line.contains(pid), line);
        assertTrue(line.contains("\"keystore\":\"/keys/ks.p12\""), line);
      }
      assertTrue(lines.get(8).contains("\"previous\":\"master\""), lines.get(8));

      String everything = audit.everything();
      assertFalse(everything.contains(Fixtures.PASSWORD));
      assertFalse(everything.contains("Wrong-Passw0rd"));
      for (byte[] key : keyBytes) {
        for (String encoding :
            List.of(
                HexFormat.of().formatHex(key),
                HexFormat.of().withUpperCase().formatHex(key),
                HexFormat.ofDelimiter(":").formatHex(key),
                Base64.getEncoder().encodeToString(key),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key))) {
          assertFalse(everything.contains(encoding), "key material in the audit trail");
        }
      }
    }
  }

  @Test
  void aKeyThatCannotBeDecryptedIsRecorded() throws Exception {
    try (FileSystem fs = Fixtures.unixFileSystem();
        AuditCapture audit = new AuditCapture(fs.getPath("/audit.jsonl"))) {
      Path file = fs.getPath("/ks.p12");
      Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new java.security.SecureRandom());
      java.security.KeyStore plain = codec.empty();
      // An HMAC key where an AES master key belongs.
      javax.crypto.KeyGenerator generator = javax.crypto.KeyGenerator.getInstance("HmacSHA256");
      plain.setEntry(
          "hmac",
          new java.security.KeyStore.SecretKeyEntry(generator.generateKey()),
          codec.protection(Fixtures.password()));
      java.nio.file.Files.write(file, codec.store(plain, Fixtures.password(), "t").bytes());
      try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
        IOException e = assertThrows(IOException.class, () -> keys.masterKey("hmac"));
        assertTrue(e.getMessage().contains("hmac"), e.getMessage());
        assertTrue(e.getMessage().contains("is HmacSHA256, not AES"), e.getMessage());
      }
      assertTrue(audit.kinds().contains("KEY_LOAD_FAILED"), audit.kinds()::toString);
    }
  }
}
