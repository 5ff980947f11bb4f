package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.SecretKey;

/**
 * A keystore file's contents in memory, and the all-or-nothing writes that change them.
 *
 * <p>Each write applies its change to a fresh copy read from the last bytes written, writes that
 * copy out, and adopts it the moment it is renamed into place, so memory always describes the file
 * on disk: a failure before the rename leaves both as they were, and one after it (forcing the
 * directory) leaves both changed. Not thread-safe: {@link Pkcs12KeyStore} serialises access.
 */
final class StoredKeys {
  private final Path file;
  private final String source;
  private final Pkcs12Codec codec;
  private final KeyStoreFile.DirectorySync sync;
  private char[] password;
  private KeyStore keyStore;
  private byte[] persisted;
  private String marker;

  private StoredKeys(
      Path file,
      String source,
      Pkcs12Codec codec,
      KeyStoreFile.DirectorySync sync,
      char[] password,
      KeyStore keyStore,
      byte[] persisted,
      String marker) {
    this.file = file;
    this.source = source;
    this.codec = codec;
    this.sync = sync;
    this.password = password;
    this.keyStore = keyStore;
    this.persisted = persisted;
    this.marker = marker;
  }

  /**
   * Writes a new, empty keystore file. Takes ownership of {@code password}.
   *
   * @param created run as soon as the file is in place, even if a later step then fails
   */
  static StoredKeys create(
      Path file,
      String source,
      Pkcs12Codec codec,
      KeyStoreFile.DirectorySync sync,
      char[] password,
      Runnable created)
      throws IOException {
    Pkcs12Codec.Stored stored = codec.store(codec.empty(), password, source);
    KeyStoreFile.createNew(file, stored.bytes(), sync, created);
    return new StoredKeys(
        file, source, codec, sync, password, stored.keyStore(), stored.bytes(), null);
  }

  /** Authenticates {@code bytes} read from {@code file}. Takes ownership of {@code password}. */
  static StoredKeys open(
      Path file,
      String source,
      Pkcs12Codec codec,
      KeyStoreFile.DirectorySync sync,
      char[] password,
      byte[] bytes)
      throws IOException {
    KeyStore keyStore = codec.load(bytes, password, source);
    String marker = CurrentKeyMarker.read(keyStore, password, source).orElse(null);
    return new StoredKeys(file, source, codec, sync, password, keyStore, bytes, marker);
  }

  /**
   * Takes {@code bytes}, read from the file again, as what it holds, authenticating them first, so
   * that the next write is checked against them: another program's change becomes this one's view.
   *
   * @return whether they differ from the bytes held before
   */
  boolean adopt(byte[] bytes) throws IOException {
    if (Arrays.equals(bytes, persisted)) {
      return false;
    }
    KeyStore loaded = codec.load(bytes, password, source);
    String loadedMarker = CurrentKeyMarker.read(loaded, password, source).orElse(null);
    keyStore = loaded;
    marker = loadedMarker;
    persisted = bytes;
    return true;
  }

  /** Every alias in the file, the marker's included. */
  Set<String> entryAliases() {
    try {
      return new TreeSet<>(Collections.list(keyStore.aliases()));
    } catch (KeyStoreException e) {
      // Thrown only by a keystore that was never loaded, which this class never holds.
      throw new IllegalStateException(e);
    }
  }

  /** The aliases of secret-key entries other than the marker. */
  Set<String> keyAliases() {
    Set<String> aliases = entryAliases();
    aliases.removeIf(alias -> !isKey(alias));
    return aliases;
  }

  boolean isKey(String alias) {
    try {
      return !CurrentKeyMarker.ALIAS.equals(alias)
          && keyStore.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class);
    } catch (KeyStoreException e) {
      throw new IllegalStateException(e);
    }
  }

  Instant created(String alias) {
    try {
      return keyStore.getCreationDate(alias).toInstant();
    } catch (KeyStoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The alias the current-key marker names, if there is a marker. */
  Optional<String> marker() {
    return Optional.ofNullable(marker);
  }

  /**
   * The alias of the current key: the one the marker names, or the only key when there is exactly
   * one and no marker; empty otherwise.
   *
   * @throws UnknownKeyAliasException if the marker names no key (one deleted with keytool, say):
   *     any other answer would wrap new files under a key nobody chose
   */
  Optional<String> current() throws UnknownKeyAliasException {
    if (marker != null && !isKey(marker)) {
      throw UnknownKeyAliasException.markedCurrent(source, marker);
    }
    return chosen();
  }

  /**
   * The alias chosen as current: the one the marker names even if it names no key, or the only key
   * when there is exactly one and no marker; for what does not pick the key for new files.
   */
  Optional<String> chosen() {
    if (marker != null) {
      return Optional.of(marker);
    }
    Set<String> aliases = keyAliases();
    return aliases.size() == 1 ? Optional.of(aliases.iterator().next()) : Optional.empty();
  }

  /** Decrypts the key entry under {@code alias}: one run of the password-based KDF. */
  SecretKey decrypt(String alias) throws IOException, GeneralSecurityException {
    KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
    try {
      KeyStore.Entry entry = keyStore.getEntry(alias, protection);
      if (!(entry instanceof KeyStore.SecretKeyEntry)) {
        throw new IOException(
            "entry " + Printable.of(alias) + " in " + source + " is not a secret key");
      }
      return ((KeyStore.SecretKeyEntry) entry).getSecretKey();
    } finally {
      Secrets.destroy(protection);
    }
  }

  /**
   * Stores {@code key} under {@code alias} and, if {@code newMarker} differs, moves the marker.
   *
   * @param begun run once the new keystore is written, right before it replaces the old one
   * @param inPlace run once the change is on disk, even if a later step then fails
   */
  void addKey(String alias, SecretKey key, String newMarker, Runnable begun, Runnable inPlace)
      throws IOException {
    write(
        working -> {
          KeyStore.PasswordProtection protection = codec.protection(password);
          try {
            working.setEntry(alias, new KeyStore.SecretKeyEntry(key), protection);
          } finally {
            Secrets.destroy(protection);
          }
          if (!newMarker.equals(marker)) {
            writeMarker(working, newMarker);
          }
        },
        newMarker,
        begun,
        inPlace);
  }

  /**
   * Points the marker at {@code alias}; {@code begun} and {@code inPlace} as for {@link #addKey}.
   */
  void setMarker(String alias, Runnable begun, Runnable inPlace) throws IOException {
    write(working -> writeMarker(working, alias), alias, begun, inPlace);
  }

  /**
   * Deletes the entry under {@code alias}; {@code begun} and {@code inPlace} as for {@link
   * #addKey}.
   */
  void delete(String alias, Runnable begun, Runnable inPlace) throws IOException {
    write(working -> working.deleteEntry(alias), marker, begun, inPlace);
  }

  /** Wipes the password and drops everything read from the file. */
  void wipe() {
    Arrays.fill(password, '\0');
    password = null;
    keyStore = null;
    persisted = null;
  }

  private interface Change {
    void apply(KeyStore working) throws IOException, GeneralSecurityException;
  }

  private void write(Change change, String newMarker, Runnable begun, Runnable inPlace)
      throws IOException {
    KeyStore working = codec.load(persisted, password, source);
    try {
      change.apply(working);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot update keystore " + source, e);
    }
    Pkcs12Codec.Stored stored = codec.store(working, password, source);
    KeyStoreFile.replace(
        file,
        persisted,
        stored.bytes(),
        sync,
        begun,
        () -> {
          // Adopted before the directory is forced: if that fails, the file is the new one all
          // the same, and a copy of the old one would make every later write look like it lost
          // a race ("changed by someone else").
          keyStore = stored.keyStore();
          persisted = stored.bytes();
          marker = newMarker;
          inPlace.run();
        });
  }

  private void writeMarker(KeyStore working, String alias) throws IOException {
    KeyStore.PasswordProtection protection = codec.protection(password);
    try {
      CurrentKeyMarker.write(working, alias, protection, source);
    } finally {
      Secrets.destroy(protection);
    }
  }
}
