package io.encryptedfs.channel;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * The header operations on files named by path, open here or not: inspecting a header, and
 * rewrapping a file's data key under another master key. A file open here is used through its open
 * file (its underlying channel): opening and closing a second one would release the locks this
 * program holds on the file (its callers' locks and its writer lock), since POSIX locks belong to
 * the process, not to the channel. A file not open here is used through an entry that stays in the
 * {@link FileRegistry} until it is closed again, so that no open of the file gets its locks in
 * between. Refused with {@code ClosedFileSystemException} once the file system's close began, as
 * opens are, leaving nothing open. Takes no lock of its own (see {@link FileRegistry}).
 */
final class HeaderAccess {
  private final FileRegistry registry;
  private final FileOpener opener;
  private final HeaderReader headerReader;
  private final KeyProvider keyProvider;
  private final FileClosing closing;

  HeaderAccess(
      FileRegistry registry, FileOpener opener, KeyProvider keyProvider, FileClosing closing) {
    this.registry = registry;
    this.opener = opener;
    this.headerReader = new HeaderReader(keyProvider);
    this.keyProvider = keyProvider;
    this.closing = closing;
  }

  /** See {@link OpenFiles#inspect}. */
  HeaderInspector.Header inspect(Path key, String displayPath, KeyProvider keys)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(Geometry.HEADER_SIZE);
    ChannelMode mode = ChannelMode.of(EnumSet.of(StandardOpenOption.READ));
    PathTable.Entry probe = registry.probes().readOpenOrProbe(key, displayPath, mode, bytes);
    if (probe != null) {
      try {
        probe.raw.readUpTo(bytes, 0);
      } finally {
        try {
          probe.raw.close();
        } finally {
          registry.discard(probe);
        }
      }
    }
    bytes.flip();
    return HeaderInspector.inspect(bytes, keys);
  }

  /** See {@link OpenFiles#rewrap}. */
  OpenFiles.Rewrap rewrap(Path key, String displayPath, String alias) throws IOException {
    ChannelMode mode =
        ChannelMode.of(EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    PathTable.Entry entry = registry.probes().useOrOpen(key, displayPath, mode);
    if (entry.file == null) {
      // Loaded outside the registry's monitor, as an open loads: opens of this file wait for its
      // entry.
      OpenFile loaded;
      try {
        loaded = opener.load(entry.raw, displayPath);
      } catch (DamagedFileException damaged) {
        try {
          registry.refuseOnceClosing(); // as the load would be, had it succeeded
          // The entry is still loading, so no open of the file starts while its header is
          // rewritten, and no channel of this program on it holds locks that closing would drop.
          return rewrapHeaderOnly(key, displayPath, mode, alias, damaged);
        } finally {
          registry.discard(entry);
          opener.reportLoadFailure(damaged, displayPath);
        }
      } catch (IOException | RuntimeException e) {
        registry.discard(entry);
        opener.reportLoadFailure(e, displayPath);
        throw e;
      } catch (Error e) {
        // A key provider's error too: an entry left loading made every open of the file, and
        // the file system's close, wait for good (see FileAttacher).
        registry.discard(entry);
        throw e;
      }
      if (!registry.loadedUnlessClosing(entry, loaded, displayPath)) {
        throw refused(entry, loaded);
      }
    }
    try {
      return new OpenFiles.Rewrap(entry.file.rewrap(alias, keyProvider), null);
    } finally {
      closing.unref(entry.file);
    }
  }

  /**
   * Undoes the load of {@code entry} as {@code loaded}, which the file system's close refused
   * before anything used it; returns the refusal, later failures suppressed in it.
   */
  private ClosedFileSystemException refused(PathTable.Entry entry, OpenFile loaded) {
    ClosedFileSystemException refused = new ClosedFileSystemException();
    try {
      loaded.drop();
    } catch (IOException | RuntimeException e) {
      refused.addSuppressed(e);
    } finally {
      registry.discard(entry);
    }
    return refused;
  }

  /**
   * Rewraps the header of a file that {@code damaged} says does not open. If its header does not
   * authenticate either, or its slots belong to different files, that failure is thrown, with
   * {@code damaged} suppressed, and nothing is written.
   */
  private OpenFiles.Rewrap rewrapHeaderOnly(
      Path key, String displayPath, ChannelMode mode, String alias, DamagedFileException damaged)
      throws IOException {
    Object id = FileIdentity.ofExisting(key, displayPath);
    RawFile raw = id == null ? null : RawFileOpener.openExisting(key, displayPath, mode, id);
    if (raw == null) {
      throw new NoSuchFileException(displayPath);
    }
    // Counted among this program's descriptors on the file before its writer lock is taken.
    raw.locate(key, id);
    try {
      if (raw.claimWriter() == RawFile.Claim.BUSY) {
        // Its header is read below, after the claim, so a writer that left is no concern.
        throw new ConcurrentWriterException(displayPath, WriterClaim.BUSY);
      }
      if (raw.size() == 0) {
        throw damaged; // no header to rewrap, and the load's reason says so best
      }
      HeaderReader.Authentic header;
      try {
        header = headerReader.read(raw, displayPath);
      } catch (IOException e) {
        e.addSuppressed(damaged);
        throw e;
      }
      try {
        HeaderRewrap.ensureOtherSlotSameFile(displayPath, raw, header.header(), header.slot());
      } catch (IOException e) {
        header.keys().destroy();
        e.addSuppressed(damaged);
        throw e;
      }
      try {
        HeaderRewrap.Rewrapped next =
            HeaderRewrap.seal(
                displayPath,
                raw,
                header.keys(),
                header.header(),
                header.slot(),
                alias,
                keyProvider);
        if (next != null) {
          HeaderRewrap.writeBoth(raw, next, header.slot());
        }
        return new OpenFiles.Rewrap(next != null, damaged.getMessage());
      } finally {
        header.keys().destroy();
      }
    } finally {
      raw.close();
    }
  }
}
