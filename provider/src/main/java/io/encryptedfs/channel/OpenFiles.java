package io.encryptedfs.channel;

import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * The open files of one encrypted file system: at most one {@link OpenFile} per underlying file,
 * shared by every channel on it, and counted so that the last channel to close closes it. A file is
 * never created twice nor closed while another channel is attaching to it.
 *
 * <p>This class is where opens, deletes, moves and closes of files begin; it hands the work to
 * classes with one job each:
 *
 * <ul>
 *   <li>{@link FileRegistry} owns the table of open files ({@link PathTable}) and the names being
 *       created, guarded by the registry's monitor ({@link ClosingEntries} takes files out under
 *       it). Slow work (creating, loading, making and closing a file) runs outside it, with the
 *       file's entry loading or closing, so that opens of that file wait while others go on.
 *   <li>{@link OpenChannels} holds the channels handed out and whether the file system's close
 *       began, under its own monitor, a leaf that the registry's may hold around it.
 *   <li>{@link FileAttacher} finds, creates or loads the file an open names and hands out its
 *       channel, or undoes the open if it fails on the way.
 *   <li>{@link FileCreator} creates a new file's underlying file at a name the registry reserved
 *       (the monitor only to register it).
 *   <li>{@link FileOpener} makes or loads an open file from its underlying channel (no lock).
 *   <li>{@link FileClosing} closes a file at its last channel's close, a file kept open for a
 *       buffered tail once that is written, and every file at the file system's close (no lock).
 *   <li>{@link HeaderAccess} inspects and rewraps the headers of files by path (no lock).
 *   <li>{@link SizeCache} remembers closed files' sizes (its own lock).
 * </ul>
 */
public final class OpenFiles {
  private final FileOpener opener;
  private final SizeCache sizes = new SizeCache();
  private final OpenChannels channels = new OpenChannels();
  private final FileRegistry registry = new FileRegistry(sizes, channels);
  private final FileClosing closing = new FileClosing(registry.closingEntries(), channels);
  private final HeaderAccess headers;
  private final FileAttacher attacher;
  private volatile DirectoryOpener directories;

  public OpenFiles(KeyProvider keyProvider, SecureRandom random) {
    FileLoader loader = new FileLoader(keyProvider, random);
    this.opener = new FileOpener(loader, random, closing::keptTailTried);
    this.headers = new HeaderAccess(registry, opener, keyProvider, closing);
    this.attacher =
        new FileAttacher(this, loader, opener, channels, registry, new FileCreator(registry));
  }

  /**
   * Opens a channel on the encrypted file stored at {@code rawPath}.
   *
   * @param displayPath the path as the caller named it, for exceptions
   * @param policy how to make the file, asked only if the open creates it
   */
  public FileChannel newFileChannel(
      Path rawPath,
      String displayPath,
      Set<? extends OpenOption> options,
      NewFilePolicySource policy,
      FileAttribute<?>... attrs)
      throws IOException {
    return open(rawPath, displayPath, options, policy, false, attrs);
  }

  /**
   * {@link #newFileChannel}; {@code forClose} for the file system's close, which opens files after
   * it has refused every other open.
   */
  private FileChannel open(
      Path rawPath,
      String displayPath,
      Set<? extends OpenOption> options,
      NewFilePolicySource policy,
      boolean forClose,
      FileAttribute<?>... attrs)
      throws IOException {
    ChannelMode mode = ChannelMode.of(options);
    Path key = rawPath.toAbsolutePath().normalize();
    DirectoryOpener directories = this.directories;
    FileAttacher.Attached attached =
        attacher.attach(key, displayPath, mode, policy, directories != null, forClose, attrs);
    if (attached == FileAttacher.Attached.DIRECTORY) {
      return directories.open(rawPath, displayPath);
    }
    EncryptedFileChannel channel = attached.channel();
    // A file this open created is empty; and once its channel is out, the file system's close may
    // close it, so that nothing may fail here that would have the open fail after its creation.
    if (mode.truncateExisting() && !attached.created()) {
      try {
        attached.file().truncate(0);
      } catch (IOException | RuntimeException | Error e) {
        // An Error too: the channel is tracked, and would stay open until the file system's close.
        try {
          channel.close();
        } catch (IOException | RuntimeException failure) {
          e.addSuppressed(failure);
        }
        throw e;
      }
    }
    if (mode.deleteOnClose()) {
      // As the JDK does on POSIX systems: the name goes now and the file lives on through its
      // channels until the last closes. Deleting by name at close instead would remove whatever
      // file has that name by then: one created there after this file was moved or deleted.
      try {
        delete(key, () -> Files.deleteIfExists(key));
      } catch (IOException ignored) {
        // Best effort, as the option's contract says and the JDK does: the file stays.
      }
    }
    return channel;
  }

  /**
   * Inspects the header of the encrypted file at {@code rawPath} (see {@link HeaderInspector}). A
   * file open here is read through its own underlying channel: opening and closing a second one
   * would release the locks this program holds on the file (its callers' locks and its writer
   * lock), since POSIX locks belong to the process, not to the channel. A file not open here is
   * read through a channel that stays in the table until it is closed again, so that no open of the
   * file gets its locks in between.
   */
  public HeaderInspector.Header inspect(Path rawPath, String displayPath, KeyProvider keys)
      throws IOException {
    return headers.inspect(rawPath.toAbsolutePath().normalize(), displayPath, keys);
  }

  /**
   * Waits until every file this file system is creating now has its underlying file, which a look
   * at its header then waits for ({@link #inspect}), or failed; later creations are not waited for.
   * A creation looks up its master key before it makes the underlying file, so one begun before a
   * rotation may wrap under the old key a file that a walk of the directories missed.
   */
  public void awaitCreations() {
    registry.awaitCreations();
  }

  /**
   * What a rewrap did: whether it wrote the header, and why the file's content is damaged (null if
   * it is not).
   */
  public record Rewrap(boolean rewritten, String damage) {}

  /**
   * Rewraps the data key of the existing encrypted file at {@code rawPath} under master key {@code
   * alias}, sharing the open file if a channel has it open; content blocks are not touched. A file
   * whose content is damaged (it does not open) but whose header is authentic has its header
   * rewrapped alone, so that the old key can still be retired; the result names the damage.
   */
  public Rewrap rewrap(Path rawPath, String displayPath, String alias) throws IOException {
    return headers.rewrap(rawPath.toAbsolutePath().normalize(), displayPath, alias);
  }

  /** Called by a closing channel: the last one closes the file. */
  void release(EncryptedFileChannel channel, OpenFile file) throws IOException {
    closing.release(channel, file);
  }

  /** An operation on the underlying file system. */
  public interface RawOperation {
    void run() throws IOException;
  }

  /**
   * Runs {@code delete}, which removes the underlying file at {@code rawPath}. A file open there
   * stays usable through its channels, detached from the name, so that a file created at the same
   * name afterwards is a new file, as on a POSIX file system; one without channels, kept only for a
   * buffered tail a close could not write, is let go with its tail ({@link FileClosing#drop}).
   */
  public void delete(Path rawPath, RawOperation delete) throws IOException {
    closing.drop(registry.removals().delete(rawPath, delete, (p, d) -> openToForce(p, d, false)));
  }

  /**
   * Runs {@code move}, which renames the underlying {@code rawFrom} (a file or a directory) to
   * {@code rawTo}, replacing what was there. Files open under {@code rawFrom} are then found under
   * {@code rawTo} and reported by their names under {@code displayTo} (the encrypted path of {@code
   * rawTo}), and a closed file's pending force follows it.
   */
  public void move(Path rawFrom, Path rawTo, String displayTo, RawOperation move)
      throws IOException {
    closing.drop(
        registry
            .removals()
            .move(rawFrom, rawTo, displayTo, move, (p, d) -> openToForce(p, d, false)));
  }

  /**
   * Before a modification time is set on the file at {@code rawPath}: a file that owes a force (a
   * closed one the file system's close, an open one its channels) is forced now. That force
   * rewrites the header (it records the forced sequence), which would replace the time set, as no
   * force or close of a plain file does; it costs nothing more, being owed anyway, and a file open
   * and forced already costs nothing. The JDK's move into a root from another file system sets the
   * times before it deletes the source, so the copy is durable by then, also when another channel
   * has it open (see {@link NameRemovals#settle}).
   */
  public void settle(Path rawPath) throws IOException {
    registry.removals().settle(rawPath, (p, d) -> openToForce(p, d, false));
  }

  /**
   * Opens a file that owes a force, to force it (a closed one before a delete or move takes the
   * name it owes it at, or at the file system's close; a closed or open one before its time is set,
   * see {@link #settle}): for writing, so that the force also records the forced sequence in the
   * header (a later reader then detects a damaged newest tail record); read-only where this program
   * may not write the file (made read-only after its last write), whose force still makes its bytes
   * durable, only without that record. An open file's underlying channel was opened for writing
   * wherever it could be, whatever its channels' modes, so one that only readers hold now still
   * records it.
   */
  private FileChannel openToForce(Path rawPath, String displayPath, boolean forClose)
      throws IOException {
    try {
      return open(
          rawPath,
          displayPath,
          EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE),
          null,
          forClose);
    } catch (AccessDeniedException denied) {
      return open(rawPath, displayPath, EnumSet.of(StandardOpenOption.READ), null, forClose);
    }
  }

  /**
   * The cleartext size of the encrypted file at {@code rawPath}, whose raw attributes the caller
   * just read: the live size when it is open, a remembered size when its raw attributes are
   * unchanged since it was authenticated, otherwise read from its tail record.
   *
   * <p>Another thread may have replaced the name since those attributes were read, and the disk
   * given the replaced file's inode number to a new file: an open file found by that number is the
   * name's only while the name still holds it; otherwise the name is opened, and the size read
   * there is remembered only for the file that was opened.
   */
  public long cleartextSize(Path rawPath, String displayPath, BasicFileAttributes rawAttrs)
      throws IOException {
    Path key = rawPath.toAbsolutePath().normalize();
    Object id = FileIdentity.of(key, rawAttrs);
    long open = registry.openSize(id);
    if (open >= 0 && FileIdentity.holds(key, id)) {
      return open;
    }
    long cached = sizes.get(id, rawAttrs);
    if (cached >= 0) {
      return cached;
    }
    // A stat on the default file system does not heed the thread's interrupt status; this read
    // must not either, or Files.isRegularFile would answer false for a file on such a thread.
    return Uninterrupted.call(() -> readSize(key, displayPath, id, rawAttrs));
  }

  private long readSize(Path key, String displayPath, Object id, BasicFileAttributes rawAttrs)
      throws IOException {
    long readStart = System.currentTimeMillis();
    long size;
    boolean same;
    try (FileChannel ch =
        newFileChannel(key, displayPath, EnumSet.of(StandardOpenOption.READ), null)) {
      size = ch.size();
      same = ch instanceof EncryptedFileChannel opened && id.equals(opened.file().raw().identity());
    }
    if (same) {
      sizes.put(id, rawAttrs, size, readStart);
    }
    return size;
  }

  /** The file no open may reach, by any name (see {@link ReservedFile}). */
  public ReservedFile reserved() {
    return registry.reserved();
  }

  /**
   * Whether files created from now on are forced at creation (the default), or left to their first
   * force; see {@code EncryptedFileSystems.CREATE_SYNC}.
   */
  public void setCreateSync(boolean sync) {
    attacher.setCreateSync(sync);
  }

  /**
   * From now on, an open that does not write and finds a directory returns {@code opener}'s channel
   * for it; until then it opens it as a file (which fails).
   */
  public void openDirectoriesWith(DirectoryOpener opener) {
    this.directories = opener;
  }

  /** Files opened from now on write in {@code mode}; see {@link WriteMode}. */
  public void setWriteMode(WriteMode mode) {
    opener.writeMode = mode;
  }

  /** From now on, tells {@code listener} about every authentication failure in these files. */
  public void reportIntegrityTo(IntegrityListener listener) {
    opener.integrity = listener;
  }

  /** Number of files with at least one open channel. */
  public int openFileCount() {
    return registry.size();
  }

  /**
   * Forces every file written since its last force, open or already closed, then closes every open
   * file. Called when the file system closes, so that close of the file system is a durability
   * point; it throws if a force failed, including one that an earlier close of the file followed.
   */
  public void closeAll() throws IOException {
    IOException failure =
        closing.closeAll((rawPath, displayPath) -> openToForce(rawPath, displayPath, true));
    opener.shutdown();
    if (failure != null) {
      throw failure;
    }
  }
}
