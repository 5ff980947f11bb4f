package io.encryptedfs.nio;

import io.encryptedfs.Algorithm;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.PasswordSource;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The configuration of one file system, resolved from the env map, then system properties ({@code
 * encryptedfs.<key>}), then environment variables ({@code ENCRYPTEDFS_<KEY>}). Holds a password
 * only until the keystore is opened; {@link #toString()} never shows it.
 */
class Config {
  private final Map<String, ?> env;
  private final Map<String, String> environment;

  Config(Map<String, ?> env) {
    this(env, System.getenv());
  }

  /**
   * @param env the caller's settings; null is taken as none, as {@code Map.of()} (the JDK's own
   *     providers would fail on it with a {@code NullPointerException} from inside)
   */
  Config(Map<String, ?> env, Map<String, String> environment) {
    this.env = env == null ? Map.of() : env;
    this.environment = environment;
  }

  /** The raw value of {@code key} from the first source that has it, or null. */
  Object lookup(String key) {
    for (Function<String, Object> source : sources()) {
      Object value = source.apply(key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The env map, then system properties, then environment variables. */
  private List<Function<String, Object>> sources() {
    return List.of(
        env::get,
        key -> System.getProperty("encryptedfs." + key),
        key -> environment.get("ENCRYPTEDFS_" + key.toUpperCase(Locale.ROOT).replace('.', '_')));
  }

  /** True when system properties or environment variables name a keystore. */
  boolean configuredOutsideCode() {
    return lookup(EncryptedFileSystems.KEYSTORE) != null;
  }

  KeyProvider keyProvider() {
    Object value = env.get(EncryptedFileSystems.KEY_PROVIDER);
    if (value == null) {
      return null;
    }
    if (!(value instanceof KeyProvider provider)) {
      throw new IllegalArgumentException(
          "'" + EncryptedFileSystems.KEY_PROVIDER + "' must be a KeyProvider");
    }
    return provider;
  }

  Path keystore() {
    Object value = lookup(EncryptedFileSystems.KEYSTORE);
    if (value == null) {
      return null;
    }
    return path(EncryptedFileSystems.KEYSTORE, value);
  }

  /**
   * A fresh copy of the password; the caller wipes it. The first source that gives a password, by
   * value or by file, gives it (by value if it gives both), so that a password file the program
   * passes is not overridden by a password in the process environment.
   */
  char[] password() throws IOException {
    for (Function<String, Object> source : sources()) {
      Object value = source.apply(EncryptedFileSystems.KEYSTORE_PASSWORD);
      if (value != null) {
        return passwordOf(value);
      }
      Object file = source.apply(EncryptedFileSystems.KEYSTORE_PASSWORD_FILE);
      if (file != null) {
        Path path = file instanceof Path p ? p : Paths.get(file.toString());
        // The keystore module's reader: the same first-line rule as the CLI's --password-file
        // (a byte-order mark dropped, an empty password refused), and no String left to wipe.
        return PasswordSource.fromFile(path).read();
      }
    }
    throw new IllegalArgumentException(
        "no keystore password: set '"
            + EncryptedFileSystems.KEYSTORE_PASSWORD
            + "' or '"
            + EncryptedFileSystems.KEYSTORE_PASSWORD_FILE
            + "'");
  }

  private static char[] passwordOf(Object value) {
    if (value instanceof char[] chars) {
      return chars.clone();
    }
    if (value instanceof String string) {
      return string.toCharArray();
    }
    // Not its toString(): a byte[] would give "[B@1b6d3586", a secret holder its mask, and either
    // would pass for a wrong password. Nor the value: it may be the password.
    throw new IllegalArgumentException(
        "'"
            + EncryptedFileSystems.KEYSTORE_PASSWORD
            + "' must be a String or a char[], was a "
            + value.getClass().getName());
  }

  /**
   * The alias {@code key.alias} names, or null. An empty value is none, as for {@code key.policy}:
   * a program that wants the current key whatever the environment says can set it so.
   */
  String keyAlias() {
    Object value = lookup(EncryptedFileSystems.KEY_ALIAS);
    return value == null || value.toString().isEmpty() ? null : value.toString();
  }

  String keyPolicy() {
    Object value = lookup(EncryptedFileSystems.KEY_POLICY);
    return value == null ? null : value.toString();
  }

  /**
   * The file {@code audit.file} names, or null. An empty String is none (it names no file), so that
   * a program can keep its audit events off a file the environment names.
   */
  Path auditFile() {
    Object value = lookup(EncryptedFileSystems.AUDIT_FILE);
    if (value == null || "".equals(value)) {
      return null;
    }
    return path(EncryptedFileSystems.AUDIT_FILE, value);
  }

  /**
   * A setting that names a file: a String or a Path, as the README's table says. Any other type is
   * refused, as a wrong type is for the keystore's password: a number, or the text some object
   * makes of itself, is no file name anyone meant (an audit trail would go to a file nobody reads).
   */
  private static Path path(String key, Object value) {
    if (value instanceof Path p) {
      return p;
    }
    if (value instanceof String s) {
      return Paths.get(s);
    }
    throw new IllegalArgumentException(
        "'" + key + "' must be a String or a Path, was a " + value.getClass().getName());
  }

  Algorithm algorithm() {
    Object value = lookup(EncryptedFileSystems.ALGORITHM);
    if (value == null) {
      return Algorithm.AES_256_GCM;
    }
    return value instanceof Algorithm a ? a : Algorithm.fromName(value.toString());
  }

  Geometry geometry() {
    Object value = lookup(EncryptedFileSystems.BLOCK_SIZE);
    if (value == null) {
      return Geometry.ofBlockSize(4096);
    }
    int size;
    try {
      // Not intValue(): it cuts a Long of 2^32 + 8192 to 8192 and a Double of 8192.7 to 8192,
      // either of which would then pass for a valid size.
      size =
          value instanceof Number n
              ? new java.math.BigDecimal(n.toString()).intValueExact()
              : Integer.parseInt(value.toString().trim());
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'block.size' is not a whole number of bytes: " + value);
    }
    return Geometry.ofBlockSize(size);
  }

  /** The write mode: write-through unless {@code write.mode} says buffered. */
  io.encryptedfs.channel.WriteMode writeMode() {
    Object mode = lookup(EncryptedFileSystems.WRITE_MODE);
    String m = mode == null ? "write-through" : mode.toString().trim().toLowerCase(Locale.ROOT);
    if (!m.equals("write-through") && !m.equals("buffered")) {
      throw new IllegalArgumentException(
          "'write.mode' must be write-through or buffered, was " + mode);
    }
    Object millis = lookup(EncryptedFileSystems.WRITE_BUFFER_MILLIS);
    long bound;
    try {
      bound = millis == null ? 100 : Long.parseLong(millis.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'write.buffer.millis' is not a number: " + millis);
    }
    // Checked in either mode (write-through ignores it): a bad bound is a mistake that would
    // otherwise surface only when someone switched the mode.
    if (bound < 1 || bound > 60_000) {
      throw new IllegalArgumentException("'write.buffer.millis' must be 1 to 60000, was " + millis);
    }
    io.encryptedfs.channel.WriteMode buffered =
        io.encryptedfs.channel.WriteMode.buffered(java.time.Duration.ofMillis(bound));
    return m.equals("buffered") ? buffered : io.encryptedfs.channel.WriteMode.WRITE_THROUGH;
  }

  boolean create() {
    return flag(EncryptedFileSystems.CREATE, false);
  }

  /** Whether creating a file forces it ({@code create.sync}, default true). */
  boolean createSync() {
    return flag(EncryptedFileSystems.CREATE_SYNC, true);
  }

  private boolean flag(String key, boolean absent) {
    Object value = lookup(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String s = value.toString().trim();
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("'" + key + "' must be true or false, was " + value);
  }

  @Override
  public String toString() {
    return "Config[keystore=" + keystore() + ", alias=" + keyAlias() + "]";
  }
}
