package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers of one keystore file, each with its own {@link Pkcs12KeyStore} as two processes would
 * have: whichever checks the file second must see the first one's key and be refused.
 */
class ConcurrentWritersTest {
  private static final AuditLog AUDIT = AuditLog.systemLogger();
  private static final long BLOCKED_MILLIS = 300;

  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void ofTwoSimultaneousWritersOneWinsAndTheOtherIsRefused() throws Exception {
    Path file = dir.resolve("keys.p12");
    Fixtures.create(file, AUDIT).close();
    List<String> returned = new ArrayList<>();
    for (int round = 0; round < 60; round++) {
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<String>> writers = new ArrayList<>();
      for (String name : List.of("a", "b")) {
        String alias = name + round;
        Pkcs12KeyStore keys = Fixtures.open(file, AUDIT);
        writers.add(
            pool.submit(
                () -> {
                  try (keys) {
                    start.await();
                    keys.generateKey(alias);
                    return alias;
                  }
                }));
      }
      int won = 0;
      for (Future<String> writer : writers) {
        try {
          returned.add(writer.get());
          won++;
        } catch (ExecutionException e) {
          assertRefusedAsChanged(file, e.getCause());
        }
      }
      assertEquals(1, won, "round " + round + ": exactly one writer must win");
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, AUDIT)) {
      assertEquals(Set.copyOf(returned), keys.aliases(), "every key whose write returned");
    }
  }

  @Test
  void aWriterWaitsWhileThisJvmReplacesTheKeystoreThenSeesTheChange() throws Exception {
    Path file = dir.resolve("keys.p12");
    Path other = otherKeystore();
    try (Pkcs12KeyStore stale = keystoreWithAKey(file)) {
      Future<?> write;
      try (ReplaceLock held = ReplaceLock.acquire(file)) {
        write = pool.submit(() -> stale.generateKey("late"));
        assertStillWaiting(write);
        replaceWith(file, other);
      }
      assertRefusedAsChanged(file, failureOf(write));
      assertArrayEquals(Files.readAllBytes(other), Files.readAllBytes(file));
    }
  }

  @Test
  void aWriterWaitsWhileAnotherProcessHoldsTheLockThenSeesTheChange() throws Exception {
    Path file = dir.resolve("keys.p12");
    Path other = otherKeystore();
    try (Pkcs12KeyStore stale = keystoreWithAKey(file)) {
      Process holder = holdInAnotherProcess(file);
      try {
        Future<?> write = pool.submit(() -> stale.generateKey("late"));
        assertStillWaiting(write);
        // As the other process's write would: a new file renamed over the one it locked.
        replaceWith(file, other);
        holder.getOutputStream().close();
        assertRefusedAsChanged(file, failureOf(write));
        assertArrayEquals(Files.readAllBytes(other), Files.readAllBytes(file));
      } finally {
        holder.destroy();
        assertTrue(holder.waitFor(1, TimeUnit.MINUTES));
      }
    }
  }

  /**
   * While another process holds keystore A's lock and a thread here waits to write A, this JVM
   * reads another keystore and a password file. The waiting writer held the lock that every
   * keystore read of the JVM takes, so those reads waited for the other process too.
   */
  @Test
  void aWriterWaitingForAnotherProcessHoldsUpNoRead() throws Exception {
    Path a = dir.resolve("a.p12");
    Path b = dir.resolve("b.p12");
    Path passwordFile = Files.writeString(dir.resolve("pw"), Fixtures.PASSWORD + "\n");
    keystoreWithAKey(b).close();
    try (Pkcs12KeyStore writerOfA = keystoreWithAKey(a)) {
      Process holder = holdInAnotherProcess(a);
      try {
        Future<?> write = pool.submit(() -> writerOfA.generateKey("late"));
        assertStillWaiting(write);
        Future<?> reads =
            pool.submit(
                () -> {
                  Arrays.fill(PasswordSource.fromFile(passwordFile).read(), (char) 0);
                  Fixtures.open(b, AUDIT).close();
                  return null;
                });
        reads.get(30, TimeUnit.SECONDS);
        assertFalse(write.isDone(), "the writer still waits for the other process");
        holder.getOutputStream().close();
        write.get(1, TimeUnit.MINUTES);
        try (Pkcs12KeyStore again = Fixtures.open(a, AUDIT)) {
          assertEquals(Set.of("master", "late"), again.aliases());
        }
      } finally {
        holder.destroy();
        assertTrue(holder.waitFor(1, TimeUnit.MINUTES));
      }
    }
  }

  /** A child JVM holding {@code file}'s replace lock until its standard input closes. */
  private static Process holdInAnotherProcess(Path file) throws IOException {
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HoldReplaceLock.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    assertEquals(HoldReplaceLock.LOCKED, out.readLine());
    return holder;
  }

  private Pkcs12KeyStore keystoreWithAKey(Path file) throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, AUDIT)) {
      keys.generateKey("master");
    }
    return Fixtures.open(file, AUDIT);
  }

  /** A valid keystore with a different key, to stand for another writer's result. */
  private Path otherKeystore() throws IOException {
    Path other = dir.resolve("other.p12");
    try (Pkcs12KeyStore keys = Fixtures.create(other, AUDIT)) {
      keys.generateKey("from-the-other-writer");
    }
    return other;
  }

  private void replaceWith(Path file, Path source) throws IOException {
    Path temporary = dir.resolve("replacement.tmp");
    Files.copy(source, temporary);
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void assertStillWaiting(Future<?> write) throws Exception {
    try {
      write.get(BLOCKED_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException expected) {
      return;
    } catch (ExecutionException e) {
      throw new AssertionError("the write ended while the lock was held", e.getCause());
    }
    throw new AssertionError("the write returned while the lock was held");
  }

  private static Throwable failureOf(Future<?> write) throws Exception {
    try {
      write.get(1, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the stale write returned");
  }

  private static void assertRefusedAsChanged(Path file, Throwable failure) throws IOException {
    FileSystemException e = assertInstanceOf(FileSystemException.class, failure);
    assertEquals(file.toRealPath().toString(), e.getFile());
    assertTrue(e.getReason().contains("changed by someone else"), e.getReason());
    assertFalse(e.getMessage().contains(Fixtures.PASSWORD));
  }
}
