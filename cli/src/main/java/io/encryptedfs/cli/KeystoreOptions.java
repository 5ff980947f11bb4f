package io.encryptedfs.cli;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.PasswordFileException;
import io.encryptedfs.keystore.PasswordSource;
import io.encryptedfs.keystore.PasswordUnavailableException;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the keystore is and how to get its password; shared by every command. */
final class KeystoreOptions {
  @Option(
      names = {"-k", "--keystore"},
      required = true,
      paramLabel = "FILE",
      description = "PKCS#12 keystore holding the master keys.")
  Path keystore;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the keystore password from the first line of FILE.")
  Path passwordFile;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Read the keystore password from environment variable VAR.")
  String passwordEnv;

  @Option(
      names = "--audit-file",
      paramLabel = "FILE",
      description = "Also append audit events (JSON lines) to FILE.")
  Path auditFile;

  @Option(
      names = "--key-policy",
      paramLabel = "RULES",
      description =
          "Master key per subtree, as the key.policy setting: GLOB=ALIAS rules separated by ';',"
              + " e.g. /pii/**=pii-key;/wal/**=wal-key. Used for new files and by rewrap.")
  String keyPolicy;

  /**
   * Said instead of a password variable's or file's name when no such variable or file exists: the
   * password itself, typed where its name belongs, must not be echoed to a terminal or a log.
   */
  private static final String NOT_REPEATED =
      " (its name is not repeated, in case the password was given in its place)";

  /** Asks for the password given neither by file nor by variable; set by {@link Main}. */
  PasswordPrompt prompt = PasswordPrompt.CONSOLE;

  /** The password from the chosen source; without one, prompted at the console. */
  char[] password() throws IOException {
    if (passwordFile != null && passwordEnv != null) {
      throw new IllegalArgumentException("give --password-file or --password-env, not both");
    }
    if (passwordEnv != null && passwordEnv.isEmpty()) {
      throw new IllegalArgumentException("--password-env needs a variable's name, was empty");
    }
    PasswordSource source;
    String from;
    if (passwordFile != null) {
      source = PasswordSource.fromFile(passwordFile);
      from = "file " + passwordFile;
    } else if (passwordEnv != null) {
      if (System.getenv(passwordEnv) == null) {
        throw new KeyOrPasswordException(
            "the environment variable that --password-env names is not set" + NOT_REPEATED, null);
      }
      source = PasswordSource.fromEnvironment(passwordEnv);
      from = "environment variable " + passwordEnv;
    } else {
      source = () -> prompt.read("Keystore password for " + keystore + ": ");
      from = "the console";
    }
    char[] password;
    try {
      password = source.read();
    } catch (PasswordFileException | PasswordUnavailableException e) {
      // A file read but empty or not UTF-8; a variable unset or empty, no console: a password
      // problem, named by its source, never showing the password itself.
      throw new KeyOrPasswordException(e.getMessage(), e);
    } catch (FileSystemException e) {
      if (passwordFile != null && !Files.exists(passwordFile, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(
            "the file that --password-file names", null, "no such file" + NOT_REPEATED);
      }
      throw e; // the password file itself cannot be read: an I/O error
    } catch (IOException e) {
      // What a prompt other than the console's throws has the same meaning (see PasswordPrompt).
      throw new KeyOrPasswordException(e.getMessage(), e);
    }
    for (char c : password) {
      // The keystore rejects these too, but as a bad argument (exit 2) and without the source.
      if (c < 0x20 || c > 0x7e) {
        Arrays.fill(password, '\0');
        throw new KeyOrPasswordException(
            "the keystore password from "
                + from
                + " is not printable ASCII, which the JDK's PKCS#12 keystore requires",
            null);
      }
    }
    return password;
  }

  /**
   * The password for a new keystore. One typed by hand is asked for twice: a typing slip would lock
   * the keystore for good.
   */
  char[] newPassword() throws IOException {
    char[] password = password();
    if (passwordFile != null || passwordEnv != null) {
      return password;
    }
    char[] again;
    try {
      again = prompt.read("Repeat the password: ");
    } catch (IOException e) {
      Arrays.fill(password, '\0');
      throw new KeyOrPasswordException(e.getMessage(), e);
    }
    boolean same = Arrays.equals(password, again);
    Arrays.fill(again, '\0');
    if (!same) {
      Arrays.fill(password, '\0');
      throw new KeyOrPasswordException("the passwords typed differ; no keystore was created", null);
    }
    return password;
  }

  AuditLog audit() throws IOException {
    if (auditFile == null) {
      return AuditLog.systemLogger();
    }
    if (sameFile(auditFile, keystore)) {
      // Appended to, the keystore would no longer open; and a new keystore could not be made
      // where the audit file was just made. (An existing keystore is refused by AuditLog too.)
      throw new IllegalArgumentException(
          "--audit-file names the keystore (" + keystore + "): give the audit file its own name");
    }
    return AuditLog.appendingTo(ShownPath.sameFile(auditFile));
  }

  /**
   * The keystore as the library is given it: absolute, {@code .} and {@code ..} taken out where
   * that names the same file ({@link ShownPath#sameFile}), so that its messages and audit events do
   * not name {@code /cwd/./keys.p12}.
   */
  Path keystoreFile() {
    return ShownPath.sameFile(keystore);
  }

  /** Whether {@code a} and {@code b} name one file: one path, or one file reached by links. */
  private static boolean sameFile(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false; // the open that follows names what is wrong with either
    }
  }

  /** Opens the keystore with the audit log, which the caller closes after the keystore. */
  Pkcs12KeyStore open(AuditLog audit) throws IOException {
    char[] password = password();
    try {
      return Pkcs12KeyStore.open(keystoreFile(), password, audit);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** Opens the encrypted root {@code dir}; the file system opens (and audits) the keystore. */
  FileSystem openRoot(Path dir, boolean create) throws IOException {
    KeyPolicyCheck.check(keyPolicy); // before the password is asked for
    char[] password = password();
    try {
      // Every setting the tool's options decide is set, unset ones too (empty is none): a setting
      // missing here is read from encryptedfs.* system properties and ENCRYPTEDFS_* variables,
      // and ENCRYPTEDFS_CREATE=true made info and verify write a root marker into a plain
      // directory. The settings no option covers (algorithm, block size, write mode) still come
      // from there, as the README says.
      Map<String, Object> env = new HashMap<>();
      env.put(EncryptedFileSystems.KEYSTORE, keystoreFile());
      env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, password);
      env.put(
          EncryptedFileSystems.AUDIT_FILE, auditFile == null ? "" : ShownPath.sameFile(auditFile));
      env.put(EncryptedFileSystems.CREATE, String.valueOf(create));
      env.put(EncryptedFileSystems.KEY_POLICY, keyPolicy == null ? "" : keyPolicy);
      // The current key, as the commands say: rotate's new key is what rewrap moves files to.
      env.put(EncryptedFileSystems.KEY_ALIAS, "");
      try {
        return EncryptedFileSystems.newFileSystem(dir, env);
      } catch (IllegalArgumentException e) {
        if (String.valueOf(e.getMessage()).startsWith("'key.policy'")) {
          // The provider quotes the rule; KeyPolicyCheck should have said what is wrong already.
          throw new IllegalArgumentException(
              "invalid value for option --key-policy (" + UsageMessage.NOT_REPEATED + ")", e);
        }
        throw e;
      }
    } finally {
      Arrays.fill(password, '\0');
    }
  }
}
