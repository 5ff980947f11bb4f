package io.encryptedfs.samples;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyInUseException;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyInfo;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.nio.KeyRotation.RewrapReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master-key lifecycle an audit asks for (GDPR, HIPAA, PCI DSS key rotation), end to end, with
 * nothing to set up: a fresh keystore and an encrypted root in a temporary directory; files written
 * under the first key; the key rotated; which file uses which key; every file rewrapped to the new
 * key; the old key shown unused, then retired; the root reopened and read back; and the audit trail
 * of the key events.
 *
 * <p>Run: {@code java -cp samples/target/encryptedfs-demo.jar
 * io.encryptedfs.samples.KeyRotationDemo [directory]} (a temporary directory by default, deleted at
 * the end; a given one is kept).
 */
public final class KeyRotationDemo {
  static final String FIRST_KEY = "master";
  // Key events still go to this logger too; the demo prints them from the audit file instead.
  private static final java.util.logging.Logger AUDIT =
      java.util.logging.Logger.getLogger(AuditLog.LOGGER_NAME);
  private static final Pattern KIND = Pattern.compile("\"kind\":\"([A-Z_]+)\"");
  private static final Pattern ALIAS = Pattern.compile("\"alias\":\"([^\"]*)\"");
  private static final Pattern DETAILS = Pattern.compile("\"details\":(\\{.*\\})\\}$");

  private KeyRotationDemo() {}

  /**
   * What the demo did, for its test.
   *
   * @param usageBefore alias to files, just after the rotation and before the rewrap
   * @param refusedWhileInUse the files {@code retire} named when asked before the rewrap
   * @param oldKeyUsers the files naming the old key after the rewrap
   * @param keysAfter the keystore's aliases after the retirement, read from the file
   * @param readBack the files read back after reopening, with their content
   * @param auditLines the audit file's lines
   */
  record Outcome(
      String newKey,
      Map<String, List<String>> usageBefore,
      List<String> refusedWhileInUse,
      RewrapReport report,
      List<String> oldKeyUsers,
      List<String> keysAfter,
      Map<String, String> written,
      Map<String, String> readBack,
      List<String> auditLines) {}

  public static void main(String[] args) throws IOException {
    AUDIT.setLevel(java.util.logging.Level.WARNING);
    Path work =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("encryptedfs-rotation");
    run(work, System.out);
    if (args.length == 0) {
      WalDemo.deleteTree(work);
    }
  }

  static Outcome run(Path work, PrintStream out) throws IOException {
    Files.createDirectories(work);
    Path keystore = work.resolve("keys.p12");
    Path auditFile = work.resolve("audit/keys.jsonl");
    Path data = work.resolve("data");
    char[] password = WalDemo.newPassword();
    try {
      try (AuditLog audit = AuditLog.appendingTo(auditFile);
          Pkcs12KeyStore keys = Pkcs12KeyStore.create(keystore, password, audit)) {
        keys.generateKey(FIRST_KEY);
      }
      // No key.alias: new files, and the rewrap, follow the keystore's current key. A key.alias
      // would pin that key, and the rewrap would keep every file under it.
      Map<String, Object> env = new HashMap<>();
      env.put(EncryptedFileSystems.KEYSTORE, keystore.toString());
      env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, password);
      env.put(EncryptedFileSystems.AUDIT_FILE, auditFile.toString());
      env.put(EncryptedFileSystems.CREATE, "true");

      out.println("encryptedfs key rotation demo");
      out.println("  work directory : " + work);
      out.println("  keystore       : " + keystore + " (first key '" + FIRST_KEY + "')");
      out.println("  audit trail    : " + auditFile);
      out.println();

      Map<String, String> written = new LinkedHashMap<>();
      String newKey;
      Map<String, List<String>> usageBefore;
      List<String> refused;
      RewrapReport report;
      List<String> oldKeyUsers;
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(data, env)) {
        for (int i = 1; i <= 4; i++) {
          written.put(String.format("/patients/p-%04d.json", i), patient(i));
        }
        written.put("/wal/000001.log", "000001 admit p-0001\n000002 admit p-0002\n");
        writeAll(fs, written);
        out.println(
            "1. Wrote "
                + written.size()
                + " files under '"
                + EncryptedFileSystems.info(fs).keyAlias()
                + "'");

        newKey = KeyRotation.rotate(fs);
        Map<String, String> later = Map.of("/patients/p-0005.json", patient(5));
        writeAll(fs, later);
        written.putAll(later);
        out.println("2. Rotated: new key '" + newKey + "' is current; new files use it at once");
        out.println("   (wrote /patients/p-0005.json after the rotation)");

        usageBefore = KeyRotation.usage(fs);
        out.println("3. Which files use which key (headers only):");
        printUsage(usageBefore, out);

        refused = refusedRetirement(fs);
        out.println(
            "4. Retiring '" + FIRST_KEY + "' now is refused: " + refused.size() + " files use it");

        out.println("5. Rewrapping every file's data key to '" + newKey + "':");
        report =
            KeyRotation.rewrapAll(fs, e -> out.println("     " + e.path() + ": " + e.outcome()));
        out.println(
            "   rewrapped "
                + report.rewrapped()
                + ", unchanged "
                + report.unchanged()
                + ", skipped "
                + report.skipped().size()
                + ", failed "
                + report.failed().size()
                + ", damaged "
                + report.damaged().size());
        report.failed().forEach(f -> out.println("   FAILED " + f));

        oldKeyUsers = KeyRotation.users(fs, FIRST_KEY);
        out.println("6. Files that still use '" + FIRST_KEY + "': " + oldKeyUsers.size());
        KeyRotation.retire(fs, FIRST_KEY);
        out.println("   retired '" + FIRST_KEY + "': deleted from the keystore");
      }

      List<String> keysAfter = new ArrayList<>();
      try (AuditLog audit = AuditLog.appendingTo(auditFile);
          Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, password, audit)) {
        for (KeyInfo k : keys.keys()) {
          keysAfter.add(k.alias());
        }
      }
      out.println("7. The keystore now holds: " + keysAfter);

      Map<String, String> readBack = new LinkedHashMap<>();
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(data, env)) {
        for (String path : written.keySet()) {
          readBack.put(path, Files.readString(fs.getPath(path), StandardCharsets.UTF_8));
        }
      }
      out.println(
          "8. Reopened and read back "
              + readBack.size()
              + " files; all as written: "
              + readBack.equals(written));

      List<String> auditLines = Files.readAllLines(auditFile, StandardCharsets.UTF_8);
      out.println(
          "9. The audit trail (" + auditLines.size() + " JSON lines; kind, alias, details):");
      for (String line : auditLines) {
        out.println("   " + summary(line));
      }
      return new Outcome(
          newKey,
          usageBefore,
          refused,
          report,
          oldKeyUsers,
          keysAfter,
          written,
          readBack,
          auditLines);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static String patient(int i) {
    return String.format(
        "{\"id\":\"p-%04d\",\"name\":\"Patient %d\",\"diagnosis\":\"J%02d.%d\"}%n",
        i, i, 10 + i, i % 10);
  }

  private static void writeAll(FileSystem fs, Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path path = fs.getPath(f.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, f.getValue(), StandardCharsets.UTF_8);
    }
  }

  private static void printUsage(Map<String, List<String>> usage, PrintStream out) {
    for (Map.Entry<String, List<String>> e : usage.entrySet()) {
      out.println("   " + e.getKey() + " (" + e.getValue().size() + "): " + e.getValue());
    }
  }

  /** The files {@code retire} names when it refuses, as it must while files use the key. */
  private static List<String> refusedRetirement(FileSystem fs) throws IOException {
    try {
      KeyRotation.retire(fs, FIRST_KEY);
    } catch (KeyInUseException e) {
      return e.files();
    }
    throw new IllegalStateException("'" + FIRST_KEY + "' was retired while files used it");
  }

  /** One audit line as its kind, alias and details; the file has time, user, pid and keystore. */
  static String summary(String json) {
    return String.format(
        "%-20s %-24s %s", field(KIND, json), field(ALIAS, json), field(DETAILS, json));
  }

  private static String field(Pattern pattern, String json) {
    Matcher m = pattern.matcher(json);
    return m.find() ? m.group(1) : "";
  }
}
