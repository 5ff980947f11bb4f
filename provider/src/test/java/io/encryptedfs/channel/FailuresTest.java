package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A failure that another thread met for a caller reaches the caller as itself, carrying the
 * caller's stack beside its own ({@link Failures}), so that a log shows which call failed.
 */
class FailuresTest {
  @Test
  void aFailureHandedBackCarriesTheCallersStack() throws Exception {
    IOException met = onAnotherThread(new IOException("/f: block 3: failed authentication"));
    IOException thrown = Failures.rethrown(met);
    assertSame(met, thrown);
    assertEquals(1, thrown.getSuppressed().length);
    Throwable caller = thrown.getSuppressed()[0];
    assertInstanceOf(Failures.CallerStack.class, caller);
    assertEquals(
        true,
        Arrays.stream(caller.getStackTrace())
            .anyMatch(f -> f.getMethodName().equals("aFailureHandedBackCarriesTheCallersStack")),
        "the caller's frames");
    assertEquals(
        false,
        Arrays.stream(met.getStackTrace())
            .anyMatch(f -> f.getMethodName().equals("aFailureHandedBackCarriesTheCallersStack")),
        "the failure's own trace is the other thread's");
  }

  @Test
  void anUncheckedFailureIsThrownWithTheCallersStack() {
    IllegalStateException met = new IllegalStateException("bad state");
    IllegalStateException thrown =
        assertThrows(IllegalStateException.class, () -> Failures.rethrown(met));
    assertSame(met, thrown);
    assertInstanceOf(Failures.CallerStack.class, thrown.getSuppressed()[0]);
  }

  @Test
  void anErrorIsThrownAsItIs() {
    OutOfMemoryError met = new OutOfMemoryError("Java heap space");
    OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class, () -> Failures.rethrown(met));
    assertSame(met, thrown);
    assertEquals(0, thrown.getSuppressed().length, "the JVM may reuse one instance");
  }

  @Test
  void aCheckedFailureOfAnotherKindIsWrapped() {
    Exception met = new Exception("not an I/O error");
    IOException thrown = Failures.rethrown(met);
    assertSame(met, thrown.getCause());
  }

  @Test
  void aFailureOfTheCallersOwnThreadIsThrownAsItIs() {
    IOException met = new IOException("/f: block 0: failed authentication");
    assertSame(met, Failures.thrown(met));
    assertEquals(0, met.getSuppressed().length);
  }

  private static IOException onAnotherThread(IOException e) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread
          .submit(
              () -> {
                e.fillInStackTrace();
                return e;
              })
          .get();
    } finally {
      thread.shutdown();
    }
  }
}
