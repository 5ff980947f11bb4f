package io.encryptedfs.keystore;

import io.encryptedfs.keystore.AuditEvent.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Records the events of one keystore to its {@link AuditLog}, each naming the keystore file, so
 * that every event of a kind carries the same details under the same names.
 */
final class KeystoreAudit {
  private final AuditLog log;
  private final String source;

  KeystoreAudit(AuditLog log, String source) {
    this.log = log;
    this.source = source;
  }

  void created() {
    log.record(Kind.KEYSTORE_CREATED, source, null, Map.of());
  }

  void opened(int keys) {
    log.record(Kind.KEYSTORE_OPENED, source, null, Map.of("keys", "" + keys));
  }

  void openFailed(Exception e) {
    log.record(Kind.KEYSTORE_OPEN_FAILED, source, null, Map.of("reason", OpenChecks.reason(e)));
  }

  /**
   * Before the change {@code write} names is put in place: {@code changes} are the kinds of the
   * events that will record it, {@code details} what they will say besides.
   */
  void changeBegun(String write, String alias, List<Kind> changes, Map<String, String> details) {
    Map<String, String> all = new HashMap<>(details);
    all.put("write", write);
    all.put("change", changes.stream().map(Kind::name).collect(Collectors.joining(",")));
    log.record(Kind.KEY_CHANGE_BEGUN, source, alias, all);
  }

  void keyGenerated(String write, String alias, boolean current) {
    log.record(Kind.KEY_GENERATED, source, alias, Map.of("current", "" + current, "write", write));
  }

  void keyRotated(String write, String alias, String previous) {
    log.record(Kind.KEY_ROTATED, source, alias, Map.of("previous", previous, "write", write));
  }

  void currentKeyChanged(String write, String alias, String previous) {
    log.record(
        Kind.CURRENT_KEY_CHANGED, source, alias, Map.of("previous", previous, "write", write));
  }

  void keyRetired(String write, String alias) {
    log.record(Kind.KEY_RETIRED, source, alias, Map.of("write", write));
  }

  void keyLoaded(String alias) {
    log.record(Kind.KEY_LOADED, source, alias, Map.of());
  }

  void keyLoadFailed(String alias, Exception e) {
    log.record(Kind.KEY_LOAD_FAILED, source, alias, Map.of("reason", OpenChecks.reason(e)));
  }
}
