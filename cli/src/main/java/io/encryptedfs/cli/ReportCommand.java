package io.encryptedfs.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyInfo;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
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
      "Report the keys, the last rotation and recent failures.",
      "Each key's age, current mark and the files it protects in the given roots; the failures",
      "recorded in the audit file (--audit-file)."
    },
    footer = ExitCodes.HELP)
final class ReportCommand implements Callable<Integer> {
  /** What the report shows of an event: these top-level fields, and these of its details. */
  private static final Set<String> TOP_FIELDS = Set.of("time", "kind", "alias");

  private static final Set<String> DETAIL_FIELDS = Set.of("path", "block");
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

  @Option(
      names = "--failures",
      defaultValue = "10",
      description = "Recent failures to show (default: ${DEFAULT-VALUE}).")
  int failures;

  private int unreadable;

  @Override
  public Integer call() throws Exception {
    if (failures < 0) {
      throw new UsageError(spec.commandLine(), "option --failures must be 0 or more");
    }
    if (keystore.auditFile != null && !Files.exists(keystore.auditFile)) {
      // Every command given --audit-file makes it, so a missing one is most likely a mistyped
      // name: "recent failures: 0" would say all is well on no evidence. Checked before the roots
      // are opened, which would make it.
      throw new NoSuchFileException(
          keystore.auditFile.toString(), null, "no audit file there to read failures from");
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Integer> files = new HashMap<>();
    for (Path root : RootArguments.distinct(roots)) {
      try (FileSystem fs = keystore.openRoot(root, false)) {
        // Each root's own files, so that a nested root given too is not counted twice.
        RootFiles.of(fs)
            .byAlias()
            .forEach((alias, paths) -> files.merge(alias, paths.size(), Integer::sum));
      }
    }
    List<KeyInfo> keys;
    try (AuditLog audit = AuditLog.systemLogger();
        Pkcs12KeyStore store = keystore.open(audit)) {
      keys = store.keys();
    }
    // Read before printing anything, so that an audit file that cannot be read is an error alone,
    // not the end of half a report.
    List<Map<String, String>> events = readAudit();
    Instant now = Instant.now();
    out.println("keys:");
    for (KeyInfo key : keys) {
      out.println(
          "  "
              + OneLine.of(key.alias())
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
        // Read from a file's header, which whoever can write the root's disk can make say anything.
        out.println(
            "  " + OneLine.of(e.getKey()) + " (MISSING from keystore)\tfiles " + e.getValue());
      }
    }
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
    out.println("last rotation: " + OneLine.of(lastRotation));
    List<Map<String, String>> recent =
        events.stream().filter(e -> FAILURES.contains(e.get("kind"))).toList();
    if (keystore.auditFile == null) {
      out.println("recent failures: unknown (give --audit-file)");
    } else {
      out.println("recent failures: " + recent.size());
      if (unreadable > 0) {
        out.println(
            "  (" + unreadable + " audit line(s) unreadable, such as one a crash cut short)");
      }
      for (Map<String, String> e :
          recent.subList(Math.max(0, recent.size() - failures), recent.size())) {
        out.println(
            OneLine.of(
                "  "
                    + e.get("time")
                    + " "
                    + e.get("kind")
                    + (e.containsKey("path") ? " " + e.get("path") : "")
                    + (e.containsKey("block") ? " block " + e.get("block") : "")
                    + (e.containsKey("alias") ? " key " + e.get("alias") : "")));
      }
    }
    return ExitCodes.OK;
  }

  /**
   * The audit file's events. A line a crash cut short is counted, not read: it may not be a JSON
   * object, nor even UTF-8 when the cut fell inside a character, so each line is decoded alone.
   */
  private List<Map<String, String>> readAudit() throws IOException {
    List<Map<String, String>> events = new ArrayList<>();
    if (keystore.auditFile == null) {
      return events;
    }
    JsonFactory json = new JsonFactory();
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(keystore.auditFile);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      // A read that fails after the open ("Is a directory") names no file.
      throw (IOException)
          new FileSystemException(keystore.auditFile.toString(), null, e.getMessage()).initCause(e);
    }
    for (int start = 0, end; start < bytes.length; start = end + 1) {
      end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      try {
        String line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        if (!line.isBlank()) {
          events.add(fields(json, line));
        }
      } catch (CharacterCodingException | JsonProcessingException e) {
        unreadable++;
      }
    }
    return events;
  }

  /** The fields of one audit line that the report shows, unescaped. */
  static Map<String, String> fields(JsonFactory json, String line) throws IOException {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser p = json.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT && name.equals("details")) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String detail = p.currentName();
            p.nextToken();
            if (DETAIL_FIELDS.contains(detail) && p.currentToken().isScalarValue()) {
              fields.put(detail, p.getValueAsString());
            } else {
              p.skipChildren();
            }
          }
        } else if (TOP_FIELDS.contains(name) && value.isScalarValue()) {
          fields.put(name, p.getValueAsString());
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new JsonParseException(p, "not one whole JSON object");
      }
    }
    return fields;
  }
}
