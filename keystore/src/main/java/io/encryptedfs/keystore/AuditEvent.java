package io.encryptedfs.keystore;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One entry of the key audit trail: what happened to which key, when, and on whose behalf.
 *
 * <p>Events name keys by alias and files by path; they never carry key material or passwords, and
 * callers adding {@code details} must keep it that way.
 *
 * @param time when it happened
 * @param kind what happened
 * @param principal the operating-system user the JVM runs as ({@code user.name})
 * @param pid the process id
 * @param keystore the keystore or other source concerned, or {@code null}
 * @param alias the key alias concerned, or {@code null}
 * @param details further facts as text, e.g. {@code path} and {@code block}; sorted by name
 */
public record AuditEvent(
    Instant time,
    Kind kind,
    String principal,
    long pid,
    String keystore,
    String alias,
    Map<String, String> details) {

  /** What happened; each kind has the level it is logged at. */
  public enum Kind {
    /** A new keystore file was written. */
    KEYSTORE_CREATED(Level.INFO),
    /** A keystore was opened and authenticated with its password. */
    KEYSTORE_OPENED(Level.INFO),
    /** Opening a keystore failed; {@code reason} says why. */
    KEYSTORE_OPEN_FAILED(Level.WARNING),
    /** A keystore file is accessible to its group or others; {@code permissions} lists how. */
    INSECURE_PERMISSIONS(Level.WARNING),
    /** Part of a keystore is protected more weakly than this module writes; see {@code part}. */
    WEAK_PROTECTION(Level.WARNING),
    /** A new master key was generated and stored. */
    KEY_GENERATED(Level.INFO),
    /**
     * A master key was decrypted from the keystore into memory: once per key per opening, and again
     * after the keystore file changed.
     */
    KEY_LOADED(Level.INFO),
    /** A master key entry could not be decrypted. */
    KEY_LOAD_FAILED(Level.ERROR),
    /** The current key, used for new files, changed; {@code previous} names the old one. */
    CURRENT_KEY_CHANGED(Level.INFO),
    /** A new key was generated and made current; {@code previous} names the old one. */
    KEY_ROTATED(Level.INFO),
    /** A master key was deleted from the keystore. */
    KEY_RETIRED(Level.INFO),
    /**
     * A change of the keystore's keys is about to be put in place: recorded (and, to an audit file,
     * forced) once the new keystore is written and before it replaces the old one. {@code change}
     * names the kinds of the events that record its outcome, comma separated ({@code
     * KEY_GENERATED,KEY_ROTATED}), and {@code write} the id they carry too. One without those
     * events is a change whose process died (a kill, a power loss) between the two, or whose rename
     * failed (the caller was told, and the keystore is unchanged): the keystore tells whether the
     * change was made.
     */
    KEY_CHANGE_BEGUN(Level.INFO),
    /** A file's data key was rewrapped under another master key; {@code path}, {@code previous}. */
    FILE_REWRAPPED(Level.INFO),
    /** A caller failed to unwrap a data key with a master key. */
    KEY_UNWRAP_FAILED(Level.WARNING),
    /** A caller found content whose authentication tag did not verify. */
    CONTENT_AUTHENTICATION_FAILED(Level.WARNING);

    private final Level level;

    Kind(Level level) {
      this.level = level;
    }

    /** The {@link System.Logger} level events of this kind are logged at. */
    public Level level() {
      return level;
    }
  }

  /** Validates and copies; {@code details} is copied into an unmodifiable sorted map. */
  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(principal, "principal");
    details =
        Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(details, "details")));
    details.values().forEach(value -> Objects.requireNonNull(value, "detail value"));
  }

  /** An event happening now, in this process, for the JVM's user. */
  public static AuditEvent now(
      Kind kind, String keystore, String alias, Map<String, String> details) {
    return new AuditEvent(
        Instant.now(),
        kind,
        System.getProperty("user.name", "unknown"),
        ProcessHandle.current().pid(),
        keystore,
        alias,
        details);
  }

  /** This event as one line of JSON, without a line terminator. */
  public String toJson() {
    StringBuilder out = new StringBuilder(256).append("{\"time\":");
    Json.quote(out, time.toString()).append(",\"kind\":");
    Json.quote(out, kind.name()).append(",\"level\":");
    Json.quote(out, kind.level().name()).append(",\"principal\":");
    Json.quote(out, principal).append(",\"pid\":").append(pid);
    if (keystore != null) {
      Json.quote(out.append(",\"keystore\":"), keystore);
    }
    if (alias != null) {
      Json.quote(out.append(",\"alias\":"), alias);
    }
    out.append(",\"details\":{");
    String separator = "";
    for (Map.Entry<String, String> detail : details.entrySet()) {
      Json.quote(out.append(separator), detail.getKey()).append(':');
      Json.quote(out, detail.getValue());
      separator = ",";
    }
    return out.append("}}").toString();
  }
}
