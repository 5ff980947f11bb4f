package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path the user gave is printed absolute without {@code .} and {@code ..} names: before, {@code
 * encryptedfs info ./root} printed {@code root: /cwd/./root}, and the keystore's messages named
 * {@code /cwd/./sub/../keys.p12}.
 */
class ShownPathTest {
  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void realDirectory() throws Exception {
    dir = tmp.toRealPath(); // the kernel resolves ".." in the real directory, links resolved
  }

  @Test
  void dotNamesAreTakenOut() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    assertEquals(dir.resolve("a").toString(), ShownPath.of(dir.resolve("a/./b/..")));
    // One not made yet too: a keystore or root to create.
    assertEquals(dir.resolve("a/new").toString(), ShownPath.of(dir.resolve("./a/b/../new")));
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("a"));
    assertEquals(dir.resolve("a").toString(), ShownPath.of(Path.of(".", relative + "/b/..")));
    assertEquals(dir.resolve("a/new"), ShownPath.sameFile(dir.resolve("./a/b/../new")));
    Path plain = dir.resolve("a");
    assertSame(plain, ShownPath.sameFile(plain), "nothing to take out: as given");
  }

  /**
   * {@code link/../x} is {@code x} beside the link's target: taken out by name, it would be {@code
   * x} beside the link, another file. Shown as the file it is; handed to the library as given.
   */
  @Test
  void aDotDotAfterALinkIsNotTakenOutByName() throws Exception {
    Path target = Files.createDirectories(dir.resolve("real/deep"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    Files.writeString(dir.resolve("real/x"), "beside the target");
    Files.writeString(dir.resolve("x"), "beside the link");
    Path throughLink = link.resolve("../x");
    assertEquals("beside the target", Files.readString(throughLink));
    assertEquals(dir.resolve("real/x").toString(), ShownPath.of(throughLink));
    assertSame(throughLink, ShownPath.sameFile(throughLink));
  }

  /**
   * Every command that prints a path the user gave prints it so: info's root, the keystore keys
   * init created, the roots retire lists files of, and the keystore in the keystore's own messages
   * and audit events.
   */
  @Test
  void commandsPrintTheRootAndKeystoreNormalized() throws Exception {
    CliRunner cli = new CliRunner(dir);
    CliRunner.writePassword(dir.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(dir.resolve("sub"));
    // Relative, with "." and "..", as typed in the directory the tool runs in.
    String dotted = "./" + Path.of("").toAbsolutePath().relativize(dir) + "/sub/..";
    Run init =
        cli.run(
            "keys",
            "init",
            "-k",
            dotted + "/keys.p12",
            "--password-file",
            dir.resolve("pass").toString());
    assertEquals(0, init.code(), init.err());
    assertEquals("created " + dir.resolve("keys.p12") + " with current key master\n", init.out());

    Files.writeString(Files.createDirectories(dir.resolve("plain")).resolve("a.txt"), "alpha");
    Run encrypt =
        cli.keys("encrypt", dir.resolve("plain").toString(), dotted + "/root/.", "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    Run info = cli.keys("info", dotted + "/root/.");
    assertEquals(0, info.code(), info.out() + info.err());
    assertEquals(
        "root:           " + dir.resolve("root"), info.out().lines().findFirst().orElseThrow());

    Run retire = cli.keys("keys", "retire", "master", "--root", dotted + "/./root");
    assertEquals(3, retire.code(), retire.out() + retire.err());
    assertTrue(retire.err().contains(" " + dir.resolve("root") + "!/a.txt"), retire.err());

    CliRunner.writePassword(dir.resolve("wrong"), "wrong password\n");
    Run wrong =
        cli.run(
            "keys",
            "list",
            "-k",
            dotted + "/keys.p12",
            "--password-file",
            dir.resolve("wrong").toString());
    assertEquals(3, wrong.code(), wrong.err());
    assertEquals(
        "encryptedfs: wrong password for keystore "
            + dir.resolve("keys.p12")
            + " (or the file was modified)",
        wrong.error());
    assertTrue(
        wrong.err().contains("\"keystore\":\"" + dir.resolve("keys.p12") + "\""),
        "the audit warning names it so too: " + wrong.err());
    assertFalse(wrong.err().contains("/./") || wrong.err().contains("/../"), wrong.err());
  }
}
