package io.encryptedfs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Counts the descriptors this process has open on one file, as {@code /proc/self/fd} shows them.
 *
 * <p>Listing that directory is not a snapshot: a descriptor counted early in the listing may close
 * and the file reopen at a higher number that the listing reaches later (the kernel hands out the
 * lowest free number, so this happens when another open took the freed one meanwhile), and one open
 * descriptor is counted twice. A count above one is therefore looked at again, in the opposite
 * order: a reopen would have to repeat downwards between two reads of links to fool that too, while
 * descriptors really open at once are all still there.
 */
public final class OpenDescriptors {
  private static final Path FDS = Paths.get("/proc/self/fd");

  private OpenDescriptors() {}

  /** How many descriptors of this process are open on the file whose real path is {@code real}. */
  public static int on(Path real) {
    List<Path> seen = new ArrayList<>();
    try (Stream<Path> fds = Files.list(FDS)) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        if (pointsTo(fd, real)) {
          seen.add(fd);
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    if (seen.size() < 2) {
      return seen.size();
    }
    int still = 0;
    for (int i = seen.size() - 1; i >= 0; i--) {
      if (pointsTo(seen.get(i), real)) {
        still++;
      }
    }
    return still;
  }

  private static boolean pointsTo(Path fd, Path real) {
    try {
      return Files.readSymbolicLink(fd).equals(real);
    } catch (IOException closedMeanwhile) {
      return false;
    }
  }
}
