package io.encryptedfs.channel;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** What a channel was opened for, decoded once from its open options as the JDK does. */
record ChannelMode(
    boolean read,
    boolean write,
    boolean append,
    boolean create,
    boolean createNew,
    boolean truncateExisting,
    boolean deleteOnClose,
    boolean sync) {

  static ChannelMode of(Set<? extends OpenOption> options) {
    for (OpenOption o : options) {
      if (o == null) {
        throw new NullPointerException("null open option");
      }
      if (!(o instanceof StandardOpenOption) && o != LinkOption.NOFOLLOW_LINKS) {
        throw new UnsupportedOperationException("unsupported open option " + o);
      }
    }
    boolean append = options.contains(StandardOpenOption.APPEND);
    boolean write = append || options.contains(StandardOpenOption.WRITE);
    boolean read = options.contains(StandardOpenOption.READ) || !write;
    if (append && options.contains(StandardOpenOption.READ)) {
      throw new IllegalArgumentException("READ + APPEND not allowed");
    }
    if (append && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
      throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
    }
    return new ChannelMode(
        read,
        write,
        append,
        write && options.contains(StandardOpenOption.CREATE),
        write && options.contains(StandardOpenOption.CREATE_NEW),
        write && options.contains(StandardOpenOption.TRUNCATE_EXISTING),
        options.contains(StandardOpenOption.DELETE_ON_CLOSE),
        options.contains(StandardOpenOption.SYNC) || options.contains(StandardOpenOption.DSYNC));
  }
}
