package io.encryptedfs.conformance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.SecretKey;

/**
 * A writer of format version 1 written from {@code provider/FORMAT.md} alone, byte by byte: header
 * slots, tail records and home blocks of one file, sealed as sections 3 to 5 say, under one key
 * salt with a counting nonce (section 6). Each field can be set to any value, so that a test can
 * build both the files the document allows and the damage it says is detected.
 */
final class SpecEncoder {
  final int algorithm;
  final int blockSize;
  final byte[] fileId = new byte[16];
  final byte[] dataKey = new byte[32];
  private final byte[] salt = new byte[16];
  private long counter;

  /** Seals ChaCha20-Poly1305 units as writers on JDK 17 did before 2026-12-03 (section 4). */
  boolean jdk17Aad;

  SpecEncoder(int algorithm, int blockSize, Random random) {
    this.algorithm = algorithm;
    this.blockSize = blockSize;
    random.nextBytes(fileId);
    random.nextBytes(dataKey);
    random.nextBytes(salt);
  }

  long front() {
    return 512 + 3L * (blockSize + 64);
  }

  long tailOffset(int slot) {
    return 512 + slot * (blockSize + 64L);
  }

  long homeOffset(long index) {
    return front() + index * (blockSize + 40L);
  }

  /** The fields of section 3 before the MAC, each settable. */
  final class HeaderFields {
    int version = 1;
    int algorithmId = algorithm;
    int shift = Integer.numberOfTrailingZeros(blockSize);
    long generation;
    SecretKey master;
    String alias;
    long forcedSequence;

    /** Bytes written over the slot after encoding it, before the MAC: offset, value pairs. */
    int[] pokes = {};

    HeaderFields(SecretKey master, String alias) {
      this.master = master;
      this.alias = alias;
    }

    byte[] encode() throws Exception {
      byte[] s = new byte[256];
      ByteBuffer b = ByteBuffer.wrap(s);
      b.put(SpecDecoder.MAGIC);
      b.putShort(8, (short) version);
      b.put(10, (byte) algorithmId);
      b.put(11, (byte) shift);
      b.putInt(12, (int) generation);
      b.put(16, fileId);
      b.put(32, SpecCrypto.wrap(master, dataKey));
      byte[] name = alias.getBytes(StandardCharsets.UTF_8);
      b.put(72, (byte) name.length);
      b.put(73, name);
      b.putLong(201, forcedSequence);
      for (int i = 0; i < pokes.length; i += 2) {
        s[pokes[i]] = (byte) pokes[i + 1];
      }
      b.put(224, SpecCrypto.headerMac(dataKey, fileId, s));
      return s;
    }
  }

  HeaderFields header(SecretKey master, String alias) {
    return new HeaderFields(master, alias);
  }

  /** The next nonce of this writer's session: key salt || counter. */
  byte[] nextNonce() {
    return ByteBuffer.allocate(24).put(salt).putLong(counter++).array();
  }

  /** A tail record (metadata, nonce, ciphertext, tag) holding {@code clear}. */
  byte[] tail(long sequence, long homeBlocks, long allowance, byte[] clear) throws Exception {
    byte[] meta =
        ByteBuffer.allocate(24)
            .putLong(sequence)
            .putLong(homeBlocks)
            .putInt(clear.length)
            .putInt((int) allowance)
            .array();
    byte[] nonce = nextNonce();
    byte[] aad = SpecCrypto.concat(fileId, new byte[] {'T'}, meta);
    return SpecCrypto.concat(meta, nonce, seal(nonce, aad, clear));
  }

  /** Home block {@code index} holding {@code clear} ({@code B} bytes). */
  byte[] home(long index, byte[] clear) throws Exception {
    byte[] nonce = nextNonce();
    byte[] aad =
        SpecCrypto.concat(fileId, new byte[] {'B'}, ByteBuffer.allocate(8).putLong(index).array());
    return SpecCrypto.concat(nonce, seal(nonce, aad, clear));
  }

  private byte[] seal(byte[] nonce, byte[] aad, byte[] clear) throws Exception {
    byte[] authenticated = jdk17Aad ? SpecCrypto.jdk17Aad(aad) : aad;
    return SpecCrypto.seal(algorithm, dataKey, fileId, nonce, authenticated, clear);
  }

  /**
   * A cleanly closed file holding {@code content}: both header slots alike, forced at sequence
   * {@code sequence}, whose one record is in {@code slot}; raw length {@code F + k(B+40)}.
   */
  byte[] closedFile(HeaderFields header, byte[] content, long sequence, int slot) throws Exception {
    int k = content.length / blockSize;
    byte[] raw = new byte[Math.toIntExact(homeOffset(k))];
    header.forcedSequence = sequence;
    byte[] h = header.encode();
    put(raw, 0, h);
    put(raw, 256, h);
    byte[] tail = Arrays.copyOfRange(content, k * blockSize, content.length);
    put(raw, tailOffset(slot), tail(sequence, k, 0, tail));
    for (int i = 0; i < k; i++) {
      put(
          raw,
          homeOffset(i),
          home(i, Arrays.copyOfRange(content, i * blockSize, (i + 1) * blockSize)));
    }
    return raw;
  }

  static void put(byte[] raw, long at, byte[] unit) {
    System.arraycopy(unit, 0, raw, Math.toIntExact(at), unit.length);
  }
}
