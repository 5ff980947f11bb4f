package io.encryptedfs.keystore;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules for master-key aliases. */
final class Aliases {
  /**
   * Aliases this module creates. Lower case only, because the JDK's PKCS#12 keystore folds aliases
   * to lower case and an alias that changed under its owner would be a trap; no colon, which keeps
   * {@link CurrentKeyMarker#ALIAS} out of reach.
   */
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

  private static final DateTimeFormatter ROTATION_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Aliases() {}

  /** The form the keystore stores {@code alias} under. */
  static String normalize(String alias) {
    return Objects.requireNonNull(alias, "alias").toLowerCase(Locale.ENGLISH);
  }

  /** Checks an alias for a new key. */
  static String requireValid(String alias) {
    Objects.requireNonNull(alias, "alias");
    if (!VALID.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "invalid key alias '"
              + Printable.of(alias)
              + "': use 1 to 128 of a-z 0-9 . _ -, starting with a letter or digit");
    }
    return alias;
  }

  /**
   * An alias for a key made by rotation at {@code now}: {@code master-yyyyMMdd-HHmmss} in UTC, with
   * {@code -2}, {@code -3}... appended when rotations share a second.
   */
  static String forRotation(Instant now, Set<String> taken) {
    String base = "master-" + ROTATION_STAMP.format(now);
    String alias = base;
    for (int suffix = 2; taken.contains(alias); suffix++) {
      alias = base + "-" + suffix;
    }
    return alias;
  }
}
