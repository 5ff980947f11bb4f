package io.encryptedfs.keystore;

import io.encryptedfs.keystore.AuditEvent.Kind;
import java.util.Map;

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

  void keyGenerated(String alias, boolean current) {
    log.record(Kind.KEY_GENERATED, source, alias, Map.of("current", "" + current));
  }

  void keyRotated(String alias, String previous) {
    log.record(Kind.KEY_ROTATED, source, alias, Map.of("previous", previous));
  }

  void currentKeyChanged(String alias, String previous) {
    log.record(Kind.CURRENT_KEY_CHANGED, source, alias, Map.of("previous", previous));
  }

  void keyRetired(String alias) {
    log.record(Kind.KEY_RETIRED, source, alias, Map.of());
  }

  void keyLoaded(String alias) {
    log.record(Kind.KEY_LOADED, source, alias, Map.of());
  }

  void keyLoadFailed(String alias, Exception e) {
    log.record(Kind.KEY_LOAD_FAILED, source, alias, Map.of("reason", OpenChecks.reason(e)));
  }
}
