package io.encryptedfs.nio;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyInUseException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.channel.HeaderInspector.Header;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.Printable;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Key operations on an open encrypted file system: rotate the master key, rewrap every file's data
 * key to the key its path should use, list which files use which key, and retire a key no file
 * uses. Rewrapping rewrites two 256-byte header slots per file, never content, so it is O(files).
 *
 * <p>Rewrapping goes through the file system's registry of open files, so it is safe while the file
 * system is in use in this JVM; a file another program is writing is reported failed and keeps its
 * key. Other programs using the keystore follow a rotation at their next file creation, which looks
 * at the keystore first; see {@link #retire} for what they must have done before a key is retired.
 * Interrupted rewraps are resumable: rerun {@link #rewrapAll}; files already done are skipped, and
 * a file interrupted between its two header writes opens with either key and is finished.
 */
public final class KeyRotation {
  private KeyRotation() {}

  /** One step of a walk, for progress and reports: a path and what happened to it. */
  public record Event(String path, String outcome, long rawBytes) {}

  /**
   * The result of {@link #rewrapAll}.
   *
   * @param rewrapped files whose header was rewritten
   * @param unchanged files that already used their target key
   * @param skipped non-encrypted files and other entries left alone, each with a reason
   * @param failed files that could not be rewrapped (damaged header, an empty raw file, header
   *     slots of different files, unknown or wrong key), with the error; and files already under
   *     their target key that the keys no longer hold, or hold as other key material under its
   *     alias (another program retired it): this program may still open them from the key it holds
   *     in memory, but no other can, nor this one once reopened
   * @param damaged files whose content is damaged (they do not open) but whose authentic header was
   *     rewrapped, or already named its target key, with the damage: they no longer hold the old
   *     key back from being retired
   */
  public record RewrapReport(
      int rewrapped,
      int unchanged,
      List<String> skipped,
      List<String> failed,
      List<String> damaged) {}

  /**
   * Generates a new master key in the file system's keystore and makes it current, so that new
   * files use it at once (unless {@code key.alias} pins another key); returns its alias. Existing
   * files keep their key until {@link #rewrapAll}.
   *
   * @throws UnsupportedOperationException if the file system's keys are not a PKCS#12 keystore
   */
  public static String rotate(FileSystem fs) throws IOException {
    return keystore(fs).rotate();
  }

  /**
   * Rewraps the data key of every encrypted file under the root, including the root marker, to the
   * key that a new file at its path would use ({@code key.policy}, {@code key.alias} or the current
   * key). Plain files, links and special files are skipped with a report line (an empty raw file is
   * no plain file but an encrypted one whose header is lost: it is {@code failed()}), and so is a
   * directory below the root that holds a root marker of its own: its files belong to that nested
   * root, whose own keys (perhaps another keystore, other aliases) must keep opening them, so the
   * walk does not enter it. A file with more hard links than names in the root is listed in {@code
   * failed()} and keeps its key: a copy of the root made with hard links ({@code cp -al}) shares
   * it, and a rewrap in place would rewrap that copy's file too.
   *
   * @param progress told about each file as it is done
   * @throws NullPointerException if an argument is null, before any file is looked at
   */
  public static RewrapReport rewrapAll(FileSystem fs, Consumer<Event> progress) throws IOException {
    return rewrapAll(fs, path -> false, progress);
  }

  /**
   * {@link #rewrapAll(FileSystem, Consumer)}, leaving out the entries {@code leaveOut} accepts:
   * they are neither looked at nor reported, as if not there; for a tool's own temporary files,
   * which it reports itself. Such a file keeps its key, and {@link #retire} still counts it.
   *
   * @param leaveOut given each entry's path in {@code fs}
   * @throws NullPointerException if an argument is null, before any file is looked at
   */
  public static RewrapReport rewrapAll(
      FileSystem fs, Predicate<Path> leaveOut, Consumer<Event> progress) throws IOException {
    // The walk rewraps the marker before it reports or filters any entry: a null found there
    // would stop a rewrap half done.
    Objects.requireNonNull(leaveOut, "leaveOut");
    Objects.requireNonNull(progress, "progress");
    return new RewrapWalk(check(fs), leaveOut, progress).run();
  }

  /**
   * Which files name which master key, reading headers only: alias to paths (sorted). A file whose
   * two slots name different keys (a rewrap interrupted between its writes) is listed under both.
   * Files whose header names no readable key are listed under their alias too; plain files are not
   * listed. The files of a root nested in this one are listed too (they may share the keystore):
   * {@link #retire} must not delete a key they name. The root is walked again until a walk finds no
   * file not read yet (a few walks at most), so that a file moved meanwhile is still read ({@link
   * KeyUsageScan}); a path whose file was replaced meanwhile is listed under both files' keys.
   */
  public static Map<String, List<String>> usage(FileSystem fs) throws IOException {
    return usage(check(fs), null);
  }

  /**
   * This root's own files by the keys they name, as {@link #usage} lists them, in the root as
   * {@link #rewrapAll} walks it: a root nested in this one is not entered but named, since its
   * files are that root's, to count there.
   *
   * @param files alias to paths (sorted)
   * @param nestedRoots the directories below this root that are roots of their own, sorted
   */
  public record OwnUsage(Map<String, List<String>> files, List<String> nestedRoots) {}

  /** See {@link OwnUsage}. */
  public static OwnUsage ownUsage(FileSystem fs) throws IOException {
    EncryptedFileSystem efs = check(fs);
    Set<Path> nestedRoots = new TreeSet<>();
    Map<String, List<String>> files = usage(efs, nestedRoots);
    return new OwnUsage(files, displayed(efs, nestedRoots));
  }

  /**
   * The directories below this root that are roots of their own, sorted, as {@link OwnUsage} names
   * them, without reading any file: for a tool that walks the root itself and must stop there too.
   */
  public static List<String> nestedRoots(FileSystem fs) throws IOException {
    EncryptedFileSystem efs = check(fs);
    Set<Path> nestedRoots = new TreeSet<>();
    RootWalk.walk(efs, nestedRoots);
    return displayed(efs, nestedRoots);
  }

  /**
   * The temporary files of copies into this root now in its directory, name to size on disk in
   * bytes: {@code .encryptedfs-move-} and 16 hex digits, which the root never lists and key
   * rotation leaves out (see FORMAT.md section 1). Each is a copy still under way, in this program
   * or another one that has the root open, or one a killed process left, which holds nothing of the
   * root's and which nothing removes, since it cannot be told from another program's copy under
   * way: delete it on the underlying directory when no program has the root open. No file is read.
   */
  public static SortedMap<String, Long> stagedCopies(FileSystem fs) throws IOException {
    return RootWalk.stagedCopies(check(fs));
  }

  private static List<String> displayed(EncryptedFileSystem efs, Set<Path> raw) {
    return raw.stream().map(r -> display(efs, r)).toList();
  }

  /**
   * @param nestedRoots as for {@link RootWalk#walk}
   */
  private static Map<String, List<String>> usage(EncryptedFileSystem efs, Set<Path> nestedRoots)
      throws IOException {
    return KeyUsageScan.usage(efs, nestedRoots, raw -> display(efs, raw));
  }

  /**
   * Deletes master key {@code alias} from the keystore, only if no file under the root names it in
   * either header slot when it looks.
   *
   * <p>Files outside this root are not looked at, and a file another program creates meanwhile can
   * still name the key: a creation asks for the current key once, at its start, so one begun before
   * the rotation away from this key and finished after this scan wraps under it, and becomes
   * unreadable. (The scan first waits for the creations under way in {@code fs} itself, and counts
   * the copies into it under way there at their targets' paths, and the temporary files of other
   * programs' copies, or of copies a killed program left, at their own names: so a retire waits for
   * such a copy to be put at its name and rewrapped, or for the leftover to be deleted.) Retire
   * only once every root that uses the keystore lies under this one (else give them all to {@link
   * #retire(List, String)}), every other program using it has finished the file creations it began
   * before the rotation, a copy's into the root included (or closed its file systems), and runs a
   * version that follows the keystore (older ones must be reopened), and no other program's {@code
   * key.alias} or {@code key.policy} names the key.
   *
   * @throws KeyInUseException listing the files that still use it
   * @throws java.nio.file.FileSystemException naming a file of the root with a hard link outside
   *     it, as a copy of the root made with hard links ({@code cp -al}) has: that copy's other
   *     files are not looked at
   * @throws IllegalStateException if it is the current key, or {@code key.alias} or {@code
   *     key.policy} names it
   */
  public static void retire(FileSystem fs, String alias) throws IOException {
    Objects.requireNonNull(fs, "fs");
    retire(List.of(fs), alias);
  }

  /**
   * {@link #retire(FileSystem, String)} for several roots that share files, such as a root and its
   * copy made with hard links ({@code cp -al}): deletes master key {@code alias} from the keystore
   * of the first file system only if no file under any of the roots names it, and no file of them
   * has a hard link outside them all. A file shared by two of them is seen by the scan through
   * either, so only a name outside every root given could hide files that use the key. The files
   * are listed by their URIs ({@code encrypted:file:///live!/a}) where there are several roots.
   *
   * @param fileSystems every root that shares files with another, each once; one at least
   * @throws KeyInUseException listing the files that still use it
   * @throws java.nio.file.FileSystemException naming a file with a hard link outside every root
   *     given
   * @throws IllegalStateException if it is the current key, or any of the file systems' {@code
   *     key.alias} or {@code key.policy} names it
   */
  public static void retire(List<? extends FileSystem> fileSystems, String alias)
      throws IOException {
    Objects.requireNonNull(fileSystems, "fileSystems");
    Objects.requireNonNull(alias, "alias");
    if (fileSystems.isEmpty()) {
      throw new IllegalArgumentException("no file system to retire a key from");
    }
    List<EncryptedFileSystem> roots = fileSystems.stream().map(KeyRotation::check).toList();
    Pkcs12KeyStore store = keystore(fileSystems.get(0));
    String name = Pkcs12KeyStore.storedAlias(alias);
    for (EncryptedFileSystem efs : roots) {
      for (Map.Entry<String, String> named : efs.newFiles().policyAliases().entrySet()) {
        if (Pkcs12KeyStore.storedAlias(named.getKey()).equals(name)) {
          throw new IllegalStateException(
              "key '"
                  + Printable.of(name)
                  + "' is named by this file system's "
                  + named.getValue());
        }
      }
    }
    OutsideNames.checkRetire(roots);
    List<String> users = new ArrayList<>();
    for (EncryptedFileSystem efs : roots) {
      for (String user : users(efs, name)) {
        users.add(roots.size() == 1 ? user : efs.getPath(user).toUri().toString());
      }
    }
    if (!users.isEmpty()) {
      throw new KeyInUseException(name, users);
    }
    store.retire(name);
  }

  /**
   * The files whose header names {@code alias} in either slot, sorted, matching aliases as the
   * PKCS#12 keystore does (case-insensitively): the files that retiring that key would make
   * unreadable.
   */
  public static List<String> users(FileSystem fs, String alias) throws IOException {
    Objects.requireNonNull(fs, "fs");
    String name = Pkcs12KeyStore.storedAlias(alias);
    SortedSet<String> users = new TreeSet<>();
    for (Map.Entry<String, List<String>> e : usage(fs).entrySet()) {
      if (Pkcs12KeyStore.storedAlias(e.getKey()).equals(name)) {
        users.addAll(e.getValue());
      }
    }
    return List.copyOf(users);
  }

  /**
   * How the root was made, from its marker's authenticated header.
   *
   * @param markerKey the master key that protects the root marker
   */
  public record RootInfo(int formatVersion, String algorithm, int blockSize, String markerKey) {}

  /**
   * Describes the root from its marker's header (the marker's content is not read).
   *
   * @throws UnknownKeyAliasException if the keys no longer hold the key the marker's header names
   *     (another program retired it since this file system opened)
   * @throws KeyMismatchException if the key under that alias does not unwrap the marker's data key
   * @throws DamagedFileException if no header slot of the marker authenticates
   */
  public static RootInfo describe(FileSystem fs) throws IOException {
    EncryptedFileSystem efs = check(fs);
    Header header =
        efs.files()
            .inspect(
                efs.root().resolve(EncryptedFileSystem.MARKER),
                "/" + EncryptedFileSystem.MARKER,
                efs.keys());
    String marker = "/" + EncryptedFileSystem.MARKER;
    switch (header.status()) {
      case OK:
        break;
      case UNKNOWN_KEY:
        // Another program retired its key since this file system opened: not damage.
        throw new UnknownKeyAliasException(
            "the keys (needed for " + marker + ")", header.keyAlias());
      case KEY_MISMATCH:
        throw new KeyMismatchException(marker, header.keyAlias());
      default:
        throw new DamagedFileException(marker, -1, "root marker header: " + header.status());
    }
    return new RootInfo(
        HeaderCodec.FORMAT_VERSION,
        header.algorithm().displayName(),
        header.blockSize(),
        header.keyAlias());
  }

  private static EncryptedFileSystem check(FileSystem fs) {
    Objects.requireNonNull(fs, "fs");
    if (!(fs instanceof EncryptedFileSystem efs)) {
      throw new IllegalArgumentException("not an encrypted file system: " + fs);
    }
    efs.ensureOpen();
    return efs;
  }

  private static Pkcs12KeyStore keystore(FileSystem fs) {
    KeyProvider keys = check(fs).keys();
    if (keys instanceof AuditedKeystore audited && audited.store() != null) {
      return audited.store();
    }
    throw new UnsupportedOperationException(
        "key rotation needs a PKCS#12 keystore, this file system uses " + keys);
  }

  /** The path in {@code efs} of the underlying {@code raw}. */
  static String display(EncryptedFileSystem efs, Path raw) {
    StringBuilder s = new StringBuilder();
    for (Path name : efs.root().relativize(raw)) {
      s.append('/').append(name);
    }
    return s.toString();
  }
}
