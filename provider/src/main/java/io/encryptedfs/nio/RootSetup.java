package io.encryptedfs.nio;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyProviderException;
import io.encryptedfs.NotAnEncryptedRootException;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * Opens or initialises an encrypted root: resolves the key provider and the master key, then reads
 * the root marker, which is itself an encrypted file, so that a wrong or foreign key is refused
 * before anything is written.
 */
final class RootSetup {
  private RootSetup() {}

  static EncryptedFileSystem open(
      EncryptedFileSystemProvider provider, Path root, URI key, Config config) throws IOException {
    KeyProvider given = config.keyProvider();
    AuditedKeystore keys = given == null ? openKeystore(config) : auditing(given, config);
    try {
      NewFiles newFiles =
          new NewFiles(
              keys,
              config.keyAlias(),
              KeyPolicy.parse(config.keyPolicy()),
              config.algorithm(),
              config.geometry());
      String markerPath = "/" + EncryptedFileSystem.MARKER;
      NewFilePolicy policy;
      NewFilePolicy markerPolicy;
      try {
        policy = newFiles.rootPolicy();
        keys.masterKey(policy.keyAlias());
        // Made as any new file at its path is, so that a rewrap, which moves each file to the key
        // its path gets, finds it there already and the default key is not held in use by it alone.
        markerPolicy = newFiles.forPath(markerPath);
      } catch (UnknownKeyAliasException | KeyProviderException | IllegalArgumentException e) {
        if (!readableWithoutNewFileKey(root, config)) {
          throw e;
        }
        // The keystore names no usable key for new files (its current-key marker names a key it
        // no longer holds, it holds several and marks none, or the current key's alias is too long
        // for a file header), but each file's header names the
        // key it was made under: the root reads, and each creation fails as this did (see
        // EncryptedFileSystem#policyFor), so that verifying and exporting need no repair first.
        policy = new NewFilePolicy(config.algorithm(), config.geometry(), null);
        markerPolicy = policy;
      }
      OpenFiles files = new OpenFiles(keys, new SecureRandom());
      files.setWriteMode(config.writeMode());
      files.setCreateSync(config.createSync());
      files.reportIntegrityTo(keys);
      checkRoot(root, config.create(), files, markerPolicy);
      Path marker = root.resolve(EncryptedFileSystem.MARKER);
      MarkerNames markerNames = MarkerNames.detect(root, marker);
      // After the root's own open of its marker: from now on no name, a link included, reaches it;
      // and a directory in its place is no root.
      files.reserved().reserve(marker, markerPath);
      files.openDirectoriesWith(DirectoryChannel::open);
      return new EncryptedFileSystem(
          provider, root, key, keys, policy, files, newFiles, markerNames);
    } catch (IOException | RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  /**
   * Whether a root may open without a key for new files: it exists (its marker is there), the open
   * may not create it, and no setting names the key ({@code key.alias}), whose absence from the
   * keystore is a mistake to report at once.
   */
  private static boolean readableWithoutNewFileKey(Path root, Config config) {
    return !config.create()
        && config.keyAlias() == null
        && Files.isRegularFile(root.resolve(EncryptedFileSystem.MARKER), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The caller's own keys, which the file system does not close, with the audit log its file events
   * go to: {@code audit.file} if set, else the {@code io.encryptedfs.audit} logger. A keystore the
   * caller opened records its own key events to its own log.
   */
  private static AuditedKeystore auditing(KeyProvider given, Config config) throws IOException {
    Path auditFile = config.auditFile();
    AuditLog audit = auditFile == null ? AuditLog.systemLogger() : AuditLog.appendingTo(auditFile);
    return new AuditedKeystore(given, false, audit, null);
  }

  private static AuditedKeystore openKeystore(Config config) throws IOException {
    Path keystore = config.keystore();
    if (keystore == null) {
      throw new IllegalArgumentException(
          "no keys: set 'keystore' (and 'keystore.password') or pass a 'key.provider'");
    }
    Path auditFile = config.auditFile();
    AuditLog audit = auditFile == null ? AuditLog.systemLogger() : AuditLog.appendingTo(auditFile);
    // Read only now, inside the try: whatever fails before the keystore has its own copy must not
    // leave this one in the heap.
    char[] password = null;
    try {
      password = config.password();
      return new AuditedKeystore(
          Pkcs12KeyStore.open(keystore, password, audit),
          true,
          audit,
          keystore.toAbsolutePath().toString());
    } catch (IOException | RuntimeException e) {
      audit.close();
      throw e;
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  private static void checkRoot(Path root, boolean create, OpenFiles files, NewFilePolicy policy)
      throws IOException {
    if (!Files.exists(root)) {
      if (!create) {
        throw new NoSuchFileException(root.toString());
      }
      Files.createDirectories(root);
    }
    if (!Files.isDirectory(root)) {
      throw RootRecognition.notADirectory(root);
    }
    Path marker = root.resolve(EncryptedFileSystem.MARKER);
    // Named by its underlying path, not as "/.encryptedfs", the in-root path every root's marker
    // has: a failure here is the root's, and one program or log may see many roots.
    String display = marker.toString();
    if (Files.isSymbolicLink(marker)) {
      // Followed, it would make this directory a second root of the file the link leads to (a
      // rotation here would rewrap another root's marker), and walks of an enclosing root, which
      // do not follow it, would take the directory for a plain one.
      throw new FileSystemException(
          marker.toString(), null, "the root marker is a symbolic link, not a file of its own");
    }
    if (Files.exists(marker)) {
      try {
        readMarker(marker, display, files, policy);
        return;
      } catch (DamagedFileException e) {
        if (!create || !leftEmpty(marker)) {
          throw e;
        }
        // A crash between creating the marker and writing its header (the open that found it so
        // waited for a creator still at work) left it empty, or damage truncated it; no file
        // depends on the marker, which only proves the key: make it again, as a missing one is.
        Files.deleteIfExists(marker);
      }
    }
    if (!create) {
      throw new NotAnEncryptedRootException(root.toString());
    }
    String description =
        "encryptedfs root\nformat.version="
            + HeaderCodec.FORMAT_VERSION
            + "\nalgorithm="
            + policy.algorithm().displayName()
            + "\nblock.size="
            + policy.geometry().blockSize()
            + "\n";
    try (FileChannel ch =
        files.newFileChannel(
            marker,
            display,
            EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW),
            policy)) {
      ch.write(ByteBuffer.wrap(description.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
  }

  private static void readMarker(Path marker, String display, OpenFiles files, NewFilePolicy policy)
      throws IOException {
    try (FileChannel ch =
        files.newFileChannel(marker, display, EnumSet.of(StandardOpenOption.READ), policy)) {
      ByteBuffer content = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
      while (content.hasRemaining() && ch.read(content) > 0) {
        // reading it whole authenticates every block
      }
    }
  }

  private static boolean leftEmpty(Path marker) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(marker, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return a.isRegularFile() && a.size() == 0;
  }
}
