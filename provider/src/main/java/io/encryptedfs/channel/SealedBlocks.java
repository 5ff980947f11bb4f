package io.encryptedfs.channel;

import io.encryptedfs.Algorithm;
import io.encryptedfs.crypto.Aead;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.crypto.ThreadCache;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailCodec;
import io.encryptedfs.format.TailRecord;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seals and opens the two kinds of sealed unit in a file: home blocks and tail records. The
 * associated data binds the file id and the unit's place: a home block's index, or a tail record's
 * whole metadata, with a distinct domain byte so that neither can pass for the other.
 */
final class SealedBlocks {
  private static final byte HOME = 'B';
  private static final byte TAIL = 'T';
  private static final int AAD_SIZE = 16 + 1 + Geometry.TAIL_META_SIZE;

  private final Geometry geometry;
  private final FileKeys keys;
  private final Aead aead;
  private final byte[] fileId;
  private final long id = IDS.incrementAndGet();

  private static final AtomicLong IDS = new AtomicLong();

  /**
   * Per thread, not per file: a thread-local per instance would leave a stale entry in every
   * thread's map for each file opened, which the map then sweeps. Nonces and associated data are
   * not secret.
   */
  private static final ThreadCache<Scratch> SCRATCH = ThreadCache.of(Scratch::new);

  private static final class Scratch {
    final ByteBuffer aad = ByteBuffer.allocate(AAD_SIZE);
    final byte[] nonce = new byte[Geometry.NONCE_SIZE];
  }

  SealedBlocks(Geometry geometry, FileKeys keys, Aead aead) {
    this.geometry = geometry;
    this.keys = keys;
    this.aead = aead;
    this.fileId = keys.fileId();
  }

  /**
   * A number no other instance in this JVM has: what a unit opened through this instance depends on
   * (keys, file id, algorithm) is fixed for its life, so the number stands for all of it.
   */
  long id() {
    return id;
  }

  Geometry geometry() {
    return geometry;
  }

  Algorithm algorithm() {
    return aead.algorithm();
  }

  /** Seals {@code plain} (a whole block) as home block {@code index} under {@code nonce}. */
  void sealHome(long index, ByteBuffer plain, ByteBuffer out, byte[] nonce)
      throws GeneralSecurityException {
    Scratch s = SCRATCH.take();
    try {
      aead.seal(keys.contentKey(nonce), nonce, homeAad(s.aad, index), plain, out);
    } finally {
      SCRATCH.give(s);
    }
  }

  /** Opens home block {@code index} from {@code sealed} into {@code out}. */
  void openHome(long index, ByteBuffer sealed, ByteBuffer out) throws GeneralSecurityException {
    Scratch s = SCRATCH.take();
    try {
      sealed.get(s.nonce);
      aead.open(keys.contentKey(s.nonce), s.nonce, homeAad(s.aad, index), sealed, out);
    } finally {
      SCRATCH.give(s);
    }
  }

  /** Encodes a whole tail slot (metadata, then the seal of {@code plain}) into {@code out}. */
  void sealTail(TailRecord record, ByteBuffer plain, ByteBuffer out, NonceSequence nonces)
      throws GeneralSecurityException {
    sealTail(
        record.sequence(),
        record.homeBlocks(),
        record.length(),
        record.allowance(),
        plain,
        out,
        nonces);
  }

  /**
   * As {@link #sealTail(TailRecord, ByteBuffer, ByteBuffer, NonceSequence)}, from the record's
   * fields: a writer's append seals a tail record per call, and a record object for each was the
   * one object of the path's own that the JIT left.
   */
  void sealTail(
      long sequence,
      long homeBlocks,
      int length,
      int allowance,
      ByteBuffer plain,
      ByteBuffer out,
      NonceSequence nonces)
      throws GeneralSecurityException {
    Scratch s = SCRATCH.take();
    try {
      TailCodec.encode(sequence, homeBlocks, length, allowance, out);
      nonces.next(s.nonce);
      ByteBuffer aad = tailAad(s.aad, sequence, homeBlocks, length, allowance);
      aead.seal(keys.contentKey(s.nonce), s.nonce, aad, plain, out);
    } finally {
      SCRATCH.give(s);
    }
  }

  /** Opens the sealed part of a tail slot whose metadata decoded to {@code record}. */
  void openTail(TailRecord record, ByteBuffer sealed, ByteBuffer out)
      throws GeneralSecurityException {
    Scratch s = SCRATCH.take();
    try {
      sealed.get(s.nonce);
      aead.open(
          keys.contentKey(s.nonce),
          s.nonce,
          tailAad(
              s.aad, record.sequence(), record.homeBlocks(), record.length(), record.allowance()),
          sealed,
          out);
    } finally {
      SCRATCH.give(s);
    }
  }

  private ByteBuffer homeAad(ByteBuffer aad, long index) {
    aad.clear();
    aad.put(fileId).put(HOME).putLong(index).flip();
    return aad;
  }

  private ByteBuffer tailAad(
      ByteBuffer aad, long sequence, long homeBlocks, int length, int allowance) {
    aad.clear();
    aad.put(fileId).put(TAIL);
    TailCodec.encode(sequence, homeBlocks, length, allowance, aad);
    aad.flip();
    return aad;
  }
}
