package io.encryptedfs.nio;

import io.encryptedfs.channel.HeaderInspector.Header;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which files of a root name which master key, from their headers, for {@link KeyRotation}. A walk
 * lists every entry before any header is read, so a file that a program moves meanwhile, from a
 * place the walk had not listed yet, or from one not yet read, to one already passed, is in no
 * place the walk reads: retiring its key on that answer would leave it unreadable. So the root is
 * walked again, and the files not read yet (by path and identity) are read, until a walk after the
 * first finds none and none has gone, or {@value #MAX_WALKS} walks were made (a root where files
 * keep coming and going, as a busy program's temporary files do, is never quiet): only a file that
 * moves again during each of the walks can still be missed.
 */
final class KeyUsageScan {
  /** Walks after which the files read so far are the answer, though the root still changes. */
  static final int MAX_WALKS = 4;

  private KeyUsageScan() {}

  /**
   * Alias to the paths (sorted) of the files whose header names it in either slot. A path whose
   * file was replaced during the scan is listed under the aliases of both files.
   *
   * @param nestedRoots as for {@link RootWalk#walk}
   * @param display the path in the file system of an underlying path
   */
  static Map<String, List<String>> usage(
      EncryptedFileSystem efs, Set<Path> nestedRoots, Function<Path, String> display)
      throws IOException {
    // A creation of this file system begun before a rotation may still wrap under the old key a
    // file whose name the walk would not find yet.
    efs.files().awaitCreations();
    Map<String, SortedSet<String>> usage = new TreeMap<>();
    Map<Path, Object> read = new HashMap<>();
    for (int walk = 1; ; walk++) {
      boolean changed = false;
      // Before the walk: a copy put at its name meanwhile is then found there.
      Map<Path, EncryptedPath> ours = efs.stagedCopies().underWay();
      for (Map.Entry<Path, EncryptedPath> copy : ours.entrySet()) {
        String target = copy.getValue().toAbsolutePath().normalize().toString();
        add(usage, efs, copy.getKey(), target);
      }
      // Another program's copies under way, whose targets only that program knows, and those a
      // killed program left: at their own names. A leftover under the key holds its retire back
      // until it is deleted, as it cannot be told from a copy still under way.
      for (String name : RootWalk.stagedCopies(efs).keySet()) {
        Path temp = efs.root().resolve(name);
        if (!ours.containsKey(temp)) {
          add(usage, efs, temp, display.apply(temp));
        }
      }
      for (Path raw : RootWalk.walk(efs, nestedRoots)) {
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          changed = true;
          continue;
        }
        if (!attrs.isRegularFile()) {
          continue;
        }
        // Where a file system has no file keys, the path alone tells files apart.
        Object identity = attrs.fileKey() == null ? Boolean.TRUE : attrs.fileKey();
        if (identity.equals(read.get(raw))) {
          continue;
        }
        changed |= walk > 1;
        Header header;
        try {
          header = efs.files().inspect(raw, display.apply(raw), efs.keys());
        } catch (NoSuchFileException e) {
          changed = true;
          continue;
        }
        read.put(raw, identity);
        for (String alias : header.slotAliases()) {
          usage.computeIfAbsent(alias, a -> new TreeSet<>()).add(display.apply(raw));
        }
      }
      if ((walk > 1 && !changed) || walk == MAX_WALKS) {
        Map<String, List<String>> result = new TreeMap<>();
        usage.forEach((alias, paths) -> result.put(alias, List.copyOf(paths)));
        return result;
      }
    }
  }

  /** Adds the aliases the header of the temporary file {@code temp} names, under {@code shown}. */
  private static void add(
      Map<String, SortedSet<String>> usage, EncryptedFileSystem efs, Path temp, String shown)
      throws IOException {
    Header header;
    try {
      header = efs.files().inspect(temp, shown, efs.keys());
    } catch (NoSuchFileException e) {
      return; // put at its name, or removed, since it was listed
    }
    for (String alias : header.slotAliases()) {
      usage.computeIfAbsent(alias, a -> new TreeSet<>()).add(shown);
    }
  }
}
