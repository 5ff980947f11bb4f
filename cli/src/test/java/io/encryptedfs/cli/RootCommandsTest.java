package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code info}, {@code verify} and {@code rewrap} on roots with damaged files or bad policies. */
class RootCommandsTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  /**
   * A file whose every tail record is damaged does not open; rewrap rewraps its header, names it,
   * and exits 1, and the old key can then be retired.
   */
  @Test
  void rewrapReportsAFileThatDoesNotOpenAndStillFreesTheOldKey() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/ok.txt"), "fine");
    Files.writeString(tmp.resolve("plain/bad.txt"), "its end is lost");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    CliRunner.loseTheEnd(root.resolve("bad.txt"));
    assertEquals(0, cli.keys("keys", "rotate").code());
    Run rewrap = cli.keys("rewrap", root.toString());
    assertEquals(1, rewrap.code(), rewrap.out() + rewrap.err());
    assertTrue(rewrap.out().contains("/bad.txt: rewrapped to "), rewrap.out());
    assertTrue(rewrap.out().contains("content damaged 1"), rewrap.out());
    Run retire = cli.keys("keys", "retire", "master", "--root", root.toString());
    assertEquals(0, retire.code(), retire.out() + retire.err());
  }

  /**
   * A copy of a root made with hard links ({@code cp -al}) shares the root's files: rewrap of the
   * copy leaves the shared files on their key (exit 1, a line each), which keeps the old key from
   * being retired through the copy, so the original still opens and reads with its keys.
   */
  @Test
  void rewrapAndRetireLeaveACopyMadeWithHardLinksAlone() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    Path snap = tmp.resolve("snap");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.toList()) {
        Path copy = snap.resolve(root.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(copy);
        } else {
          Files.createLink(copy, p);
        }
      }
    }
    assertEquals(0, cli.keys("keys", "rotate").code());
    Run rewrap = cli.keys("rewrap", snap.toString());
    assertEquals(1, rewrap.code(), rewrap.out() + rewrap.err());
    assertTrue(
        rewrap.out().contains("/a.txt: has 2 hard links, 1 outside this root"), rewrap.out());
    assertTrue(rewrap.out().contains("rewrapped 0, already done 0"), rewrap.out());
    // The shared files still name the old key, so the copy cannot retire it.
    Run retire = cli.keys("keys", "retire", "master", "--root", snap.toString());
    assertEquals(3, retire.code(), retire.out() + retire.err());
    Run verify = cli.keys("verify", root.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
  }

  /**
   * The temporary file an interrupted encrypt left in the root (torn: its end lost) is named as a
   * leftover by verify, not counted as damage; its source is still there and a rerun deletes it.
   */
  @Test
  void verifyNamesTheLeftoverOfAnInterruptedEncryptWithoutCountingItAsDamage() throws Exception {
    Path root = tmp.resolve("root");
    Path part = rootWithATornLeftover(root);

    Run verify = cli.keys("verify", root.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(
        verify.out().contains("LEFTOVER /" + part.getFileName() + ": the temporary file of an"),
        verify.out());
    assertTrue(verify.out().contains("OK: 1 file(s) verified, 0 damaged"), verify.out());

    Files.writeString(tmp.resolve("plain/b.txt"), "beta");
    assertEquals(0, cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString()).code());
    assertTrue(Files.notExists(part));
  }

  /**
   * info and rewrap treat the torn leftover of an interrupted encrypt as verify does: one LEFTOVER
   * line, not counted among the files; rewrap leaves it alone instead of rewrapping it and failing
   * on its damage.
   */
  @Test
  void infoAndRewrapNameTheLeftoverOfAnInterruptedEncryptAndLeaveItAlone() throws Exception {
    Path root = tmp.resolve("root");
    Path part = rootWithATornLeftover(root);
    String leftover = "LEFTOVER /" + part.getFileName() + ": the temporary file of an";

    Run info = cli.keys("info", root.toString());
    assertEquals(0, info.code(), info.out() + info.err());
    assertTrue(info.out().contains(leftover), info.out());
    assertTrue(info.out().contains("not counted (a rerun of encrypt deletes it"), info.out());
    assertTrue(info.out().contains("master\t2 file(s)"), "the marker and a.txt: " + info.out());

    assertEquals(0, cli.keys("keys", "rotate").code());
    Run rewrap = cli.keys("rewrap", root.toString());
    assertEquals(0, rewrap.code(), rewrap.out() + rewrap.err());
    assertTrue(rewrap.out().contains(leftover), rewrap.out());
    assertTrue(rewrap.out().contains("not rewrapped (a rerun of encrypt deletes it"), rewrap.out());
    assertTrue(
        rewrap
            .out()
            .contains("rewrapped 2, already done 0, skipped 0, failed 0, content damaged 0"),
        rewrap.out());
  }

  /**
   * A root nested in the one named, and a leftover of an interrupted encrypt, are not among its
   * files: info names them instead of counting them, rewrap's progress counts only the files it
   * rewraps, and report, given both roots, counts each file once and no leftover.
   */
  @Test
  void countsAreOfTheRootsOwnFilesOnly() throws Exception {
    Path root = tmp.resolve("root");
    rootWithATornLeftover(root);
    Files.writeString(Files.createDirectories(tmp.resolve("plain2")).resolve("b.txt"), "beta");
    Path nested = root.resolve("sub");
    assertEquals(
        0,
        cli.keys("encrypt", tmp.resolve("plain2").toString(), nested.toString(), "--create")
            .code());

    Run info = cli.keys("info", root.toString());
    Run report = cli.keys("report", "--root", root.toString(), "--root", nested.toString());
    // The same roots again, each spelled another way too: still each directory once.
    Path link = Files.createSymbolicLink(tmp.resolve("link"), root);
    Run again =
        cli.keys(
            "report",
            "--root",
            root.toString(),
            "--root",
            link.toString(),
            "--root",
            root.resolve(".").toString(),
            "--root",
            nested.toString(),
            "--root",
            nested.toString());
    assertEquals(0, cli.keys("keys", "rotate").code());
    Run rewrap = cli.keys("rewrap", root.toString());
    assertAll(
        () -> assertEquals(0, info.code(), info.out() + info.err()),
        () -> assertTrue(info.out().contains("master\t2 file(s)"), "marker, a.txt: " + info.out()),
        () -> assertTrue(info.out().contains("NESTED /sub: a root of its own"), info.out()),
        () -> assertEquals(0, report.code(), report.out() + report.err()),
        () ->
            assertTrue(
                report
                    .out()
                    .lines()
                    .anyMatch(l -> l.startsWith("  master") && l.endsWith("\tfiles 4")),
                "two markers, a.txt and b.txt: " + report.out()),
        () -> assertEquals(0, again.code(), again.out() + again.err()),
        () ->
            assertTrue(
                again
                    .out()
                    .lines()
                    .anyMatch(l -> l.startsWith("  master") && l.endsWith("\tfiles 4")),
                "each root once, however spelled: " + again.out()),
        () -> assertEquals(0, rewrap.code(), rewrap.out() + rewrap.err()),
        () -> assertTrue(rewrap.out().contains("rewrapped 2/2 files"), rewrap.out()));
  }

  /**
   * verify and decrypt stop at a root nested in the one named, as info does: a NESTED line names
   * it, its files are neither verified nor exported nor counted. Before, verify counted the nested
   * marker as a file and, for a root under another keystore, reported its files DAMAGED (exit 1);
   * decrypt exported the marker and files of a nested root of the same keystore as plain files.
   * decrypt exits 5, not 0: an operator who exports and then deletes the root must hear that the
   * export is not the whole of it.
   */
  @Test
  void verifyAndDecryptNameANestedRootWithoutEnteringIt() throws Exception {
    Path root = tmp.resolve("root");
    rootWithATornLeftover(root);
    Files.writeString(Files.createDirectories(tmp.resolve("plain2")).resolve("b.txt"), "beta");
    assertEquals(
        0,
        cli.keys(
                "encrypt",
                tmp.resolve("plain2").toString(),
                root.resolve("sub").toString(),
                "--create")
            .code());
    CliRunner otherKeys = new CliRunner(Files.createDirectories(tmp.resolve("other")));
    CliRunner.writePassword(tmp.resolve("other/pass"), "another battery staple\n");
    assertEquals(0, otherKeys.keys("keys", "init").code());
    assertEquals(
        0,
        otherKeys
            .keys(
                "encrypt",
                tmp.resolve("plain2").toString(),
                root.resolve("x/y").toString(),
                "--create")
            .code());

    Run verify = cli.keys("verify", root.toString());
    Path out = tmp.resolve("out");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertAll(
        () -> assertEquals(0, verify.code(), verify.out() + verify.err()),
        () -> assertTrue(verify.out().contains("NESTED /sub: a root of its own"), verify.out()),
        () -> assertTrue(verify.out().contains("NESTED /x/y: a root of its own"), verify.out()),
        () -> assertTrue(verify.out().contains("OK: 1 file(s) verified, 0 damaged"), verify.out()),
        () -> assertFalse(verify.out().contains("DAMAGED"), verify.out()),
        () -> assertEquals(5, decrypt.code(), "something left out: " + decrypt.out()),
        () -> assertTrue(decrypt.out().contains("NESTED /sub: a root of its own"), decrypt.out()),
        () -> assertTrue(decrypt.out().contains("NESTED /x/y: a root of its own"), decrypt.out()),
        () ->
            assertTrue(
                decrypt.out().contains("decrypted 1, already done 0, failed 0"), decrypt.out()),
        () -> assertEquals("alpha", Files.readString(out.resolve("a.txt"))),
        () -> assertFalse(Files.exists(out.resolve("sub")), "nothing of /sub exported"),
        () -> assertFalse(Files.exists(out.resolve("x/y")), "nothing of /x/y exported"));
  }

  /**
   * Encrypts {@code plain/a.txt} into a new {@code root}, then leaves there what an encrypt
   * interrupted while writing {@code b.txt} leaves: its temporary, torn (its end lost); returns it.
   */
  private Path rootWithATornLeftover(Path root) throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    assertEquals(0, cli.keys("keys", "init").code());
    assertEquals(
        0,
        cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create").code());
    Path part = PartNames.of(root.resolve("b.txt"));
    Files.copy(root.resolve("a.txt"), part);
    CliRunner.loseTheEnd(part);
    return part;
  }

  /**
   * A file that does not open (every tail record damaged) is one DAMAGED line for verify and one
   * FAILED line for decrypt, and both go on with the other files and exit 1; before, the walk that
   * lists the files stopped at it with exit 4 and checked nothing.
   */
  @Test
  void verifyAndDecryptReportAFileThatDoesNotOpenAndGoOn() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain/sub"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Files.writeString(tmp.resolve("plain/sub/bad.txt"), "its end is lost");
    Files.writeString(tmp.resolve("plain/z.txt"), "omega");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    assertEquals(
        0,
        cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create").code());
    CliRunner.loseTheEnd(root.resolve("sub/bad.txt"));
    Run verify = cli.keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("DAMAGED /sub/bad.txt: "), verify.out());
    assertTrue(verify.out().contains("DAMAGE: 3 file(s) verified, 1 damaged"), verify.out());
    assertEquals(1, contentFailures().size(), String.join("\n", contentFailures()));

    Path out = tmp.resolve("out");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(1, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("sub/bad.txt: FAILED: /sub/bad.txt: "), decrypt.out());
    assertEquals("alpha", Files.readString(out.resolve("a.txt")));
    assertEquals("omega", Files.readString(out.resolve("z.txt")));
    assertFalse(Files.exists(out.resolve("sub/bad.txt")));
  }

  /**
   * Verify names each damaged block once, and the audit trail has one failure for each: before, it
   * read the failing chunk's first damaged block again while stepping through the chunk, so one
   * verify recorded that block twice and {@code report} listed it twice. With blocks larger than 4
   * KiB it stepped by 4 KiB and skipped the 4 KiB range with the named block's index, so a damaged
   * 64 KiB block was read and recorded sixteen times; it now steps by the file's block size, which
   * the failure names.
   */
  @ParameterizedTest
  @ValueSource(ints = {4096, 65536})
  void verifyRecordsEachDamagedBlockOnceInTheAuditTrail(int block) throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path root = tmp.resolve("root");
    try (FileSystem fs = cli.createRoot(root, block)) {
      Files.write(fs.getPath("/big.bin"), new byte[5 * block - 100]);
    }
    long front = 512 + 3 * (block + 64);
    for (long damaged : new long[] {1, 3}) {
      CliRunner.flipByte(root.resolve("big.bin"), front + damaged * (block + 40) + 100);
    }
    Run verify = cli.keys("verify", root.toString());
    assertEquals(1, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("DAMAGED /big.bin: block 1: "), verify.out());
    assertTrue(verify.out().contains("DAMAGED /big.bin: block 3: "), verify.out());
    assertTrue(verify.out().contains("1 file(s) verified, 1 damaged"), verify.out());
    List<String> failures = contentFailures();
    assertEquals(2, failures.size(), String.join("\n", failures));
    assertTrue(failures.get(0).contains("\"block\":\"1\""), failures.get(0));
    assertTrue(failures.get(1).contains("\"block\":\"3\""), failures.get(1));
  }

  @Test
  void aKeyPolicyNamingAMissingKeyIsAKeyError() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    Run rewrap = cli.keys("rewrap", root.toString(), "--key-policy", "/sub/**=nokey");
    assertEquals(3, rewrap.code(), rewrap.out() + rewrap.err());
    assertEquals(1, rewrap.err().lines().count(), rewrap.err());
    assertTrue(
        rewrap.err().contains("'nokey'") && rewrap.err().contains("'key.policy'"), rewrap.err());
    // A policy whose keys all exist but which is malformed stays a usage error.
    Run malformed = cli.keys("rewrap", root.toString(), "--key-policy", "sub/**=master");
    assertEquals(2, malformed.code(), malformed.out() + malformed.err());
    assertEquals(
        "encryptedfs: invalid value for option --key-policy (not repeated, in case a password was"
            + " given there): rule 1 of 1 has a glob that is not an absolute path such as /pii/**",
        malformed.err().strip());
  }

  /**
   * A directory that is not a root is named, with the tool's way to make one: the provider's
   * message speaks of its 'create' setting, which a user of the tool never sees.
   */
  @Test
  void aDirectoryThatIsNotARootIsNamedWithTheOptionThatMakesOne() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path notRoot = Files.createDirectories(tmp.resolve("not-a-root"));
    String expected =
        "encryptedfs: "
            + notRoot
            + ": not an encrypted root (initialise one with encrypt --create)";
    for (Run run :
        List.of(
            cli.keys("verify", notRoot.toString()),
            cli.keys("info", notRoot.toString()),
            cli.keys("encrypt", plain.toString(), notRoot.toString()))) {
      assertEquals(2, run.code(), run.out() + run.err());
      assertEquals(expected, run.err().strip());
    }
    assertEquals(List.of(), Files.list(notRoot).toList(), "nothing written");
  }

  /** The audit trail's content authentication failures, in order. */
  private List<String> contentFailures() throws IOException {
    try (Stream<String> lines = Files.lines(tmp.resolve("audit.jsonl"))) {
      return lines.filter(l -> l.contains("CONTENT_AUTHENTICATION_FAILED")).toList();
    }
  }
}
