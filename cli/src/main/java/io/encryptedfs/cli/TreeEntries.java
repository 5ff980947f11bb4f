package io.encryptedfs.cli;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.NotAnEncryptedFileException;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.nio.KeyRotation;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The entries of a tree to verify or copy, sorted by path (so a directory comes before what it
 * holds), links not followed. A file of an encrypted root whose attributes cannot be read (its end
 * is lost, its header is damaged, its key is not in the keystore) is an entry too, with the reason:
 * {@code Files.walk} would end the whole walk at it, and a tool must report that file and go on
 * with the others; so is one the user may not read (a directory so is one entry, without what it
 * holds), one removed since its directory was listed, and one whose name the JVM cannot decode
 * ({@link #undecodedName}), with what it holds. A tool leaves out the roots nested in an encrypted
 * root ({@link KeyRotation#nestedRoots}): their files are theirs, under their own keys.
 */
final class TreeEntries {
  /** What an entry is, as its own attributes (not its link's target's) say. */
  enum Kind {
    REGULAR,
    DIRECTORY,
    LINK,
    /** A fifo, socket or device: nothing a copy can carry. */
    OTHER
  }

  /**
   * One entry below the tree's top: a regular file, a directory, a symbolic link, something else,
   * or (kind {@link Kind#OTHER}) a file that fails.
   */
  record Entry(Path path, Kind kind, IOException unreadable) {
    boolean regular() {
      return kind == Kind.REGULAR;
    }
  }

  private TreeEntries() {}

  /**
   * @param notEntered the directories left out, content and all, and the files left out: paths in
   *     {@code top}'s file system, absolute or as the walk from {@code top} reaches them
   */
  static List<Entry> of(Path top, List<String> notEntered) throws IOException {
    Set<Path> skipped = new HashSet<>();
    for (String dir : notEntered) {
      skipped.add(top.getFileSystem().getPath(dir));
    }
    Collector collector = new Collector(top, skipped);
    Files.walkFileTree(top, collector);
    List<Entry> entries = collector.entries;
    entries.sort(Comparator.comparing(Entry::path));
    return entries;
  }

  /** The walk's visitor: collects the entries, unsorted. */
  static final class Collector extends SimpleFileVisitor<Path> {
    private final Path top;
    private final Set<Path> skipped;
    final List<Entry> entries = new ArrayList<>();

    Collector(Path top, Set<Path> skipped) {
      this.top = top;
      this.skipped = skipped;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (skipped.contains(dir)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      IOException badName =
          dir.equals(top) ? null : undecodedName(dir, "not copied, nor what it holds");
      if (badName != null) {
        entries.add(new Entry(dir, Kind.OTHER, badName));
        return FileVisitResult.SKIP_SUBTREE;
      }
      if (!dir.equals(top)) {
        entries.add(new Entry(dir, Kind.DIRECTORY, null));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      if (skipped.contains(file)) {
        return FileVisitResult.CONTINUE;
      }
      IOException badName = undecodedName(file, "not copied");
      entries.add(
          badName != null
              ? new Entry(file, Kind.OTHER, badName)
              : new Entry(file, kind(attrs), null));
      return FileVisitResult.CONTINUE;
    }

    /**
     * A file or directory below the top that fails is an entry with the reason, and the walk goes
     * on; the top failing, or a failure that is not one entry's (an I/O error of the disk), ends
     * it. A directory that does not open comes here too, without its content.
     */
    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      if (skipped.contains(file)) {
        return FileVisitResult.CONTINUE;
      }
      if (file.equals(top) || !isEntryProblem(e)) {
        throw e;
      }
      entries.add(new Entry(file, Kind.OTHER, e));
      return FileVisitResult.CONTINUE;
    }
  }

  /**
   * Why {@code p}'s name cannot be copied, or null. Linux names are bytes, and the JDK decodes them
   * with the JVM's file name encoding (from the locale), turning bytes it cannot decode into
   * U+FFFD: such a string names another file or none, so a copy would land at another name, and two
   * such names on one; and a decrypt of the copy would not give the name back.
   */
  private static IOException undecodedName(Path p, String outcome) {
    Path name = p.getFileName();
    String s = name.toString();
    try {
      if (name.getFileSystem().getPath(s).equals(name)) {
        return null;
      }
    } catch (InvalidPathException e) {
      // Not even a name there: as undecodable.
    }
    return new FileSystemException(
        p.toString(),
        null,
        "its name (as bytes, percent-encoded: "
            + uriName(p)
            + ") is not valid in this JVM's file name encoding (sun.jnu.encoding="
            + System.getProperty("sun.jnu.encoding")
            + ", from the locale: run with a UTF-8 one, such as LANG=C.UTF-8, or rename it); "
            + outcome);
  }

  private static String uriName(Path p) {
    String path = p.toUri().getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The kind of an entry {@code visitFile} is given: with no depth limit, never a directory. */
  private static Kind kind(BasicFileAttributes attrs) {
    if (attrs.isRegularFile()) {
      return Kind.REGULAR;
    }
    return attrs.isSymbolicLink() ? Kind.LINK : Kind.OTHER;
  }

  /**
   * The reasons one entry fails, not the walk: an encrypted file's, one the caller may not read (as
   * {@code cp -r} reports it and goes on), and one removed since its directory was listed.
   */
  private static boolean isEntryProblem(IOException e) {
    return e instanceof AccessDeniedException
        || e instanceof NoSuchFileException
        || e instanceof DamagedFileException
        || e instanceof NotAnEncryptedFileException
        || e instanceof KeyMismatchException
        || e instanceof UnknownKeyAliasException;
  }
}
