package io.encryptedfs.nio;

import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes one entry's copy to its {@link CopyTarget}, for {@link CopyMove}, which decides where the
 * copy goes and what happens to the target and the source: a regular file's content read and
 * written through the encrypted file systems (a new file id and data key), a directory made, a link
 * made with the same stored target, each with the source's permissions from its creation and, when
 * asked, its owner, group and times; what it made is removed if a later step fails.
 */
final class EntryCopy {
  private static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(OWNER_READ, OWNER_WRITE);

  private EntryCopy() {}

  /**
   * With {@code durable}, a regular file's copy is forced before it is closed. A directory or a
   * link is made at its name: one call makes either whole.
   */
  static void copy(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      BasicFileAttributes source,
      CopyTarget target,
      boolean copyAttributes,
      boolean durable)
      throws IOException {
    EncryptedPath to = target.path();
    Set<PosixFilePermission> perms =
        source instanceof PosixFileAttributes p && posix(to) ? p.permissions() : null;
    if (source.isSymbolicLink()) {
      copyLink(from, to);
      if (copyAttributes) {
        copyOwnership(from, source, target);
      }
      return;
    }
    if (source.isDirectory()) {
      provider.createDirectory(to, creation(perms));
    } else {
      copyFile(provider, from, target, perms, durable);
    }
    try {
      if (copyAttributes) {
        copyOwnership(from, source, target);
      }
      if (perms != null && copyAttributes) {
        setPermissions(target, perms);
      } else if (perms != null && !perms.containsAll(OWNER_RW) && !source.isDirectory()) {
        // as created, the umask applied, less what was added only for this layer's sake
        Set<PosixFilePermission> now = EnumSet.noneOf(PosixFilePermission.class);
        now.addAll(rawView(target, PosixFileAttributeView.class).readAttributes().permissions());
        now.removeAll(added(perms));
        setPermissions(target, now);
      }
      if (copyAttributes) {
        to.getFileSystem().files().settle(target.raw()); // OpenFiles#settle
        rawView(target, BasicFileAttributeView.class)
            .setTimes(source.lastModifiedTime(), source.lastAccessTime(), source.creationTime());
      }
    } catch (FileSystemException e) {
      IOException t = PathErrors.translate(e, to.toString());
      removeAfter(target, t);
      throw t;
    } catch (IOException | RuntimeException e) {
      removeAfter(target, e);
      throw e;
    }
  }

  /**
   * Copies the content into a new file created with {@code perms} plus the owner's read and write
   * (so that this layer can still open it; they are taken away again afterwards), and removes that
   * file if the copy fails. A file its owner may not write is forced before it is closed, so that
   * closing the file system need not reopen it for writing to make it durable; so is one that must
   * be {@code durable}.
   */
  private static void copyFile(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      CopyTarget to,
      Set<PosixFilePermission> perms,
      boolean durable)
      throws IOException {
    Set<PosixFilePermission> created = perms;
    if (perms != null) {
      created = EnumSet.copyOf(OWNER_RW);
      created.addAll(perms);
    }
    boolean made = false;
    try (FileChannel in = provider.newFileChannel(from, EnumSet.of(StandardOpenOption.READ))) {
      try (FileChannel out = to.create(creation(created))) {
        made = true;
        transfer(in, out);
        if (durable || (perms != null && !perms.containsAll(OWNER_RW))) {
          out.force(true);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (made) {
        removeAfter(to, e);
      }
      throw e;
    }
  }

  private static void transfer(FileChannel in, FileChannel out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(ChannelInput.TRANSFER_CHUNK);
    while (in.read(buf) >= 0) {
      buf.flip();
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      buf.clear();
    }
  }

  /**
   * A new link with the source link's target, read as stored (relative stays relative); one whose
   * target would lead out of the target's root is refused by {@link SymbolicLinks#create}.
   */
  private static void copyLink(EncryptedPath from, EncryptedPath to) throws IOException {
    SymbolicLinks.create(to, linkTarget(from, to));
  }

  /** The source link's target, read as stored, as a path of the target's file system. */
  static EncryptedPath linkTarget(EncryptedPath from, EncryptedPath to) throws IOException {
    return to.getFileSystem().getPath(SymbolicLinks.read(from).toString());
  }

  /**
   * Gives the copy the source's owner and group, as the JDK does (chown, lchown for a link) where
   * this process may give them (as root, or a group it is in) and leaves them where it may not.
   * Before the permissions are set, since a change of owner clears the set-id bits.
   */
  private static void copyOwnership(EncryptedPath from, BasicFileAttributes source, CopyTarget to)
      throws IOException {
    if (!(source instanceof PosixFileAttributes p)
        || !posix(to.path())
        || rawFileSystem(from).provider() != rawFileSystem(to.path()).provider()) {
      return;
    }
    PosixFileAttributeView view = rawView(to, PosixFileAttributeView.class);
    try {
      view.setOwner(p.owner());
      view.setGroup(p.group());
    } catch (FileSystemException e) {
      // not permitted: the JDK copies the owner only where it may, and so does this copy
    }
  }

  /** Removes what this copy made at {@code to}; a failure to do so rides on {@code failure}. */
  static void removeAfter(CopyTarget to, Throwable failure) {
    try {
      to.remove();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static Set<PosixFilePermission> added(Set<PosixFilePermission> perms) {
    Set<PosixFilePermission> added = EnumSet.copyOf(OWNER_RW);
    added.removeAll(perms);
    return added;
  }

  private static FileAttribute<?>[] creation(Set<PosixFilePermission> perms) {
    return perms == null
        ? new FileAttribute<?>[0]
        : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
  }

  private static void setPermissions(CopyTarget p, Set<PosixFilePermission> perms)
      throws IOException {
    rawView(p, PosixFileAttributeView.class).setPermissions(perms);
  }

  private static <V extends BasicFileAttributeView> V rawView(CopyTarget p, Class<V> type)
      throws IOException {
    return EncryptedFileSystemProvider.rawProvider(p.path())
        .getFileAttributeView(p.raw(), type, LinkOption.NOFOLLOW_LINKS);
  }

  static boolean posix(EncryptedPath p) {
    return rawFileSystem(p).supportedFileAttributeViews().contains("posix");
  }

  static java.nio.file.FileSystem rawFileSystem(EncryptedPath p) {
    return p.getFileSystem().root().getFileSystem();
  }
}
