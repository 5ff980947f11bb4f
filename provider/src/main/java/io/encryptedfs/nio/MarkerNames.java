package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Objects;

/**
 * Which names are the root marker's or start with it ({@code .encryptedfs}), as the root's
 * underlying directory looks names up. Where it tells case apart (Linux's usual file systems) only
 * those exact characters are; where it folds case (vfat, exFAT, CIFS, an ext4 casefold directory,
 * macOS' and Windows' defaults) {@code .ENCRYPTEDFS} names the marker itself, so every case variant
 * is.
 *
 * <p>Which of the two is found once, at the file system's open, by looking up the marker's name in
 * upper case and asking whether that reaches the marker: one {@code stat}, which finds nothing on a
 * case-sensitive directory (a regular file it finds is compared with the marker). A name there is
 * then compared as it is, at no cost; on a folding one after Java's full case mapping (upper, then
 * lower), which also folds {@code ſ} to {@code s} and the ligature {@code ﬆ} to {@code st}, as
 * Unicode's case folding (which ext4's casefold uses) does, so a rule refuses at least what the
 * file system would take for the marker. Unicode normalization adds nothing: the marker's name is
 * ASCII, and no other character's canonical decomposition is one of its characters.
 *
 * <p>A tool that copies a tree into a root asks {@link #of} which names the root refuses to create,
 * so that it can leave them out beforehand.
 */
public final class MarkerNames {
  private static final String UPPER = EncryptedFileSystem.MARKER.toUpperCase(Locale.ROOT);

  private final boolean folds;

  private MarkerNames(boolean folds) {
    this.folds = folds;
  }

  /**
   * The names {@code fs} keeps for root markers: in every directory no call through it creates one,
   * and at its root they look absent.
   *
   * @throws IllegalArgumentException if {@code fs} is not an encrypted file system
   * @throws java.nio.file.ClosedFileSystemException if it is closed
   */
  public static MarkerNames of(FileSystem fs) {
    Objects.requireNonNull(fs, "fs");
    if (!(fs instanceof EncryptedFileSystem efs)) {
      throw new IllegalArgumentException("not an encrypted file system: " + fs);
    }
    efs.ensureOpen();
    return efs.markerNames();
  }

  /** Finds out whether {@code root}, holding the marker {@code marker}, folds case. */
  static MarkerNames detect(Path root, Path marker) throws IOException {
    Path upper = root.resolve(UPPER);
    BasicFileAttributes attrs;
    try {
      attrs =
          root.getFileSystem()
              .provider()
              .readAttributes(upper, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return new MarkerNames(false); // no such name: the usual answer, on a case-sensitive one
    }
    // Something of that name on a case-sensitive directory: the marker only if the lookup folded,
    // and then it is the regular file itself, never a link to it.
    return new MarkerNames(attrs.isRegularFile() && Files.isSameFile(upper, marker));
  }

  /** Whether the root's underlying directory folds case, so that names in any case are reserved. */
  public boolean folds() {
    return folds;
  }

  /**
   * Whether {@code name} may be another name of the marker's own file, which only the file's
   * identity can tell: on a folding root, a name with a {@code ~} and a digit after it, the numeric
   * tail of FAT's generated short names ({@code ENCRYP~1} for {@code .encryptedfs}), which vfat
   * looks up as well as long ones. Office's {@code ~$report.docx} and an editor's {@code notes~}
   * are not looked at.
   */
  boolean mayAliasMarker(String name) {
    if (!folds) {
      return false;
    }
    for (int i = name.indexOf('~'); i >= 0 && i + 1 < name.length(); i = name.indexOf('~', i + 1)) {
      char next = name.charAt(i + 1);
      if (next >= '0' && next <= '9') {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name}, one name of a path, is the marker's or starts with it. */
  public boolean isReserved(String name) {
    Objects.requireNonNull(name, "name");
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
