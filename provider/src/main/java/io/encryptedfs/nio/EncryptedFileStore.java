package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The underlying store, seen through an encrypted root. Its attributes {@code encrypted:algorithm},
 * {@code encrypted:blockSize}, {@code encrypted:keyAlias} and {@code encrypted:formatVersion}
 * report how new files are made.
 */
final class EncryptedFileStore extends FileStore {
  private final EncryptedFileSystem fs;
  private final FileStore underlying;

  EncryptedFileStore(EncryptedFileSystem fs, FileStore underlying) {
    this.fs = fs;
    this.underlying = underlying;
  }

  /** The underlying store's: what a file takes on disk is counted there. */
  @Override
  public long getBlockSize() throws IOException {
    return underlying.getBlockSize();
  }

  /** One root's store, however it was looked up: the same root over the same underlying store. */
  @Override
  public boolean equals(Object obj) {
    return obj instanceof EncryptedFileStore o && o.fs == fs && o.underlying.equals(underlying);
  }

  @Override
  public int hashCode() {
    return 31 * System.identityHashCode(fs) + underlying.hashCode();
  }

  @Override
  public String name() {
    return "encrypted:" + underlying.name();
  }

  @Override
  public String type() {
    return "encrypted";
  }

  @Override
  public boolean isReadOnly() {
    return underlying.isReadOnly();
  }

  @Override
  public long getTotalSpace() throws IOException {
    return underlying.getTotalSpace();
  }

  @Override
  public long getUsableSpace() throws IOException {
    return underlying.getUsableSpace();
  }

  @Override
  public long getUnallocatedSpace() throws IOException {
    return underlying.getUnallocatedSpace();
  }

  /**
   * Only the views this file system hands out: the underlying store's answer would also claim
   * {@code dos} and {@code user}, whose views {@code getFileAttributeView} refuses.
   */
  @Override
  public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
    String name = AttributeViews.nameOf(type);
    return name != null && supportsFileAttributeView(name);
  }

  @Override
  public boolean supportsFileAttributeView(String name) {
    return fs.supportedFileAttributeViews().contains(name);
  }

  @Override
  public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
    return null;
  }

  @Override
  public Object getAttribute(String attribute) throws IOException {
    return switch (attribute) {
      case "encrypted:algorithm" -> fs.policy().algorithm().displayName();
      case "encrypted:blockSize" -> fs.policy().geometry().blockSize();
        // Looked up now, like the key of each new file: a rotation changes it without a reopen.
      case "encrypted:keyAlias" -> keyAlias();
      case "encrypted:formatVersion" -> io.encryptedfs.format.HeaderCodec.FORMAT_VERSION;
      default -> underlying.getAttribute(attribute);
    };
  }

  /**
   * The key new files get where no policy rule names one. A keystore that names none (several keys,
   * none current) is said as an I/O failure, not as the IllegalArgumentException that would read as
   * an attribute this store does not know.
   */
  private String keyAlias() throws IOException {
    try {
      return fs.newFiles().defaultAlias();
    } catch (IllegalArgumentException e) {
      throw new IOException("no key for new files: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
