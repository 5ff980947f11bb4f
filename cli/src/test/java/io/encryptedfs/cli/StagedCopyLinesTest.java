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
 * The temporary file a copy into a root leaves where a kill stopped it is hidden by the root: info
 * names it with its size and when it may be deleted, so that the room it takes is not lost unseen.
 * Before, nothing the tool printed told of it.
 */
class StagedCopyLinesTest {
  @TempDir Path tmp;

  @Test
  void infoNamesACopysTemporaryFileWithItsSizeAndNotAnotherFileUnderItsPrefix() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Path root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    // what a kill after the copy's last write leaves: a whole encrypted file under the name
    Path left = root.resolve(".encryptedfs-move-0123456789abcdef");
    Files.copy(root.resolve("a.txt"), left);
    Files.writeString(root.resolve(".encryptedfs-move-planted"), "not a copy's");

    Run info = cli.keys("info", root.toString());

    assertEquals(0, info.code(), info.out() + info.err());
    assertTrue(
        info.out()
            .contains(
                "STAGED /.encryptedfs-move-0123456789abcdef: "
                    + Files.size(left)
                    + " bytes, the temporary file of a copy into the root, under way in a program"
                    + " that has the root open or left by one killed during the copy; not counted"
                    + " (delete "
                    + left.toAbsolutePath().normalize()
                    + " when no program has the root open)"),
        info.out());
    assertFalse(info.out().contains("planted"), info.out());
    assertTrue(info.out().contains("master\t2 file(s)"), "the marker and a.txt: " + info.out());
  }
}
