package io.encryptedfs.channel;

import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * An open file's two header slots: which holds the newest header, and the two ways a header is
 * rewritten (a newer forced sequence, a rewrap), each into the slot that does not hold the newest
 * one. Guarded by the owning file's write lock (a rewrap), or by its read lock together with its
 * force lock (a force's end: readers never look at the header, and forces run one at a time).
 */
final class FileHeaders {
  private final FileName path;
  private final RawFile raw;
  private final FileKeys keys;
  private FileHeader header;
  private int slot;

  /** Both slots' raw bytes as this file last read or wrote them. */
  private final byte[] image;

  /**
   * The forced sequence that a header on disk names durably: written before an {@code fsync} of
   * this session that returned. 0 until then (a header read at load may not be durable yet).
   */
  private long durableForced;

  FileHeaders(
      FileName path, RawFile raw, FileKeys keys, FileHeader header, int slot, byte[] image) {
    this.path = path;
    this.raw = raw;
    this.keys = keys;
    this.header = header;
    this.slot = slot;
    this.image = image;
  }

  /** The file was loaded again: its newest header, in {@code slot}, and both slots' bytes. */
  void reset(FileHeader loaded, int loadedSlot, byte[] loadedImage) {
    header = loaded;
    slot = loadedSlot;
    System.arraycopy(loadedImage, 0, image, 0, image.length);
    durableForced = 0;
  }

  /**
   * Whether both header slots on disk still hold the bytes this file last read or wrote there:
   * otherwise another writer rewrote a header (see {@link WriterClaim}).
   */
  boolean unchangedOnDisk() throws IOException {
    ByteBuffer now = ByteBuffer.allocate(Geometry.HEADER_SIZE);
    raw.readUpTo(now, 0);
    return Arrays.equals(now.array(), image);
  }

  FileHeader current() {
    return header;
  }

  /**
   * Records that tail record {@code sequence} is durable, so that a reader that later finds only
   * older records reports damage instead of silently rolling back forced data. Called after the
   * force returned, so it never names a record that is not durable; the next force makes this write
   * durable in turn, and a torn write leaves the other slot.
   */
  void recordForced(long sequence) throws IOException {
    if (!raw.writable() || !isNewer(sequence)) {
      return;
    }
    FileHeader next = header.withForcedSequence(sequence);
    byte[] bytes = HeaderCodec.encode(next);
    try {
      keys.sealHeader(bytes);
    } catch (GeneralSecurityException e) {
      throw new IOException(path + ": cannot seal header: " + e.getMessage(), e);
    }
    int target = 1 - slot;
    raw.writeFully(ByteBuffer.wrap(bytes), (long) target * Geometry.HEADER_SLOT_SIZE);
    remember(bytes, target);
    header = next;
    slot = target;
  }

  /**
   * An {@code fsync} that began when the header named forced sequence {@code named} returned: that
   * header is durable.
   */
  void synced(long named) {
    durableForced = Math.max(durableForced, named);
  }

  /** The forced sequence a durable header names (see {@link #synced}); 0 if none is known. */
  long durableForced() {
    return durableForced;
  }

  /** Whether tail record {@code sequence} is newer than the forced one the header names. */
  boolean isNewer(long sequence) {
    return sequence > header.forcedSequence();
  }

  /** Whether both header slots already wrap the data key under {@code alias}. */
  boolean alreadyNames(String alias) throws IOException {
    return header.keyAlias().equals(alias) && HeaderRewrap.otherSlotNames(raw, slot, alias);
  }

  /**
   * Rewraps the data key under {@code alias} (see {@link HeaderRewrap}); false if already so. Once
   * the first slot write is forced, the rewrapped header there is the newest, and this view names
   * it before the second write: if that write fails partway, the slot just written is the only
   * complete header, and the next header write (a force's, a retried rewrap's) must go to the
   * other.
   */
  boolean rewrap(String alias, KeyProvider keyProvider) throws IOException {
    HeaderRewrap.Rewrapped next =
        HeaderRewrap.seal(path.toString(), raw, keys, header, slot, alias, keyProvider);
    if (next == null) {
      return false;
    }
    int older = 1 - slot;
    HeaderRewrap.write(raw, next, older);
    header = next.header();
    slot = older;
    remember(next.slot(), older);
    HeaderRewrap.write(raw, next, 1 - older);
    remember(next.slot(), 1 - older);
    return true;
  }

  /** Slot {@code target} on disk now holds {@code bytes}. */
  private void remember(byte[] bytes, int target) {
    System.arraycopy(bytes, 0, image, target * Geometry.HEADER_SLOT_SIZE, bytes.length);
  }
}
