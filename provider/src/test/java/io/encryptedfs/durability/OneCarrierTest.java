package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider's waits on virtual threads that share one carrier, which the JDK may not add to (JDK
 * 21 and later; platform threads on JDK 17): no call waits for a thread that cannot run. Block work
 * is shared with helper threads at every size. The program ({@link OneCarrierChild}) runs in a JVM
 * of its own, as the scheduler's settings are read once.
 */
class OneCarrierTest {
  private static final List<String> ONE_CARRIER =
      List.of(
          "-Djdk.virtualThreadScheduler.parallelism=1",
          "-Djdk.virtualThreadScheduler.maxPoolSize=1",
          "-Dencryptedfs.crypto.minShareBytes=1");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"write-through", "buffered"})
  void virtualThreadsOnOneCarrierAllEnd(String mode) throws Exception {
    Process child =
        ChildJvm.start(ONE_CARRIER, OneCarrierChild.class, NestedRoots.root(tmp).toString(), mode);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the program ended");
      List<String> lines = out.lines().collect(Collectors.toList());
      assertEquals(0, child.exitValue(), () -> "exit status; it printed " + lines);
      assertEquals("done", lines.get(0));
      assertEquals("turns 120", lines.get(1));
      assertEquals("shared true", lines.get(2));
    } finally {
      child.destroyForcibly();
    }
  }
}
