package io.encryptedfs.format;

import io.encryptedfs.keystore.Printable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One header slot's fields. The header is authenticated by a MAC over its encoding that the crypto
 * layer computes; this record knows nothing of keys.
 *
 * @param version the format version
 * @param algorithmId the content AEAD, see {@code FORMAT.md}
 * @param blockShift log2 of the cleartext block size
 * @param generation incremented each time the header is rewritten (rewrap); the highest valid wins
 * @param fileId 16 random bytes naming the file in every block's associated data
 * @param wrappedKey the file's data key wrapped by the master key (AES-KW, 40 bytes)
 * @param keyAlias the alias of the master key that wrapped it
 * @param forcedSequence the sequence of a tail record that a completed force made durable: a reader
 *     that finds no authentic tail record at least this new reports damage instead of falling back
 */
public record FileHeader(
    int version,
    int algorithmId,
    int blockShift,
    long generation,
    byte[] fileId,
    byte[] wrappedKey,
    String keyAlias,
    long forcedSequence) {
  public static final int FILE_ID_SIZE = 16;
  public static final int WRAPPED_KEY_SIZE = 40;
  public static final int MAX_ALIAS_BYTES = 128;

  /** The generation field is 32 bits, unsigned: a header there can be rewrapped no more. */
  public static final long MAX_GENERATION = 0xFFFF_FFFFL;

  public FileHeader {
    Objects.requireNonNull(fileId, "fileId");
    Objects.requireNonNull(wrappedKey, "wrappedKey");
    Objects.requireNonNull(keyAlias, "keyAlias");
    if (fileId.length != FILE_ID_SIZE) {
      throw new IllegalArgumentException("file id must be 16 bytes");
    }
    if (wrappedKey.length != WRAPPED_KEY_SIZE) {
      throw new IllegalArgumentException("wrapped key must be 40 bytes");
    }
    int aliasBytes = keyAlias.getBytes(StandardCharsets.UTF_8).length;
    if (aliasBytes == 0 || aliasBytes > MAX_ALIAS_BYTES) {
      throw new IllegalArgumentException("key alias must be 1 to 128 UTF-8 bytes");
    }
    if (forcedSequence < 0) {
      throw new IllegalArgumentException("negative forced sequence");
    }
    if (generation < 0 || generation > MAX_GENERATION) {
      throw new IllegalArgumentException("generation out of range: " + generation);
    }
    fileId = fileId.clone();
    wrappedKey = wrappedKey.clone();
  }

  /** A header with no forced tail record yet. */
  public FileHeader(
      int version,
      int algorithmId,
      int blockShift,
      long generation,
      byte[] fileId,
      byte[] wrappedKey,
      String keyAlias) {
    this(version, algorithmId, blockShift, generation, fileId, wrappedKey, keyAlias, 0);
  }

  @Override
  public byte[] fileId() {
    return fileId.clone();
  }

  @Override
  public byte[] wrappedKey() {
    return wrappedKey.clone();
  }

  /** The same header with another wrapping and a higher generation (a rewrap). */
  public FileHeader rewrapped(byte[] newWrappedKey, String newAlias) {
    return new FileHeader(
        version,
        algorithmId,
        blockShift,
        generation + 1,
        fileId,
        newWrappedKey,
        newAlias,
        forcedSequence);
  }

  /** The same header recording that tail record {@code sequence} is durable. */
  public FileHeader withForcedSequence(long sequence) {
    return new FileHeader(
        version, algorithmId, blockShift, generation, fileId, wrappedKey, keyAlias, sequence);
  }

  /** True when this slot supersedes {@code other}: a later rewrap, or a later force. */
  public boolean newerThan(FileHeader other) {
    if (generation != other.generation) {
      return generation > other.generation;
    }
    return forcedSequence > other.forcedSequence;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileHeader h
        && version == h.version
        && algorithmId == h.algorithmId
        && blockShift == h.blockShift
        && generation == h.generation
        && Arrays.equals(fileId, h.fileId)
        && Arrays.equals(wrappedKey, h.wrappedKey)
        && keyAlias.equals(h.keyAlias)
        && forcedSequence == h.forcedSequence;
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, algorithmId, blockShift, generation, Arrays.hashCode(fileId));
  }

  @Override
  public String toString() {
    return "FileHeader[version="
        + version
        + ", algorithm="
        + algorithmId
        + ", blockShift="
        + blockShift
        + ", generation="
        + generation
        + ", keyAlias="
        + Printable.of(keyAlias)
        + ", forcedSequence="
        + forcedSequence
        + "]";
  }
}
