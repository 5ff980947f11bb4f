package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.SecretKey;

/**
 * AES master keys in a password-protected PKCS#12 file.
 *
 * <pre>{@code
 * try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(Path.of("keys.p12"), password)) {
 *   keys.generateKey("master");          // the first key becomes current
 * }
 * try (Pkcs12KeyStore keys = Pkcs12KeyStore.open(Path.of("keys.p12"), password)) {
 *   SecretKey forNewFiles = keys.masterKey(keys.currentAlias().orElseThrow());
 *   String next = keys.rotate();         // new current key; old keys stay for old files
 * }
 * }</pre>
 *
 * <p><b>Protection.</b> Each key entry is encrypted with PBES2 (PBKDF2-HMAC-SHA256, 600,000
 * iterations, AES-256-CBC) and the file carries an HmacPBESHA256 integrity MAC with 1,200,000
 * iterations, whatever the JDK's {@code keystore.pkcs12.*} settings say. Keystores made by {@code
 * keytool} open too; their existing entries keep the protection they were written with, and a
 * {@link AuditEvent.Kind#WEAK_PROTECTION} event reports it.
 *
 * <p><b>The current key</b> is the key new files are wrapped with. It is recorded inside the
 * keystore in an entry under the reserved alias {@code encryptedfs:current}, which {@link
 * #aliases()} never lists. A keystore without that entry but with exactly one key treats that key
 * as current. Anything else under that alias stops the keystore opening, and an entry naming no key
 * stops {@link #currentAlias()}: either is reported rather than passed over for another choice.
 *
 * <p><b>Writes</b> (generating, rotating, retiring, changing the current key) are all-or-nothing:
 * the whole keystore is written to a temporary file, forced to disk and atomically renamed over the
 * old one. A write is refused if another process changed the file since this one read it. If
 * forcing the directory after the rename fails, the write throws, but the change is in place and
 * this object goes on from it.
 *
 * <p><b>Other programs</b> opening the same file are followed: {@link #currentAlias()} and {@link
 * #masterKeyForNewFile} read the file again if it may have changed (a {@code stat} tells), as do
 * lookups before answering that a key does not exist; keys in memory are then dropped, so a key
 * retired elsewhere is not used for new files. Writes start from the view last read.
 *
 * <p><b>Memory.</b> The password and decrypted keys stay in memory until {@link #close()}, which
 * wipes the password and drops the keys. Keys are {@code SecretKeySpec}s, which Java 17 cannot
 * wipe; this class keeps no other copy of key bytes.
 *
 * <p>Every key event goes to the {@link AuditLog} given when opening (by default {@link
 * AuditLog#systemLogger()}); the audit log is not closed with the keystore. Safe for use by several
 * threads; {@link #masterKey} is cheap once a key has been loaded.
 */
public final class Pkcs12KeyStore implements KeyProvider {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String source;
  // Not a monitor: under it a read or a write of the file waits for the lock every keystore in the
  // JVM shares (ReplaceLock), or pauses while another process holds the file's lock. On JDK 21 to
  // 23 a virtual thread that waits holding a monitor keeps its carrier, as does one blocked
  // entering it; when an open, which waits for the shared lock holding nothing, was next in line
  // for it, every carrier could be held so, and that open never ran again to let the others on.
  private final ReentrantLock lock = new ReentrantLock();
  private final StoredKeys stored; // guarded by lock
  private final KeyCache cache; // get() needs no lock; all else is guarded by lock
  private final AliasChecks checks; // guarded by lock
  private final KeyWrites writes; // guarded by lock
  private volatile boolean closed;

  private Pkcs12KeyStore(KeystoreOpening.Opened opened) {
    this.source = opened.source();
    this.stored = opened.stored();
    this.cache = new KeyCache(source, stored, opened.watch(), opened.audit());
    this.checks = new AliasChecks(source, stored, cache);
    this.writes = new KeyWrites(stored, cache, checks, opened.audit(), RANDOM);
  }

  /**
   * Creates an empty keystore file, and any missing parent directories, with owner-only permissions
   * on POSIX file systems (0600 for the file, 0700 for directories).
   *
   * <p>If forcing the directory after the keystore is in place fails (or the parent of a directory
   * created for it), or removing the temporary file that was linked to it, this throws a {@link
   * java.nio.file.FileSystemException} saying so, but the keystore exists (empty, under {@code
   * password}) and its creation is in the audit trail: open it, as creating it again fails.
   *
   * @param password protects the keystore: printable ASCII, not empty; copied, so the caller may
   *     wipe its array on return
   * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
   */
  public static Pkcs12KeyStore create(Path file, char[] password) throws IOException {
    return create(file, password, AuditLog.systemLogger());
  }

  /** Like {@link #create(Path, char[])}, recording events to {@code audit}. */
  public static Pkcs12KeyStore create(Path file, char[] password, AuditLog audit)
      throws IOException {
    requireArguments(file, password, audit);
    return create(file, password, audit, ProtectionParameters.DEFAULT);
  }

  static Pkcs12KeyStore create(
      Path file, char[] password, AuditLog audit, ProtectionParameters policy) throws IOException {
    return create(file, password, audit, policy, KeyStoreFile::syncDirectory);
  }

  static Pkcs12KeyStore create(
      Path file,
      char[] password,
      AuditLog audit,
      ProtectionParameters policy,
      KeyStoreFile.DirectorySync sync)
      throws IOException {
    return new Pkcs12KeyStore(KeystoreOpening.create(file, password, audit, policy, sync, RANDOM));
  }

  /**
   * Opens and authenticates an existing keystore.
   *
   * @param password the keystore password (printable ASCII); copied, so the caller may wipe its
   *     array on return
   * @throws java.nio.file.NoSuchFileException if {@code file} does not exist
   * @throws WrongPasswordException if the password is wrong or the file was altered
   * @throws IOException if the file is not a PKCS#12 keystore with an integrity MAC
   */
  public static Pkcs12KeyStore open(Path file, char[] password) throws IOException {
    return open(file, password, AuditLog.systemLogger());
  }

  /** Like {@link #open(Path, char[])}, recording events to {@code audit}. */
  public static Pkcs12KeyStore open(Path file, char[] password, AuditLog audit) throws IOException {
    requireArguments(file, password, audit);
    return open(file, password, audit, ProtectionParameters.DEFAULT);
  }

  static Pkcs12KeyStore open(
      Path file, char[] password, AuditLog audit, ProtectionParameters policy) throws IOException {
    return open(file, password, audit, policy, KeyStoreFile::syncDirectory);
  }

  static Pkcs12KeyStore open(
      Path file,
      char[] password,
      AuditLog audit,
      ProtectionParameters policy,
      KeyStoreFile.DirectorySync sync)
      throws IOException {
    return new Pkcs12KeyStore(KeystoreOpening.open(file, password, audit, policy, sync, RANDOM));
  }

  /**
   * Generates a new AES-256 master key and stores it under {@code alias}. If the keystore has no
   * current key, the new key becomes current.
   *
   * @param alias 1 to 128 characters of {@code a-z 0-9 . _ -}, starting with a letter or digit
   * @return the new key
   * @throws IllegalArgumentException if {@code alias} is invalid or already taken
   */
  public SecretKey generateKey(String alias) throws IOException {
    Aliases.requireValid(alias);
    lock.lock();
    try {
      ensureOpen();
      return writes.generateKey(alias);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Generates a new AES-256 master key under a fresh alias ({@code master-yyyyMMdd-HHmmss}, UTC)
   * and makes it current, in one write. Older keys stay, for the files they wrap.
   *
   * @return the new key's alias
   */
  public String rotate() throws IOException {
    lock.lock();
    try {
      ensureOpen();
      return writes.rotate();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the key under {@code alias} the one new files use.
   *
   * @throws UnknownKeyAliasException if there is no such key
   */
  public void setCurrent(String alias) throws IOException {
    String name = Aliases.normalize(alias);
    lock.lock();
    try {
      ensureOpen();
      writes.setCurrent(name, alias);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The form this keystore stores {@code alias} under: aliases are case-insensitive ({@code MASTER}
   * and {@code master} name one key), so code that checks an alias before acting on it, such as the
   * check that no file uses a key before it is retired, must compare this form.
   */
  public static String storedAlias(String alias) {
    return Aliases.normalize(alias);
  }

  /**
   * Checks that {@code alias} may name a new key ({@code [a-z0-9][a-z0-9._-]{0,127}}), so that a
   * caller can refuse a bad one before it creates anything.
   *
   * @return {@code alias}
   * @throws IllegalArgumentException saying what an alias may hold
   */
  public static String requireValidAlias(String alias) {
    return Aliases.requireValid(alias);
  }

  /**
   * Deletes the key under {@code alias} from the keystore for good. The caller must first make sure
   * no file still needs it: anything it wraps becomes unreadable. That includes files another
   * program is creating: one that asked for the current key before the rotation away from this key
   * wraps under it; see {@code KeyRotation.retire} in the file system for when retiring is safe.
   *
   * @throws UnknownKeyAliasException if there is no such key
   * @throws IllegalStateException if it is the current key
   */
  public void retire(String alias) throws IOException {
    String name = Aliases.normalize(alias);
    lock.lock();
    try {
      ensureOpen();
      writes.retire(name, alias);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The first request for a key decrypts it (a deliberately slow password-based step) and
   * records {@link AuditEvent.Kind#KEY_LOADED}; later requests return it from memory, until the
   * keystore file changes (see the class comment).
   */
  @Override
  public SecretKey masterKey(String alias) throws IOException {
    String name = Aliases.normalize(alias);
    ensureOpen();
    SecretKey cached = cache.get(name);
    if (cached != null) {
      return cached;
    }
    lock.lock();
    try {
      ensureOpen();
      cached = cache.get(name);
      if (cached != null) {
        return cached;
      }
      checks.requireKey(name, alias);
      return cache.load(name);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The file is read again first if another program may have changed it, dropping keys it
   * retired.
   */
  @Override
  public SecretKey masterKeyForNewFile(String alias) throws IOException {
    Objects.requireNonNull(alias, "alias"); // before the file is read again
    lock.lock();
    try {
      ensureOpen();
      cache.followFile();
    } finally {
      lock.unlock();
    }
    return masterKey(alias);
  }

  /** The aliases of the master keys, sorted; the current-key marker is not among them. */
  @Override
  public Set<String> aliases() {
    lock.lock();
    try {
      ensureOpen();
      return Collections.unmodifiableSet(stored.keyAliases());
    } finally {
      lock.unlock();
    }
  }

  /** The master keys with their creation dates, oldest first. */
  public List<KeyInfo> keys() {
    lock.lock();
    try {
      ensureOpen();
      String current = stored.chosen().orElse("");
      List<KeyInfo> keys = new ArrayList<>();
      for (String alias : stored.keyAliases()) {
        keys.add(new KeyInfo(alias, stored.created(alias), alias.equals(current)));
      }
      keys.sort(Comparator.comparing(KeyInfo::created).thenComparing(KeyInfo::alias));
      return List.copyOf(keys);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The alias of the key new files use: the one the keystore marks as current, or its only key when
   * it has exactly one and no mark; empty otherwise. The file is read again first if another
   * program may have changed it since this object last read it, so a rotation made elsewhere is
   * followed at once.
   *
   * @throws UnknownKeyAliasException if the keystore marks as current an alias under which it holds
   *     no key (one deleted with {@code keytool}, say); {@link #setCurrent} or {@link #rotate}
   *     settles which key new files use
   * @throws IOException if the changed file cannot be read or authenticated; what this object holds
   *     is then as it was
   */
  @Override
  public Optional<String> currentAlias() throws IOException {
    lock.lock();
    try {
      ensureOpen();
      cache.followFile();
      return stored.current();
    } finally {
      lock.unlock();
    }
  }

  /** Wipes the password and forgets the keys. Further use throws {@link IllegalStateException}. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      cache.clear();
      stored.wipe();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Pkcs12KeyStore[" + source + (closed ? ", closed]" : "]");
  }

  /** Named at once: a null file would fail inside the JDK's path code, naming no parameter. */
  private static void requireArguments(Path file, char[] password, AuditLog audit) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(audit, "audit");
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("keystore " + source + " is closed");
    }
  }
}
