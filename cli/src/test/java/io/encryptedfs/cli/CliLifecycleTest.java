package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command in turn on one keystore and root, as an operator uses them: init, encrypt, info,
 * verify, rotate, retire, rewrap, key policy, decrypt, damage and report.
 */
class CliLifecycleTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  @Test
  void theWholeLifecycle() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Path plain = Files.createDirectories(tmp.resolve("plain/sub"));
    byte[] big = new byte[300_000];
    new Random(1).nextBytes(big);
    Files.write(plain.resolve("big.bin"), big);
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Path root = tmp.resolve("root");

    Run init = cli.keys("keys", "init");
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("current key master"));
    assertEquals(2, cli.keys("keys", "init").code(), "an existing keystore is not overwritten");

    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 2, already done 0, failed 0"), encrypt.out());
    assertTrue(encrypt.out().contains("MiB/s"), "progress with a rate: " + encrypt.out());
    Run again = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString());
    assertTrue(again.out().contains("encrypted 0, already done 2"), "resumes: " + again.out());
    // The raw file is not the plaintext.
    assertFalse(
        Files.readString(root.resolve("a.txt"), StandardCharsets.ISO_8859_1).contains("alpha"));

    Run info = cli.keys("info", root.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("format version: 1"), info.out());
    assertTrue(info.out().contains("AES-256-GCM"), info.out());
    assertTrue(info.out().contains("block size:     4096"), info.out());
    assertTrue(info.out().contains("master\t3 file(s)"), info.out());

    assertEquals(0, cli.keys("verify", root.toString()).code());

    Run rotate = cli.keys("keys", "rotate");
    assertEquals(0, rotate.code(), rotate.err());
    String rotated =
        rotate.out().lines().findFirst().orElseThrow().replace("rotated: current key is now ", "");
    Run retireEarly = cli.keys("keys", "retire", "master", "--root", root.toString());
    assertEquals(3, retireEarly.code());
    assertTrue(retireEarly.err().contains("still used by 3 file(s)"), retireEarly.err());
    assertEquals(1, retireEarly.err().lines().count(), "one line, no stack trace");
    // The keystore folds case: MASTER is the same key, as much in use.
    Run retireFolded = cli.keys("keys", "retire", "MASTER", "--root", root.toString());
    assertEquals(3, retireFolded.code(), retireFolded.out() + retireFolded.err());
    assertTrue(retireFolded.err().contains("still used by 3 file(s)"), retireFolded.err());

    Run rewrap = cli.keys("rewrap", root.toString());
    assertEquals(0, rewrap.code(), rewrap.err());
    assertTrue(rewrap.out().contains("rewrapped 3, already done 0"), rewrap.out());
    assertTrue(cli.keys("rewrap", root.toString()).out().contains("rewrapped 0, already done 3"));
    Run retire = cli.keys("keys", "retire", "master", "--root", root.toString());
    assertEquals(0, retire.code(), retire.err());
    Run list = cli.keys("keys", "list");
    assertEquals(1, list.out().lines().count(), list.out());
    assertTrue(list.out().contains(rotated + "\t") && list.out().contains("current"), list.out());

    // A per-subtree policy: only the file under /sub moves to the new key.
    assertEquals(0, cli.keys("keys", "generate", "pii-key").code());
    Run byPolicy = cli.keys("rewrap", root.toString(), "--key-policy", "/sub/**=pii-key");
    assertEquals(0, byPolicy.code(), byPolicy.err());
    assertTrue(byPolicy.out().contains("rewrapped 1, already done 2"), byPolicy.out());
    assertTrue(cli.keys("info", root.toString()).out().contains("pii-key\t1 file(s)"));

    Path out = tmp.resolve("exported");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.err());
    assertArrayEquals(big, Files.readAllBytes(out.resolve("sub/big.bin")));
    assertEquals("alpha", Files.readString(out.resolve("a.txt")));

    // Damage two blocks of big.bin (blocks 1 and 5): verify names both and exits 1.
    Path raw = root.resolve("sub/big.bin");
    long front = 512 + 3 * (4096 + 64);
    for (long block : new long[] {1, 5}) {
      CliRunner.flipByte(raw, front + block * (4096 + 40) + 30);
    }
    Run verify = cli.keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("/sub/big.bin: block 1: failed authentication"), verify.out());
    assertTrue(verify.out().contains("/sub/big.bin: block 5: failed authentication"), verify.out());
    assertTrue(verify.out().contains("DAMAGE: 2 file(s) verified, 1 damaged"), verify.out());

    Run report = cli.keys("report", "--root", root.toString());
    assertEquals(0, report.code(), report.err());
    assertTrue(report.out().contains(rotated + " (current)"), report.out());
    assertTrue(report.out().contains("files 2"), report.out());
    assertTrue(report.out().contains("last rotation: "), report.out());
    assertTrue(
        report.out().contains("CONTENT_AUTHENTICATION_FAILED /sub/big.bin block 1"), report.out());
  }
}
