package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.NotAnEncryptedFileException;
import io.encryptedfs.crypto.Aead;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.crypto.KeyWrap;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.FormatException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.format.TailCodec;
import io.encryptedfs.format.TailRecord;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * Creates a new file's front region, and reads and authenticates an existing one: the header slot
 * with the highest valid generation ({@link HeaderReader}), then the tail record the file goes on
 * from ({@link TailChoice}), checked against the raw length so that truncation and appended bytes
 * are reported.
 */
final class FileLoader {
  private final KeyProvider keyProvider;
  private final HeaderReader headers;
  private final CreationRemains remains;
  private final SecureRandom random;

  FileLoader(KeyProvider keyProvider, SecureRandom random) {
    this.keyProvider = keyProvider;
    this.headers = new HeaderReader(keyProvider);
    this.remains = new CreationRemains(headers);
    this.random = random;
  }

  /** See {@link CreationRemains#find}. */
  String creationRemains(RawFile raw) throws IOException {
    return remains.find(raw);
  }

  /**
   * The master key that wraps the data key of the new file {@code path} made by {@code policy}:
   * asked of the key provider as for a new file, which may read a changed keystore again.
   */
  SecretKey wrappingKey(NewFilePolicy policy, String path) throws IOException {
    try {
      return keyProvider.masterKeyForNewFile(policy.keyAlias());
    } catch (UnknownKeyAliasException e) {
      throw new UnknownKeyAliasException("the key provider (needed for " + path + ")", e.alias());
    } catch (IOException e) {
      throw KeyFailures.forFile(path, e);
    }
  }

  /**
   * Writes the header and an empty first tail record to a new, empty raw file, its data key wrapped
   * by {@code master} (see {@link #wrappingKey}). The file's first force makes them durable (until
   * then a power loss may leave a file that does not open): the creating open's, unless the file
   * system was opened with {@code create.sync=false}.
   */
  LoadedFile create(RawFile raw, NewFilePolicy policy, SecretKey master, String path)
      throws IOException {
    Geometry geometry = policy.geometry();
    // One draw for the file id, the data key and the creating session's key salt, cut into three:
    // a CSPRNG's output is unpredictable bit by bit, so the parts are as independent as three
    // draws would make them, and knowing the public ones (id, salt) tells nothing of the key.
    byte[] drawn = new byte[FileHeader.FILE_ID_SIZE + KeyWrap.DATA_KEY_SIZE + FileKeys.SALT_SIZE];
    random.nextBytes(drawn);
    int keyAt = FileHeader.FILE_ID_SIZE;
    int saltAt = keyAt + KeyWrap.DATA_KEY_SIZE;
    byte[] fileId = Arrays.copyOf(drawn, keyAt);
    byte[] dataKey = Arrays.copyOfRange(drawn, keyAt, saltAt);
    NonceSequence nonces = new NonceSequence(drawn, saltAt);
    Arrays.fill(drawn, (byte) 0);
    FileKeys keys = null;
    byte[] slot;
    boolean created = false;
    try {
      byte[] wrapped = KeyWrap.wrap(master, dataKey);
      FileHeader header =
          new FileHeader(
              HeaderCodec.FORMAT_VERSION,
              policy.algorithm().id(),
              geometry.blockShift(),
              0,
              fileId,
              wrapped,
              policy.keyAlias());
      keys = new FileKeys(policy.algorithm(), fileId, dataKey);
      slot = HeaderCodec.encode(header);
      keys.sealHeader(slot);
      // The first record already carries the open runway, made durable by the file's first force
      // (the creation's), so appending to a new file needs no force of its own; closing the file
      // ends the runway.
      TailRecord first = new TailRecord(1, 0, 0, TailRecordWriter.OPEN_ALLOWANCE);
      ByteBuffer buf = ByteBuffer.allocate(Geometry.HEADER_SIZE + WriteBuffers.EMPTY_TAIL_RECORD);
      buf.put(slot).put(slot);
      SealedBlocks sealed = new SealedBlocks(geometry, keys, Aead.of(policy.algorithm()));
      // The creating session's writes go on with these nonces: one key salt, one content subkey
      // to derive here and at each load of a file that one session wrote.
      sealed.sealTail(first, ByteBuffer.allocate(0), buf, nonces);
      buf.flip();
      raw.writeFully(buf, 0);
      // The front region is always present in full, so a raw length below it means truncation,
      // or a kill between these two writes (see CreationRemains).
      raw.writeFully(ByteBuffer.allocate(1), geometry.frontSize() - 1);
      TailSlots slots = TailSlots.forNewFile(1);
      byte[] image = Arrays.copyOf(slot, Geometry.HEADER_SIZE);
      System.arraycopy(slot, 0, image, Geometry.HEADER_SLOT_SIZE, Geometry.HEADER_SLOT_SIZE);
      LoadedFile file =
          new LoadedFile(
              header,
              0,
              image,
              keys,
              geometry,
              first,
              new byte[geometry.blockSize()],
              slots,
              null,
              nonces);
      created = true;
      return file;
    } catch (GeneralSecurityException e) {
      throw new IOException(path + ": cannot create file keys: " + e.getMessage(), e);
    } finally {
      // A write the disk refused fails here as surely as the cryptography: the keys it made would
      // otherwise go to the collector unwiped.
      if (!created) {
        Arrays.fill(dataKey, (byte) 0);
        if (keys != null) {
          keys.destroy();
        }
      }
    }
  }

  /**
   * Bytes of the smallest front region, read in one call on every load: the header and, for files
   * with the smallest (and default) block size, every tail slot.
   */
  private static final int FIRST_READ =
      (int) Geometry.ofShift(Geometry.MIN_BLOCK_SHIFT).frontSize();

  /** How many times a load whose raw length changed under it is begun again, at most. */
  private static final int RELOADS = 3;

  /**
   * Reads, authenticates and checks an existing file's front region.
   *
   * <p>The raw length is read before the tail slots. Where another program appends meanwhile, the
   * slots may hold records that need home blocks added after that length was read, and the choice
   * then falls back to an older record, as after a crash, where the file never was that short
   * since. Such a choice, with the raw length changed under it, is made again on a new length.
   */
  LoadedFile load(RawFile raw, String path) throws IOException {
    for (int attempt = 1; ; attempt++) {
      long rawLength = raw.size();
      LoadedFile file = loadAt(raw, path, rawLength);
      if (attempt == RELOADS
          || file.record().sequence() >= file.slots().maxSequence()
          || raw.size() == rawLength) {
        return file;
      }
      file.keys().destroy();
      Arrays.fill(file.tail(), (byte) 0);
    }
  }

  /** {@link #load}, with the raw length read just before. */
  private LoadedFile loadAt(RawFile raw, String path, long rawLength) throws IOException {
    if (rawLength == 0) {
      throw new DamagedFileException(
          path, -1, "raw file is empty (its creation was interrupted, or it was truncated)");
    }
    // Not a per-thread buffer: the key provider, called while the header authenticates, may load
    // another file on this thread.
    ByteBuffer front = ByteBuffer.allocate((int) Math.min(rawLength, FIRST_READ));
    raw.readUpTo(front, 0);
    front.flip();
    ByteBuffer headerBytes = front.duplicate();
    headerBytes.limit(Math.min(front.limit(), Geometry.HEADER_SIZE));
    boolean whole = headerBytes.remaining() == Geometry.HEADER_SIZE;
    if (!HeaderCodec.hasMagic(headerBytes)
        && !(whole
            && HeaderCodec.hasMagic(headerBytes.duplicate().position(Geometry.HEADER_SLOT_SIZE)))) {
      throw new NotAnEncryptedFileException(path);
    }
    if (headerBytes.remaining() < Geometry.HEADER_SIZE) {
      throw new DamagedFileException(
          path, -1, "truncated header: raw length " + rawLength + " < " + Geometry.HEADER_SIZE);
    }
    HeaderReader.Authentic header = headers.newest(front.array(), path);
    Tails tails = new Tails();
    boolean loaded = false;
    try {
      LoadedFile file;
      try {
        file = loadTail(raw, path, rawLength, front, header, tails);
      } catch (DamagedFileException e) {
        if (!header.foreign()) {
          throw e;
        }
        // The newer slot came from another file of the root: the file's own may be the other.
        ForeignSlotFailure.Attempt first = tails.failed(header.slot(), e);
        header.keys().destroy();
        header = headers.other(front.array(), path, header);
        try {
          file = loadTail(raw, path, rawLength, front, header, tails);
        } catch (DamagedFileException again) {
          throw ForeignSlotFailure.of(path, first, tails.failed(header.slot(), again));
        }
      }
      loaded = true;
      return file;
    } finally {
      // The cleartext of the tail records (the file goes on from its own copy of one), and on
      // failure the keys too, need not outlive the load.
      tails.wipe();
      if (!loaded) {
        header.keys().destroy();
      }
    }
  }

  /** The cleartext of the tail records one header's keys opened, by slot, during a load. */
  private static final class Tails {
    private final byte[][] plain = new byte[Geometry.TAIL_SLOTS][];
    private boolean read;

    /** The load under header slot {@code slot} failed with {@code e}; wipes for the next. */
    ForeignSlotFailure.Attempt failed(int slot, DamagedFileException e) {
      boolean opened = false;
      for (byte[] tail : plain) {
        opened |= tail != null;
      }
      ForeignSlotFailure.Attempt attempt = new ForeignSlotFailure.Attempt(slot, e, read, opened);
      wipe();
      return attempt;
    }

    void wipe() {
      for (int i = 0; i < plain.length; i++) {
        if (plain[i] != null) {
          Arrays.fill(plain[i], (byte) 0);
          plain[i] = null;
        }
      }
      read = false;
    }
  }

  /**
   * The rest of a load, once the header authenticated: the front region's tail records, the one the
   * file goes on from, and its fit to the raw length. Opens each authentic record into {@code
   * tails}, and notes there that the records were read.
   */
  private static LoadedFile loadTail(
      RawFile raw,
      String path,
      long rawLength,
      ByteBuffer first,
      HeaderReader.Authentic header,
      Tails tails)
      throws IOException {
    Geometry geometry = Geometry.ofShift(header.header().blockShift());
    if (rawLength < geometry.frontSize()) {
      throw new DamagedFileException(
          path, -1, "truncated: raw length " + rawLength + " < " + geometry.frontSize());
    }
    ByteBuffer front = wholeFront(raw, first, geometry, path);
    SealedBlocks sealed =
        new SealedBlocks(geometry, header.keys(), Aead.of(header.keys().algorithm()));
    TailRecord[] records = new TailRecord[Geometry.TAIL_SLOTS];
    // Each record opens into one block, and keeps only its own bytes (none, for a file whose size
    // is a multiple of the block size): the load allocates and wipes a block once, not per slot.
    byte[] plain = new byte[geometry.blockSize()];
    for (int slot = 0; slot < Geometry.TAIL_SLOTS; slot++) {
      int at = (int) geometry.tailSlotOffset(slot);
      ByteBuffer slotBytes = front.duplicate().limit(at + geometry.tailSlotSize()).position(at);
      records[slot] = openTail(sealed, geometry, slotBytes, plain);
      if (records[slot] != null) {
        int length = records[slot].length();
        tails.plain[slot] = Arrays.copyOf(plain, length);
        Arrays.fill(plain, 0, length, (byte) 0);
      }
    }
    tails.read = true;
    long forced = header.header().forcedSequence();
    int chosen =
        TailChoice.choose(
            geometry,
            records,
            forced,
            rawLength,
            index -> homeBlockAuthentic(raw, sealed, geometry, index),
            path);
    // The block the records opened into, zero again, becomes the file's tail block.
    System.arraycopy(tails.plain[chosen], 0, plain, 0, tails.plain[chosen].length);
    return new LoadedFile(
        header.header(),
        header.slot(),
        Arrays.copyOf(front.array(), Geometry.HEADER_SIZE),
        header.keys(),
        geometry,
        records[chosen],
        plain,
        TailChoice.slots(records, chosen, forced),
        header.otherSlotDamage(),
        null);
  }

  /**
   * The front region of {@code geometry}, whole: {@code first} (its first bytes, flipped) when it
   * holds it all, or else a buffer with the rest read after them. A file that shrank since its raw
   * length was read is reported as truncated, as a raw length below the front region is.
   */
  private static ByteBuffer wholeFront(
      RawFile raw, ByteBuffer first, Geometry geometry, String path) throws IOException {
    int size = (int) geometry.frontSize();
    ByteBuffer front = first;
    if (first.limit() < size && first.limit() == first.capacity()) {
      front = ByteBuffer.allocate(size);
      front.put(first.duplicate());
      raw.readUpTo(front, front.position());
      front.flip();
    }
    if (front.limit() < size) {
      throw new DamagedFileException(
          path, -1, "truncated: raw length " + front.limit() + " < " + size);
    }
    return front;
  }

  private static boolean homeBlockAuthentic(
      RawFile raw, SealedBlocks sealed, Geometry g, long index) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(g.sealedBlockSize());
    if (raw.readUpTo(bytes, g.homeOffset(index)) < g.sealedBlockSize()) {
      return false;
    }
    bytes.flip();
    ByteBuffer plain = ByteBuffer.allocate(g.blockSize());
    try {
      sealed.openHome(index, bytes, plain);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    } finally {
      Arrays.fill(plain.array(), (byte) 0);
    }
  }

  /** The slot's record, its cleartext in {@code plain}, or null if it is not authentic. */
  static TailRecord openTail(SealedBlocks sealed, Geometry g, ByteBuffer slot, byte[] plain) {
    TailRecord record;
    try {
      record = TailCodec.decode(slot, g);
    } catch (FormatException e) {
      return null;
    }
    int sealedLength = Geometry.BLOCK_OVERHEAD + record.length();
    slot.limit(slot.position() + sealedLength);
    try {
      sealed.openTail(record, slot, ByteBuffer.wrap(plain));
      return record;
    } catch (GeneralSecurityException e) {
      Arrays.fill(plain, (byte) 0);
      return null;
    }
  }
}
