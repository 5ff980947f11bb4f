package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code encrypt} and {@code decrypt}: what they copy, refuse and leave alone. */
class MigrateTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  /**
   * A user's file may end in .encryptedfs-part: both directions copy it like any other, and only
   * one whose name is a sibling's temporary name is refused, as failed, and named.
   */
  @Test
  void migrationCopiesUserFilesNamedLikeItsTemporaries() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Path plain = Files.createDirectories(tmp.resolve("plain/sub"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Files.writeString(plain.resolve("report.encryptedfs-part"), "the user's own");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());

    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 2, already done 0, failed 0"), encrypt.out());

    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("the user's own", Files.readString(fs.getPath("/sub/report.encryptedfs-part")));
      Files.writeString(fs.getPath("/sub/log.encryptedfs-part"), "written in the root");
    }
    Path out = tmp.resolve("exported");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("decrypted 3, already done 0, failed 0"), decrypt.out());
    assertEquals("the user's own", Files.readString(out.resolve("sub/report.encryptedfs-part")));
    assertEquals("written in the root", Files.readString(out.resolve("sub/log.encryptedfs-part")));

    // clash.encryptedfs-part is where clash is written before its rename: copying both would
    // destroy one copy, so it is refused, and the run does not claim success.
    Files.writeString(plain.resolve("clash"), "first");
    Files.writeString(plain.resolve("clash.encryptedfs-part"), "second");
    Run clash = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString());
    assertEquals(1, clash.code(), clash.out() + clash.err());
    assertTrue(clash.out().contains("encrypted 1, already done 2, failed 1"), clash.out());
    String refused =
        "sub/clash.encryptedfs-part: FAILED: not copied, its name is the temporary name of"
            + " sub/clash";
    assertTrue(clash.out().contains(refused), clash.out());
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("first", Files.readString(fs.getPath("/sub/clash")));
      Files.writeString(fs.getPath("/sub/clash.encryptedfs-part"), "second");
    }
    Run clashOut = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(1, clashOut.code(), clashOut.out() + clashOut.err());
    assertTrue(clashOut.out().contains("decrypted 1, already done 3, failed 1"), clashOut.out());
    assertEquals("first", Files.readString(out.resolve("sub/clash")));
    assertFalse(Files.exists(out.resolve("sub/clash.encryptedfs-part")));
  }
}
