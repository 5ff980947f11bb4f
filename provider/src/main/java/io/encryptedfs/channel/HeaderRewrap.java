package io.encryptedfs.channel;

import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.crypto.KeyWrap;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.FormatException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * a rewrap, and updates the file's in-memory header with the result.
 */
final class HeaderRewrap {
  private HeaderRewrap() {}

  /**
   * Rewraps the file's data key under {@code alias}.
   *
   * @param header the newest authentic header, held in slot {@code headerSlot}
   * @return the header now in both slots, or null when both slots already name {@code alias} (a
   *     finished rewrap: rerunning one is a no-op)
   */
  static FileHeader rewrite(
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
    SecretKey newMaster = keyProvider.masterKey(alias);
    SecretKey oldMaster = keyProvider.masterKey(header.keyAlias());
    byte[] dataKey = null;
    byte[] slot;
    FileHeader next;
    try {
      try {
        dataKey = KeyWrap.unwrap(oldMaster, header.wrappedKey());
      } catch (GeneralSecurityException e) {
        throw new KeyMismatchException(path, header.keyAlias());
      }
      next = header.rewrapped(KeyWrap.wrap(newMaster, dataKey), alias);
      slot = HeaderCodec.encode(next);
      // The MAC key derives from the data key, which a rewrap keeps: the file's keys still apply.
      keys.sealHeader(slot);
    } catch (GeneralSecurityException e) {
      throw new IOException(path + ": cannot rewrap header: " + e.getMessage(), e);
    } finally {
      if (dataKey != null) {
        Arrays.fill(dataKey, (byte) 0);
      }
    }
    int older = 1 - headerSlot;
    raw.writeFully(ByteBuffer.wrap(slot), (long) older * Geometry.HEADER_SLOT_SIZE);
    raw.force(false);
    raw.writeFully(ByteBuffer.wrap(slot), (long) headerSlot * Geometry.HEADER_SLOT_SIZE);
    raw.force(false);
    return next;
  }

  /**
   * True when the slot other than {@code headerSlot} parses and names {@code alias}. Not
   * authenticated: it only decides whether a finished-looking rewrap must be completed, and
   * completing one that was already complete is harmless.
   */
  static boolean otherSlotNames(RawFile raw, int headerSlot, String alias)
      throws IOException {
    ByteBuffer other = ByteBuffer.allocate(Geometry.HEADER_SLOT_SIZE);
    raw.readUpTo(other, (long) (1 - headerSlot) * Geometry.HEADER_SLOT_SIZE);
    if (other.hasRemaining()) {
      return false;
    }
    try {
      return HeaderCodec.decode(other.array()).keyAlias().equals(alias);
    } catch (FormatException e) {
      return false;
    }
  }
}
