package io.encryptedfs.nio;

import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.channel.HeaderInspector.Header;
import io.encryptedfs.channel.HeaderInspector.Status;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.nio.KeyRotation.Event;
import io.encryptedfs.nio.KeyRotation.RewrapReport;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One run of {@link KeyRotation#rewrapAll}. A walk lists every entry before any is rewrapped, so a
 * file that a program moves meanwhile, from a place not reached yet to one already passed, would be
 * left on its old key behind a report that it was deleted. So the root is walked again, as {@link
 * KeyUsageScan} walks it, and the entries not handled yet (by path and identity) are handled, until
 * a walk after the first finds none and none has gone, or {@value KeyUsageScan#MAX_WALKS} walks
 * were made.
 */
final class RewrapWalk {
  private static final String DELETED = "deleted meanwhile";
  private static final String NESTED =
      "an encrypted root of its own, not rewrapped (rewrap it through its own file system)";

  private final EncryptedFileSystem efs;
  private final Predicate<Path> leaveOut;
  private final Consumer<Event> progress;
  private int rewrapped;
  private int unchanged;
  private final List<String> skipped = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private final List<String> damaged = new ArrayList<>();
  private final Set<Path> nestedRoots = new HashSet<>();

  /** The hard links of this walk's files that lie outside the root. */
  private OutsideNames outside;

  /** The entries handled, each with its identity then. */
  private final Map<Path, Object> handled = new HashMap<>();

  RewrapWalk(EncryptedFileSystem efs, Predicate<Path> leaveOut, Consumer<Event> progress) {
    this.efs = efs;
    this.leaveOut = leaveOut;
    this.progress = progress;
  }

  RewrapReport run() throws IOException {
    for (int walk = 1; ; walk++) {
      boolean changed = false;
      List<Path> entries = RootWalk.walk(efs, nestedRoots);
      outside = OutsideNames.of(entries);
      for (Path raw : entries) {
        Object identity = identity(raw);
        if (identity != null && identity.equals(handled.get(raw))) {
          continue;
        }
        if (identity != null) {
          handled.put(raw, identity);
        }
        boolean there = handle(raw, identity != null);
        changed |= walk > 1 || !there;
      }
      if ((walk > 1 && !changed) || walk == KeyUsageScan.MAX_WALKS) {
        return new RewrapReport(
            rewrapped, unchanged, List.copyOf(skipped), List.copyOf(failed), List.copyOf(damaged));
      }
    }
  }

  /**
   * Rewraps or skips one entry, and reports it; false if it was gone.
   *
   * @param there whether the entry was still there when its identity was read
   */
  private boolean handle(Path raw, boolean there) {
    String display = KeyRotation.display(efs, raw);
    if (nestedRoots.contains(raw)) {
      skip(display, NESTED, 0);
      return true;
    }
    if (leaveOut.test(efs.getPath(display))) {
      return true;
    }
    if (!there || !Files.isRegularFile(raw, LinkOption.NOFOLLOW_LINKS)) {
      boolean gone = !there || Files.notExists(raw, LinkOption.NOFOLLOW_LINKS);
      skip(display, gone ? DELETED : "not a regular file", 0);
      return !gone;
    }
    long size = 0;
    try {
      size = Files.size(raw);
      Header header = efs.files().inspect(raw, display, efs.keys());
      // An empty raw file is no plain file but an encrypted one whose front region is lost (a
      // real one always has it): its rewrap fails as its open does, as damage.
      if (header.status() == Status.NOT_ENCRYPTED && size > 0) {
        skip(display, "not an encrypted file", size);
        return true;
      }
      String target = efs.newFiles().forPath(display).keyAlias();
      if (!header.slotAliases().equals(Set.of(target))) {
        FileSystemException shared = outside.rewrapRefusal(raw, display);
        if (shared != null) {
          throw shared;
        }
      }
      OpenFiles.Rewrap done = efs.files().rewrap(raw, display, target);
      if (!done.rewritten()) {
        requireKeyHeld(raw, display, target);
      }
      String damage = "";
      if (done.damage() != null) {
        damaged.add(done.damage());
        damage = "; content damaged: " + done.damage();
      }
      if (done.rewritten()) {
        rewrapped++;
        if (efs.keys() instanceof AuditedKeystore audited) {
          audited.rewrapped(display, header.keyAlias(), target);
        }
        progress.accept(new Event(display, "rewrapped to " + target + damage, size));
      } else {
        unchanged++;
        progress.accept(new Event(display, "already " + target + damage, size));
      }
    } catch (NoSuchFileException e) {
      // Deleted or moved by a program between the walk and its turn: the next walk looks again.
      skip(display, DELETED, size);
      return false;
    } catch (IOException e) {
      String message = describe(display, e);
      failed.add(message);
      progress.accept(new Event(display, "failed: " + message, size));
    }
    return true;
  }

  /**
   * Fails a file that already names {@code alias} unless the keys hold the key that wrapped it. An
   * open answers from the key this program loaded, which stays in memory after another program
   * retired it (or retired it and made a new one under its alias): such a file opens here only
   * until this program closes, and nowhere else, so it is no file that is "already" done. Asked as
   * for a new file, the keys look at the keystore again, and the header is read with what it holds.
   */
  private void requireKeyHeld(Path raw, String display, String alias) throws IOException {
    try {
      efs.keys().masterKeyForNewFile(alias);
      Header now = efs.files().inspect(raw, display, efs.keys());
      if (now.status() == Status.KEY_MISMATCH) {
        throw new KeyMismatchException(display, alias);
      }
      if (now.status() == Status.UNKNOWN_KEY) {
        efs.keys().masterKey(alias); // retired since the look: throws, naming the keys
      }
    } catch (UnknownKeyAliasException e) {
      throw e.in(display);
    }
  }

  private void skip(String display, String why, long size) {
    skipped.add(display + ": " + why);
    progress.accept(new Event(display, "skipped: " + why, size));
  }

  /** What tells the entry at {@code raw} from another there later; null if it is gone. */
  private static Object identity(Path raw) throws IOException {
    try {
      Object key =
          Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      // Where a file system has no file keys, the path alone tells entries apart.
      return key == null ? Boolean.TRUE : key;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * A failure as a report line that starts with the file: most messages name it already, but a bare
   * {@code FileSystemException} says no more than its path.
   */
  private static String describe(String display, IOException e) {
    String message = e.getMessage();
    if (message != null && message.startsWith(display + ": ")) {
      return message;
    }
    return display + ": " + e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
