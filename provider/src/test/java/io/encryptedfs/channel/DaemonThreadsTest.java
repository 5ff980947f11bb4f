package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void aThreadIsANamedDaemonHoldingNoCallersClassLoader() {
    assertNotNull(Thread.currentThread().getContextClassLoader(), "the caller has one to leak");
    Thread t = DaemonThreads.named("encryptedfs-test").newThread(() -> {});
    assertEquals("encryptedfs-test", t.getName());
    assertTrue(t.isDaemon());
    assertNull(t.getContextClassLoader());
  }
}
