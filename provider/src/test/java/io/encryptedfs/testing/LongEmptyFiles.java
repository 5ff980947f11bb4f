package io.encryptedfs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

/**
 * Dates empty raw files a minute back, for tests that leave one as damage or a crash would. An open
 * that meets an empty raw file made within the last second waits up to a second for the program
 * creating it (FileOpener's CREATOR_WAIT_MS); a file cut to nothing by tampering, or left empty by
 * a power loss and found after the restart, is older than that, and is reported at once.
 */
public final class LongEmptyFiles {
  private static final long MINUTE_MS = 60_000;

  private LongEmptyFiles() {}

  /** Dates {@code path}, or each regular file below it, a minute back if it is empty. */
  public static void dateBack(Path path) throws IOException {
    List<Path> files;
    try (Stream<Path> tree = Files.walk(path)) {
      files = tree.filter(Files::isRegularFile).toList();
    }
    FileTime past = FileTime.fromMillis(System.currentTimeMillis() - MINUTE_MS);
    for (Path file : files) {
      if (Files.size(file) == 0) {
        Files.setLastModifiedTime(file, past);
      }
    }
  }
}
