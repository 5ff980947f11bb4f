package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells which files of a root have hard links outside it, for {@link KeyRotation}. A copy of a root
 * made with hard links ({@code cp -al live snap}, a quick snapshot on the same disk) shares every
 * file with the original, its marker included, and opens as a root of its own. A rewrap writes a
 * header in place, so one in either root would rewrap the other's file too, under a key the other
 * root's keystore may not hold (a copy of the keystore, or one copied along, which a rotation
 * replaces rather than writes in place): that root would no longer open. A retire scans one root,
 * so it cannot see the files the other root wrote since the copy. Both are refused for such files;
 * opening, reading and writing them are not, as a plain file's hard links are written through too.
 * A retire given both roots scans both, so it is refused only for names outside them all.
 */
final class OutsideNames {
  private static final String ADVICE =
      " Copy the other root without hard links (cp -a), or delete it, then run this again";

  /** Names in the roots by file key, of the regular files the walks listed. */
  private final Map<Object, Integer> inRoot = new HashMap<>();

  /**
   * The names counted, each as its directory's file key and its file name, so that a name two walks
   * list (a root given twice, or nested in another given, or reached by a bind mount) counts once:
   * counted twice, it would hide a name outside them all.
   */
  private final Set<List<Object>> counted = new HashSet<>();

  private final Map<Path, Object> directoryKeys = new HashMap<>();

  /** "this root", or "the roots given" where several walks were counted. */
  private final String where;

  private OutsideNames(String where) {
    this.where = where;
  }

  /**
   * Counts the names of the regular files among {@code entries}, a walk of the root. A hard link
   * that a program makes inside the root after the walk counts as one outside it, so a file can be
   * refused that a rerun then takes: the refusal errs on the side that writes nothing.
   */
  static OutsideNames of(List<Path> entries) throws IOException {
    OutsideNames names = new OutsideNames("this root");
    names.count(entries);
    return names;
  }

  private void count(List<Path> entries) throws IOException {
    for (Path raw : entries) {
      BasicFileAttributes attrs;
      List<Object> name;
      try {
        attrs = Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        name = List.of(directoryKey(raw.getParent()), raw.getFileName().toString());
      } catch (NoSuchFileException e) {
        continue;
      }
      if (attrs.isRegularFile() && attrs.fileKey() != null && counted.add(name)) {
        inRoot.merge(attrs.fileKey(), 1, Integer::sum);
      }
    }
  }

  /** The directory's file key, else its real path; what tells it from another at another path. */
  private Object directoryKey(Path dir) throws IOException {
    Object key = directoryKeys.get(dir);
    if (key == null) {
      key = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
      if (key == null) {
        key = dir.toRealPath();
      }
      directoryKeys.put(dir, key);
    }
    return key;
  }

  /**
   * Refuses a retire, naming the first file of the roots, in their order and each one's walk's (in
   * a copy made with hard links, usually the marker), that has hard links outside them all. Each
   * name of a file outside one root but inside another is seen by that root's scan, so only names
   * outside every root given hide files from the retire's scan. With one root the file is named by
   * its path in it, with several by its URI.
   */
  static void checkRetire(List<EncryptedFileSystem> roots) throws IOException {
    boolean one = roots.size() == 1;
    OutsideNames names = new OutsideNames(one ? "this root" : "the roots given");
    Map<EncryptedFileSystem, List<Path>> walks = new LinkedHashMap<>();
    for (EncryptedFileSystem efs : roots) {
      List<Path> entries = RootWalk.walk(efs, null);
      walks.put(efs, entries);
      names.count(entries);
    }
    String why =
        one
            ? ", so another root uses this root's keys, and its other files, which this scan"
                + " cannot see, may still use the key; not retired."
                + ADVICE
            : ", so a root not given uses these roots' keys, and its other files, which this scan"
                + " cannot see, may still use the key; not retired. Give that root too, or copy it"
                + " without hard links (cp -a), or delete it, then run this again";
    for (Map.Entry<EncryptedFileSystem, List<Path>> walk : walks.entrySet()) {
      EncryptedFileSystem efs = walk.getKey();
      for (Path raw : walk.getValue()) {
        String display = KeyRotation.display(efs, raw);
        FileSystemException refused;
        try {
          refused =
              names.refusal(raw, one ? display : efs.getPath(display).toUri().toString(), why);
        } catch (NoSuchFileException e) {
          continue;
        }
        if (refused != null) {
          throw refused;
        }
      }
    }
  }

  /** The refusal of a rewrap of the regular file {@code raw}, or null: see {@link #refusal}. */
  FileSystemException rewrapRefusal(Path raw, String display) throws IOException {
    return refusal(
        raw,
        display,
        ", and a rewrap writes its header in place, so that copy's file would be rewrapped too,"
            + " under a key its own keystore may not hold; not rewrapped."
            + ADVICE);
  }

  /**
   * A refusal, {@code why}, if the regular file {@code raw} has more hard links than names in the
   * roots counted, else null; null also where the file system tells no link count or file key (it
   * then has no hard links to tell apart).
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
            + " outside "
            + where
            + ": a copy made with hard links (cp -al) or another root shares"
            + " the file"
            + why);
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
