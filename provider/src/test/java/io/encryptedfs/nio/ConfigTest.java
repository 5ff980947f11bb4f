package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.*;

import io.encryptedfs.Algorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The env map wins, then system properties, then environment variables. */
class ConfigTest {
  @TempDir Path tmp;

  @Test
  void envMapThenPropertiesThenEnvironment() {
    Map<String, String> environment =
        Map.of(
            "ENCRYPTEDFS_KEY_ALIAS",
            "from-env",
            "ENCRYPTEDFS_BLOCK_SIZE",
            "65536",
            "ENCRYPTEDFS_ALGORITHM",
            "AES-128-GCM");
    System.setProperty("encryptedfs.block.size", "16384");
    try {
      Config c = new Config(Map.of("algorithm", "CHACHA20-POLY1305"), environment);
      assertEquals(Algorithm.CHACHA20_POLY1305, c.algorithm());
      assertEquals(16384, c.geometry().blockSize());
      assertEquals("from-env", c.keyAlias());
    } finally {
      System.clearProperty("encryptedfs.block.size");
    }
  }

  /**
   * An empty key.alias or audit.file in the env map is none, and hides what the environment says:
   * the command-line tool relies on it so that ENCRYPTEDFS_KEY_ALIAS cannot pin the key its rewrap
   * moves files to, nor ENCRYPTEDFS_AUDIT_FILE take its events where --audit-file did not say.
   */
  @Test
  void anEmptyKeyAliasOrAuditFileIsNoneWhateverTheEnvironmentSays() {
    Map<String, String> environment =
        Map.of("ENCRYPTEDFS_KEY_ALIAS", "from-env", "ENCRYPTEDFS_AUDIT_FILE", "/tmp/from-env");
    Config c = new Config(Map.of("key.alias", "", "audit.file", ""), environment);
    assertNull(c.keyAlias());
    assertNull(c.auditFile());
    Config fromEnvironment = new Config(Map.of(), environment);
    assertEquals("from-env", fromEnvironment.keyAlias());
    assertEquals(Path.of("/tmp/from-env"), fromEnvironment.auditFile());
  }

  @Test
  void passwordFromFileUsesTheFirstLineOnly() throws Exception {
    Path file = tmp.resolve("pw");
    Files.writeString(file, "s3cret pass\r\nsecond line\n");
    Config c = new Config(Map.of("keystore.password.file", file.toString()), Map.of());
    assertArrayEquals("s3cret pass".toCharArray(), c.password());
  }

  @Test
  void passwordFileReadsAsTheKeystoreModuleReadsIt() throws Exception {
    Path file = tmp.resolve("pw-bom");
    Files.writeString(file, "\uFEFFs3cret\n");
    Config c = new Config(Map.of("keystore.password.file", file.toString()), Map.of());
    assertArrayEquals(io.encryptedfs.keystore.PasswordSource.fromFile(file).read(), c.password());
    assertArrayEquals("s3cret".toCharArray(), c.password(), "the byte-order mark is dropped");
    Path empty = Files.writeString(tmp.resolve("pw-empty"), "\n");
    Config none = new Config(Map.of("keystore.password.file", empty.toString()), Map.of());
    IOException refused = assertThrows(IOException.class, none::password);
    assertTrue(refused.getMessage().contains(empty.toString()), refused.getMessage());
  }

  /**
   * The env map wins over system properties and the environment for the password as for every key,
   * whichever of the two password keys each source gives: before, a {@code keystore.password} in
   * the process environment beat a {@code keystore.password.file} the program passed, and the
   * program then failed with a wrong password.
   */
  @Test
  void aPasswordFileInTheEnvMapWinsOverAPasswordFromOutside() throws Exception {
    Path file = Files.writeString(tmp.resolve("pw"), "from-file\n");
    Map<String, String> environment = Map.of("ENCRYPTEDFS_KEYSTORE_PASSWORD", "from-env");
    Config mapFile = new Config(Map.of("keystore.password.file", file.toString()), environment);
    assertArrayEquals("from-file".toCharArray(), mapFile.password());
    System.setProperty("encryptedfs.keystore.password", "from-property");
    try {
      assertArrayEquals("from-file".toCharArray(), mapFile.password());
      Config none = new Config(Map.of(), environment);
      assertArrayEquals("from-property".toCharArray(), none.password());
    } finally {
      System.clearProperty("encryptedfs.keystore.password");
    }
    Config both =
        new Config(
            Map.of("keystore.password", "from-map", "keystore.password.file", file.toString()),
            environment);
    assertArrayEquals("from-map".toCharArray(), both.password(), "in one source, the value");
    Config envFile =
        new Config(
            Map.of(),
            Map.of(
                "ENCRYPTEDFS_KEYSTORE_PASSWORD_FILE",
                file.toString(),
                "ENCRYPTEDFS_KEYSTORE_PASSWORD",
                "from-env"));
    assertArrayEquals("from-env".toCharArray(), envFile.password(), "in one source, the value");
  }

  @Test
  void passwordFromEnvironmentVariable() throws Exception {
    Config c = new Config(Map.of(), Map.of("ENCRYPTEDFS_KEYSTORE_PASSWORD", "pw"));
    assertArrayEquals("pw".toCharArray(), c.password());
  }

  @Test
  void badValuesAreNamed() {
    Config c =
        new Config(
            Map.of(
                "block.size",
                "3000",
                "create",
                "yes",
                "algorithm",
                "rot13",
                "create.sync",
                "sometimes"),
            Map.of());
    assertTrue(
        assertThrows(IllegalArgumentException.class, c::geometry)
            .getMessage()
            .contains("power of two"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, c::create).getMessage().contains("create"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, c::algorithm).getMessage().contains("rot13"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, c::createSync)
            .getMessage()
            .contains("'create.sync' must be true or false, was sometimes"));
  }

  /**
   * Before, a number was cut to an {@code int} by {@code intValue()}: a {@code Long} of 2^32 + 8192
   * opened a root writing 8 KiB blocks and a {@code Double} of 8192.7 did too, with no error.
   */
  @Test
  void aBlockSizeNumberThatIsNoIntIsRefusedNotCut() {
    for (Object value : new Object[] {(1L << 32) + 8192, 8192.7, -4294959104L}) {
      Config c = new Config(Map.of("block.size", value), Map.of());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::geometry);
      assertTrue(e.getMessage().contains("'block.size'"), e.getMessage());
      assertTrue(e.getMessage().contains(value.toString()), e.getMessage());
    }
    assertEquals(8192, new Config(Map.of("block.size", 8192L), Map.of()).geometry().blockSize());
    assertEquals(16384, new Config(Map.of("block.size", 16384), Map.of()).geometry().blockSize());
  }

  @Test
  void toStringNeverShowsThePassword() {
    Config c = new Config(Map.of("keystore.password", "hunter2", "keystore", "/k.p12"), Map.of());
    assertFalse(c.toString().contains("hunter2"));
  }

  /**
   * A password of another type is refused, not used by its {@code toString()}: before, a {@code
   * byte[]} became the password {@code [B@1b6d3586}, and a secret holder whose {@code toString()}
   * masks it became {@code ****}, each then reported as a wrong password.
   */
  @Test
  void aPasswordOfAnotherTypeIsRefusedByTypeNotByItsText() {
    Object masked =
        new Object() {
          @Override
          public String toString() {
            return "****";
          }
        };
    for (Object value : new Object[] {"hunter2".getBytes(), masked}) {
      Config c = new Config(Map.of("keystore.password", value), Map.of());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::password);
      assertTrue(e.getMessage().contains("'keystore.password' must be a String or a char[]"));
      assertTrue(e.getMessage().contains(value.getClass().getName()), e.getMessage());
      assertFalse(e.getMessage().contains(value.toString()), e.getMessage());
    }
  }

  @Test
  void defaults() {
    Config c = new Config(Map.of(), Map.of());
    assertEquals(Algorithm.AES_256_GCM, c.algorithm());
    assertEquals(4096, c.geometry().blockSize());
    assertFalse(c.create());
    assertTrue(c.createSync());
    assertFalse(new Config(Map.of("create.sync", false), Map.of()).createSync());
    assertFalse(new Config(Map.of(), Map.of("ENCRYPTEDFS_CREATE_SYNC", "FALSE")).createSync());
  }

  /**
   * A bad {@code write.buffer.millis} is refused in either mode; write-through ignores a good one.
   * Before, write-through accepted "abc" and -1, which surfaced only when the mode was switched.
   */
  @Test
  void aBadBufferBoundIsRefusedInWriteThroughModeToo() {
    for (String mode : new String[] {"write-through", "buffered"}) {
      for (String millis : new String[] {"abc", "-1", "0", "60001"}) {
        Config c = new Config(Map.of("write.mode", mode, "write.buffer.millis", millis), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::writeMode);
        assertTrue(
            e.getMessage().contains("'write.buffer.millis'") && e.getMessage().contains(millis),
            mode + " " + millis + ": " + e.getMessage());
      }
    }
    assertEquals(
        io.encryptedfs.channel.WriteMode.WRITE_THROUGH,
        new Config(Map.of("write.buffer.millis", "250"), Map.of()).writeMode());
    assertTrue(
        new Config(Map.of("write.mode", "buffered", "write.buffer.millis", "250"), Map.of())
            .writeMode()
            .buffered());
  }

  /** Before, an Integer 7 made an audit file named "7" in the working directory. */
  @Test
  void anAuditFileOfAnotherTypeIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Config(Map.of("audit.file", 7), Map.of()).auditFile());
    assertTrue(e.getMessage().contains("'audit.file' must be a String or a Path"), e.getMessage());
    IllegalArgumentException k =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Config(Map.of("keystore", 7), Map.of()).keystore());
    assertTrue(k.getMessage().contains("'keystore' must be a String or a Path"), k.getMessage());
    assertEquals(Path.of("k.p12"), new Config(Map.of("keystore", "k.p12"), Map.of()).keystore());
    assertEquals(
        tmp.resolve("a.log"),
        new Config(Map.of("audit.file", tmp.resolve("a.log")), Map.of()).auditFile());
    assertEquals(Path.of("a.log"), new Config(Map.of("audit.file", "a.log"), Map.of()).auditFile());
  }

  /** A null env is no settings, as an empty one; before, a NullPointerException from inside. */
  @Test
  void aNullEnvIsNoSettings() {
    Config c = new Config(null, Map.of());
    assertEquals(Algorithm.AES_256_GCM, c.algorithm());
    assertFalse(c.configuredOutsideCode());
    assertNull(c.auditFile());
  }
}
