package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The underlying descriptors that every encrypted file system of this program has open on each
 * file, so that closing one never releases another's locks.
 *
 * <p>POSIX locks belong to the process, not to the descriptor: closing any descriptor on a file
 * releases every lock the process holds on it. One file system opens each file once (its table of
 * open files), but two file systems of one program can reach one file: a root nested in another
 * ({@code /sub/f} of one is {@code /f} of the other), read by the outer one's key usage or by a
 * program. Were the nested one to close its descriptor while the outer one writes the file, the
 * outer one's writer lock would be gone, and another program could write the file at the same time.
 * So a descriptor whose file another one of this program still has open is parked instead: its
 * locks are released one by one (which releases no other range), it stays open, and it is taken
 * again by the next open of the file ({@link #takeParked}) or closed with the file's last one. They
 * do not pile up: the next open of the file, by any of the program's file systems, takes one again,
 * so there are never more parked than the program has file systems that reach it.
 *
 * <p>A file is known by its underlying file system and its file key ({@link FileIdentity}), which
 * cannot pass to another file while a descriptor keeps the file, so parked ones are always the
 * file's. Where the file system has no file keys, the identity is a real path, which a file created
 * after a delete takes over: such descriptors are not tracked, and close at once. A descriptor is
 * counted from the moment the open-file table tells its identity, before any lock is taken on it;
 * one closed before (a failed open) is closed at once, holding no lock. The last descriptors of a
 * file close while opens of that file wait: a descriptor counted meanwhile could take a lock that
 * their close would release. Guarded by the class's monitor.
 */
final class SameFileDescriptors {
  /** A file of one underlying file system. */
  record Key(FileSystem fileSystem, Object identity) {}

  private static final class Descriptors {
    int open;
    boolean closing;
    final List<FileChannel> parkedReadWrite = new ArrayList<>();
    final List<FileChannel> parkedReadOnly = new ArrayList<>();

    List<FileChannel> parked(boolean writable) {
      return writable ? parkedReadWrite : parkedReadOnly;
    }
  }

  private static final Map<Key, Descriptors> FILES = new HashMap<>();

  private SameFileDescriptors() {}

  /**
   * A parked descriptor on the file with {@code identity} in {@code fileSystem} opened as {@code
   * writable}, now no longer parked; null if there is none. The caller counts it ({@link #opened})
   * as it would a descriptor it opened.
   */
  static synchronized FileChannel takeParked(
      FileSystem fileSystem, Object identity, boolean writable) {
    Descriptors d = tracked(identity) ? FILES.get(new Key(fileSystem, identity)) : null;
    if (d == null || d.closing) {
      return null;
    }
    List<FileChannel> parked = d.parked(writable);
    return parked.isEmpty() ? null : parked.remove(parked.size() - 1);
  }

  /**
   * Counts one more open descriptor on the file; returns its key, or null where the file system has
   * no file keys (the descriptor is not tracked). Waits while the file's last descriptors close. A
   * thread interrupted meanwhile goes on waiting and keeps its interrupt.
   */
  static synchronized Key opened(FileSystem fileSystem, Object identity) {
    if (!tracked(identity)) {
      return null;
    }
    Key key = new Key(fileSystem, identity);
    boolean interrupted = false;
    long millis = MonitorWaits.FIRST_MILLIS;
    while (true) {
      Descriptors d = FILES.computeIfAbsent(key, k -> new Descriptors());
      if (!d.closing) {
        d.open++;
        break;
      }
      try {
        millis = MonitorWaits.waitOn(SameFileDescriptors.class, millis);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    ReopeningChannel.restore(interrupted);
    return key;
  }

  /**
   * Closes {@code channel}, a descriptor counted under {@code key} (or, if null, never counted)
   * whose locks were released, or parks it while another descriptor of this program has the file
   * open; the file's last one closes the parked ones with it.
   */
  static void close(Key key, FileChannel channel, boolean writable) throws IOException {
    List<FileChannel> toClose = new ArrayList<>();
    synchronized (SameFileDescriptors.class) {
      Descriptors d = key == null ? null : FILES.get(key);
      if (d == null) {
        channel.close();
        return;
      }
      if (--d.open > 0) {
        if (channel.isOpen()) {
          d.parked(writable).add(channel);
        }
        return;
      }
      d.closing = true;
      toClose.addAll(d.parkedReadWrite);
      toClose.addAll(d.parkedReadOnly);
    }
    IOException failure = null;
    try {
      channel.close();
    } catch (IOException e) {
      failure = e;
    }
    for (FileChannel parked : toClose) {
      try {
        parked.close();
      } catch (IOException e) {
        // Parked with no lock and nothing written through it since: nothing of the caller's rides
        // on its close.
      }
    }
    synchronized (SameFileDescriptors.class) {
      FILES.remove(key);
      SameFileDescriptors.class.notifyAll();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static boolean tracked(Object identity) {
    return !(identity instanceof Path);
  }
}
