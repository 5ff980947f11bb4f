package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Which names are the root marker's or start with it ({@value EncryptedFileSystem#MARKER}), as the
 * root's underlying directory looks names up. Where it tells case apart (Linux's usual file
 * systems) only those exact characters are; where it folds case (vfat, exFAT, CIFS, an ext4
 * casefold directory, macOS' and Windows' defaults) {@code .ENCRYPTEDFS} names the marker itself,
 * so every case variant is.
 *
 * <p>Which of the two is found once, at the file system's open, by looking up the marker's name in
 * upper case and asking whether that reaches the marker: one {@code stat}, which fails on a
 * case-sensitive directory. A name there is then compared as it is, at no cost; on a folding one
 * after Java's full case mapping (upper, then lower), which also folds {@code ſ} to {@code s} and
 * the ligature {@code ﬆ} to {@code st}, as ext4's and APFS' Unicode folding do, so a rule refuses
 * at least what the file system would take for the marker. Unicode normalization adds nothing: the
 * marker's name is ASCII, and no other character's canonical decomposition is one of its
 * characters.
 */
final class MarkerNames {
  private static final String UPPER = EncryptedFileSystem.MARKER.toUpperCase(Locale.ROOT);

  private final boolean folds;

  private MarkerNames(boolean folds) {
    this.folds = folds;
  }

  /** Names as a directory that tells case apart has them. */
  static MarkerNames caseSensitive() {
    return new MarkerNames(false);
  }

  /** Finds out whether {@code root}, holding the marker {@code marker}, folds case. */
  static MarkerNames of(Path root, Path marker) throws IOException {
    Path upper = root.resolve(UPPER);
    BasicFileAttributes attrs;
    try {
      attrs =
          root.getFileSystem()
              .provider()
              .readAttributes(upper, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return caseSensitive(); // no such name: the usual answer, on a case-sensitive directory
    }
    BasicFileAttributes markerAttrs =
        Files.readAttributes(marker, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attrs.fileKey() != null && markerAttrs.fileKey() != null) {
      return new MarkerNames(attrs.fileKey().equals(markerAttrs.fileKey()));
    }
    // Without file keys (Windows, Jimfs): a file of that name on a case-sensitive directory is
    // another file, which the underlying provider tells by its own means.
    return new MarkerNames(Files.isSameFile(upper, marker));
  }

  /** Whether the underlying root directory folds case. */
  boolean folds() {
    return folds;
  }

  /** Whether {@code name}, one name of a path, is the marker's or starts with it. */
  boolean isReserved(String name) {
    if (name.startsWith(EncryptedFileSystem.MARKER)) {
      return true;
    }
    return folds
        && name.startsWith(".")
        && name.toUpperCase(Locale.ROOT)
            .toLowerCase(Locale.ROOT)
            .startsWith(EncryptedFileSystem.MARKER);
  }
}
