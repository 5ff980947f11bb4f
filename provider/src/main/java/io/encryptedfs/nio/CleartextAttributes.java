package io.encryptedfs.nio;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** The underlying file's attributes with the cleartext size in place of the raw one. */
class CleartextAttributes implements BasicFileAttributes {
  private final BasicFileAttributes raw;
  private final long size;

  CleartextAttributes(BasicFileAttributes raw, long size) {
    this.raw = raw;
    this.size = size;
  }

  static BasicFileAttributes of(BasicFileAttributes raw, long size) {
    if (raw instanceof PosixFileAttributes posix) {
      return new Posix(posix, size);
    }
    return new CleartextAttributes(raw, size);
  }

  @Override
  public FileTime lastModifiedTime() {
    return raw.lastModifiedTime();
  }

  @Override
  public FileTime lastAccessTime() {
    return raw.lastAccessTime();
  }

  @Override
  public FileTime creationTime() {
    return raw.creationTime();
  }

  @Override
  public boolean isRegularFile() {
    return raw.isRegularFile();
  }

  @Override
  public boolean isDirectory() {
    return raw.isDirectory();
  }

  @Override
  public boolean isSymbolicLink() {
    return raw.isSymbolicLink();
  }

  @Override
  public boolean isOther() {
    return raw.isOther();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Object fileKey() {
    return raw.fileKey();
  }

  /** The POSIX flavour, so that callers asking for {@code PosixFileAttributes} get them. */
  static final class Posix extends CleartextAttributes implements PosixFileAttributes {
    private final PosixFileAttributes posix;

    Posix(PosixFileAttributes posix, long size) {
      super(posix, size);
      this.posix = posix;
    }

    @Override
    public UserPrincipal owner() {
      return posix.owner();
    }

    @Override
    public GroupPrincipal group() {
      return posix.group();
    }

    @Override
    public Set<PosixFilePermission> permissions() {
      return posix.permissions();
    }
  }
}
