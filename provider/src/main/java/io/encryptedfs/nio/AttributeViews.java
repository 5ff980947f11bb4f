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
    if (raw.getFileSystem().provider().getFileAttributeView(raw, type, options) == null) {
      return null;
    }
    if (type == BasicFileAttributeView.class) {
      return (V) new Basic(provider, path, options);
    }
    if (type == PosixFileAttributeView.class) {
      return (V) new Posix(provider, path, options);
    }
    return type == FileOwnerAttributeView.class ? (V) new Owner(path, options) : null;
  }

  private interface RawCall<V, T> {
    T call(V view) throws IOException;
  }

  private interface RawAction<V> {
    void run(V view) throws IOException;
  }

  /**
   * Calls the underlying view of {@code type} on the file {@code path} leads to, had at the time of
   * the call, since a link there may lead to the root's marker ({@link MarkerLinks}).
   */
  private static <V extends FileAttributeView, T> T call(
      EncryptedPath path, LinkOption[] options, Class<V> type, RawCall<V, T> call)
      throws IOException {
    Path raw = MarkerLinks.rawFollowed(path, options); // an internal file is not there
    try {
      return call.call(raw.getFileSystem().provider().getFileAttributeView(raw, type, options));
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, path.toString());
    }
  }

  private static <V extends FileAttributeView> void run(
      EncryptedPath path, LinkOption[] options, Class<V> type, RawAction<V> action)
      throws IOException {
    call(
        path,
        options,
        type,
        view -> {
          action.run(view);
          return null;
        });
  }

  private static class Basic implements BasicFileAttributeView {
    final EncryptedFileSystemProvider provider;
    final EncryptedPath path;
    final LinkOption[] options;

    Basic(EncryptedFileSystemProvider provider, EncryptedPath path, LinkOption[] options) {
      this.provider = provider;
      this.path = path;
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
      if (lastModified != null) {
        path.getFileSystem().files().settle(EncryptedFileSystemProvider.raw(path));
      }
      run(
          path,
          options,
          BasicFileAttributeView.class,
          v -> v.setTimes(lastModified, lastAccess, create));
    }
  }

  private static final class Posix extends Basic implements PosixFileAttributeView {
    Posix(EncryptedFileSystemProvider provider, EncryptedPath path, LinkOption[] options) {
      super(provider, path, options);
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
      run(path, options, PosixFileAttributeView.class, v -> v.setPermissions(perms));
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
      run(path, options, PosixFileAttributeView.class, v -> v.setGroup(group));
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return call(path, options, PosixFileAttributeView.class, PosixFileAttributeView::getOwner);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      run(path, options, PosixFileAttributeView.class, v -> v.setOwner(owner));
    }
  }

  private static final class Owner implements FileOwnerAttributeView {
    private final EncryptedPath path;
    private final LinkOption[] options;

    Owner(EncryptedPath path, LinkOption[] options) {
      this.path = path;
      this.options = options;
    }

    @Override
    public String name() {
      return "owner";
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return call(path, options, FileOwnerAttributeView.class, FileOwnerAttributeView::getOwner);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      run(path, options, FileOwnerAttributeView.class, v -> v.setOwner(owner));
    }
  }
}
