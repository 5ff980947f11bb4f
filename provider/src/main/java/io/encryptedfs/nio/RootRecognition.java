package io.encryptedfs.nio;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.NotAnEncryptedRootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Which paths {@code FileSystems.newFileSystem(path, env)} may open as a root. That call asks each
 * installed provider in turn and takes the first that does not throw {@code
 * UnsupportedOperationException}, the JDK's "not a file type I recognize"; on the module path this
 * provider comes before the zip file system's. A regular file is never a root. A path that does not
 * exist is one only when {@code env} holds a setting of this provider's besides {@code create},
 * which the zip file system reads too: before, {@code FileSystems.newFileSystem(new.zip,
 * Map.of("create", "true"))} made an encrypted root named {@code new.zip} where keys came from the
 * environment, and failed for want of keys where none did. {@code
 * EncryptedFileSystems.newFileSystem} opens or creates a root without this look, and refuses a path
 * that is not a directory as no root ({@link #requireDirectoryOrMissing}): its callers asked for
 * this provider by name, and no other provider is there to try.
 */
final class RootRecognition {
  private static final Set<String> OWN_SETTINGS =
      Set.of(
          EncryptedFileSystems.KEYSTORE,
          EncryptedFileSystems.KEYSTORE_PASSWORD,
          EncryptedFileSystems.KEYSTORE_PASSWORD_FILE,
          EncryptedFileSystems.KEY_ALIAS,
          EncryptedFileSystems.ALGORITHM,
          EncryptedFileSystems.BLOCK_SIZE,
          EncryptedFileSystems.KEY_PROVIDER,
          EncryptedFileSystems.KEY_POLICY,
          EncryptedFileSystems.WRITE_MODE,
          EncryptedFileSystems.WRITE_BUFFER_MILLIS,
          EncryptedFileSystems.CREATE_SYNC,
          EncryptedFileSystems.AUDIT_FILE);

  private RootRecognition() {}

  /** Refuses a regular file, which no root is, as a file type this provider does not recognize. */
  static void requireNotAFile(Path path) {
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new UnsupportedOperationException("an encrypted root is a directory: " + path);
    }
  }

  /**
   * Refuses a path that exists and is not a directory, before the keys are read or anything is
   * made: a checked exception naming it, which programs and the command-line tool report as any
   * other path that is no root.
   */
  static void requireDirectoryOrMissing(Path path) throws NotAnEncryptedRootException {
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw notADirectory(path);
    }
  }

  /** Why {@code path}, which exists, is no root: it is not a directory. */
  static NotAnEncryptedRootException notADirectory(Path path) {
    return new NotAnEncryptedRootException(
        path.toString(), "not an encrypted root: not a directory (a root is a directory)");
  }

  /** As {@link #requireNotAFile}, and refuses a missing path that {@code env} does not claim. */
  static void requireRecognized(Path path, Map<String, ?> env) {
    requireNotAFile(path);
    if (!Files.exists(path) && !claims(env)) {
      throw new UnsupportedOperationException(
          path
              + ": no encrypted root there, and no encryptedfs setting given but 'create', which"
              + " other file systems read too; EncryptedFileSystems.newFileSystem creates one");
    }
  }

  private static boolean claims(Map<String, ?> env) {
    if (env == null) {
      return false;
    }
    for (String key : env.keySet()) {
      if (OWN_SETTINGS.contains(key)) {
        return true;
      }
    }
    return false;
  }
}
