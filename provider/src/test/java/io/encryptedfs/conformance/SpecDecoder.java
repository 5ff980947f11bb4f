package io.encryptedfs.conformance;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * A reader of format version 1 written from {@code provider/FORMAT.md} alone: it uses no class of
 * the provider's {@code format}, {@code channel} or {@code crypto} packages. Given a raw file and
 * the master keys by alias, it authenticates both header slots, opens the three tail slots, chooses
 * the record of section 7, opens the home blocks and returns every field it read, or the failure
 * the document names.
 */
final class SpecDecoder {
  static final byte[] MAGIC = {(byte) 0x89, 'E', 'N', 'C', 'F', 'S', '\r', '\n'};
  static final int HEADER_SLOT = 256;
  static final int HEADER = 512;

  /** The failures section 3 and 7 name. */
  enum Failure {
    NOT_ENCRYPTED,
    KEY_MISMATCH,
    UNKNOWN_ALIAS,
    DAMAGED
  }

  static final class SpecException extends Exception {
    private static final long serialVersionUID = 1L;
    final Failure failure;
    final long block;

    SpecException(Failure failure, long block, String reason) {
      super(failure + (block >= 0 ? " block " + block : "") + ": " + reason);
      this.failure = failure;
      this.block = block;
    }
  }

  /** One authentic header slot, with the data key its master key unwrapped. */
  record Header(
      int slot,
      byte[] bytes,
      int version,
      int algorithm,
      int shift,
      long generation,
      byte[] fileId,
      byte[] wrappedKey,
      String alias,
      long forcedSequence,
      byte[] dataKey) {}

  /** An authentic tail record: its slot, metadata, stored nonce and cleartext. */
  record Tail(
      int slot,
      long sequence,
      long homeBlocks,
      int length,
      long allowance,
      byte[] nonce,
      byte[] cleartext) {}

  /** An authentic home block. */
  record Home(long index, byte[] nonce, byte[] cleartext) {}

  /** A decoded file. {@code headers} and {@code tails} hold null for a slot that is not valid. */
  record Decoded(
      long rawLength,
      Header header,
      Header[] headers,
      SpecException[] headerFailures,
      Tail[] tails,
      Tail chosen,
      List<Home> homes,
      byte[] cleartext) {
    int blockSize() {
      return 1 << header.shift;
    }

    long front() {
      return front(blockSize());
    }

    static long front(int b) {
      return HEADER + 3L * (b + 64);
    }

    /** {@code F + k(B+40)} for the chosen record. */
    long expectedRawLength() {
      return front() + chosen.homeBlocks * (blockSize() + 40L);
    }
  }

  private final Map<String, SecretKey> masterKeys;
  private final boolean legacyChaCha;

  /** A reader that takes only units sealed by RFC 8439, as writers now seal them. */
  SpecDecoder(Map<String, SecretKey> masterKeys) {
    this(masterKeys, false);
  }

  /**
   * @param legacyChaCha whether a ChaCha20-Poly1305 unit that fails is tried again with the
   *     associated data JDK 17 authenticated (section 4), as every reader of version 1 does
   */
  SpecDecoder(Map<String, SecretKey> masterKeys, boolean legacyChaCha) {
    this.masterKeys = masterKeys;
    this.legacyChaCha = legacyChaCha;
  }

  Decoded decode(byte[] raw) throws SpecException {
    if (raw.length == 0) {
      throw new SpecException(Failure.DAMAGED, -1, "raw file is empty");
    }
    boolean magic0 = startsWithMagic(raw, 0);
    boolean magic1 = raw.length >= HEADER && startsWithMagic(raw, HEADER_SLOT);
    if (!magic0 && !magic1) {
      throw new SpecException(Failure.NOT_ENCRYPTED, -1, "no magic in either header slot");
    }
    if (raw.length < HEADER) {
      throw new SpecException(Failure.DAMAGED, -1, "truncated header");
    }
    Header[] headers = new Header[2];
    SpecException[] failures = new SpecException[2];
    Header best = null;
    for (int i = 0; i < 2; i++) {
      try {
        headers[i] = header(Arrays.copyOfRange(raw, i * HEADER_SLOT, (i + 1) * HEADER_SLOT), i);
        if (best == null || newer(headers[i], best)) {
          best = headers[i];
        }
      } catch (SpecException e) {
        failures[i] = e;
      }
    }
    if (best == null) {
      throw failures[0];
    }
    int b = 1 << best.shift;
    long f = Decoded.front(b);
    if (raw.length < f) {
      throw new SpecException(Failure.DAMAGED, -1, "raw length below the front region");
    }
    Tail[] tails = new Tail[3];
    for (int slot = 0; slot < 3; slot++) {
      tails[slot] = tail(best, raw, slot, b);
    }
    Tail chosen = choose(best, raw, tails, b);
    List<Home> homes = new ArrayList<>();
    ByteBuffer clear = ByteBuffer.allocate(Math.toIntExact(chosen.homeBlocks * b + chosen.length));
    for (long i = 0; i < chosen.homeBlocks; i++) {
      Home home = home(best, raw, i, b);
      if (home == null) {
        throw new SpecException(Failure.DAMAGED, i, "home block fails authentication");
      }
      homes.add(home);
      clear.put(home.cleartext);
    }
    clear.put(chosen.cleartext);
    return new Decoded(raw.length, best, headers, failures, tails, chosen, homes, clear.array());
  }

  private static boolean newer(Header a, Header b) {
    if (a.generation != b.generation) {
      return a.generation > b.generation;
    }
    return Long.compareUnsigned(a.forcedSequence, b.forcedSequence) > 0;
  }

  private static boolean startsWithMagic(byte[] raw, int at) {
    return raw.length >= at + MAGIC.length
        && Arrays.equals(raw, at, at + MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Section 3: parse, unwrap, verify. */
  Header header(byte[] s, int index) throws SpecException {
    ByteBuffer b = ByteBuffer.wrap(s);
    if (!startsWithMagic(s, 0)) {
      throw damaged("header slot " + index + ": no magic");
    }
    int version = Short.toUnsignedInt(b.getShort(8));
    int algorithm = Byte.toUnsignedInt(b.get(10));
    int shift = Byte.toUnsignedInt(b.get(11));
    long generation = Integer.toUnsignedLong(b.getInt(12));
    int aliasLength = Byte.toUnsignedInt(b.get(72));
    long forced = b.getLong(201);
    if (forced < 0) {
      throw damaged("header slot " + index + ": forced sequence above 2^63 - 1");
    }
    if (version != 1) {
      throw damaged("header slot " + index + ": version " + version);
    }
    if (algorithm < 1 || algorithm > 3) {
      throw damaged("header slot " + index + ": algorithm " + algorithm);
    }
    if (shift < 12 || shift > 20) {
      throw damaged("header slot " + index + ": block shift " + shift);
    }
    if (aliasLength < 1 || aliasLength > 128) {
      throw damaged("header slot " + index + ": alias length " + aliasLength);
    }
    for (int i = 73 + aliasLength; i < 201; i++) {
      if (s[i] != 0) {
        throw damaged("header slot " + index + ": alias padding byte " + i);
      }
    }
    for (int i = 209; i < 224; i++) {
      if (s[i] != 0) {
        throw damaged("header slot " + index + ": reserved byte " + i);
      }
    }
    String alias;
    try {
      alias =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(s, 73, aliasLength))
              .toString();
    } catch (CharacterCodingException e) {
      throw damaged("header slot " + index + ": alias is not UTF-8");
    }
    byte[] fileId = Arrays.copyOfRange(s, 16, 32);
    byte[] wrapped = Arrays.copyOfRange(s, 32, 72);
    SecretKey master = masterKeys.get(alias);
    if (master == null) {
      throw new SpecException(Failure.UNKNOWN_ALIAS, -1, "no master key " + alias);
    }
    byte[] dataKey;
    try {
      dataKey = SpecCrypto.unwrap(master, wrapped);
    } catch (Exception e) {
      throw new SpecException(Failure.KEY_MISMATCH, -1, "master key does not unwrap");
    }
    if (dataKey.length != 32) {
      throw damaged("header slot " + index + ": data key of " + dataKey.length + " bytes");
    }
    byte[] mac;
    try {
      mac = SpecCrypto.headerMac(dataKey, fileId, s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(s, 224, 256))) {
      throw damaged("header slot " + index + ": MAC does not verify");
    }
    return new Header(
        index, s, version, algorithm, shift, generation, fileId, wrapped, alias, forced, dataKey);
  }

  /** Section 4: a tail slot's record if it is valid, else null. */
  Tail tail(Header h, byte[] raw, int slot, int b) {
    int at = HEADER + slot * (b + 64);
    ByteBuffer meta = ByteBuffer.wrap(raw, at, 24).slice();
    long sequence = meta.getLong(0);
    long homeBlocks = meta.getLong(8);
    int length = meta.getInt(16);
    long allowance = Integer.toUnsignedLong(meta.getInt(20));
    long maxHomeBlocks = (Long.MAX_VALUE - Decoded.front(b)) / (b + 40L);
    if (sequence < 1
        || Integer.compareUnsigned(length, b) >= 0
        || homeBlocks < 0
        || homeBlocks > maxHomeBlocks
        || allowance > 0x7fff_ffffL) {
      return null;
    }
    byte[] nonce = Arrays.copyOfRange(raw, at + 24, at + 48);
    byte[] sealed = Arrays.copyOfRange(raw, at + 48, at + 48 + length + 16);
    byte[] aad =
        SpecCrypto.concat(h.fileId, new byte[] {'T'}, Arrays.copyOfRange(raw, at, at + 24));
    byte[] clear = open(h, nonce, aad, sealed);
    return clear == null
        ? null
        : new Tail(slot, sequence, homeBlocks, length, allowance, nonce, clear);
  }

  /** Home block {@code i} if it is on disk whole and authentic, else null. */
  Home home(Header h, byte[] raw, long i, int b) {
    long at = Decoded.front(b) + i * (b + 40L);
    if (at + b + 40 > raw.length) {
      return null;
    }
    int from = Math.toIntExact(at);
    byte[] nonce = Arrays.copyOfRange(raw, from, from + 24);
    byte[] sealed = Arrays.copyOfRange(raw, from + 24, from + b + 40);
    byte[] aad =
        SpecCrypto.concat(h.fileId, new byte[] {'B'}, ByteBuffer.allocate(8).putLong(i).array());
    byte[] clear = open(h, nonce, aad, sealed);
    return clear == null ? null : new Home(i, nonce, clear);
  }

  /** The unit's cleartext, or null if it does not authenticate. */
  private byte[] open(Header h, byte[] nonce, byte[] aad, byte[] sealed) {
    try {
      return SpecCrypto.open(h.algorithm, h.dataKey, h.fileId, nonce, aad, sealed);
    } catch (Exception e) {
      if (!legacyChaCha || h.algorithm != SpecCrypto.ALG_CHACHA20_POLY1305) {
        return null;
      }
    }
    try {
      return SpecCrypto.open(
          h.algorithm, h.dataKey, h.fileId, nonce, SpecCrypto.jdk17Aad(aad), sealed);
    } catch (Exception e) {
      return null;
    }
  }

  /** Section 7: the record that defines the file. */
  private Tail choose(Header h, byte[] raw, Tail[] tails, int b) throws SpecException {
    List<Tail> valid = new ArrayList<>();
    for (Tail t : tails) {
      if (t != null) {
        valid.add(t);
      }
    }
    if (valid.isEmpty()) {
      throw damaged("no valid tail record");
    }
    valid.sort((x, y) -> Long.compareUnsigned(y.sequence, x.sequence));
    for (int i = 1; i < valid.size(); i++) {
      if (valid.get(i).sequence == valid.get(i - 1).sequence) {
        throw damaged("two valid tail records share sequence " + valid.get(i).sequence);
      }
    }
    Tail newest = valid.get(0);
    if (Long.compareUnsigned(newest.sequence, h.forcedSequence) < 0) {
      throw damaged("newest record is below the forced sequence " + h.forcedSequence);
    }
    for (Tail c : valid) {
      if (Long.compareUnsigned(c.sequence, h.forcedSequence) < 0) {
        break;
      }
      if (fits(c, raw.length, b) && olderPartialTailsLanded(h, raw, valid, c, b)) {
        return c;
      }
    }
    if (raw.length < offset(newest.homeBlocks, b)) {
      throw new SpecException(
          Failure.DAMAGED, (raw.length - Decoded.front(b)) / (b + 40L), "truncation");
    }
    if (!fits(newest, raw.length, b)) {
      throw damaged("unexpected raw bytes after the end");
    }
    throw damaged("a home block an older record's partial tail moved into never landed");
  }

  private static boolean fits(Tail t, long rawLength, int b) {
    long end = t.homeBlocks + t.allowance;
    return rawLength >= offset(t.homeBlocks, b)
        && rawLength <= (end < t.homeBlocks ? Long.MAX_VALUE : offset(end, b));
  }

  /**
   * {@code F + blocks(B+40)}, saturating: a record may name more blocks (an unsigned count) than a
   * file can hold.
   */
  static long offset(long blocks, int b) {
    if (blocks < 0) {
      return Long.MAX_VALUE;
    }
    try {
      return Math.addExact(Decoded.front(b), Math.multiplyExact(blocks, b + 40L));
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private boolean olderPartialTailsLanded(Header h, byte[] raw, List<Tail> valid, Tail c, int b) {
    for (Tail o : valid) {
      if (Long.compareUnsigned(o.sequence, c.sequence) < 0
          && Long.compareUnsigned(o.sequence, h.forcedSequence) >= 0
          && o.length > 0
          && Long.compareUnsigned(o.homeBlocks, c.homeBlocks) < 0
          && home(h, raw, o.homeBlocks, b) == null) {
        return false;
      }
    }
    return true;
  }

  private static SpecException damaged(String reason) {
    return new SpecException(Failure.DAMAGED, -1, reason);
  }
}
