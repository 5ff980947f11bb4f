package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.FormatException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * Rewrites one file's header so that its data key is wrapped by another master key, without
 * touching a content block (FORMAT.md section 3).
 *
 * <p>Crash safety: the slot that does not hold the newest header is written first, with generation
 * + 1 and the new wrapping, and forced; only then is the other slot written the same way and
 * forced. A torn first write leaves the newest old header intact; a torn second write leaves the
 * forced new one. Either way the file opens with the old key or the new one, as long as the key
 * provider holds both.
 *
 * <p>The caller holds the open file's write lock, so a force's header write never interleaves with
 * a rewrap, and follows each forced write in the file's in-memory header ({@link
 * FileHeaders#rewrap}).
 */
final class HeaderRewrap {
  private HeaderRewrap() {}

  /** A rewrapped header and its sealed slot bytes. */
  record Rewrapped(FileHeader header, byte[] slot) {}

  /**
   * Writes {@code next} into both slots: the one that does not hold the newest header ({@code
   * headerSlot}) first, then that one, each forced.
   */
  static void writeBoth(RawFile raw, Rewrapped next, int headerSlot) throws IOException {
    write(raw, next, 1 - headerSlot);
    write(raw, next, headerSlot);
  }

  /**
   * The header rewrapped under {@code alias}, sealed, for {@link #write}; null when both slots
   * already name {@code alias}.
   *
   * @param header the newest authentic header, held in slot {@code headerSlot}
   */
  static Rewrapped seal(
      String path,
      RawFile raw,
      FileKeys keys,
      FileHeader header,
      int headerSlot,
      String alias,
      KeyProvider keyProvider)
      throws IOException {
    if (header.keyAlias().equals(alias) && otherSlotNames(raw, headerSlot, alias)) {
      return null;
    }
    if (!raw.writable()) {
      throw new IOException(path + ": cannot rewrap: the underlying file is read-only");
    }
    if (header.generation() == FileHeader.MAX_GENERATION) {
      // Before anything is asked or written: a rewrap must raise the generation, or readers could
      // not tell the new header from the old.
      throw new FileSystemException(
          path,
          null,
          "cannot rewrap: the header's generation (32 bits) is at its maximum, "
              + FileHeader.MAX_GENERATION
              + "; a copy of the file has a new header");
    }
    // Asked as for a new file: a key retired elsewhere would leave the file unreadable.
    SecretKey newMaster;
    try {
      newMaster = keyProvider.masterKeyForNewFile(alias);
    } catch (IOException e) {
      throw KeyFailures.forFile(path, e);
    }
    byte[] slot;
    FileHeader next;
    try {
      // The data key in keys is the file's, authenticated with its header: the key that
      // wrapped it need not be had again. Asked for, it failed the rewrap of a file open here
      // whose key another program had retired (or made anew under its alias), the one rewrap
      // that could still save it.
      next = header.rewrapped(keys.wrapDataKey(newMaster), alias);
      slot = HeaderCodec.encode(next);
      // The MAC key derives from the data key, which a rewrap keeps: the file's keys still apply.
      keys.sealHeader(slot);
    } catch (GeneralSecurityException e) {
      throw new IOException(path + ": cannot rewrap header: " + e.getMessage(), e);
    }
    return new Rewrapped(next, slot);
  }

  /** Writes {@code next} into slot {@code target} and forces it. */
  static void write(RawFile raw, Rewrapped next, int target) throws IOException {
    raw.writeFully(ByteBuffer.wrap(next.slot()), (long) target * Geometry.HEADER_SLOT_SIZE);
    raw.force(false);
  }

  /**
   * Refuses a header-only rewrap when the slot other than {@code headerSlot} parses but belongs to
   * another file. A slot copied from another file authenticates on its own (its MAC key derives
   * from that file's data key and id), so the newest authentic slot of a file whose content does
   * not open may be a foreign one; with no content to tell which slot is the file's own, writing
   * either over the other could destroy the only header that opens the file.
   */
  static void ensureOtherSlotSameFile(String path, RawFile raw, FileHeader header, int headerSlot)
      throws IOException {
    FileHeader other;
    try {
      other = otherSlot(raw, headerSlot);
    } catch (FormatException e) {
      return;
    }
    if (other != null && !Arrays.equals(other.fileId(), header.fileId())) {
      throw new DamagedFileException(
          path,
          -1,
          "header slots "
              + headerSlot
              + " and "
              + (1 - headerSlot)
              + " belong to different files (their file ids differ): one was copied from another"
              + " file; not rewrapped, both slots left as they are");
    }
  }

  /**
   * True when the slot other than {@code headerSlot} parses and names {@code alias}. Not
   * authenticated: it only decides whether a finished-looking rewrap must be completed, and
   * completing one that was already complete is harmless.
   */
  static boolean otherSlotNames(RawFile raw, int headerSlot, String alias) throws IOException {
    try {
      FileHeader other = otherSlot(raw, headerSlot);
      return other != null && other.keyAlias().equals(alias);
    } catch (FormatException e) {
      return false;
    }
  }

  /** The slot other than {@code headerSlot}, parsed, unauthenticated; null if cut short. */
  private static FileHeader otherSlot(RawFile raw, int headerSlot)
      throws IOException, FormatException {
    ByteBuffer other = ByteBuffer.allocate(Geometry.HEADER_SLOT_SIZE);
    raw.readUpTo(other, (long) (1 - headerSlot) * Geometry.HEADER_SLOT_SIZE);
    if (other.hasRemaining()) {
      return null;
    }
    return HeaderCodec.decode(other.array());
  }
}
