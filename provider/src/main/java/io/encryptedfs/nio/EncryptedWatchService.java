package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A watch service of the underlying file system whose keys and events speak encrypted paths.
 *
 * <p>Names are stored in the clear (FORMAT.md §1), so an underlying event's name is the caller's
 * name; only the root's internal files are left out. The underlying service does the watching
 * (inotify on Linux, polling on others), so its events, their coalescing and its overflow are the
 * ones a plain program would see. An encrypted write makes more underlying writes than a plain one,
 * which changes only how many {@code ENTRY_MODIFY} events are counted.
 */
final class EncryptedWatchService implements WatchService {
  private final EncryptedFileSystem fs;
  private final WatchService raw;
  private final ConcurrentMap<WatchKey, EncryptedWatchKey> keys = new ConcurrentHashMap<>();

  private EncryptedWatchService(EncryptedFileSystem fs, WatchService raw) {
    this.fs = fs;
    this.raw = raw;
  }

  static EncryptedWatchService open(EncryptedFileSystem fs) throws IOException {
    return new EncryptedWatchService(fs, fs.root().getFileSystem().newWatchService());
  }

  /** Registers the directory {@code dir}; the same directory always gives the same key. */
  static WatchKey register(
      WatchService watcher,
      EncryptedPath dir,
      WatchEvent.Kind<?>[] kinds,
      WatchEvent.Modifier... modifiers)
      throws IOException {
    if (!(watcher instanceof EncryptedWatchService service) || service.fs != dir.getFileSystem()) {
      throw new ProviderMismatchException(
          "not a watch service of this encrypted file system: " + watcher);
    }
    EncryptedFileSystemProvider.check(dir);
    WatchKey rawKey;
    try {
      rawKey = MarkerLinks.rawFollowed(dir).register(service.raw, kinds, modifiers);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, dir.toString());
    }
    return service.keys.computeIfAbsent(rawKey, k -> new EncryptedWatchKey(k, dir));
  }

  @Override
  public WatchKey poll() {
    return wrap(raw.poll());
  }

  @Override
  public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
    return wrap(raw.poll(timeout, unit));
  }

  @Override
  public WatchKey take() throws InterruptedException {
    return wrap(raw.take());
  }

  /**
   * Our key for an underlying one. A key can be signalled before {@code register} has recorded it,
   * so a key not yet known is made from the directory it watches.
   */
  private WatchKey wrap(WatchKey rawKey) {
    if (rawKey == null) {
      return null;
    }
    return keys.computeIfAbsent(rawKey, k -> new EncryptedWatchKey(k, encryptedDir(k)));
  }

  private EncryptedPath encryptedDir(WatchKey rawKey) {
    List<String> names = new ArrayList<>();
    for (Path name : fs.root().relativize((Path) rawKey.watchable())) {
      if (!name.toString().isEmpty()) {
        names.add(name.toString());
      }
    }
    return EncryptedPath.parse(fs, "/", names.toArray(new String[0]));
  }

  @Override
  public void close() throws IOException {
    fs.watchServiceClosed(this);
    raw.close();
  }
}
