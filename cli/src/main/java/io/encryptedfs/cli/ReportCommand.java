package io.encryptedfs.cli;

import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyInfo;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.nio.KeyRotation;
import java.io.PrintWriter;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code report}: keys, their age and use, the last rotation and recent failures. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Report the keys (age, current, files each protects in the given roots), the last",
      "rotation, and recent failures recorded in the audit file (--audit-file)."
    },
    footer = ExitCodes.HELP)
final class ReportCommand implements Callable<Integer> {
  private static final Pattern FIELD = Pattern.compile("\"(time|kind|alias|path|block)\":\"([^\"]*)\"");
  private static final List<String> FAILURES =
      List.of(
          "KEY_UNWRAP_FAILED",
          "CONTENT_AUTHENTICATION_FAILED",
          "KEYSTORE_OPEN_FAILED",
          "KEY_LOAD_FAILED");

  @Spec CommandSpec spec;
  @Mixin KeystoreOptions keystore;

  @Option(names = "--root", paramLabel = "ROOT", description = "Encrypted roots to count files in.")
  List<Path> roots = new ArrayList<>();

  @Option(names = "--failures", defaultValue = "10", description = "Recent failures to show (default: ${DEFAULT-VALUE}).")
  int failures;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Integer> files = new HashMap<>();
    for (Path root : roots) {
      try (FileSystem fs = keystore.openRoot(root, false)) {
        KeyRotation.usage(fs).forEach((alias, paths) -> files.merge(alias, paths.size(), Integer::sum));
      }
    }
    List<KeyInfo> keys;
    try (AuditLog audit = AuditLog.systemLogger();
        Pkcs12KeyStore store = keystore.open(audit)) {
      keys = store.keys();
    }
    Instant now = Instant.now();
    out.println("keys:");
    for (KeyInfo key : keys) {
      out.println(
          "  "
              + key.alias()
              + (key.current() ? " (current)" : "")
              + "\tcreated "
              + key.created()
              + "\tage "
              + Duration.between(key.created(), now).toDays()
              + " d"
              + (roots.isEmpty() ? "" : "\tfiles " + files.getOrDefault(key.alias(), 0)));
    }
    for (Map.Entry<String, Integer> e : files.entrySet()) {
      if (keys.stream().noneMatch(k -> k.alias().equals(e.getKey()))) {
        out.println("  " + e.getKey() + " (MISSING from keystore)\tfiles " + e.getValue());
      }
    }
    List<Map<String, String>> events = readAudit();
    String lastRotation =
        events.stream()
            .filter(e -> "KEY_ROTATED".equals(e.get("kind")))
            .reduce((a, b) -> b)
            .map(e -> e.get("time") + " (" + e.get("alias") + ")")
            .orElse(
                keys.stream()
                    .map(KeyInfo::created)
                    .max(Instant::compareTo)
                    .map(t -> t + " (newest key created; no rotation in the audit file)")
                    .orElse("never"));
    out.println("last rotation: " + lastRotation);
    List<Map<String, String>> recent =
        events.stream().filter(e -> FAILURES.contains(e.get("kind"))).toList();
    if (keystore.auditFile == null) {
      out.println("recent failures: unknown (give --audit-file)");
    } else {
      out.println("recent failures: " + recent.size());
      for (Map<String, String> e : recent.subList(Math.max(0, recent.size() - failures), recent.size())) {
        out.println(
            "  "
                + e.get("time")
                + " "
                + e.get("kind")
                + (e.containsKey("path") ? " " + e.get("path") : "")
                + (e.containsKey("block") ? " block " + e.get("block") : "")
                + (e.containsKey("alias") ? " key " + e.get("alias") : ""));
      }
    }
    return ExitCodes.OK;
  }

  private List<Map<String, String>> readAudit() throws java.io.IOException {
    List<Map<String, String>> events = new ArrayList<>();
    if (keystore.auditFile == null || !Files.exists(keystore.auditFile)) {
      return events;
    }
    for (String line : Files.readAllLines(keystore.auditFile)) {
      Map<String, String> fields = new HashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        fields.putIfAbsent(m.group(1), m.group(2));
      }
      events.add(fields);
    }
    return events;
  }
}
