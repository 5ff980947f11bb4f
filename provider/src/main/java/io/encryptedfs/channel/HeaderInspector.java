package io.encryptedfs.channel;

import io.encryptedfs.Algorithm;
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
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.SecretKey;

/**
 * Reads and authenticates an encrypted file's two header slots only (512 bytes, never content), to
 * tell which master key protects it. Used to list key usage and to refuse retiring a key that a
 * file still names.
 */
public final class HeaderInspector {
  private HeaderInspector() {}

  /** What the header says, from best to worst. */
  public enum Status {
    /** A slot authenticates; {@link Header#keyAlias()} is the newest one's master key. */
    OK,
    /** Neither slot has the magic: a plain file. */
    NOT_ENCRYPTED,
    /** The key provider has no key of the alias a slot names. */
    UNKNOWN_KEY,
    /** The named master key does not unwrap the data key. */
    KEY_MISMATCH,
    /** No slot parses and authenticates. */
    DAMAGED
  }

  /**
   * One file's header.
   *
   * @param keyAlias the newest authentic slot's alias; when no slot authenticates, the alias a
   *     parsing slot names (unauthenticated), or null
   * @param slotAliases the aliases every parsing slot names, authentic or not: a key named here may
   *     still be needed (for example, after a rewrap interrupted between its two writes)
   * @param algorithm the content algorithm, or null unless {@link Status#OK}
   * @param blockSize the cleartext block size, or 0 unless {@link Status#OK}
   * @param generation the number of rewraps, or -1 unless {@link Status#OK}
   */
  public record Header(
      Status status,
      String keyAlias,
      Set<String> slotAliases,
      Algorithm algorithm,
      int blockSize,
      long generation) {}

  /**
   * Inspects the raw file at {@code rawPath} with the keys of {@code keys}, through a channel of
   * its own. Not for a file that an encrypted file system of this program has open, or may open
   * meanwhile: closing a second channel on a file releases every lock this program holds on it
   * (POSIX locks belong to the process), which {@link OpenFiles#inspect} avoids.
   */
  public static Header inspect(Path rawPath, KeyProvider keys) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(Geometry.HEADER_SIZE);
    try (SeekableByteChannel ch = Files.newByteChannel(rawPath)) {
      while (bytes.hasRemaining() && ch.read(bytes) >= 0) {
        // read up to both slots
      }
    }
    bytes.flip();
    return inspect(bytes, keys);
  }

  /** Inspects a file's first bytes, up to both header slots, in {@code bytes} (array-backed). */
  static Header inspect(ByteBuffer bytes, KeyProvider keys) throws IOException {
    boolean first = HeaderCodec.hasMagic(bytes.duplicate());
    boolean second =
        bytes.remaining() == Geometry.HEADER_SIZE
            && HeaderCodec.hasMagic(bytes.duplicate().position(Geometry.HEADER_SLOT_SIZE));
    if (!first && !second) {
      return new Header(Status.NOT_ENCRYPTED, null, Set.of(), null, 0, -1);
    }
    Set<String> aliases = new TreeSet<>();
    FileHeader best = null;
    String named = null;
    Status worst = Status.DAMAGED;
    for (int i = 0; i < 2; i++) {
      int from = i * Geometry.HEADER_SLOT_SIZE;
      if (bytes.limit() < from + Geometry.HEADER_SLOT_SIZE) {
        continue;
      }
      byte[] slot = Arrays.copyOfRange(bytes.array(), from, from + Geometry.HEADER_SLOT_SIZE);
      FileHeader header;
      try {
        header = HeaderCodec.decode(slot);
      } catch (FormatException e) {
        continue;
      }
      aliases.add(header.keyAlias());
      named = named == null ? header.keyAlias() : named;
      Status status = authenticate(header, slot, keys);
      if (status == Status.OK) {
        if (best == null || header.newerThan(best)) {
          best = header;
        }
      } else if (status.ordinal() < worst.ordinal()) {
        worst = status;
      }
    }
    if (best == null) {
      return new Header(worst, named, Set.copyOf(aliases), null, 0, -1);
    }
    return new Header(
        Status.OK,
        best.keyAlias(),
        Set.copyOf(aliases),
        Algorithm.fromId(best.algorithmId()),
        Geometry.ofShift(best.blockShift()).blockSize(),
        best.generation());
  }

  private static Status authenticate(FileHeader header, byte[] slot, KeyProvider keys)
      throws IOException {
    Algorithm algorithm = Algorithm.fromId(header.algorithmId());
    if (algorithm == null) {
      return Status.DAMAGED;
    }
    SecretKey master;
    try {
      master = keys.masterKey(header.keyAlias());
    } catch (UnknownKeyAliasException e) {
      return Status.UNKNOWN_KEY;
    }
    byte[] dataKey;
    try {
      dataKey = KeyWrap.unwrap(master, header.wrappedKey());
    } catch (GeneralSecurityException e) {
      try {
        dataKey = FreshKey.unwrap(keys, header.keyAlias(), master, header.wrappedKey());
      } catch (IOException asked) {
        dataKey = null; // the keys do not answer again: what the key held said stands
      }
      if (dataKey == null) {
        return Status.KEY_MISMATCH;
      }
    }
    FileKeys fileKeys = new FileKeys(algorithm, header.fileId(), dataKey);
    try {
      return fileKeys.verifyHeader(slot) ? Status.OK : Status.DAMAGED;
    } catch (GeneralSecurityException e) {
      return Status.DAMAGED;
    } finally {
      fileKeys.destroy();
    }
  }
}
