package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An empty raw file in a root (a creation a crash interrupted, or a file truncated to nothing) is a
 * damaged encrypted file: verify names it DAMAGED and exits 1, and so must rewrap, which skipped it
 * as "not an encrypted file" and exited 0.
 */
class EmptyFileRewrapTest {
  private static final String REASON =
      "/empty.txt: raw file is empty (its creation was interrupted, or it was truncated)";

  @TempDir Path tmp;

  @Test
  void rewrapReportsAnEmptyRawFileAsDamageAsVerifyDoes() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/ok.txt"), "fine");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    Files.write(root.resolve("empty.txt"), new byte[0]);

    Run verify = cli.keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("DAMAGED " + REASON), verify.out());

    assertEquals(0, cli.keys("keys", "rotate").code());
    Run rewrap = cli.keys("rewrap", root.toString());
    assertEquals(1, rewrap.code(), rewrap.out() + rewrap.err());
    assertTrue(rewrap.out().contains("/empty.txt: failed: " + REASON), rewrap.out());
    assertTrue(
        rewrap.out().contains("rewrapped 2, already done 0, skipped 0, failed 1"), rewrap.out());
    assertFalse(rewrap.out().contains("not an encrypted file"), rewrap.out());
    assertEquals(0, Files.size(root.resolve("empty.txt")), "left as it was");
  }
}
