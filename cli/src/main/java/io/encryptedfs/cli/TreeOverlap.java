package io.encryptedfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses an {@code encrypt} or {@code decrypt} whose plain tree and root are one directory or one
 * inside the other: an export into the root writes cleartext into the encrypted root's own
 * directory (at rest unencrypted, and damage to every later {@code verify}); an import takes in its
 * own output, or the root's ciphertext as plain files.
 */
final class TreeOverlap {
  private TreeOverlap() {}

  /** Throws {@link IllegalArgumentException} (a usage error) if the two trees overlap. */
  static void refuse(Path plain, Path root) throws IOException {
    Path p = resolved(plain);
    Path r = resolved(root);
    String why;
    if (p.equals(r)) {
      why = "PLAIN_DIR and ROOT are the same directory";
    } else if (p.startsWith(r)) {
      why = "PLAIN_DIR " + plain + " is inside ROOT " + root;
    } else if (r.startsWith(p)) {
      why = "ROOT " + root + " is inside PLAIN_DIR " + plain;
    } else {
      return;
    }
    throw new IllegalArgumentException(
        why
            + ": the plain tree and the encrypted root must be apart (cleartext would land in the"
            + " root's directory, or the copy would take in its own output); choose another"
            + " directory");
  }

  /**
   * {@code path} with every link of the part that exists resolved, and the rest, which the command
   * may create, appended: so two names of one directory, or a name through a link, compare equal.
   */
  private static Path resolved(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    Path real = existing.toRealPath();
    return real.resolve(existing.relativize(absolute)).normalize();
  }
}
