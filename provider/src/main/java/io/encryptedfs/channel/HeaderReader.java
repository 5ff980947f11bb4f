package io.encryptedfs.channel;

import io.encryptedfs.Algorithm;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.crypto.KeyWrap;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.FormatException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * Authenticates an existing file's header: of its two slots, the valid one with the highest
 * generation, whose data key the key provider's master key unwraps and whose tag that key verifies.
 * The keys it returns are the caller's to destroy.
 */
final class HeaderReader {
  private final KeyProvider keyProvider;

  HeaderReader(KeyProvider keyProvider) {
    this.keyProvider = keyProvider;
  }

  /**
   * A file's newest authentic header, the keys it gives, and the slot it is in.
   *
   * @param otherSlotDamage why the other slot did not authenticate, or null: a header write a crash
   *     tore, or tampering (see FORMAT.md section 7, item 4), which the file's opener reports
   * @param foreign whether the other slot authenticates but names another file (its file id
   *     differs): a slot copied from another file of the root, of which only the tail records can
   *     tell which slot is this file's ({@link #other})
   */
  record Authentic(
      FileHeader header, FileKeys keys, int slot, String otherSlotDamage, boolean foreign) {}

  /**
   * The newest authentic header of an existing file, without reading its tail: enough to rewrap a
   * file whose content is damaged. The caller destroys the keys.
   */
  Authentic read(RawFile raw, String path) throws IOException {
    ByteBuffer headerBytes = ByteBuffer.allocate(Geometry.HEADER_SIZE);
    if (raw.readUpTo(headerBytes, 0) < Geometry.HEADER_SIZE) {
      throw new DamagedFileException(path, -1, "truncated header");
    }
    return newest(headerBytes.array(), path);
  }

  /**
   * The valid header slot with the highest generation among the two at the start of {@code bytes};
   * both slots are tried.
   */
  Authentic newest(byte[] bytes, String path) throws IOException {
    Authentic best = null;
    boolean foreign = false;
    IOException firstFailure = null;
    byte[] previous = null;
    for (int i = 0; i < 2; i++) {
      byte[] slot =
          Arrays.copyOfRange(
              bytes, i * Geometry.HEADER_SLOT_SIZE, (i + 1) * Geometry.HEADER_SLOT_SIZE);
      if (previous != null && Arrays.equals(previous, slot)) {
        break;
      }
      previous = slot;
      try {
        Authentic a = authenticate(slot, path, i);
        if (best != null && !Arrays.equals(a.header.fileId(), best.header.fileId())) {
          foreign = true;
        }
        if (best == null || a.header.newerThan(best.header)) {
          if (best != null) {
            best.keys.destroy();
          }
          best = a;
        } else {
          a.keys.destroy();
        }
      } catch (IOException e) {
        if (firstFailure == null) {
          firstFailure = e;
        }
      }
    }
    if (best == null) {
      throw firstFailure;
    }
    if (foreign) {
      return new Authentic(
          best.header, best.keys, best.slot, foreignSlot(1 - best.slot, best.slot), true);
    }
    if (firstFailure != null) {
      return new Authentic(
          best.header,
          best.keys,
          best.slot,
          "header slot "
              + (1 - best.slot)
              + " failed authentication ("
              + firstFailure.getMessage()
              + "), so slot "
              + best.slot
              + " was read: a header write a crash tore, or tampering",
          false);
    }
    return best;
  }

  /**
   * The other header slot of a file whose {@link #newest} header was {@code foreign}'s, for a
   * caller that found that header's tail records do not open. The caller destroys the keys.
   */
  Authentic other(byte[] bytes, String path, Authentic foreign) throws IOException {
    int index = 1 - foreign.slot;
    byte[] slot =
        Arrays.copyOfRange(
            bytes, index * Geometry.HEADER_SLOT_SIZE, (index + 1) * Geometry.HEADER_SLOT_SIZE);
    Authentic a = authenticate(slot, path, index);
    return new Authentic(a.header, a.keys, index, foreignSlot(foreign.slot, index), true);
  }

  private static String foreignSlot(int foreign, int read) {
    return "header slot "
        + foreign
        + " authenticates but names another file (its file id differs: a slot copied from"
        + " another file), so slot "
        + read
        + " was read";
  }

  private Authentic authenticate(byte[] slot, String path, int index) throws IOException {
    FileHeader header;
    try {
      header = HeaderCodec.decode(slot);
    } catch (FormatException e) {
      throw new DamagedFileException(path, -1, "header: " + e.getMessage());
    }
    Algorithm algorithm = Algorithm.fromId(header.algorithmId());
    if (algorithm == null) {
      throw new DamagedFileException(path, -1, "unknown algorithm id " + header.algorithmId());
    }
    SecretKey master = masterKey(header.keyAlias(), path);
    byte[] dataKey;
    try {
      dataKey = KeyWrap.unwrap(master, header.wrappedKey());
    } catch (GeneralSecurityException e) {
      dataKey = unwrapUnderFreshKey(header, master, path);
    }
    FileKeys keys = new FileKeys(algorithm, header.fileId(), dataKey);
    try {
      if (!keys.verifyHeader(slot)) {
        keys.destroy();
        throw new DamagedFileException(path, -1, "header failed authentication");
      }
    } catch (GeneralSecurityException e) {
      keys.destroy();
      throw new IOException(path + ": cannot check header: " + e.getMessage(), e);
    }
    return new Authentic(header, keys, index, null, false);
  }

  /**
   * The data key of {@code header}, which {@code held}, the key this program holds under its alias,
   * did not unwrap: the keys are asked again ({@link FreshKey}), and a key other than {@code held}
   * is tried once.
   */
  private byte[] unwrapUnderFreshKey(FileHeader header, SecretKey held, String path)
      throws IOException {
    KeyMismatchException mismatch = new KeyMismatchException(path, header.keyAlias());
    byte[] dataKey;
    try {
      dataKey = FreshKey.unwrap(keyProvider, header.keyAlias(), held, header.wrappedKey());
    } catch (IOException e) {
      mismatch.addSuppressed(e);
      throw mismatch;
    }
    if (dataKey == null) {
      throw mismatch;
    }
    return dataKey;
  }

  private SecretKey masterKey(String alias, String path) throws IOException {
    try {
      return keyProvider.masterKey(alias);
    } catch (UnknownKeyAliasException e) {
      throw new UnknownKeyAliasException("the key provider (needed for " + path + ")", alias);
    } catch (IOException e) {
      throw KeyFailures.forFile(path, e);
    }
  }
}
