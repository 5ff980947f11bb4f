package io.encryptedfs.faults;

import java.util.Arrays;
import java.util.List;

/**
 * What the fault file system knows about one regular file when a {@link Recording} is taken.
 *
 * @param path the file's path relative to the root, with {@code /} separators
 * @param durable the content a power loss cannot take away
 * @param unforced the modifications made since the durable image, oldest first
 * @param vanishable whether the file was created through the fault file system and has not been
 *     forced since, so that a crash may lose the file itself (see {@link FileCut#vanish()})
 */
public record FileHistory(
    String path, byte[] durable, List<LogEntry> unforced, boolean vanishable) {

  public FileHistory {
    durable = durable.clone();
    unforced = List.copyOf(unforced);
  }

  /** A copy of the durable image. */
  @Override
  public byte[] durable() {
    return durable.clone();
  }

  /** The content with every unforced entry applied: what the file holds right now. */
  public byte[] current() {
    return Replay.apply(this, FileCut.all()).orElseThrow();
  }

  /** How many page chunks the unforced entries are cut into (see {@link FileCut.Pages}). */
  public int unforcedPages() {
    int pages = 0;
    for (LogEntry entry : unforced) {
      pages += Replay.pageCount(entry);
    }
    return pages;
  }

  FileImage durableImage() {
    return new FileImage(durable);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileHistory h
        && h.path.equals(path)
        && Arrays.equals(h.durable, durable)
        && h.unforced.equals(unforced)
        && h.vanishable == vanishable;
  }

  @Override
  public int hashCode() {
    return path.hashCode() * 31 + Arrays.hashCode(durable);
  }

  @Override
  public String toString() {
    return path + " (durable " + durable.length + " B, unforced " + unforced + ")";
  }
}
