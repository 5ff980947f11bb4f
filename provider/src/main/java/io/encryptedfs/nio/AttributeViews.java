package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Attribute views over the underlying file whose reads report the cleartext size. Every call that
 * reaches the underlying view re-raises its exception with the encrypted path, since the underlying
 * one names the raw file. As the JDK's, a view is had for any path and looks at the file only when
 * called: so a view of the root's internal file is had as one of a missing file is, and each of its
 * calls throws {@code NoSuchFileException}.
 */
final class AttributeViews {
  private AttributeViews() {}

  /** The name of a view this file system may hand out, or null. */
  static String nameOf(Class<? extends FileAttributeView> type) {
    if (type == BasicFileAttributeView.class) {
      return "basic";
    }
    if (type == PosixFileAttributeView.class) {
      return "posix";
    }
    return type == FileOwnerAttributeView.class ? "owner" : null;
  }

  @SuppressWarnings("unchecked")
  static <V extends FileAttributeView> V view(
      EncryptedFileSystemProvider provider,
      EncryptedPath path,
      Class<V> type,
      LinkOption... options) {
    Path raw = path.getFileSystem().rawPath(path);
    var rawProvider = raw.getFileSystem().provider();
    if (type == BasicFileAttributeView.class) {
      BasicFileAttributeView rawView =
          rawProvider.getFileAttributeView(raw, BasicFileAttributeView.class, options);
      return rawView == null ? null : (V) new Basic(provider, path, rawView, options);
    }
    if (type == PosixFileAttributeView.class) {
      PosixFileAttributeView rawView =
          rawProvider.getFileAttributeView(raw, PosixFileAttributeView.class, options);
      return rawView == null ? null : (V) new Posix(provider, path, rawView, options);
    }
    if (type == FileOwnerAttributeView.class) {
      FileOwnerAttributeView rawView =
          rawProvider.getFileAttributeView(raw, FileOwnerAttributeView.class, options);
      return rawView == null ? null : (V) new Owner(path, rawView);
    }
    return null;
  }

  private interface RawCall<T> {
    T call() throws IOException;
  }

  private interface RawAction {
    void run() throws IOException;
  }

  private static <T> T call(EncryptedPath path, RawCall<T> call) throws IOException {
    EncryptedFileSystemProvider.raw(path); // an internal file is not there
    try {
      return call.call();
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, path.toString());
    }
  }

  private static void run(EncryptedPath path, RawAction action) throws IOException {
    call(
        path,
        () -> {
          action.run();
          return null;
        });
  }

  private static class Basic implements BasicFileAttributeView {
    final EncryptedFileSystemProvider provider;
    final EncryptedPath path;
    final BasicFileAttributeView raw;
    final LinkOption[] options;

    Basic(
        EncryptedFileSystemProvider provider,
        EncryptedPath path,
        BasicFileAttributeView raw,
        LinkOption[] options) {
      this.provider = provider;
      this.path = path;
      this.raw = raw;
      this.options = options;
    }

    @Override
    public String name() {
      return "basic";
    }

    @Override
    public BasicFileAttributes readAttributes() throws IOException {
      return provider.readAttributes(path, BasicFileAttributes.class, options);
    }

    @Override
    public void setTimes(FileTime lastModified, FileTime lastAccess, FileTime create)
        throws IOException {
      run(path, () -> raw.setTimes(lastModified, lastAccess, create));
    }
  }

  private static final class Posix extends Basic implements PosixFileAttributeView {
    private final PosixFileAttributeView posix;

    Posix(
        EncryptedFileSystemProvider provider,
        EncryptedPath path,
        PosixFileAttributeView raw,
        LinkOption[] options) {
      super(provider, path, raw, options);
      this.posix = raw;
    }

    @Override
    public String name() {
      return "posix";
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
      return provider.readAttributes(path, PosixFileAttributes.class, options);
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
      LinkModes.refuseLink(path, options);
      run(path, () -> posix.setPermissions(perms));
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
      run(path, () -> posix.setGroup(group));
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return call(path, posix::getOwner);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      run(path, () -> posix.setOwner(owner));
    }
  }

  private static final class Owner implements FileOwnerAttributeView {
    private final EncryptedPath path;
    private final FileOwnerAttributeView raw;

    Owner(EncryptedPath path, FileOwnerAttributeView raw) {
      this.path = path;
      this.raw = raw;
    }

    @Override
    public String name() {
      return "owner";
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return call(path, raw::getOwner);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      run(path, () -> raw.setOwner(owner));
    }
  }
}
