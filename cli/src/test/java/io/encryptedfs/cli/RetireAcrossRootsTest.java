package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keys retire} with a root and its copy made with hard links ({@code cp -al live snap}),
 * which share every file, the marker included: a retire that scans one of them cannot see the
 * other's files, but one given every root that holds a name of each shared file sees them all.
 */
class RetireAcrossRootsTest {
  @TempDir Path tmp;
  private CliRunner cli;
  private Path live;
  private Path snap;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
    live = tmp.resolve("live");
    snap = tmp.resolve("snap");
  }

  /**
   * A key no file uses any more (rewrapped away before the copy) is retired once both roots are
   * given; either root alone, one given twice, or both while a file has a third name outside them,
   * is still refused, and both roots still read.
   */
  @Test
  void aKeyNoFileUsesIsRetiredWhenEveryRootSharingTheFilesIsGiven() throws Exception {
    liveRootOnItsSecondKey();
    copyWithHardLinks(live, snap);

    for (String[] roots :
        new String[][] {{snap.toString()}, {live.toString()}, {snap.toString(), snap.toString()}}) {
      Run alone = retireMaster(roots);
      assertEquals(4, alone.code(), alone.out() + alone.err());
      assertTrue(alone.err().contains("hard links"), alone.err());
    }
    // A third name, outside every root given: its root is unseen, so the key stays.
    Files.createLink(tmp.resolve("elsewhere"), live.resolve("a.txt"));
    Run third = retireMaster(live.toString(), snap.toString());
    assertEquals(4, third.code(), third.out() + third.err());
    assertTrue(third.err().contains("/a.txt"), third.err());
    assertTrue(third.err().contains("has 3 hard links, 1 outside the roots given"), third.err());
    assertTrue(aliases().contains("master"), aliases().toString());

    Files.delete(tmp.resolve("elsewhere"));
    Run both = retireMaster(live.toString(), snap.toString());
    assertEquals(0, both.code(), both.out() + both.err());
    assertTrue(both.out().contains("retired key master"), both.out());
    assertFalse(aliases().contains("master"), aliases().toString());
    for (Path root : new Path[] {live, snap}) {
      Run verify = cli.keys("verify", root.toString());
      assertEquals(0, verify.code(), verify.out() + verify.err());
    }
  }

  /**
   * Rotating after the copy: the live root's rewrap leaves the shared files on the old key, so no
   * retire can free it, the roots given or not; deleting the copy (or making it again with {@code
   * cp -a}) and rewrapping does.
   */
  @Test
  void filesSharedWhenTheKeyRotatedKeepItUntilTheCopyIsGone() throws Exception {
    String second = liveRootOnItsSecondKey();
    copyWithHardLinks(live, snap);
    assertEquals(0, cli.keys("keys", "rotate").code());

    Run rewrap = cli.keys("rewrap", live.toString());
    assertEquals(1, rewrap.code(), rewrap.out() + rewrap.err());
    Run both = retire(second, live.toString(), snap.toString());
    assertEquals(3, both.code(), both.out() + both.err());
    assertTrue(both.err().contains(live + "!/a.txt"), both.err());

    deleteTree(snap);
    Run again = cli.keys("rewrap", live.toString());
    assertEquals(0, again.code(), again.out() + again.err());
    Run retire = retire(second, live.toString());
    assertEquals(0, retire.code(), retire.out() + retire.err());
  }

  /**
   * A root of one file, rotated once and rewrapped: no file uses {@code master}; returns the key
   * its files use.
   */
  private String liveRootOnItsSecondKey() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", tmp.resolve("plain").toString(), live.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.err());
    Run rotate = cli.keys("keys", "rotate");
    assertEquals(0, rotate.code(), rotate.out() + rotate.err());
    Run rewrap = cli.keys("rewrap", live.toString());
    assertEquals(0, rewrap.code(), rewrap.out() + rewrap.err());
    String prefix = "rotated: current key is now ";
    return rotate
        .out()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError(rotate.out()));
  }

  /** The keystore's aliases, as {@code keys list} gives them, each first on its line. */
  private List<String> aliases() {
    return cli.keys("keys", "list").out().lines().map(l -> l.split("\\s+")[0]).toList();
  }

  private Run retireMaster(String... roots) {
    return retire("master", roots);
  }

  private Run retire(String alias, String... roots) {
    String[] args = new String[3 + 2 * roots.length];
    args[0] = "keys";
    args[1] = "retire";
    args[2] = alias;
    for (int i = 0; i < roots.length; i++) {
      args[3 + 2 * i] = "--root";
      args[4 + 2 * i] = roots[i];
    }
    return cli.keys(args);
  }

  /** {@code cp -al from to}: every directory made, every file (the marker too) hard-linked. */
  private static void copyWithHardLinks(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path copy = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(copy);
        } else {
          Files.createLink(copy, p);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
