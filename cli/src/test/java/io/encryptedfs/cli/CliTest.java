package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command end to end, in-process, on temporary directories: exit codes, output, effects.
 * One keystore for the whole scenario, since each keystore write costs about a second by design.
 */
class CliTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Flips one byte of a raw file: writing a constant would damage nothing where it was already. */
  private static void flipByte(Path raw, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
      ch.write(b, at);
    }
  }

  /** Damages a sealed byte of each tail slot of a 4 KiB-block file: it no longer opens. */
  private static void loseTheEnd(Path raw) throws IOException {
    for (int slot = 0; slot < 3; slot++) {
      flipByte(raw, 512 + slot * (4096 + 64) + 60);
    }
  }

  private List<String> withKeys(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--keystore", tmp.resolve("keys.p12").toString(),
            "--password-file", tmp.resolve("pass").toString(),
            "--audit-file", tmp.resolve("audit.jsonl").toString()));
    return all;
  }

  private Run keys(String... args) {
    return run(withKeys(args).toArray(String[]::new));
  }

  @Test
  void theWholeLifecycle() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Path plain = Files.createDirectories(tmp.resolve("plain/sub"));
    byte[] big = new byte[300_000];
    new Random(1).nextBytes(big);
    Files.write(plain.resolve("big.bin"), big);
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Path root = tmp.resolve("root");

    Run init = keys("keys", "init");
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("current key master"));
    assertEquals(2, keys("keys", "init").code(), "an existing keystore is not overwritten");

    Run encrypt = keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 2, already done 0, failed 0"), encrypt.out());
    assertTrue(encrypt.out().contains("MiB/s"), "progress with a rate: " + encrypt.out());
    Run again = keys("encrypt", tmp.resolve("plain").toString(), root.toString());
    assertTrue(again.out().contains("encrypted 0, already done 2"), "resumes: " + again.out());
    // The raw file is not the plaintext.
    assertFalse(Files.readString(root.resolve("a.txt"), java.nio.charset.StandardCharsets.ISO_8859_1).contains("alpha"));

    Run info = keys("info", root.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("format version: 1"), info.out());
    assertTrue(info.out().contains("AES-256-GCM"), info.out());
    assertTrue(info.out().contains("block size:     4096"), info.out());
    assertTrue(info.out().contains("master\t3 file(s)"), info.out());

    assertEquals(0, keys("verify", root.toString()).code());

    Run rotate = keys("keys", "rotate");
    assertEquals(0, rotate.code(), rotate.err());
    String rotated = rotate.out().lines().findFirst().orElseThrow().replace("rotated: current key is now ", "");
    Run retireEarly = keys("keys", "retire", "master", "--root", root.toString());
    assertEquals(3, retireEarly.code());
    assertTrue(retireEarly.err().contains("still used by 3 file(s)"), retireEarly.err());
    assertEquals(1, retireEarly.err().lines().count(), "one line, no stack trace");
    // The keystore folds case: MASTER is the same key, as much in use.
    Run retireFolded = keys("keys", "retire", "MASTER", "--root", root.toString());
    assertEquals(3, retireFolded.code(), retireFolded.out() + retireFolded.err());
    assertTrue(retireFolded.err().contains("still used by 3 file(s)"), retireFolded.err());

    Run rewrap = keys("rewrap", root.toString());
    assertEquals(0, rewrap.code(), rewrap.err());
    assertTrue(rewrap.out().contains("rewrapped 3, already done 0"), rewrap.out());
    assertTrue(keys("rewrap", root.toString()).out().contains("rewrapped 0, already done 3"));
    Run retire = keys("keys", "retire", "master", "--root", root.toString());
    assertEquals(0, retire.code(), retire.err());
    Run list = keys("keys", "list");
    assertEquals(1, list.out().lines().count(), list.out());
    assertTrue(list.out().contains(rotated + "\t") && list.out().contains("current"), list.out());

    // A per-subtree policy: only the file under /sub moves to the new key.
    assertEquals(0, keys("keys", "generate", "pii-key").code());
    Run byPolicy = keys("rewrap", root.toString(), "--key-policy", "/sub/**=pii-key");
    assertEquals(0, byPolicy.code(), byPolicy.err());
    assertTrue(byPolicy.out().contains("rewrapped 1, already done 2"), byPolicy.out());
    assertTrue(keys("info", root.toString()).out().contains("pii-key\t1 file(s)"));

    Path out = tmp.resolve("exported");
    Run decrypt = keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.err());
    assertArrayEquals(big, Files.readAllBytes(out.resolve("sub/big.bin")));
    assertEquals("alpha", Files.readString(out.resolve("a.txt")));

    // Damage two blocks of big.bin (blocks 1 and 5): verify names both and exits 1.
    Path raw = root.resolve("sub/big.bin");
    long front = 512 + 3 * (4096 + 64);
    for (long block : new long[] {1, 5}) {
      flipByte(raw, front + block * (4096 + 40) + 30);
    }
    Run verify = keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("/sub/big.bin: block 1: failed authentication"), verify.out());
    assertTrue(verify.out().contains("/sub/big.bin: block 5: failed authentication"), verify.out());
    assertTrue(verify.out().contains("DAMAGE: 2 file(s) verified, 1 damaged"), verify.out());

    Run report = keys("report", "--root", root.toString());
    assertEquals(0, report.code(), report.err());
    assertTrue(report.out().contains(rotated + " (current)"), report.out());
    assertTrue(report.out().contains("files 2"), report.out());
    assertTrue(report.out().contains("last rotation: "), report.out());
    assertTrue(report.out().contains("CONTENT_AUTHENTICATION_FAILED /sub/big.bin block 1"), report.out());
  }

  /**
   * A file whose every tail record is damaged does not open; rewrap rewraps its header, names it,
   * and exits 1, and the old key can then be retired.
   */
  @Test
  void rewrapReportsAFileThatDoesNotOpenAndStillFreesTheOldKey() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/ok.txt"), "fine");
    Files.writeString(tmp.resolve("plain/bad.txt"), "its end is lost");
    Path root = tmp.resolve("root");
    assertEquals(0, keys("keys", "init").code());
    Run encrypt = keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    loseTheEnd(root.resolve("bad.txt"));
    assertEquals(0, keys("keys", "rotate").code());
    Run rewrap = keys("rewrap", root.toString());
    assertEquals(1, rewrap.code(), rewrap.out() + rewrap.err());
    assertTrue(rewrap.out().contains("/bad.txt: rewrapped to "), rewrap.out());
    assertTrue(rewrap.out().contains("content damaged 1"), rewrap.out());
    Run retire = keys("keys", "retire", "master", "--root", root.toString());
    assertEquals(0, retire.code(), retire.out() + retire.err());
  }

  /**
   * A file that does not open (every tail record damaged) is one DAMAGED line for verify and one
   * FAILED line for decrypt, and both go on with the other files and exit 1; before, the walk
   * that lists the files stopped at it with exit 4 and checked nothing.
   */
  @Test
  void verifyAndDecryptReportAFileThatDoesNotOpenAndGoOn() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain/sub"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Files.writeString(tmp.resolve("plain/sub/bad.txt"), "its end is lost");
    Files.writeString(tmp.resolve("plain/z.txt"), "omega");
    Path root = tmp.resolve("root");
    assertEquals(0, keys("keys", "init").code());
    assertEquals(0, keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create").code());
    loseTheEnd(root.resolve("sub/bad.txt"));
    Run verify = keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("DAMAGED /sub/bad.txt: "), verify.out());
    assertTrue(verify.out().contains("DAMAGE: 3 file(s) verified, 1 damaged"), verify.out());

    Path out = tmp.resolve("out");
    Run decrypt = keys("decrypt", root.toString(), out.toString());
    assertEquals(1, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("sub/bad.txt: FAILED: /sub/bad.txt: "), decrypt.out());
    assertEquals("alpha", Files.readString(out.resolve("a.txt")));
    assertEquals("omega", Files.readString(out.resolve("z.txt")));
    assertFalse(Files.exists(out.resolve("sub/bad.txt")));
  }

  /**
   * The report reads the audit file as JSON: a path with a quote, a backslash and a non-ASCII
   * letter comes back as it was, and a line a crash cut short is counted, not misread.
   */
  @Test
  void reportReadsTheAuditFileAsJson() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, keys("keys", "init").code());
    Files.writeString(
        tmp.resolve("audit.jsonl"),
        "{\"time\":\"2026-12-01T10:00:00Z\",\"kind\":\"CONTENT_AUTHENTICATION_FAILED\","
            + "\"level\":\"WARNING\",\"principal\":\"svc\",\"pid\":7,\"details\":{\"block\":\"3\","
            + "\"path\":\"/a \\\"b\\\" \\\\ \\u00e9\",\"reason\":\"failed authentication\"}}\n"
            + "{\"time\":\"2026-12-01T10:00:01Z\",\"kind\":\"KEY_UNWRAP_FAI\n",
        java.nio.file.StandardOpenOption.APPEND);
    Run report = keys("report");
    assertEquals(0, report.code(), report.err());
    String line = "2026-12-01T10:00:00Z CONTENT_AUTHENTICATION_FAILED /a \"b\" \\ \u00e9 block 3";
    assertTrue(report.out().contains(line), report.out());
    assertTrue(report.out().contains("recent failures: 1"), report.out());
    assertTrue(report.out().contains("1 audit line(s) unreadable"), report.out());
  }

  @Test
  void errorsAreOneLineWithDocumentedExitCodes() throws Exception {
    Files.writeString(tmp.resolve("pass"), "wrong password\n");
    Run usage = run("verify");
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("Missing required"), usage.err());
    Run missing = keys("keys", "list");
    assertEquals(4, missing.code());
    assertEquals(
        "encryptedfs: " + tmp.resolve("keys.p12") + ": no such file", missing.err().strip());
    assertEquals(1, missing.err().lines().count());
    Run help = run("verify", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--password-env") && help.out().contains("Exit codes"), help.out());
    Run top = run("--help");
    assertTrue(top.out().contains("rewrap") && top.out().contains("3   key or password error"), top.out());
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
    assertEquals(0, keys("keys", "init").code());

    Run encrypt = keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 2, already done 0, failed 0"), encrypt.out());

    try (FileSystem fs = openRoot(root)) {
      assertEquals("the user's own", Files.readString(fs.getPath("/sub/report.encryptedfs-part")));
      Files.writeString(fs.getPath("/sub/log.encryptedfs-part"), "written in the root");
    }
    Path out = tmp.resolve("exported");
    Run decrypt = keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("decrypted 3, already done 0, failed 0"), decrypt.out());
    assertEquals("the user's own", Files.readString(out.resolve("sub/report.encryptedfs-part")));
    assertEquals("written in the root", Files.readString(out.resolve("sub/log.encryptedfs-part")));

    // clash.encryptedfs-part is where clash is written before its rename: copying both would
    // destroy one copy, so it is refused, and the run does not claim success.
    Files.writeString(plain.resolve("clash"), "first");
    Files.writeString(plain.resolve("clash.encryptedfs-part"), "second");
    Run clash = keys("encrypt", tmp.resolve("plain").toString(), root.toString());
    assertEquals(1, clash.code(), clash.out() + clash.err());
    assertTrue(clash.out().contains("encrypted 1, already done 2, failed 1"), clash.out());
    String refused =
        "sub/clash.encryptedfs-part: FAILED: not copied, its name is the temporary name of"
            + " sub/clash";
    assertTrue(clash.out().contains(refused), clash.out());
    try (FileSystem fs = openRoot(root)) {
      assertEquals("first", Files.readString(fs.getPath("/sub/clash")));
      Files.writeString(fs.getPath("/sub/clash.encryptedfs-part"), "second");
    }
    Run clashOut = keys("decrypt", root.toString(), out.toString());
    assertEquals(1, clashOut.code(), clashOut.out() + clashOut.err());
    assertTrue(clashOut.out().contains("decrypted 1, already done 3, failed 1"), clashOut.out());
    assertEquals("first", Files.readString(out.resolve("sub/clash")));
    assertFalse(Files.exists(out.resolve("sub/clash.encryptedfs-part")));
  }

  private FileSystem openRoot(Path root) throws Exception {
    return EncryptedFileSystems.newFileSystem(
        root,
        Map.of(
            EncryptedFileSystems.KEYSTORE,
            tmp.resolve("keys.p12"),
            EncryptedFileSystems.KEYSTORE_PASSWORD,
            "correct horse battery"));
  }

  @Test
  void anInvalidAliasCreatesNoKeystore() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Run bad = keys("keys", "init", "--alias", "Master");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(
        bad.err().contains("invalid key alias 'Master'") && bad.err().contains("--alias"),
        bad.err());
    assertFalse(Files.exists(tmp.resolve("keys.p12")), "nothing created");
    Run good = keys("keys", "init", "--alias", "master");
    assertEquals(0, good.code(), good.err());
  }

  /** A crash can cut an audit line inside a UTF-8 character: that line is counted, not fatal. */
  @Test
  void reportCountsAnAuditLineCutInsideACharacter() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, keys("keys", "init").code());
    String failure =
        "{\"time\":\"2026-12-01T10:00:0%dZ\",\"kind\":\"KEY_UNWRAP_FAILED\",\"details\":{\"path\":"
            + "\"/caf\u00e9%d\"}}\n";
    // A torn line: its last byte is the first of the two that encode \u00e9.
    byte[] torn =
        "{\"time\":\"2026-12-01T10:00:02Z\",\"path\":\"/caf\u00e9".getBytes(StandardCharsets.UTF_8);
    try (var audit = Files.newOutputStream(tmp.resolve("audit.jsonl"), StandardOpenOption.APPEND)) {
      audit.write(String.format(failure, 1, 1).getBytes(StandardCharsets.UTF_8));
      audit.write(torn, 0, torn.length - 1);
      audit.write('\n');
      audit.write(String.format(failure, 3, 3).getBytes(StandardCharsets.UTF_8));
      audit.write(torn, 0, torn.length - 1);
    }
    Run report = keys("report");
    assertEquals(0, report.code(), report.out() + report.err());
    assertTrue(report.out().contains("recent failures: 2"), report.out());
    assertTrue(report.out().contains("2 audit line(s) unreadable"), report.out());
    assertTrue(report.out().contains("KEY_UNWRAP_FAILED /caf\u00e93"), report.out());

    Files.delete(tmp.resolve("audit.jsonl"));
    Files.createDirectory(tmp.resolve("audit.jsonl"));
    Run unreadable = keys("report");
    assertEquals(4, unreadable.code(), unreadable.out() + unreadable.err());
    assertEquals("", unreadable.out(), "no half report");
    assertEquals(
        "encryptedfs: " + tmp.resolve("audit.jsonl") + ": Is a directory", unreadable.err().strip());

    Run negative = keys("report", "--failures", "-1");
    assertEquals(2, negative.code(), negative.err());
    assertEquals("", negative.out());
    assertTrue(
        negative.err().startsWith("encryptedfs: --failures must be 0 or more, was -1"),
        negative.err());
  }

  /**
   * An unreadable keystore is named with the reason. Root reads a mode-000 file, so then a path
   * through a regular file makes the file system error instead.
   */
  @Test
  void anUnreadableKeystoreIsNamedWithTheReason() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, keys("keys", "init").code());
    Path keystore = tmp.resolve("keys.p12");
    Files.setPosixFilePermissions(keystore, java.util.Set.of());
    String expected = keystore.toRealPath() + ": permission denied";
    if (Files.isReadable(keystore)) {
      keystore = tmp.resolve("pass/keys.p12");
      expected = keystore + ": Not a directory";
    }
    Run run =
        run(
            "keys",
            "list",
            "--keystore",
            keystore.toString(),
            "--password-file",
            tmp.resolve("pass").toString());
    assertEquals(4, run.code(), run.err());
    assertEquals("encryptedfs: " + expected, run.err().strip());
  }

  /** Every password problem is a key or password error (3), as the README says; none shows it. */
  @Test
  void passwordProblemsExitThree() throws Exception {
    String keystore = tmp.resolve("keys.p12").toString();
    Path pass = tmp.resolve("pass");
    Run unset =
        run("keys", "list", "-k", keystore, "--password-env", "ENCRYPTEDFS_TEST_UNSET_VARIABLE");
    assertEquals(3, unset.code(), unset.err());
    assertTrue(unset.err().contains("ENCRYPTEDFS_TEST_UNSET_VARIABLE is not set"), unset.err());

    Run noConsole = run("keys", "list", "-k", keystore);
    assertEquals(3, noConsole.code(), noConsole.err());
    assertTrue(noConsole.err().contains("no console"), noConsole.err());

    Files.writeString(pass, "\n");
    Run empty = run("keys", "list", "-k", keystore, "--password-file", pass.toString());
    assertEquals(3, empty.code(), empty.err());
    assertTrue(empty.err().contains("empty password from file " + pass), empty.err());

    Files.writeString(pass, "s\u00e9same-9\n");
    Run nonAscii = run("keys", "init", "-k", keystore, "--password-file", pass.toString());
    assertEquals(3, nonAscii.code(), nonAscii.err());
    assertTrue(
        nonAscii.err().contains("password from file " + pass + " is not printable ASCII"),
        nonAscii.err());
    assertFalse(nonAscii.err().contains("same-9"), "the password is not shown: " + nonAscii.err());
    assertFalse(Files.exists(tmp.resolve("keys.p12")));

    // A password file that cannot be read at all is an I/O error, named.
    Run missing =
        run("keys", "list", "-k", keystore, "--password-file", tmp.resolve("nope").toString());
    assertEquals(4, missing.code(), missing.err());
    assertEquals("encryptedfs: " + tmp.resolve("nope") + ": no such file", missing.err().strip());
  }

  @Test
  void aKeyPolicyNamingAMissingKeyIsAKeyError() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Path root = tmp.resolve("root");
    assertEquals(0, keys("keys", "init").code());
    Run encrypt = keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    Run rewrap = keys("rewrap", root.toString(), "--key-policy", "/sub/**=nokey");
    assertEquals(3, rewrap.code(), rewrap.out() + rewrap.err());
    assertEquals(1, rewrap.err().lines().count(), rewrap.err());
    assertTrue(
        rewrap.err().contains("'nokey'") && rewrap.err().contains("'key.policy'"), rewrap.err());
    // A policy whose keys all exist but which is malformed stays a usage error.
    Run malformed = keys("rewrap", root.toString(), "--key-policy", "sub/**=master");
    assertEquals(2, malformed.code(), malformed.out() + malformed.err());
    assertTrue(malformed.err().contains("must be an absolute path"), malformed.err());
  }
}
