package io.encryptedfs.nio;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a copy carries along, beside the default file system: the times, owner and group of a
 * symbolic link copied as a link, and of files and directories, with and without {@code
 * COPY_ATTRIBUTES}. The owner is given to another user where the test may (as root); elsewhere both
 * file systems refuse that alike and the copy keeps the test's own user.
 */
class CopyAttributesDifferentialTest {
  private static final FileTime MODIFIED = FileTime.fromMillis(1_000_000_000_000L);
  private static final FileTime ACCESSED = FileTime.fromMillis(1_100_000_000_000L);
  private static final String LINK_COPY_ON_JDK_17 =
      "link-copy: link true, modified other, accessed other,"
          + " owner the source's, group the source's";

  private static List<String> run(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    Path file = Files.writeString(dir.resolve("file"), "content");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), file.getFileName());
    for (Path p : List.of(file, sub, link)) {
      seen.add(p.getFileName() + " given away: " + giveAway(p));
      Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW_LINKS)
          .setTimes(MODIFIED, ACCESSED, null);
    }
    copy(seen, link, dir.resolve("link-copy"), NOFOLLOW_LINKS, COPY_ATTRIBUTES);
    copy(seen, link, dir.resolve("link-plain-copy"), NOFOLLOW_LINKS);
    copy(seen, link, dir.resolve("link-followed"), COPY_ATTRIBUTES);
    copy(seen, file, dir.resolve("file-copy"), COPY_ATTRIBUTES);
    copy(seen, file, dir.resolve("file-plain-copy"));
    copy(seen, sub, dir.resolve("sub-copy"), COPY_ATTRIBUTES);
    copy(seen, sub, dir.resolve("sub-plain-copy"));
    return seen;
  }

  private static String giveAway(Path p) {
    try {
      UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view =
          Files.getFileAttributeView(p, PosixFileAttributeView.class, NOFOLLOW_LINKS);
      view.setOwner(users.lookupPrincipalByName("nobody"));
      view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
      return "yes";
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    }
  }

  private static void copy(List<String> seen, Path from, Path to, CopyOption... options)
      throws IOException {
    Files.copy(from, to, options);
    PosixFileAttributes a = Files.readAttributes(to, PosixFileAttributes.class, NOFOLLOW_LINKS);
    PosixFileAttributes source =
        Files.readAttributes(from, PosixFileAttributes.class, NOFOLLOW_LINKS);
    seen.add(
        to.getFileName()
            + ": link "
            + a.isSymbolicLink()
            + ", modified "
            + time(a.lastModifiedTime())
            + ", accessed "
            + time(a.lastAccessTime())
            + ", owner "
            + same(a.owner(), source.owner())
            + ", group "
            + same(a.group(), source.group()));
  }

  private static String time(FileTime t) {
    return t.equals(MODIFIED) ? "as set" : t.equals(ACCESSED) ? "as set (access)" : "other";
  }

  private static String same(UserPrincipal a, UserPrincipal b) {
    return a.equals(b) ? "the source's" : "not the source's";
  }

  @Test
  void aCopyCarriesWhatItCarriesOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    List<String> seen = PlainAndEncrypted.assertSame(tmp, CopyAttributesDifferentialTest::run);
    // JDK 17's default provider gives a link copied as a link its source's owner and group
    // (lchown), not its times (no lutimes), and so does the encrypted copy.
    assertEquals(LINK_COPY_ON_JDK_17, seen.get(3));
  }
}
