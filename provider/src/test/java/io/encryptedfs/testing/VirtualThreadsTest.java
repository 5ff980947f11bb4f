package io.encryptedfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The threads of {@link VirtualThreads} are virtual exactly where the JDK has virtual threads. */
class VirtualThreadsTest {
  private static final boolean JDK_HAS_THEM = Runtime.version().feature() >= 21;

  @Test
  void threadsAreVirtualFromJdk21() throws Exception {
    assertEquals(JDK_HAS_THEM, VirtualThreads.available());
    CompletableFuture<Boolean> virtual = new CompletableFuture<>();
    Thread t = VirtualThreads.start("probe", () -> virtual.complete(isVirtual()));
    assertEquals(JDK_HAS_THEM, virtual.get(10, TimeUnit.SECONDS));
    assertEquals("probe", t.getName());
    ExecutorService executor = VirtualThreads.perTaskExecutor();
    try {
      assertEquals(JDK_HAS_THEM, executor.submit(VirtualThreadsTest::isVirtual).get());
    } finally {
      executor.shutdown();
    }
  }

  private static boolean isVirtual() {
    try {
      return (boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
    } catch (NoSuchMethodException e) {
      return false;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
