package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A regular file's copy, staged in the root's own directory, gets the group Linux gives a file
 * created in its target's directory, as a plain {@code Files.copy} on the default file system does:
 * that directory's group where it has the set-group-ID bit, else the process's, whatever the root's
 * directory would give. Each case does the same on a plain directory tree and compares. Over the
 * real disk, as root, which may give a file any group.
 */
class StagedCopyGroupTest {
  private static final int BLOCK = 4096;
  private static final int SET_GROUP_ID = 02000;
  private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  private final InMemoryKeys keys = new InMemoryKeys().add("master", new SecretKeySpec(KEY, "AES"));

  @TempDir Path tmp;

  /**
   * The target's directory has the set-group-ID bit and a group the root's directory lacks; with
   * {@code rootShared}, the root's directory has the bit too, with yet another group.
   */
  @ParameterizedTest(name = "from another root: {0}, root's directory set-group-ID: {1}")
  @CsvSource({"false, false", "true, false", "false, true"})
  void aCopyIntoASetGroupIdDirectoryGetsThatDirectorysGroup(boolean acrossRoots, boolean rootShared)
      throws IOException {
    List<GroupPrincipal> groups = otherGroups(2);
    GroupPrincipal team = groups.get(0);
    Path plain = Files.createDirectories(tmp.resolve("plain/shared"));
    shareWith(plain, team);
    Files.writeString(tmp.resolve("plain/src"), "content");
    Files.copy(tmp.resolve("plain/src"), plain.resolve("x"));
    try (FileSystem fs = TestRoots.open(tmp.resolve("enc"), keys, "AES-256-GCM", BLOCK);
        FileSystem other = TestRoots.open(tmp.resolve("other"), keys, "AES-256-GCM", BLOCK)) {
      if (rootShared) {
        shareWith(tmp.resolve("enc"), groups.get(1));
      }
      Path src = (acrossRoots ? other : fs).getPath("/src");
      Files.writeString(src, "content");
      Files.createDirectory(fs.getPath("/shared"));
      shareWith(raw(fs.getPath("/shared")), team);

      Files.copy(src, fs.getPath("/shared/x"));

      assertEquals(gid(plain), gid(plain.resolve("x")), "the default file system's copy");
      assertEquals(gid(plain.resolve("x")), gid(raw(fs.getPath("/shared/x"))));
      assertNotEquals(gid(tmp.resolve("enc")), gid(raw(fs.getPath("/shared/x"))));
      assertEquals("content", Files.readString(fs.getPath("/shared/x")));
      assertEquals(List.of(), leftovers(tmp.resolve("enc")));
    }
  }

  /**
   * The other way round: the root's directory has the set-group-ID bit and the target's does not,
   * so a file created in the target's directory gets the process's group, not the root's.
   */
  @Test
  void aCopyOutOfASetGroupIdRootsDirectoryGetsTheProcesssGroup() throws IOException {
    GroupPrincipal team = otherGroups(1).get(0);
    Path top = Files.createDirectories(tmp.resolve("plain"));
    shareWith(top, team);
    Path plain = Files.createDirectory(top.resolve("private"));
    Files.setAttribute(plain, "unix:mode", 0755);
    Files.writeString(top.resolve("src"), "content");
    Files.copy(top.resolve("src"), plain.resolve("x"));
    try (FileSystem fs = TestRoots.open(tmp.resolve("enc"), keys, "AES-256-GCM", BLOCK)) {
      shareWith(tmp.resolve("enc"), team);
      Files.writeString(fs.getPath("/src"), "content");
      Files.createDirectory(fs.getPath("/private"));
      Files.setAttribute(raw(fs.getPath("/private")), "unix:mode", 0755);

      Files.copy(fs.getPath("/src"), fs.getPath("/private/x"));

      assertNotEquals(gid(top), gid(plain.resolve("x")), "the default file system's copy");
      assertEquals(gid(plain.resolve("x")), gid(raw(fs.getPath("/private/x"))));
      assertEquals("content", Files.readString(fs.getPath("/private/x")));
      assertEquals(List.of(), leftovers(tmp.resolve("enc")));
    }
  }

  /** {@code COPY_ATTRIBUTES} gives the copy the source's group, there too. */
  @Test
  void withCopyAttributesTheCopyGetsTheSourcesGroup() throws IOException {
    List<GroupPrincipal> groups = otherGroups(2);
    Path plain = Files.createDirectories(tmp.resolve("plain/shared"));
    shareWith(plain, groups.get(0));
    Files.writeString(tmp.resolve("plain/src"), "content");
    Files.setAttribute(tmp.resolve("plain/src"), "posix:group", groups.get(1));
    Files.copy(tmp.resolve("plain/src"), plain.resolve("x"), COPY_ATTRIBUTES);
    try (FileSystem fs = TestRoots.open(tmp.resolve("enc"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(fs.getPath("/src"), "content");
      Files.setAttribute(raw(fs.getPath("/src")), "posix:group", groups.get(1));
      Files.createDirectory(fs.getPath("/shared"));
      shareWith(raw(fs.getPath("/shared")), groups.get(0));

      Files.copy(fs.getPath("/src"), fs.getPath("/shared/x"), COPY_ATTRIBUTES);

      assertEquals(gid(tmp.resolve("plain/src")), gid(plain.resolve("x")));
      assertEquals(gid(plain.resolve("x")), gid(raw(fs.getPath("/shared/x"))));
    }
  }

  /**
   * A process that may not give a file the group of the target's directory (not root, not in that
   * group, here root without {@code CAP_CHOWN}) may still create files in it, which the kernel
   * gives that group: the copy is then made at its name, and gets it so.
   */
  @Test
  void whereTheGroupCannotBeGivenTheCopyIsMadeAtItsName() throws Exception {
    GroupPrincipal team = otherGroups(1).get(0);
    Path plain = Files.createDirectories(tmp.resolve("plain/shared"));
    shareWith(plain, team);
    Files.writeString(tmp.resolve("plain/src"), "content");
    try (FileSystem fs = TestRoots.open(tmp.resolve("enc"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(fs.getPath("/src"), "content");
      Files.createDirectory(fs.getPath("/shared"));
      shareWith(raw(fs.getPath("/shared")), team);
      Files.writeString(fs.getPath("/shared/y"), "old");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--bounding-set=-chown",
                "--",
                ProcessHandle.current().info().command().orElse("java"),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CopyWithoutChownChild.class.getName(),
                tmp.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("copied"), out);
    assertEquals(gid(plain), gid(plain.resolve("x")), "the default file system's copy");
    try (FileSystem fs = TestRoots.open(tmp.resolve("enc"), keys, "AES-256-GCM", BLOCK)) {
      assertEquals(gid(plain.resolve("x")), gid(raw(fs.getPath("/shared/x"))));
      assertEquals("content", Files.readString(fs.getPath("/shared/x")));
      assertEquals("content", Files.readString(fs.getPath("/shared/y")), "replaced");
    }
    assertEquals(List.of(), leftovers(tmp.resolve("enc")));
  }

  /**
   * Runs without {@code CAP_CHOWN}: tries to give a file another group (which must fail, or the
   * test shows nothing), then copies a plain file and an encrypted one into their shared
   * directories, and the encrypted one over a file there.
   */
  static final class CopyWithoutChownChild {
    public static void main(String[] args) throws Exception {
      Path tmp = Path.of(args[0]);
      Path probe = Files.writeString(tmp.resolve("probe"), "");
      try {
        Files.setAttribute(probe, "posix:group", Files.getAttribute(tmp, "posix:group"));
        Files.setAttribute(probe, "posix:group", otherGroups(tmp, 1).get(0));
        System.out.println("the group was given: this process may chown");
        System.exit(2);
      } catch (IOException expected) {
        Files.delete(probe);
      }
      Files.copy(tmp.resolve("plain/src"), tmp.resolve("plain/shared/x"));
      InMemoryKeys keys = new InMemoryKeys().add("master", new SecretKeySpec(KEY, "AES"));
      try (FileSystem fs =
          EncryptedFileSystems.newFileSystem(
              tmp.resolve("enc"), TestRoots.env(keys, "AES-256-GCM", BLOCK))) {
        Files.copy(fs.getPath("/src"), fs.getPath("/shared/x"));
        Files.copy(fs.getPath("/src"), fs.getPath("/shared/y"), REPLACE_EXISTING);
      }
      System.out.println("copied");
    }
  }

  /** Gives {@code dir} {@code group} and the set-group-ID bit. */
  private static void shareWith(Path dir, GroupPrincipal group) throws IOException {
    Files.setAttribute(dir, "posix:group", group);
    Files.setAttribute(dir, "unix:mode", 0775 | SET_GROUP_ID);
  }

  private List<GroupPrincipal> otherGroups(int n) throws IOException {
    return otherGroups(tmp, n);
  }

  /**
   * {@code n} groups that neither {@code dir} nor the process has: named in {@code /etc/group}
   * where there are enough, else numbers, which root may give a file as well.
   */
  private static List<GroupPrincipal> otherGroups(Path dir, int n) throws IOException {
    Path probe = Files.createTempFile(dir, "probe", "");
    Set<Integer> taken = new HashSet<>(List.of(gid(dir), gid(probe)));
    Files.delete(probe);
    UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
    List<String> names = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/etc/group"))) {
      String[] fields = line.split(":");
      if (fields.length > 2 && !taken.contains(Integer.parseInt(fields[2]))) {
        names.add(fields[0]);
      }
    }
    for (int number = 4242; names.size() < n; number++) {
      if (!taken.contains(number)) {
        names.add(Integer.toString(number));
      }
    }
    List<GroupPrincipal> groups = new ArrayList<>();
    for (String name : names.subList(0, n)) {
      groups.add(lookup.lookupPrincipalByGroupName(name));
    }
    return groups;
  }

  private static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid");
  }

  private static Path raw(Path p) throws IOException {
    return EncryptedFileSystemProvider.raw((EncryptedPath) p);
  }

  private static List<Path> leftovers(Path rawRoot) throws IOException {
    try (Stream<Path> entries = Files.list(rawRoot)) {
      return entries.filter(e -> e.getFileName().toString().startsWith(StagedCopy.PREFIX)).toList();
    }
  }
}
