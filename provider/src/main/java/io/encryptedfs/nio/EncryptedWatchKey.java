package io.encryptedfs.nio;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.util.ArrayList;
import java.util.List;

/** An underlying watch key whose watchable and event names are encrypted paths. */
final class EncryptedWatchKey implements WatchKey {
  private final WatchKey raw;
  private final EncryptedPath dir;
  private final boolean root;

  EncryptedWatchKey(WatchKey raw, EncryptedPath dir) {
    this.raw = raw;
    this.dir = dir;
    this.root = dir.toAbsolutePath().normalize().getNameCount() == 0;
  }

  @Override
  public boolean isValid() {
    return raw.isValid();
  }

  @Override
  public List<WatchEvent<?>> pollEvents() {
    List<WatchEvent<?>> events = new ArrayList<>();
    for (WatchEvent<?> e : raw.pollEvents()) {
      if (e.kind() == StandardWatchEventKinds.OVERFLOW || !(e.context() instanceof Path name)) {
        events.add(e);
        continue;
      }
      if (!RawNames.reaches(name)) {
        // No path of this file system names that entry (RawNames): a path made from its decoded
        // name would be another file's. Lost events are what OVERFLOW says; a rescan then meets
        // the listing's error, which names the entry.
        events.add(new Event<>(StandardWatchEventKinds.OVERFLOW, e.count(), null));
        continue;
      }
      EncryptedPath mine = EncryptedPath.parse(dir.getFileSystem(), name.toString());
      if (root && dir.getFileSystem().markerNames().isReserved(mine.toString())) {
        continue;
      }
      events.add(new Event<>(e.kind(), e.count(), mine));
    }
    return events;
  }

  @Override
  public boolean reset() {
    return raw.reset();
  }

  @Override
  public void cancel() {
    raw.cancel();
  }

  @Override
  public EncryptedPath watchable() {
    return dir;
  }

  @Override
  public String toString() {
    return "WatchKey[" + dir + "]";
  }

  /** An event of the underlying key, renamed. */
  private static final class Event<T> implements WatchEvent<T> {
    private final Kind<T> kind;
    private final int count;
    private final T context;

    @SuppressWarnings("unchecked")
    Event(Kind<T> kind, int count, Path context) {
      this.kind = kind;
      this.count = count;
      this.context = (T) context;
    }

    @Override
    public Kind<T> kind() {
      return kind;
    }

    @Override
    public int count() {
      return count;
    }

    @Override
    public T context() {
      return context;
    }

    @Override
    public String toString() {
      return kind.name() + " " + context + " (" + count + ")";
    }
  }
}
