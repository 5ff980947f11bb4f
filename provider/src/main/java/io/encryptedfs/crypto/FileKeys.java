package io.encryptedfs.crypto;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.HeaderCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The keys of one file, all derived from its random 32-byte data key by HKDF-SHA256 (RFC 5869) with
 * the file id as salt: a header MAC key, and one content subkey per 16-byte key salt. A writer
 * draws a fresh key salt each time it starts sealing and counts nonces under it, so a (subkey,
 * nonce) pair never repeats; see FORMAT.md for the bound.
 */
public final class FileKeys {
  private static final byte[] HEADER_INFO =
      "encryptedfs v1 header mac".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_INFO =
      "encryptedfs v1 content".getBytes(StandardCharsets.US_ASCII);
  public static final int SALT_SIZE = 16;
  private static final int CACHED_SUBKEYS = 16;
  private static final JceLookup HMAC_SHA256 = new JceLookup("HmacSHA256");

  private final Algorithm algorithm;
  private final byte[] fileId;
  private final byte[] dataKey;
  private volatile boolean destroyed;

  /** HKDF-Extract(file id, data key), the same for every derivation; made on first use. */
  private byte[] prk;

  private volatile LastKey last;
  private SecretKey headerMacKey;
  private final Map<ByteBuffer, SecretKey> subkeys =
      new LinkedHashMap<>(CACHED_SUBKEYS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, SecretKey> eldest) {
          return size() > CACHED_SUBKEYS;
        }
      };

  /** Takes ownership of {@code dataKey}; {@link #destroy()} wipes it. */
  public FileKeys(Algorithm algorithm, byte[] fileId, byte[] dataKey) {
    this.algorithm = algorithm;
    this.fileId = fileId.clone();
    this.dataKey = dataKey;
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The MAC that authenticates a header slot's first 224 bytes. */
  public byte[] headerMac(byte[] slot) throws GeneralSecurityException {
    // A new Mac per call, not one per thread: a cached Mac would keep this file's MAC key state
    // after the file is closed.
    Mac mac = HMAC_SHA256.mac(headerMacKey());
    mac.update(slot, 0, HeaderCodec.MAC_OFFSET);
    return mac.doFinal();
  }

  private synchronized SecretKey headerMacKey() {
    if (headerMacKey == null) {
      byte[] material = derive(HEADER_INFO, null, 32);
      headerMacKey = new SecretKeySpec(material, "HmacSHA256");
      Arrays.fill(material, (byte) 0);
    }
    return headerMacKey;
  }

  /** Writes the MAC into bytes 224..255 of an encoded header slot. */
  public void sealHeader(byte[] slot) throws GeneralSecurityException {
    System.arraycopy(headerMac(slot), 0, slot, HeaderCodec.MAC_OFFSET, HeaderCodec.MAC_SIZE);
  }

  /** True when the slot's MAC is the one this file's keys give, compared in constant time. */
  public boolean verifyHeader(byte[] slot) throws GeneralSecurityException {
    byte[] expected = headerMac(slot);
    byte[] actual =
        Arrays.copyOfRange(
            slot, HeaderCodec.MAC_OFFSET, HeaderCodec.MAC_OFFSET + HeaderCodec.MAC_SIZE);
    return MessageDigest.isEqual(expected, actual);
  }

  /** The content subkey for the key salt in the first 16 bytes of {@code nonce}. */
  public SecretKey contentKey(byte[] nonce) {
    LastKey hit = last;
    if (hit != null && Arrays.equals(hit.salt, 0, SALT_SIZE, nonce, 0, SALT_SIZE)) {
      return hit.key;
    }
    SecretKey key = lookup(nonce);
    last = new LastKey(Arrays.copyOf(nonce, SALT_SIZE), key);
    return key;
  }

  /** The most recent subkey: a writer uses one salt per session, a reader mostly one per file. */
  record LastKey(byte[] salt, SecretKey key) {
    /** Without the subkey: a {@code SecretKeySpec} prints a hash of its bytes. */
    @Override
    public String toString() {
      return "LastKey[key=<hidden>]";
    }
  }

  private SecretKey lookup(byte[] nonce) {
    ByteBuffer salt = ByteBuffer.wrap(Arrays.copyOf(nonce, SALT_SIZE));
    synchronized (subkeys) {
      SecretKey key = subkeys.get(salt);
      if (key == null) {
        byte[] material = derive(CONTENT_INFO, salt.array(), algorithm.keyBytes());
        String jceName = algorithm == Algorithm.CHACHA20_POLY1305 ? "ChaCha20" : "AES";
        key = new SecretKeySpec(material, jceName);
        Arrays.fill(material, (byte) 0);
        subkeys.put(salt, key);
      }
      return key;
    }
  }

  /**
   * The data key wrapped under {@code master} (RFC 3394), for a header that names another master
   * key: the data key does not leave this object.
   *
   * @throws IllegalStateException once {@link #destroy()} wiped the data key, whose wrapping would
   *     then be of zeros
   */
  public byte[] wrapDataKey(SecretKey master) throws GeneralSecurityException {
    if (destroyed) {
      throw new IllegalStateException("the file's keys were destroyed");
    }
    return KeyWrap.wrap(master, dataKey);
  }

  /** The file id bound into every seal's associated data. */
  public byte[] fileId() {
    return fileId.clone();
  }

  /** Wipes the data key. Derived subkeys live in {@code SecretKeySpec}s, which cannot be wiped. */
  public void destroy() {
    destroyed = true;
    Arrays.fill(dataKey, (byte) 0);
    last = null;
    synchronized (this) {
      headerMacKey = null;
      if (prk != null) {
        Arrays.fill(prk, (byte) 0);
        prk = null;
      }
    }
    synchronized (subkeys) {
      subkeys.clear();
    }
  }

  /**
   * HKDF (RFC 5869) of the data key with the file id as salt. A file derives several keys (header
   * MAC, one content subkey per writer session), all from the same pseudorandom key, so the extract
   * step runs once per file and each derivation is an expand, written here on Bouncy Castle's
   * {@code HMac} rather than with its {@code HKDFBytesGenerator}: that copies the pseudorandom key
   * three times per derivation ({@code HKDFParameters}, its getter, {@code KeyParameter}) where
   * nothing can wipe the copies, and its {@code HMac} keeps the key XORed with its pads.
   */
  private byte[] derive(byte[] label, byte[] salt, int length) {
    byte[] info = salt == null ? label : concat(label, new byte[] {(byte) algorithm.id()}, salt);
    HMac hmac = new HMac(new JcaSha256());
    KeyParameter key = new KeyParameter(prk());
    byte[] block = new byte[hmac.getMacSize()];
    byte[] out = new byte[length];
    try {
      hmac.init(key);
      for (int done = 0, counter = 1; done < length; counter++) {
        if (counter > 1) {
          hmac.update(block, 0, block.length);
        }
        hmac.update(info, 0, info.length);
        hmac.update((byte) counter);
        hmac.doFinal(block, 0);
        int n = Math.min(block.length, length - done);
        System.arraycopy(block, 0, out, done, n);
        done += n;
      }
      return out;
    } finally {
      Arrays.fill(key.getKey(), (byte) 0);
      Arrays.fill(block, (byte) 0);
      // The padded key in HMac's buffers, and in its digest's last block, is overwritten by a key
      // of zeros.
      hmac.init(new KeyParameter(new byte[block.length]));
    }
  }

  private synchronized byte[] prk() {
    if (prk == null) {
      HKDFBytesGenerator extract = new HKDFBytesGenerator(new JcaSha256());
      prk = extract.extractPRK(fileId, dataKey);
    }
    return prk;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Override
  public String toString() {
    return "FileKeys[" + algorithm + "]";
  }
}
