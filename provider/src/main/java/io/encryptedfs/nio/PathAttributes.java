package io.encryptedfs.nio;

import static io.encryptedfs.nio.EncryptedFileSystemProvider.raw;
import static io.encryptedfs.nio.EncryptedFileSystemProvider.rawProvider;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A path's attributes read and written through the provider, by type or by name: the underlying
 * file's, with the cleartext size in place of the raw one, and only of the views this file system
 * offers. The attribute views' reads come here too, through the provider.
 */
final class PathAttributes {
  private PathAttributes() {}

  @SuppressWarnings("unchecked")
  static <A extends BasicFileAttributes> A read(
      EncryptedPath p, Class<A> type, LinkOption... options) throws IOException {
    if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
      // Cleartext attributes implement these two; any other would fail the caller's cast.
      throw new UnsupportedOperationException("'" + type.getSimpleName() + "' is not supported");
    }
    BasicFileAttributes rawAttrs = MarkerLinks.attributes(p, raw(p), type, options);
    return (A) CleartextAttributes.of(rawAttrs, cleartextSize(p, rawAttrs));
  }

  /** The cleartext size of a regular file, read from its tail record, not its whole content. */
  private static long cleartextSize(EncryptedPath p, BasicFileAttributes rawAttrs)
      throws IOException {
    if (!rawAttrs.isRegularFile()) {
      return rawAttrs.size();
    }
    return p.getFileSystem().files().cleartextSize(raw(p), p.toString(), rawAttrs);
  }

  static Map<String, Object> read(EncryptedPath p, String attributes, LinkOption... options)
      throws IOException {
    requireView(p, attributes);
    Map<String, Object> raw;
    try {
      raw = rawProvider(p).readAttributes(MarkerLinks.rawFollowed(p, options), attributes, options);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
    Map<String, Object> out = new LinkedHashMap<>(raw);
    if (out.containsKey("size")) {
      out.put("size", read(p, BasicFileAttributes.class, options).size());
    }
    return out;
  }

  static void set(EncryptedPath p, String attribute, Object value, LinkOption... options)
      throws IOException {
    requireView(p, attribute);
    if (attribute.equals("size") || attribute.endsWith(":size")) {
      throw new IllegalArgumentException("'size' cannot be set");
    }
    if (LinkModes.changesMode(attribute)) {
      LinkModes.refuseLink(p, options);
    }
    if (attribute.equals("lastModifiedTime") || attribute.endsWith(":lastModifiedTime")) {
      p.getFileSystem().files().settle(EncryptedFileSystemProvider.raw(p)); // see OpenFiles#settle
    }
    try {
      rawProvider(p).setAttribute(MarkerLinks.rawFollowed(p, options), attribute, value, options);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  /**
   * Refuses an attribute of a view this file system does not offer, as the JDK does, before the
   * underlying file sees it: a {@code user:} attribute would be stored there unencrypted, a {@code
   * dos:} one means nothing here. {@code unix:} passes where offered, with its size translated.
   */
  private static void requireView(EncryptedPath p, String attribute) {
    int colon = attribute.indexOf(':');
    String view = colon < 0 ? "basic" : attribute.substring(0, colon);
    if (view.isEmpty()) {
      throw new IllegalArgumentException(attribute); // as the JDK's: no view named
    }
    if (!p.getFileSystem().supportedFileAttributeViews().contains(view)) {
      throw new UnsupportedOperationException("View '" + view + "' not available");
    }
  }
}
