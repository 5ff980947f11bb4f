package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The names (real parent, see {@link FileIdentity#realParent}) whose underlying files are being
 * created outside {@link FileRegistry}'s monitor, before they are in its table: opens of such a
 * name wait, and so do deletes and moves that would touch it. Not thread-safe: {@link FileRegistry}
 * guards it with its monitor.
 */
final class CreatingNames {
  private final Set<Path> names = new HashSet<>();

  void add(Path name) {
    names.add(name);
  }

  void remove(Path name) {
    names.remove(name);
  }

  boolean isEmpty() {
    return names.isEmpty();
  }

  /** The names being created now. */
  Set<Path> now() {
    return Set.copyOf(names);
  }

  /** Whether a file is still being created by one of {@code some}. */
  boolean containsAny(Set<Path> some) {
    return some.stream().anyMatch(names::contains);
  }

  /** Whether a file is being created by exactly the name {@code name}. */
  boolean contains(Path name) {
    return names.contains(name);
  }

  /** Whether a file is being created at {@code name} or below it. */
  boolean atOrBelow(Path name) {
    return names.stream().anyMatch(creating -> creating.startsWith(name));
  }

  /**
   * Whether a file is being created at {@code key} (whose identity is {@code id}, null if there is
   * none): by that name, or by the name a symbolic link at {@code key} leads to. (A hard link made
   * to a file in the instant it is created is not seen.)
   */
  boolean at(Path key, Object id) throws IOException {
    if (names.isEmpty()) {
      return false;
    }
    if (names.contains(FileIdentity.realParent(key))) {
      return true;
    }
    if (id == null) {
      return false;
    }
    try {
      return names.contains(key.toRealPath());
    } catch (NoSuchFileException gone) {
      return false;
    }
  }
}
