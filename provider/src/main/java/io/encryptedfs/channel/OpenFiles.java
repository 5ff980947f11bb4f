package io.encryptedfs.channel;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The open files of one encrypted file system: at most one {@link OpenFile} per underlying file,
 * shared by every channel on it, and counted so that the last channel to close closes it. Opening,
 * creating and closing happen under this registry's monitor, so a file is never created twice nor
 * closed while another channel is attaching to it.
 */
public final class OpenFiles {
  private static final System.Logger LOG = System.getLogger(OpenFiles.class.getName());
  private final FileLoader loader;
  private final KeyProvider keyProvider;
  private final FileOpener opener;

  /** How often an open that would create a file may find it created by another program. */
  private static final int CREATE_RACES = 3;

  private volatile boolean createSync = true;
  private final PathTable table = new PathTable();
  /**
   * Names (real parent, see {@link FileIdentity#realParent}) whose underlying files are being
   * created outside this monitor, before they are in the table.
   */
  private final Set<Path> creating = new HashSet<>();
  private final ReservedFile reserved = new ReservedFile();
  private final SizeCache sizes = new SizeCache();
  private final Set<EncryptedFileChannel> channels =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  /** Files closed since a force of theirs failed: the file system's close reports them. */
  private final List<String> failedForces = new ArrayList<>();
  /** The file system's close began: only its own opens (of files it still owes a force) go on. */
  private boolean closed;

  public OpenFiles(KeyProvider keyProvider, SecureRandom random) {
    this.loader = new FileLoader(keyProvider, random);
    this.keyProvider = keyProvider;
    this.opener = new FileOpener(loader, random, this::keptTailWritten);
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
    Attached attached = attach(key, displayPath, mode, policy, forClose, attrs);
    OpenFile file = attached.file();
    boolean createdHere = attached.created();
    EncryptedFileChannel channel = new EncryptedFileChannel(file, this, mode);
    boolean refused;
    synchronized (this) {
      // Attached before the close began, so the close took the file with the others and closes
      // it; this channel, not yet known to it, would stay open.
      refused = closed && !forClose;
      if (!refused) {
        channels.add(channel);
      }
    }
    if (refused) {
      channel.close();
      throw new ClosedFileSystemException();
    }
    try {
      if (createdHere && createSync) {
        // The creating open returns once the new file is durable: otherwise a power loss leaves a
        // torn or empty front region, which a reader must report as damage though the caller did
        // nothing wrong; forced, the new file reopens as empty whatever else of it is lost. The
        // fsync runs outside this monitor, so that the opens and closes of other files, and other
        // threads' creations, do not wait for the disk behind it.
        file.force(false);
      }
      if (mode.truncateExisting()) {
        file.truncate(0);
      }
    } catch (IOException | RuntimeException e) {
      try {
        if (createdHere) {
          deleteFailedCreation(file);
        }
        channel.close();
      } catch (IOException | RuntimeException failure) {
        e.addSuppressed(failure);
      }
      throw e;
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
   * Deletes {@code file}, which this thread created and whose creating open failed after the file
   * was registered, as a creation that fails before that leaves no file; unless another channel
   * has attached to it by then (one may as soon as it is registered): that channel's writes were
   * accepted, and deleting the file under it would lose them when it closes. Under this monitor,
   * before this open's channel is closed, so no other channel can attach between the check and the
   * delete; by the name the table follows, whatever was moved or deleted meanwhile.
   */
  private synchronized void deleteFailedCreation(OpenFile file) throws IOException {
    PathTable.Entry entry = table.of(file);
    if (entry == null || entry.channels > 1 || entry.key == null) {
      return;
    }
    Path name = entry.key;
    Files.deleteIfExists(name);
    table.deleted(name);
  }

  /** The file a new channel attaches to, and whether this open created it. */
  private record Attached(OpenFile file, boolean created) {}

  /**
   * Finds the open file at {@code key} or opens it, and counts one more channel on it. Only the
   * table and the underlying open of an existing file are under this monitor: a new file's
   * underlying creation (which may wait for the file system's journal) and its making, and an
   * existing file's load (reading and authenticating its front region, unwrapping its key, waiting
   * for another program that is creating it) run outside it, so that opening or creating one file
   * never waits for another's. Opens of a file being created or loaded wait for it.
   */
  private Attached attach(
      Path key,
      String displayPath,
      ChannelMode mode,
      NewFilePolicySource policy,
      boolean forClose,
      FileAttribute<?>[] attrs)
      throws IOException {
    PathTable.Entry entry;
    boolean created;
    NewFilePolicy made = null;
    SecretKey master = null;
    int raced = 0;
    while (true) {
      Path name = null;
      synchronized (this) {
        entry = null;
        while (true) {
          if (closed && !forClose) {
            // Past the file system's check, but not in the table before its close took it.
            throw new ClosedFileSystemException();
          }
          // CREATE_NEW needs no lookup: the underlying file system refuses an existing file.
          Object id = mode.createNew() ? null : FileIdentity.ofExisting(key, displayPath);
          reserved.refuseOpen(id, mode, displayPath);
          if (beingCreated(key, id)) {
            awaitTableChange();
            continue;
          }
          entry = id == null ? null : table.get(id);
          if (entry != null) {
            if (!entry.ready()) {
              awaitTableChange();
              continue;
            }
            if (mode.write() && !entry.file.raw().writable()) {
              throw new AccessDeniedException(displayPath, null, "underlying file is read-only");
            }
            countChannel(entry, mode);
            return new Attached(entry.file, false);
          }
          if (!mode.createNew()) {
            entry = openExisting(key, displayPath, mode, id);
            if (entry != null) {
              break;
            }
            if (!mode.create()) {
              throw new NoSuchFileException(displayPath);
            }
          }
          name = FileIdentity.realParent(key);
          creating.add(name);
          break;
        }
      }
      created = name != null;
      if (created) {
        // Asked before the underlying file exists: finding the key may read the keystore again
        // (a second of key derivation after another program changed it), and another program
        // opening a file whose header is still missing waits for it only so long.
        try {
          made = policy.newFilePolicy();
          master = loader.wrappingKey(made, displayPath);
        } catch (IOException | RuntimeException e) {
          created(name);
          throw e;
        }
        entry = create(key, displayPath, mode, attrs, name);
        if (entry == null) {
          if (++raced == CREATE_RACES) {
            // Not a race: the name is taken by something that does not open as a file, such as
            // a symbolic link to nothing, which O_EXCL will not follow.
            throw new FileSystemException(
                displayPath, null, "the name exists but does not open as a file");
          }
          continue; // another program created it meanwhile: open it
        }
      }
      break;
    }
    OpenFile opened;
    try {
      opened =
          created
              ? opener.make(entry.raw, made, master, displayPath)
              : opener.load(entry.raw, displayPath);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        try {
          if (created && entry.key != null) {
            // As a creation that failed leaves no file; under this monitor, the entry's key is
            // still the name this file has, whatever was moved or deleted meanwhile.
            Files.deleteIfExists(entry.key);
          }
        } catch (IOException | RuntimeException failure) {
          e.addSuppressed(failure);
        } finally {
          table.discard(entry);
          notifyAll();
        }
      }
      opener.reportLoadFailure(e, displayPath);
      throw e;
    }
    synchronized (this) {
      table.loaded(entry, opened, displayPath);
      countChannel(entry, mode);
      notifyAll();
    }
    String headerDamage = opened.takeHeaderDamage();
    if (headerDamage != null) {
      opener.reportHeaderDamage(displayPath, headerDamage);
    }
    return new Attached(opened, created);
  }

  /**
   * Whether another thread is creating the file at {@code key} (whose identity is {@code id}, null
   * if there is none): by that name, or by the name a symbolic link at {@code key} leads to. Under
   * this monitor. (A hard link made to a file in the instant it is created is not seen.)
   */
  private boolean beingCreated(Path key, Object id) throws IOException {
    if (creating.isEmpty()) {
      return false;
    }
    if (creating.contains(FileIdentity.realParent(key))) {
      return true;
    }
    if (id == null) {
      return false;
    }
    try {
      return creating.contains(key.toRealPath());
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  private void countChannel(PathTable.Entry entry, ChannelMode mode) {
    entry.channels++;
    if (mode.write()) {
      sizes.invalidate(entry.id);
    }
  }

  /**
   * Waits under this monitor until a file leaves the table or becomes ready. A thread interrupted
   * meanwhile goes on waiting, as opening a file is not interruptible, and keeps its interrupt.
   */
  private void awaitTableChange() {
    boolean interrupted = false;
    while (true) {
      try {
        wait();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Opens the underlying channel of the existing file at {@code rawPath} and adds it to the table
   * as loading; null if there is no file. Under this monitor: the file's identity must be the one
   * its channel has, and no other open may reach the file without finding it in the table.
   *
   * @param id the identity of the file found at {@code rawPath} just before (see {@link
   *     FileIdentity}), or null if there was none
   */
  private PathTable.Entry openExisting(
      Path rawPath, String displayPath, ChannelMode mode, Object id) throws IOException {
    RawFile raw = RawFile.openExisting(rawPath, displayPath, mode);
    if (raw == null) {
      return null;
    }
    // Opens are serialized here, so the file opened is the one identified (or, if another
    // program created it just now, the one found now): an interrupt during the load can reopen it.
    Object found = id != null ? id : FileIdentity.ofExisting(rawPath, displayPath);
    return loading(raw, rawPath, null, displayPath, found);
  }

  /**
   * Creates the underlying file at {@code rawPath}, outside this monitor, and adds it to the table
   * as loading; null if another program created a file there first and {@code mode} may open it.
   * {@code name} ({@code rawPath} with a real parent) is in {@link #creating} until then: opens of
   * that name wait, and so do deletes and moves that would touch it, so the file created is still
   * the one at {@code rawPath} when its identity is read.
   */
  private PathTable.Entry create(
      Path rawPath, String displayPath, ChannelMode mode, FileAttribute<?>[] attrs, Path name)
      throws IOException {
    RawFile raw;
    try {
      raw =
          new RawFile(
              rawPath
                  .getFileSystem()
                  .provider()
                  .newFileChannel(
                      rawPath,
                      EnumSet.of(
                          StandardOpenOption.READ,
                          StandardOpenOption.WRITE,
                          StandardOpenOption.CREATE_NEW),
                      attrs),
              rawPath,
              true);
    } catch (FileAlreadyExistsException e) {
      created(name);
      if (mode.createNew()) {
        throw new FileAlreadyExistsException(displayPath);
      }
      return null;
    } catch (FileSystemException e) {
      created(name);
      throw PathErrors.translate(e, displayPath);
    } catch (IOException | RuntimeException e) {
      created(name);
      throw e;
    }
    try {
      // Claimed before its header exists, so that another program opening it meanwhile waits for
      // its header (see load); and no other writer can have a view of it to check against (an
      // empty raw file does not open), so its first write finds the claim held.
      raw.claimWriter();
      synchronized (this) {
        // Created by exactly this name (O_EXCL follows no link there), with its parent's real
        // path resolved just before, and no delete or move under it since: its real path is name.
        PathTable.Entry entry =
            loading(raw, rawPath, name, displayPath, FileIdentity.ofExisting(rawPath, displayPath));
        creating.remove(name);
        notifyAll();
        return entry;
      }
    } catch (IOException | RuntimeException e) {
      try {
        raw.close();
        Files.deleteIfExists(rawPath);
      } catch (IOException | RuntimeException failure) {
        e.addSuppressed(failure);
      } finally {
        created(name);
      }
      throw e;
    }
  }

  /** The creation of {@code name} ended, one way or another. */
  private synchronized void created(Path name) {
    creating.remove(name);
    notifyAll();
  }

  /**
   * Adds the file just opened as {@code raw}, whose identity is {@code id}, to the table as
   * loading; closes {@code raw} if it cannot.
   *
   * @param realPath the real path of {@code rawPath} when the caller knows it, else null
   */
  private PathTable.Entry loading(
      RawFile raw, Path rawPath, Path realPath, String displayPath, Object id) throws IOException {
    try {
      if (id == null) {
        throw new NoSuchFileException(displayPath, null, "deleted while being opened");
      }
      raw.locate(rawPath, id, displayPath);
      Path real = realPath != null ? realPath : rawPath.toRealPath();
      return table.loading(id, real, displayPath, raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Inspects the header of the encrypted file at {@code rawPath} (see {@link HeaderInspector}). A
   * file open here is read through its own underlying channel: opening and closing a second one
   * would release the locks this program holds on the file (its callers' locks and its writer
   * lock), since POSIX locks belong to the process, not to the channel. A file not open here is
   * read through a channel that stays in the table until it is closed again, so that no open of
   * the file gets its locks in between.
   */
  public HeaderInspector.Header inspect(Path rawPath, String displayPath, KeyProvider keys)
      throws IOException {
    Path key = rawPath.toAbsolutePath().normalize();
    ByteBuffer bytes = ByteBuffer.allocate(Geometry.HEADER_SIZE);
    PathTable.Entry probe;
    synchronized (this) {
      // Under this monitor no file opens or closes, so an open one's channel stays open here.
      PathTable.Entry entry = readyEntry(key, displayPath);
      if (entry != null) {
        entry.raw.readUpTo(bytes, 0);
        bytes.flip();
        return HeaderInspector.inspect(bytes, keys);
      }
      probe =
          openExisting(
              key,
              displayPath,
              ChannelMode.of(EnumSet.of(StandardOpenOption.READ)),
              FileIdentity.ofExisting(key, displayPath));
      if (probe == null) {
        throw new NoSuchFileException(displayPath);
      }
    }
    try {
      probe.raw.readUpTo(bytes, 0);
    } finally {
      try {
        probe.raw.close();
      } finally {
        discard(probe);
      }
    }
    bytes.flip();
    return HeaderInspector.inspect(bytes, keys);
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
    ChannelMode mode = ChannelMode.of(EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    Path key = rawPath.toAbsolutePath().normalize();
    PathTable.Entry entry;
    synchronized (this) {
      entry = readyEntry(key, displayPath);
      if (entry != null) {
        entry.channels++;
      } else {
        entry = openExisting(key, displayPath, mode, FileIdentity.ofExisting(key, displayPath));
        if (entry == null) {
          throw new NoSuchFileException(displayPath);
        }
      }
    }
    if (entry.file == null) {
      // Loaded outside this monitor, as an open loads: opens of this file wait for its entry.
      OpenFile loaded;
      try {
        loaded = opener.load(entry.raw, displayPath);
      } catch (DamagedFileException damaged) {
        try {
          // The entry is still loading, so no open of the file starts while its header is
          // rewritten, and no channel of this program on it holds locks that closing would drop.
          return rewrapHeaderOnly(key, displayPath, mode, alias, damaged);
        } finally {
          discard(entry);
          opener.reportLoadFailure(damaged, displayPath);
        }
      } catch (IOException | RuntimeException e) {
        discard(entry);
        opener.reportLoadFailure(e, displayPath);
        throw e;
      }
      synchronized (this) {
        table.loaded(entry, loaded, displayPath);
        entry.channels++;
        notifyAll();
      }
    }
    try {
      return new Rewrap(entry.file.rewrap(alias, keyProvider), null);
    } finally {
      unref(entry.file);
    }
  }

  /** Removes {@code entry}, which failed to load (its raw channel closed), from the table. */
  private synchronized void discard(PathTable.Entry entry) {
    table.discard(entry);
    notifyAll();
  }

  /**
   * Rewraps the header of a file that {@code damaged} says does not open. If its header does not
   * authenticate either, that failure is thrown, with {@code damaged} suppressed.
   */
  private Rewrap rewrapHeaderOnly(
      Path key, String displayPath, ChannelMode mode, String alias, DamagedFileException damaged)
      throws IOException {
    RawFile raw = RawFile.openExisting(key, displayPath, mode);
    if (raw == null) {
      throw new NoSuchFileException(displayPath);
    }
    try {
      if (raw.claimWriter() == RawFile.Claim.BUSY) {
        // Its header is read below, after the claim, so a writer that left is no concern.
        throw new ConcurrentWriterException(displayPath, WriterClaim.BUSY);
      }
      FileLoader.Authentic header;
      try {
        header = loader.loadHeader(raw, displayPath);
      } catch (IOException e) {
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
        return new Rewrap(next != null, damaged.getMessage());
      } finally {
        header.keys().destroy();
      }
    } finally {
      raw.close();
    }
  }

  /**
   * The open file at {@code key}, once it is ready (waiting while it loads or closes), or null if
   * none is open there. Under this monitor.
   */
  private PathTable.Entry readyEntry(Path key, String displayPath) throws IOException {
    while (true) {
      Object id = FileIdentity.ofExisting(key, displayPath);
      PathTable.Entry entry = id == null ? null : table.get(id);
      if (!beingCreated(key, id) && (entry == null || entry.ready())) {
        return entry;
      }
      awaitTableChange();
    }
  }

  /** Called by a closing channel: the last one closes the file. */
  void release(EncryptedFileChannel channel, OpenFile file) throws IOException {
    boolean tracked;
    synchronized (this) {
      // A channel the closing file system already let go of no longer counts towards its file.
      tracked = channels.remove(channel);
    }
    if (tracked) {
      unref(file);
    }
  }

  /**
   * Drops one user of {@code file}; the last one closes it, outside this monitor (a close writes
   * the session's final tail record, and waits for the file's running reads and writes). The file
   * stays in the table, closing, until its underlying channel is closed: an open of it meanwhile
   * waits, and then opens it anew.
   */
  private void unref(OpenFile file) throws IOException {
    PathTable.Entry entry;
    synchronized (this) {
      entry = table.of(file);
      if (entry == null || --entry.channels > 0) {
        return;
      }
      table.closing(entry);
    }
    closeLast(entry, file);
  }

  /**
   * Closes {@code file}, whose entry is closing and has no channels. A close that keeps the file
   * open for a buffered tail it could not write ({@link OpenFile#close}) puts it back in the table
   * as open without channels: the next open of the file takes up its state, which is newer than the
   * disk's, and {@link #keptTailWritten} closes it once the timer has written the tail.
   */
  private void closeLast(PathTable.Entry entry, OpenFile file) throws IOException {
    ForceLedger.Debt debt = ForceLedger.Debt.UNCHANGED;
    boolean writtenMeanwhile = false;
    try {
      debt = file.forceDebt();
      file.close();
    } finally {
      synchronized (this) {
        if (file.kept()) {
          table.kept(entry);
          // The timer may have written the tail while the entry was closing, when it could not
          // close it; dirty, the timer tells when it writes it.
          writtenMeanwhile = !file.tailWaits();
        } else {
          table.remove(entry, debt);
          if (file.raw().forceFailed() && entry.key != null) {
            failedForces.add(file.path()); // (a deleted file has nothing left to lose)
          }
        }
        notifyAll();
      }
      if (writtenMeanwhile) {
        keptTailWritten(file);
      }
    }
  }

  /**
   * The timer wrote the buffered tail that a failed close kept {@code file} open for: it closes
   * now, unless a channel opened it meanwhile (whose close closes it) or the file system's close
   * took it. No caller is left to report a failure of this close to; the tail is written already,
   * so what can still fail (the session's final record) a crash could leave undone too.
   */
  private void keptTailWritten(OpenFile file) {
    PathTable.Entry entry;
    synchronized (this) {
      entry = table.of(file);
      if (entry == null || !entry.ready() || entry.channels > 0) {
        return;
      }
      table.closing(entry);
    }
    try {
      closeLast(entry, file);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          file.path() + ": closing after the delayed tail write failed: " + e.getMessage());
    }
  }

  /** An operation on the underlying file system. */
  public interface RawOperation {
    void run() throws IOException;
  }

  /**
   * Runs {@code delete}, which removes the underlying file at {@code rawPath}. A file open there
   * stays usable through its channels, detached from the name, so that a file created at the same
   * name afterwards is a new file, as on a POSIX file system.
   */
  public void delete(Path rawPath, RawOperation delete) throws IOException {
    Path key = FileIdentity.realParent(rawPath);
    synchronized (this) {
      while (creating.contains(key)) {
        awaitTableChange(); // so that a file being created is still at its name when registered
      }
      delete.run();
      table.deleted(key);
    }
  }

  /**
   * Runs {@code move}, which renames the underlying {@code rawFrom} (a file or a directory) to
   * {@code rawTo}, replacing what was there. Files open under {@code rawFrom} are then found under
   * {@code rawTo} and reported by their names under {@code displayTo} (the encrypted path of
   * {@code rawTo}), and a closed file's pending force follows it.
   */
  public void move(
      Path rawFrom, Path rawTo, String displayTo, RawOperation move)
      throws IOException {
    Path from = FileIdentity.realParent(rawFrom);
    Path to = FileIdentity.realParent(rawTo);
    synchronized (this) {
      while (creating.stream().anyMatch(name -> name.startsWith(from) || name.startsWith(to))) {
        awaitTableChange(); // so that a file being created is still at its name when registered
      }
      move.run();
      table.moved(from, to, displayTo);
    }
  }

  /**
   * The cleartext size of the encrypted file at {@code rawPath}, whose raw attributes the caller
   * just read: the live size when it is open, a remembered size when its raw attributes are
   * unchanged since it was authenticated, otherwise read from its tail record.
   */
  public long cleartextSize(Path rawPath, String displayPath, BasicFileAttributes rawAttrs)
      throws IOException {
    Path key = rawPath.toAbsolutePath().normalize();
    Object id = FileIdentity.of(key, rawAttrs);
    synchronized (this) {
      PathTable.Entry entry = table.get(id);
      while (entry != null && !entry.ready()) {
        awaitTableChange();
        entry = table.get(id);
      }
      if (entry != null) {
        return entry.file.size();
      }
    }
    long cached = sizes.get(id, rawAttrs);
    if (cached >= 0) {
      return cached;
    }
    long readStart = System.currentTimeMillis();
    long size;
    try (FileChannel ch =
        newFileChannel(key, displayPath, EnumSet.of(StandardOpenOption.READ), null)) {
      size = ch.size();
    }
    sizes.put(id, rawAttrs, size, readStart);
    return size;
  }

  /** The file no open may reach, by any name (see {@link ReservedFile}). */
  public ReservedFile reserved() {
    return reserved;
  }

  /**
   * Whether files created from now on are forced at creation (the default), or left to their first
   * force; see {@code EncryptedFileSystems.CREATE_SYNC}.
   */
  public void setCreateSync(boolean sync) {
    this.createSync = sync;
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
  public synchronized int openFileCount() {
    return table.size();
  }

  /**
   * Forces every file written since its last force, open or already closed, then closes every open
   * file. Called when the file system closes, so that close of the file system is a durability
   * point; it throws if a force failed, including one that an earlier close of the file followed.
   */
  public void closeAll() throws IOException {
    IOException failure = null;
    List<PathTable.Entry> entries;
    List<EncryptedFileChannel> stillOpen;
    synchronized (this) {
      closed = true;
      // Files being loaded or closed by other threads finish first: their channels are open.
      while (table.busy() || !creating.isEmpty()) {
        awaitTableChange();
      }
      entries = table.takeAll();
      stillOpen = new ArrayList<>(channels);
      channels.clear();
    }
    for (EncryptedFileChannel channel : stillOpen) {
      try {
        channel.close();
      } catch (IOException e) {
        failure = addFailure(failure, e);
      }
    }
    for (PathTable.Entry entry : entries) {
      try {
        entry.file.closeForced();
      } catch (IOException e) {
        failure = addFailure(failure, e);
      }
    }
    Map<Path, String> unforced;
    List<String> failed;
    synchronized (this) {
      unforced = table.takeUnforced();
      failed = new ArrayList<>(failedForces);
      failedForces.clear();
    }
    // A force that failed may have lost what it was to make durable (see RawFile), whatever a
    // later force reports: the close is a durability point, so it says so.
    for (String path : failed) {
      failure =
          addFailure(
              failure,
              new SyncFailedException(
                  path
                      + ": a force of this file failed while it was open; what it was to make"
                      + " durable may have been lost"));
    }
    // Forcing through the file, not just the raw channel, also records the forced sequence in
    // the header, so a later reader detects a damaged newest tail record.
    for (Map.Entry<Path, String> e : unforced.entrySet()) {
      try (FileChannel ch =
          open(
              e.getKey(),
              e.getValue(),
              EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE),
              null,
              true)) {
        ch.force(true);
      } catch (NoSuchFileException gone) {
        // deleted since it was written: nothing to make durable
      } catch (IOException ex) {
        failure = addFailure(failure, ex);
      }
    }
    opener.shutdown();
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException addFailure(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
