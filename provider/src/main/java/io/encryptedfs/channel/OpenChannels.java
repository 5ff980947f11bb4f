package io.encryptedfs.channel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The channels handed out and not yet closed, and whether the file system's close began: from then
 * on only the close's own channels are taken in, and the close closes those held. A channel that
 * attached to its file before the close began has that file taken and closed by the close, but
 * would itself stay open unless it is held here.
 *
 * <p>Guarded by its own monitor, a leaf: held only inside these methods, which call nothing else,
 * so {@link FileRegistry} calls them under its monitor to check and take in a channel in one step
 * with making its file ready, and {@link ClosingEntries}, under the same monitor, to mark the
 * close's beginning in one step with refusing opens.
 */
final class OpenChannels {
  private final Set<EncryptedFileChannel> channels =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean closed;

  /** Whether the file system's close began. */
  synchronized boolean closed() {
    return closed;
  }

  /**
   * Holds {@code channel}, just attached; false if the file system's close began and the open is
   * not its own ({@code forClose}).
   */
  synchronized boolean track(EncryptedFileChannel channel, boolean forClose) {
    if (closed && !forClose) {
      return false;
    }
    channels.add(channel);
    return true;
  }

  /**
   * {@code channel} closes: whether it was still held, and so counts towards its file (the closing
   * file system lets go of the channels it closes).
   */
  synchronized boolean untrack(EncryptedFileChannel channel) {
    return channels.remove(channel);
  }

  /** The file system's close begins: only its own channels are taken in from now on. */
  synchronized void close() {
    closed = true;
  }

  /** Lets go of every channel held, for the file system's close to close. */
  synchronized List<EncryptedFileChannel> takeAll() {
    List<EncryptedFileChannel> taken = new ArrayList<>(channels);
    channels.clear();
    return taken;
  }
}
