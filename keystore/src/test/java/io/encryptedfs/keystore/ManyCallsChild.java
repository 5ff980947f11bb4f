package io.encryptedfs.keystore;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A program for {@link OneCarrierTest}: many threads (virtual where the JDK has them) use one
 * keystore file at once, through two {@link Pkcs12KeyStore}s as a service with two roots would,
 * asking for the current key and keys for new and old files, rotating, appending to the shared
 * audit file and opening the keystore anew; meanwhile a platform thread rotates through the second
 * one, as a scheduled job would. Prints {@code done}, then whether every key a rotation made is in
 * the file with one of them current, and whether the audit file holds one whole line per rotation,
 * or the failure.
 *
 * <p>Arguments: a directory for the keystore and the audit file.
 */
final class ManyCallsChild {
  static final int THREADS = 40;
  static final int ROUNDS = 10;
  private static final int KINDS = 5;
  private static final String ROTATED = "\"kind\":\"KEY_ROTATED\"";

  private ManyCallsChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path file = dir.resolve("keys.p12");
    Path auditFile = dir.resolve("audit.jsonl");
    Set<String> made = ConcurrentHashMap.newKeySet();
    try (AuditLog audit = AuditLog.appendingTo(auditFile)) {
      try (Pkcs12KeyStore keys = Fixtures.create(file, audit)) {
        keys.generateKey("first");
      }
      try (Pkcs12KeyStore one = Fixtures.open(file, audit);
          Pkcs12KeyStore two = Fixtures.open(file, audit)) {
        Thread scheduled = new Thread(() -> rotateOften(two, made), "scheduled-rotation");
        scheduled.setDaemon(true);
        ExecutorService threads = VirtualThreads.perTaskExecutor();
        List<Future<?>> calls = new ArrayList<>();
        scheduled.start();
        for (int i = 0; i < THREADS; i++) {
          Pkcs12KeyStore keys = i % 2 == 0 ? one : two;
          int kind = i % KINDS;
          calls.add(
              threads.submit(
                  () -> {
                    for (int round = 0; round < ROUNDS; round++) {
                      call(kind, keys, file, audit, made);
                    }
                    return null;
                  }));
        }
        for (Future<?> c : calls) {
          c.get(60, TimeUnit.SECONDS);
        }
        scheduled.join(TimeUnit.SECONDS.toMillis(60));
        threads.shutdown();
        System.out.println(scheduled.isAlive() ? "scheduled rotation still running" : "done");
      }
      try (Pkcs12KeyStore keys = Fixtures.open(file, audit)) {
        String current = keys.currentAlias().orElse("");
        System.out.println("keys " + (keys.aliases().containsAll(made) && made.contains(current)));
      }
    }
    System.out.println("audit " + oneWholeLinePerRotation(auditFile, made.size()));
  }

  private static void call(
      int kind, Pkcs12KeyStore keys, Path file, AuditLog audit, Set<String> made)
      throws IOException {
    switch (kind) {
      case 0 -> keys.masterKeyForNewFile(keys.currentAlias().orElseThrow());
      case 1 -> keys.masterKey("first");
      case 2 -> rotate(keys, made);
      case 3 ->
          audit.record(
              AuditEvent.Kind.FILE_REWRAPPED, file.toString(), "first", Map.of("path", "/f"));
      default -> Fixtures.open(file, audit).close();
    }
  }

  private static void rotateOften(Pkcs12KeyStore keys, Set<String> made) {
    try {
      for (int round = 0; round < THREADS / KINDS * ROUNDS; round++) {
        rotate(keys, made);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Rotates, or follows the file when another instance changed it since this one read it: the write
   * is then refused, as it must be.
   */
  private static void rotate(Pkcs12KeyStore keys, Set<String> made) throws IOException {
    try {
      made.add(keys.rotate());
    } catch (FileSystemException e) {
      if (e.getReason() == null || !e.getReason().contains("changed by someone else")) {
        throw e;
      }
      keys.currentAlias();
    }
  }

  private static boolean oneWholeLinePerRotation(Path auditFile, int rotations) throws IOException {
    List<String> lines = Files.readAllLines(auditFile, UTF_8);
    boolean whole = lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    return whole && lines.stream().filter(l -> l.contains(ROTATED)).count() == rotations;
  }
}
