package io.encryptedfs.keystore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keystore's waits on virtual threads that share one carrier, which the JDK may not add to (JDK
 * 21 and later; platform threads on JDK 17): no call waits for a thread that cannot run. The
 * program runs in a JVM of its own, as the scheduler's settings are read once.
 */
class OneCarrierTest {
  private static final List<String> ONE_CARRIER =
      List.of(
          "-Djdk.virtualThreadScheduler.parallelism=1",
          "-Djdk.virtualThreadScheduler.maxPoolSize=1");

  @TempDir Path dir;

  /**
   * Every kind of keystore call at once on one file through two instances, with a platform thread
   * rotating ({@link ManyCallsChild}). All keystores of a JVM share the lock that keeps reads from
   * meeting a replacement, and opening a keystore waits for it holding no lock of the keystore's:
   * that waiter leaves its carrier, and when the lock is let go it is the next to take it. On JDK
   * 21 to 23 a virtual thread that waited there behind it holding a monitor kept the one carrier it
   * needed, and the program never ended; the instance's own lock is a {@code ReentrantLock} so that
   * such a wait leaves the carrier ({@code Pkcs12KeyStore}).
   */
  @Test
  void keystoreCallsOnOneCarrierAllEnd() throws Exception {
    List<String> lines = run(ManyCallsChild.class, dir.toString());
    assertEquals(List.of("done", "keys true", "audit true"), lines);
  }

  /**
   * Audit events recorded by many virtual threads while the audit file's disk is full, through a
   * logging backend that holds a lock of its own while it waits for its output, as a socket
   * appender does ({@link FullDiskAuditChild}). Each failed append is logged; logged holding the
   * audit log's monitor, that wait kept the carrier on JDK 21 to 23 of a thread queued behind one
   * that had left it, and the program never ended (7 runs of 14 on JDK 21). The audit log logs once
   * it lets go.
   */
  @Test
  void failedAuditAppendsLoggedOnOneCarrierAllEnd() throws Exception {
    List<String> lines = run(FullDiskAuditChild.class, dir.toString());
    int events = FullDiskAuditChild.THREADS * FullDiskAuditChild.ROUNDS;
    assertEquals(List.of("done", "failures " + events), lines);
  }

  private static List<String> run(Class<?> main, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto"));
    command.addAll(ONE_CARRIER);
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) {
      command.add("-Djava.util.logging.config.file=" + logging);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process child =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the program ended");
      List<String> lines = out.lines().collect(Collectors.toList());
      assertEquals(0, child.exitValue(), () -> "exit status; it printed " + lines);
      return lines;
    } finally {
      child.destroyForcibly();
    }
  }
}
