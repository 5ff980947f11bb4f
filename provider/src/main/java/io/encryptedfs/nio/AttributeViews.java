package io.encryptedfs.nio;

import java.io.IOException;
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

/** Attribute views over the underlying file whose reads report the cleartext size. */
final class AttributeViews {
  private AttributeViews() {}

  @SuppressWarnings("unchecked")
  static <V extends FileAttributeView> V view(
      EncryptedFileSystemProvider provider,
      EncryptedPath path,
      Path raw,
      Class<V> type,
      LinkOption... options) {
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
      return (V) rawProvider.getFileAttributeView(raw, FileOwnerAttributeView.class, options);
    }
    return null;
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
      raw.setTimes(lastModified, lastAccess, create);
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
      posix.setPermissions(perms);
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
      posix.setGroup(group);
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return posix.getOwner();
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      posix.setOwner(owner);
    }
  }
}
