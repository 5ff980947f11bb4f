package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names in the tool's output cannot make lines of their own. Before, {@code verify} printed a
 * damaged file named {@code x\nOK: 1 file(s) verified, 0 damaged} as a line that said all was well
 * (it turned the line break into a space only in exception messages, and a carriage return or a
 * terminal escape went through as it was).
 */
class OneLineTest {
  @TempDir Path tmp;

  @Test
  void controlFormatAndSeparatorCharactersAreEscapedOthersKept() {
    assertEquals(
        "a\\nb\\rc\\td\\u001b[2J\\u202eevil\\u2028 z \\ é",
        OneLine.of("a\nb\rc\td\u001b[2J\u202eevil\u2028 z \\ é"));
    String plain = "/dir/file name é.txt";
    assertSame(plain, OneLine.of(plain), "nothing to escape, nothing copied");
  }

  @Test
  void aDamagedFilesNameCannotForgeVerifysVerdict() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    String forged = "OK: 1 file(s) verified, 0 damaged";
    String name = "x\n" + forged + "\r\u001b[2K";
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve(name), "data ".repeat(2000));
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("encrypt", plain.toString(), root.toString(), "--create").code());
    try (FileChannel raw = FileChannel.open(root.resolve(name), StandardOpenOption.WRITE)) {
      raw.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 12_992 + 100); // in block 0
    }
    Run verify = cli.keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertFalse(verify.out().lines().anyMatch(forged::equals), verify.out());
    assertFalse(verify.out().contains("\u001b"), "no escape reaches the terminal");
    assertTrue(
        verify.out().contains("DAMAGED /x\\n" + forged + "\\r\\u001b[2K: block 0"), verify.out());
    assertTrue(verify.out().contains("DAMAGE: 1 file(s) verified, 1 damaged"), verify.out());
  }
}
