package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * When a keystore read earlier must be read again because another program may have replaced it:
 * whenever the file's size, modification time or identity differ from those seen before the last
 * read, and, while they do not, until a read began long enough after the modification that no later
 * change can share its timestamp. Timestamps are coarse (a few milliseconds on ext4, 2 s on FAT)
 * and a rewrite may keep the size, so a change made just after a read, within the same clock tick,
 * could otherwise go unseen; git treats its "racily clean" index entries the same way, as does the
 * provider's size cache. Writers rename a new file into place, so the identity (inode) changes too
 * where the platform reports one.
 *
 * <p>A check costs one {@code stat}; a file that may have changed is read (a few kilobytes) and
 * compared with the bytes held, and only different bytes are authenticated and decoded again. Not
 * thread-safe: {@link Pkcs12KeyStore} serialises access.
 */
final class KeystoreWatch {
  /** Longer than the coarsest modification-time granularity in use, with room for clock skew. */
  static final long SETTLED_MILLIS = 3_000;

  /** The file as a look before a read found it, and when (wall clock, milliseconds) it began. */
  record Look(long size, FileTime modified, Object fileKey, long at) {
    boolean sameFileAs(Look other) {
      return size == other.size
          && modified.equals(other.modified)
          && Objects.equals(fileKey, other.fileKey);
    }
  }

  private final Path file;
  private Look seen;

  private KeystoreWatch(Path file, Look seen) {
    this.file = file;
    this.seen = seen;
  }

  /** A watch on {@code file}, which the caller reads right after this returns. */
  static KeystoreWatch beforeReading(Path file) throws IOException {
    return new KeystoreWatch(file, look(file));
  }

  /** A watch on {@code file} whose contents were not read, so that the first check reads them. */
  static KeystoreWatch unread(Path file) {
    return new KeystoreWatch(file, null);
  }

  /**
   * Reads the file again if it may have changed since it was last read, and has {@code stored}
   * adopt what it holds.
   *
   * @return whether the contents differ from what {@code stored} held
   */
  boolean catchUp(StoredKeys stored) throws IOException {
    Look now = look(file);
    if (!mayHaveChanged(seen, now)) {
      return false;
    }
    boolean changed = stored.adopt(KeyStoreFile.read(file));
    seen = now;
    return changed;
  }

  /** Whether a file looked at as {@code now} may differ from what was read after {@code seen}. */
  static boolean mayHaveChanged(Look seen, Look now) {
    return seen == null
        || !seen.sameFileAs(now)
        || seen.at() - seen.modified().toMillis() <= SETTLED_MILLIS;
  }

  private static Look look(Path file) throws IOException {
    // The clock is read first: a look that began earlier than it ended is only more cautious.
    long at = System.currentTimeMillis();
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new Look(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(), at);
  }
}
