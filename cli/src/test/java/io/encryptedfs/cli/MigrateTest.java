package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import io.encryptedfs.nio.KeyRotation;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code encrypt} and {@code decrypt}: what they copy, refuse and leave alone. */
class MigrateTest {
  private static final String RESERVED =
      "a name reserved for root markers (starting with .encryptedfs), which the root does not"
          + " create; not copied (rename it to copy it)";

  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  /** A user's file may end in .encryptedfs-part: both directions copy it like any other. */
  @Test
  void migrationCopiesUserFilesNamedLikeItsTemporaries() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
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

    // Beside clash, clash.encryptedfs-part (the tool's temporary name for clash before) is copied
    // too: the temporary names now carry a tag no user's file has.
    Files.writeString(plain.resolve("clash"), "first");
    Files.writeString(plain.resolve("clash.encryptedfs-part"), "second");
    Run clash = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString());
    assertEquals(0, clash.code(), clash.out() + clash.err());
    assertTrue(clash.out().contains("encrypted 2, already done 2, failed 0"), clash.out());
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("first", Files.readString(fs.getPath("/sub/clash")));
      assertEquals("second", Files.readString(fs.getPath("/sub/clash.encryptedfs-part")));
    }
    Run clashOut = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, clashOut.code(), clashOut.out() + clashOut.err());
    assertTrue(clashOut.out().contains("decrypted 2, already done 3, failed 0"), clashOut.out());
    assertEquals("first", Files.readString(out.resolve("sub/clash")));
    assertEquals("second", Files.readString(out.resolve("sub/clash.encryptedfs-part")));
  }

  /**
   * A file the user made in the root, named as the tool once named its temporaries
   * (NAME.encryptedfs-part), is the user's: encrypting NAME leaves it as it was. Before, it was
   * overwritten and renamed over NAME.
   */
  @Test
  void encryptLeavesAUsersFileAtTheOldTemporaryNameAlone() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path root = tmp.resolve("root");
    initAndEncrypt(plain, root);
    try (FileSystem fs = cli.openRoot(root)) {
      Files.writeString(fs.getPath("/b.txt.encryptedfs-part"), "the user's own");
    }
    Files.writeString(plain.resolve("b.txt"), "beta");
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString());
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 1, already done 1, failed 0"), encrypt.out());
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("beta", Files.readString(fs.getPath("/b.txt")));
      assertEquals("the user's own", Files.readString(fs.getPath("/b.txt.encryptedfs-part")));
    }
  }

  /** The same for a file the user made in PLAIN_DIR: decrypting NAME leaves it as it was. */
  @Test
  void decryptLeavesAUsersFileAtTheOldTemporaryNameAlone() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path root = tmp.resolve("root");
    initAndEncrypt(plain, root);
    Path out = Files.createDirectories(tmp.resolve("exported"));
    Files.writeString(out.resolve("a.txt.encryptedfs-part"), "the user's own");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("decrypted 1, already done 0, failed 0"), decrypt.out());
    assertEquals("alpha", Files.readString(out.resolve("a.txt")));
    assertEquals("the user's own", Files.readString(out.resolve("a.txt.encryptedfs-part")));
  }

  /**
   * A rerun removes the leftovers of an interrupted run from the target, one that opens or one that
   * does not, and does not copy one found in the source (as when PLAIN_DIR was once the target of
   * an interrupted decrypt).
   */
  @Test
  void aRerunRemovesTheLeftoversOfAnInterruptedRunAndCopiesNone() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path root = tmp.resolve("root");
    initAndEncrypt(plain, root);
    Files.writeString(plain.resolve("b.txt"), "beta");
    Files.writeString(plain.resolve("c.txt"), "gamma");
    try (FileSystem fs = cli.openRoot(root)) {
      Files.writeString(PartNames.of(fs.getPath("/b.txt")), "be");
    }
    Path unopenable = PartNames.of(root.resolve("c.txt"));
    Files.write(unopenable, new byte[100]);
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString());
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 2, already done 1, failed 0"), encrypt.out());
    try (Stream<Path> files = Files.list(root)) {
      assertEquals(
          List.of(".encryptedfs", "a.txt", "b.txt", "c.txt"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }

    Path out = Files.createDirectories(tmp.resolve("exported"));
    Files.writeString(PartNames.of(out.resolve("a.txt")), "alp");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("decrypted 3, already done 0, failed 0"), decrypt.out());
    assertEquals("alpha", Files.readString(out.resolve("a.txt")));
    assertFalse(Files.exists(PartNames.of(out.resolve("a.txt"))));

    Path leftover = PartNames.of(out.resolve("b.txt"));
    Files.writeString(leftover, "be");
    Run fromLeftovers = cli.keys("encrypt", out.toString(), root.toString());
    assertEquals(0, fromLeftovers.code(), fromLeftovers.out() + fromLeftovers.err());
    String skipped = leftover.getFileName() + ": skipped, the temporary file of an interrupted run";
    assertTrue(fromLeftovers.out().contains(skipped), fromLeftovers.out());
    assertTrue(
        fromLeftovers.out().contains("encrypted 0, already done 3, failed 0"), fromLeftovers.out());
    assertFalse(Files.exists(root.resolve(leftover.getFileName().toString())));
    assertEquals("be", Files.readString(leftover), "the source is not changed");
  }

  /**
   * encrypt does not write into a root nested in ROOT (its files would be under this keystore's
   * keys, which the nested root does not read), nor copy a file or directory named as a root marker
   * (it would make its directory a nested root): each is named, the rest is copied, and the exit
   * code (5) says something was left out. Before, both were copied and the run exited 0.
   */
  @Test
  void encryptLeavesOutANestedRootAndNamesLikeARootMarker() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path root = tmp.resolve("root");
    initAndEncrypt(plain, root);
    Path plain2 = Files.createDirectories(tmp.resolve("plain2"));
    Files.writeString(plain2.resolve("b.txt"), "beta");
    Run nest = cli.keys("encrypt", plain2.toString(), root.resolve("sub").toString(), "--create");
    assertEquals(0, nest.code(), nest.out() + nest.err());
    Files.writeString(Files.createDirectories(plain.resolve("sub")).resolve("c.txt"), "gamma");
    Files.writeString(Files.createDirectories(plain.resolve("x")).resolve(".encryptedfs"), "mine");
    Files.writeString(plain.resolve("x/d.txt"), "delta");
    Files.writeString(
        Files.createDirectories(plain.resolve("y/.encryptedfs")).resolve("e.txt"), "epsilon");

    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString());
    assertAll(
        () -> assertEquals(5, encrypt.code(), encrypt.out() + encrypt.err()),
        () ->
            assertTrue(
                encrypt.out().contains("NESTED /sub: a root of its own, not encrypted into"),
                encrypt.out()),
        () ->
            assertTrue(
                encrypt.out().contains("SKIPPED x/.encryptedfs: " + RESERVED), encrypt.out()),
        () ->
            assertTrue(
                encrypt.out().contains("SKIPPED y/.encryptedfs: " + RESERVED), encrypt.out()),
        () ->
            assertTrue(
                encrypt.out().contains("encrypted 1, already done 1, failed 0"), encrypt.out()),
        () -> assertFalse(Files.exists(root.resolve("sub/c.txt")), "nothing in the nested root"),
        () -> assertFalse(Files.exists(root.resolve("x/.encryptedfs")), "no marker made"),
        () -> assertFalse(Files.exists(root.resolve("y/.encryptedfs")), "no marker made"));
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("delta", Files.readString(fs.getPath("/x/d.txt")));
      assertEquals(List.of("/sub"), KeyRotation.nestedRoots(fs));
    }
    Run verifyNested = cli.keys("verify", root.resolve("sub").toString());
    assertEquals(0, verifyNested.code(), verifyNested.out() + verifyNested.err());
    assertTrue(verifyNested.out().contains("OK: 1 file(s) verified"), verifyNested.out());
  }

  /**
   * encrypt leaves out, and names, every entry whose name starts with a root marker's, at the top
   * and below, files and directories alike, since the root refuses to create them: the run exits 5
   * (left out), not 1 as a copy that failed on them would.
   */
  @Test
  void encryptLeavesOutEveryNameReservedForRootMarkers() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path root = tmp.resolve("root");
    initAndEncrypt(plain, root);
    Files.writeString(plain.resolve(".encryptedfs-notes"), "top");
    Files.writeString(Files.createDirectories(plain.resolve("x")).resolve(".encryptedfs.tmp"), "t");
    Files.writeString(plain.resolve("x/.encryptedf"), "not reserved: one letter short");
    Files.writeString(
        Files.createDirectories(plain.resolve("x/.encryptedfsdir")).resolve("e.txt"), "e");

    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString());
    assertAll(
        () -> assertEquals(5, encrypt.code(), encrypt.out() + encrypt.err()),
        () ->
            assertEquals(
                List.of(
                    "SKIPPED .encryptedfs-notes: " + RESERVED,
                    "SKIPPED x/.encryptedfs.tmp: " + RESERVED,
                    "SKIPPED x/.encryptedfsdir: " + RESERVED),
                encrypt.out().lines().filter(l -> l.startsWith("SKIPPED")).toList()),
        () ->
            assertTrue(
                encrypt.out().contains("encrypted 1, already done 1, failed 0"), encrypt.out()));
    try (FileSystem fs = cli.openRoot(root);
        Stream<Path> all = Files.walk(fs.getPath("/"))) {
      assertEquals(
          List.of("/", "/a.txt", "/x", "/x/.encryptedf"),
          all.map(Path::toString).sorted().toList());
      assertEquals(
          "not reserved: one letter short", Files.readString(fs.getPath("/x/.encryptedf")));
    }
  }

  /**
   * decrypt into a PLAIN_DIR that is a file, or that a file stands in the way of, is refused before
   * the password is asked for and the root walked: nothing else is printed. Before, a NESTED line
   * for each nested root came first, as if the export had begun, then "already exists" (or, for a
   * file where a parent would be, an I/O error naming /cwd/./file/x).
   */
  @Test
  void decryptRefusesAFileAsItsTargetBeforeAnythingElse() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path root = tmp.resolve("live");
    initAndEncrypt(plain, root);
    Run nested = cli.keys("encrypt", plain.toString(), root.resolve("nest").toString(), "--create");
    assertEquals(0, nested.code(), nested.out() + nested.err());
    Path file = Files.writeString(tmp.resolve("pw"), "a file, not a directory\n");
    Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
    Map<Path, String> refused = new LinkedHashMap<>();
    refused.put(file, file + ": not a directory (PLAIN_DIR)");
    refused.put(dangling, dangling + ": not a directory (PLAIN_DIR)");
    refused.put(
        file.resolve("x/y"),
        file.resolve("x/y")
            + ": cannot be made, as "
            + file
            + " is not a"
            + " directory (PLAIN_DIR)");
    for (Map.Entry<Path, String> target : refused.entrySet()) {
      Run decrypt = cli.keys("decrypt", root.toString(), target.getKey().toString());
      assertEquals(2, decrypt.code(), decrypt.out() + decrypt.err());
      assertEquals("", decrypt.out(), "nothing before the refusal");
      assertEquals("encryptedfs: " + target.getValue(), decrypt.err().strip());
      CliRunner.Typist typist = new CliRunner.Typist(); // types nothing
      Run typed =
          cli.run(
              typist,
              "decrypt",
              root.toString(),
              target.getKey().toString(),
              "-k",
              tmp.resolve("keys.p12").toString());
      assertEquals(2, typed.code(), typed.out() + typed.err());
      assertEquals(List.of(), typist.prompts, "refused before the password is asked for");
    }
    assertEquals("a file, not a directory\n", Files.readString(file));
    assertTrue(Files.isSymbolicLink(dangling) && Files.notExists(tmp.resolve("nowhere")));
    // A directory, or none yet, is exported to as before: the nested root named, and left out.
    Run decrypt = cli.keys("decrypt", root.toString(), tmp.resolve("out/new").toString());
    assertEquals(5, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().startsWith("NESTED /nest: a root of its own"), decrypt.out());
    assertEquals("alpha", Files.readString(tmp.resolve("out/new/a.txt")));
  }

  /** A keystore, and {@code root} created by encrypting {@code plain} holding a.txt. */
  private void initAndEncrypt(Path plain, Path root) throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.writeString(plain.resolve("a.txt"), "alpha");
    assertEquals(0, cli.keys("keys", "init").code());
    Run create = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, create.code(), create.out() + create.err());
  }
}
