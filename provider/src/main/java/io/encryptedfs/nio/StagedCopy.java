package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a copy of a regular file into a root ({@code Files.copy}, or {@code Files.move} from
 * another root) is written: a temporary file in the target root's own directory, named {@code
 * .encryptedfs-move-} and 16 hex digits, which that root keeps internal as it keeps every name
 * starting with its marker's (never listed, never reached by a path, {@link
 * EncryptedFileSystem#isInternal}). Only once the copy is whole is it put at its name, so a process
 * killed meanwhile leaves the target's name as it was, never a shorter file that opens as a valid
 * one. A kill leaves the temporary file behind: hidden, it blocks nothing (each copy draws a new
 * name); key rotation, usage and retirement leave it out ({@link RootWalk}). The prefix names
 * moves, which used it first; copies share it so that the files a kill left are found by one name,
 * in older roots too. Made in the root's directory, the file would keep the group that directory
 * gives a new file; it is given the one its target's directory gives instead ({@link
 * CreationGroup}), as a file created at its name has.
 */
final class StagedCopy implements CopyTarget {
  static final String PREFIX = EncryptedFileSystem.MARKER + "-move-";

  private static final int TAG_DIGITS = 16;

  private final EncryptedPath to;
  private final Path rawTo;
  private final Path temp;

  /** The group a file created at the target's name gets, where the temporary file gets another. */
  private final GroupPrincipal group;

  /** Whether the copy got to the target's name. */
  private boolean placed;

  private StagedCopy(EncryptedPath to, Path rawTo, Path temp, GroupPrincipal group) {
    this.to = to;
    this.rawTo = rawTo;
    this.temp = temp;
    this.group = group;
  }

  /**
   * What a copy staged in {@code to}'s root directory needs to be as one made at its name: the
   * group to give it ({@link CreationGroup}), or null where it must be made at its name, as before
   * copies were staged: where {@code to}'s directory is on another device than the root's (a disk
   * mounted inside the root: no rename or link crosses a mount), or where the group a file created
   * there gets cannot be told. Looked at only where the underlying file system tells devices
   * ({@code unix:dev}) and the target is not in the root's own directory; a directory that cannot
   * be looked at (missing, below a file, a loop of links), or a target no path reaches, is reported
   * by the copy, naming the target as the default file system does, never an underlying path.
   */
  static CreationGroup staging(EncryptedPath to) throws IOException {
    Path root = to.getFileSystem().root();
    if (!root.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return CreationGroup.SAME;
    }
    try {
      Path dir = EncryptedFileSystemProvider.raw(to).getParent();
      if (dir == null || dir.equals(root)) {
        return CreationGroup.SAME;
      }
      Map<String, Object> staging = Files.readAttributes(root, CreationGroup.ATTRIBUTES);
      Map<String, Object> target = Files.readAttributes(dir, CreationGroup.ATTRIBUTES);
      if (!staging.get("dev").equals(target.get("dev"))) {
        return null;
      }
      CreationGroup group =
          CreationGroup.change(
              staging, target, root.getFileSystem().getUserPrincipalLookupService());
      return group.known() ? group : null;
    } catch (FileSystemException e) {
      return CreationGroup.SAME;
    }
  }

  /** Whether {@code name} is one {@link #of} gives: the prefix and 16 lowercase hex digits. */
  static boolean isName(String name) {
    if (name.length() != PREFIX.length() + TAG_DIGITS || !name.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * A new temporary file's name in {@code to}'s root, to be given {@code group} (none if null);
   * nothing is made yet.
   */
  static StagedCopy of(EncryptedPath to, GroupPrincipal group) throws IOException {
    String tag = String.format("%0" + TAG_DIGITS + "x", ThreadLocalRandom.current().nextLong());
    return new StagedCopy(
        to,
        EncryptedFileSystemProvider.raw(to),
        to.getFileSystem().root().resolve(PREFIX + tag),
        group);
  }

  @Override
  public EncryptedPath path() {
    return to;
  }

  @Override
  public Path raw() {
    return temp;
  }

  /**
   * Errors name the target's path: the temporary name is nobody's to see. A missing target
   * directory fails here, as a copy at the name would, not after the whole copy. The file gets the
   * group a file created at the target's name gets before any of the content is in it; where this
   * process may not give that group ({@link GroupRefused}), nothing is left.
   */
  @Override
  public FileChannel create(FileAttribute<?>[] attrs) throws IOException {
    EncryptedFileSystem fs = to.getFileSystem();
    try {
      rawProvider().readAttributes(rawTo.getParent(), BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw missingDirectory(e);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, to.toString());
    }
    fs.stagedCopies().begin(temp, to);
    FileChannel ch =
        fs.files()
            .newFileChannel(
                temp,
                to.toString(),
                EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW),
                () -> fs.policyFor(to), // the key the target's path should use
                attrs);
    if (group != null) {
      try {
        rawProvider()
            .getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setGroup(group);
      } catch (FileSystemException e) {
        GroupRefused refused = new GroupRefused(to, e);
        discard(ch, refused);
        throw refused;
      } catch (IOException | RuntimeException e) {
        discard(ch, e);
        throw e;
      }
    }
    return ch;
  }

  /**
   * What creating the file at its name reports where its directory cannot be looked at: "Not a
   * directory" where a regular file lies on the way (the deepest entry there is not a directory),
   * else that it is missing. JDK 25 reports a directory below a regular file as missing when it
   * looks at it, where JDK 17 and the creation itself (so the default file system's copy, on both)
   * report "Not a directory".
   */
  private FileSystemException missingDirectory(NoSuchFileException e) throws IOException {
    for (Path up = rawTo.getParent().getParent(); up != null; up = up.getParent()) {
      try {
        if (!rawProvider().readAttributes(up, BasicFileAttributes.class).isDirectory()) {
          return new FileSystemException(to.toString(), null, "Not a directory");
        }
        break;
      } catch (NoSuchFileException missing) {
        // not there either: look further up
      } catch (FileSystemException other) {
        break;
      }
    }
    return PathErrors.translate(e, to.toString());
  }

  /**
   * Closes and removes the file {@link #create} made; a failure to do so rides on {@code failure}.
   */
  private void discard(FileChannel ch, Throwable failure) {
    try {
      ch.close();
      remove();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * The group a file created at the target's name gets is not one this process may give (not root,
   * nor in that group, though it may create files in that set-group-ID directory): the caller
   * copies at the name instead, where the kernel gives it. The temporary file is removed.
   */
  static final class GroupRefused extends FileSystemException {
    private static final long serialVersionUID = 1L;

    GroupRefused(EncryptedPath to, Exception cause) {
      super(to.toString(), null, "the group of its directory cannot be given to a staged copy");
      initCause(cause);
    }
  }

  /**
   * The copy is over, placed or not: a key usage scan finds it at its name, or nowhere ({@link
   * StagedCopies}).
   */
  void end() {
    to.getFileSystem().stagedCopies().end(temp);
  }

  @Override
  public void remove() throws IOException {
    FileSystemProvider raw = rawProvider();
    try {
      files().delete(temp, () -> raw.delete(temp));
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, to.toString());
    }
  }

  /**
   * Puts the whole copy at the target's name; with {@code durable} (the copy was forced), then
   * forces that name's directory, so that the caller may delete the source once this returns. With
   * {@code replace}, one rename over whatever is there (a directory was removed beforehand: no
   * rename puts a file over one). Without it, a hard link, which refuses a name someone took during
   * the copy as the caller's first look did ({@link FileAlreadyExistsException}); where the
   * underlying file system makes no hard links (vfat, exFAT), a rename after a look, which would
   * replace an entry made between the two. If this fails, neither the temporary file nor the copy
   * at the target's name is left, unless only the directory's force failed after a rename replaced
   * a file: that file is gone, so the copy stays at its name (removed, neither would be there).
   */
  void place(boolean replace, boolean durable) throws IOException {
    FileSystemProvider raw = rawProvider();
    try {
      if (replace) {
        rename(raw, StandardCopyOption.REPLACE_EXISTING, ATOMIC_MOVE);
      } else if (!link(raw)) {
        if (exists(raw)) {
          throw new FileAlreadyExistsException(to.toString());
        }
        rename(raw, ATOMIC_MOVE);
      }
    } catch (FileSystemException e) {
      IOException t =
          e instanceof FileAlreadyExistsException ? e : PathErrors.translate(e, to.toString());
      undo(raw, t);
      throw t;
    } catch (IOException | RuntimeException e) {
      undo(raw, e);
      throw e;
    }
    if (durable) {
      forceDirectory(replace, raw);
    }
  }

  /**
   * The rename, through the table of open files, so that the force a copy not forced owes the file
   * system's close follows it to the target's name.
   */
  private void rename(FileSystemProvider raw, CopyOption... options) throws IOException {
    files()
        .move(
            temp,
            rawTo,
            displayTo(),
            () -> {
              raw.move(temp, rawTo, options);
              placed = true;
            });
  }

  /**
   * The target's name as a second name of the temporary file, whose own name then goes: true. To
   * the table of open files that is a rename, so that a force owed at the temporary name follows
   * the file (a delete of a name a file owes its force at, the file keeping another, would force
   * it). False where the underlying file system makes no hard links (or refused this one for a
   * reason the rename that follows a look will report), and nothing was changed.
   */
  private boolean link(FileSystemProvider raw) throws IOException {
    try {
      files()
          .move(
              temp,
              rawTo,
              displayTo(),
              () -> {
                raw.createLink(rawTo, temp);
                placed = true;
                raw.delete(temp);
              });
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(to.toString());
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (placed) {
        throw e; // linked, and the temporary name could not go
      }
      return false;
    }
    return true;
  }

  /** Removes the copy from the target's name if it got there, and the temporary file. */
  private void undo(FileSystemProvider raw, Throwable failure) {
    if (placed) {
      try {
        files().delete(rawTo, () -> raw.delete(rawTo));
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
    try {
      remove();
    } catch (NoSuchFileException gone) {
      // renamed to the target's name, or linked there and then removed: nothing left here
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private boolean exists(FileSystemProvider raw) throws IOException {
    try {
      raw.readAttributes(rawTo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * So that a power loss after the source's delete cannot take the copy's name with it. A failure
   * names the target: the caller's move failed, and its source stays.
   */
  private void forceDirectory(boolean replace, FileSystemProvider raw) throws IOException {
    Path dir = rawTo.getParent();
    EncryptedPath shown = to.toAbsolutePath().normalize().getParent();
    try (FileChannel ch = DirectoryChannel.open(dir, shown.toString())) {
      ch.force(true);
    } catch (IOException e) {
      SyncFailedException t =
          new SyncFailedException(
              to + ": forcing its directory " + shown + " failed (" + e.getMessage() + ")");
      t.initCause(e);
      if (!replace) {
        undo(raw, t); // the name was free before: it is again
      }
      throw t;
    }
  }

  private String displayTo() {
    return to.toAbsolutePath().normalize().toString();
  }

  private OpenFiles files() {
    return to.getFileSystem().files();
  }

  private FileSystemProvider rawProvider() {
    return EncryptedFileSystemProvider.rawProvider(to);
  }
}
