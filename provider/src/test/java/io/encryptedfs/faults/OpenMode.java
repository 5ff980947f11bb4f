package io.encryptedfs.faults;

import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * What the open options of a channel mean for recording.
 *
 * @param writable opened with {@code WRITE} or {@code APPEND}
 * @param append writes go to the end of the file
 * @param synchronous opened with {@code SYNC} or {@code DSYNC}: every modification is durable when
 *     the call returns, as if forced
 */
record OpenMode(boolean writable, boolean append, boolean synchronous) {

  static OpenMode of(Set<? extends OpenOption> options) {
    boolean append = options.contains(StandardOpenOption.APPEND);
    return new OpenMode(
        append || options.contains(StandardOpenOption.WRITE),
        append,
        options.contains(StandardOpenOption.SYNC) || options.contains(StandardOpenOption.DSYNC));
  }
}
