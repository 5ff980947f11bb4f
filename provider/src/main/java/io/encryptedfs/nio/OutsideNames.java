package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells which files of a root have hard links outside it, for {@link KeyRotation}. A copy of a root
 * made with hard links ({@code cp -al live snap}, a quick snapshot on the same disk) shares every
 * file with the original, its marker included, and opens as a root of its own. A rewrap writes a
 * header in place, so one in either root would rewrap the other's file too, under a key the other
 * root's keystore may not hold (a copy of the keystore, or one copied along, which a rotation
 * replaces rather than writes in place): that root would no longer open. A retire scans one root,
 * so it cannot see the files the other root wrote since the copy. Both are refused for such files;
 * opening, reading and writing them are not, as a plain file's hard links are written through too.
 */
final class OutsideNames {
  private static final String ADVICE =
      " Copy the other root without hard links (cp -a), or delete it, then run this again";

  /** Names in the root by file key, of the regular files the walk listed. */
  private final Map<Object, Integer> inRoot = new HashMap<>();

  private OutsideNames() {}

  /**
   * Counts the names of the regular files among {@code entries}, a walk of the root. A hard link
   * that a program makes inside the root after the walk counts as one outside it, so a file can be
   * refused that a rerun then takes: the refusal errs on the side that writes nothing.
   */
  static OutsideNames of(List<Path> entries) throws IOException {
    OutsideNames names = new OutsideNames();
    for (Path raw : entries) {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue;
      }
      if (attrs.isRegularFile() && attrs.fileKey() != null) {
        names.inRoot.merge(attrs.fileKey(), 1, Integer::sum);
      }
    }
    return names;
  }

  /**
   * Refuses a retire, naming the first file of the root in the walk's order (in a copy made with
   * hard links, usually the marker) that has hard links outside it.
   */
  static void checkRetire(EncryptedFileSystem efs) throws IOException {
    List<Path> entries = RootWalk.walk(efs, null);
    OutsideNames names = of(entries);
    for (Path raw : entries) {
      FileSystemException refused;
      try {
        refused =
            names.refusal(
                raw,
                KeyRotation.display(efs, raw),
                ", so another root uses this root's keys, and its other files, which this scan"
                    + " cannot see, may still use the key; not retired.");
      } catch (NoSuchFileException e) {
        continue;
      }
      if (refused != null) {
        throw refused;
      }
    }
  }

  /** The refusal of a rewrap of the regular file {@code raw}, or null: see {@link #refusal}. */
  FileSystemException rewrapRefusal(Path raw, String display) throws IOException {
    return refusal(
        raw,
        display,
        ", and a rewrap writes its header in place, so that copy's file would be rewrapped too,"
            + " under a key its own keystore may not hold; not rewrapped.");
  }

  /**
   * A refusal, {@code why}, if the regular file {@code raw} has more hard links than names in the
   * root, else null; null also where the file system tells no link count or file key (it then has
   * no hard links to tell apart).
   */
  private FileSystemException refusal(Path raw, String display, String why) throws IOException {
    BasicFileAttributes attrs =
        Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile() || attrs.fileKey() == null) {
      return null;
    }
    int links = linkCount(raw);
    int outside = links - inRoot.getOrDefault(attrs.fileKey(), 0);
    if (outside <= 0) {
      return null;
    }
    return new FileSystemException(
        display,
        null,
        "has "
            + links
            + " hard links, "
            + outside
            + " outside this root: a copy made with hard links (cp -al) or another root shares"
            + " the file"
            + why
            + ADVICE);
  }

  private static int linkCount(Path raw) throws IOException {
    try {
      return Files.getAttribute(raw, "unix:nlink", LinkOption.NOFOLLOW_LINKS) instanceof Integer n
          ? n
          : 1;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 1;
    }
  }
}
