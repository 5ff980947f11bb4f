package io.encryptedfs.nio;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The copies into one root under way in this file system, by their temporary files ({@link
 * StagedCopy}), which the walks of key rotation leave out ({@link RootWalk}). A copy's data key is
 * wrapped under the key current when it began, and it gets to its name only once whole, after a
 * retire's scan may have passed: that scan reads these too ({@link KeyUsageScan}), so that it finds
 * the key in use, at the target's path, as it did when copies were made at their names.
 */
final class StagedCopies {
  private final Map<Path, EncryptedPath> underWay = new ConcurrentHashMap<>();

  /** Before the temporary file is created, so that a scan that waited for creations sees it. */
  void begin(Path temp, EncryptedPath to) {
    underWay.put(temp, to);
  }

  /** Once the temporary name is gone: put at the target's name, removed, or left by a failure. */
  void end(Path temp) {
    underWay.remove(temp);
  }

  /** Each temporary file with its target's path, as the copies are now. */
  Map<Path, EncryptedPath> underWay() {
    return Map.copyOf(underWay);
  }
}
