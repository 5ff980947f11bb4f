package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
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
    List<String> lines =
        run(ONE_CARRIER, OneCarrierChild.class, NestedRoots.root(tmp).toString(), mode);
    assertEquals("done", lines.get(0));
    assertEquals("turns 120", lines.get(1));
    assertEquals("shared true", lines.get(2));
  }

  /**
   * Closes of channels on one file, each waiting for the file's lock while others write: a close
   * runs under a monitor of the JDK's, and on JDK 21 to 23 a virtual thread that waits for a lock
   * holding a monitor keeps its carrier. With its default {@code maxPoolSize}, the JDK adds
   * carriers for what the provider does there instead ({@code PinnedClose}); with the close waiting
   * on its carrier, this program never ended on JDK 21.
   */
  @Test
  void closesWaitingForTheFileOnOneCarrierAllEnd() throws Exception {
    List<String> lines = onOneCarrier(ClosingWritersChild.class);
    assertEquals(List.of("done", "whole true"), lines);
  }

  /**
   * The streams of {@code Files.newInputStream} and {@code newOutputStream}, whose calls wait for
   * the file's lock while others write it: the JDK's streams over a channel take a monitor of their
   * own around each call, so the provider's are its own ({@code ChannelInput}, {@code
   * ChannelOutput}).
   */
  @Test
  void streamsWaitingForTheFileOnOneCarrierAllEnd() throws Exception {
    List<String> lines = onOneCarrier(StreamsChild.class);
    assertEquals(List.of("done", "read true", "appended 500"), lines);
  }

  /**
   * Many kinds of calls at once on a few shared files, each waiting for the files' locks while
   * others hold them ({@link ManyCallsChild}): none of them may wait for a lock while it holds a
   * monitor, which on JDK 21 to 23 keeps the virtual thread's carrier. Run on JDK 21 with {@code
   * -Djdk.tracePinnedThreads=full}, it shows no such wait in the provider but the close's hand-off
   * to its thread ({@code PinnedClose}), which waits only for threads that are running.
   */
  @Test
  void manyKindsOfCallsOnOneCarrierAllEnd() throws Exception {
    List<String> lines = onOneCarrier(ManyCallsChild.class);
    assertEquals(List.of("done", "records true"), lines);
  }

  /**
   * {@code Files.readAllBytes} and {@code readString} while others write the file ({@link
   * ReadAllBytesChild}): they read through the JDK's own stream over the channel, whose reads are
   * synchronized methods, so the provider cannot give them its streams; a read that would wait
   * there runs on a platform thread instead ({@code PinnedCalls}). Before that, this program never
   * ended on JDK 21 (three runs of three).
   */
  @Test
  void wholeFileReadsOnOneCarrierAllEnd() throws Exception {
    List<String> lines = onOneCarrier(ReadAllBytesChild.class);
    assertEquals(List.of("done", "whole true"), lines);
  }

  /**
   * {@code PrintWriter}s appending to a log beside threads that force it ({@link
   * PrintWritersChild}): a {@code PrintWriter} writes inside a {@code synchronized} block, which no
   * stack walk finds, so the provider's waits on such a thread must leave the carrier to others
   * whatever the stack shows (on JDK 21 to 23).
   */
  @Test
  void printWritersBesideForcesOnOneCarrierAllEnd() throws Exception {
    List<String> lines = onOneCarrier(PrintWritersChild.class);
    assertEquals(List.of("done", "lines 300"), lines);
  }

  /**
   * A root's open that waits in its key provider, as one does for a keystore being written, while
   * another virtual thread looks up a root already open and then lets the open go on ({@link
   * RootOpenChild}). The registry of roots held its monitor through the whole open, so on JDK 21
   * the waiting open kept the only carrier and the look-up never ran.
   */
  @Test
  void aRootOpenWaitingForItsKeysOnOneCarrierEnds() throws Exception {
    List<String> lines = run(ONE_CARRIER, RootOpenChild.class, tmp.toString());
    assertEquals(List.of("done", "found true"), lines);
  }

  /**
   * Runs {@code main} on the root in {@link #tmp} with one carrier and the default {@code
   * maxPoolSize}, so that the JDK still adds carriers where it compensates for a blocked one.
   */
  private List<String> onOneCarrier(Class<?> main) throws Exception {
    return run(
        List.of("-Djdk.virtualThreadScheduler.parallelism=1"),
        main,
        NestedRoots.root(tmp).toString());
  }

  private static List<String> run(List<String> options, Class<?> main, String... args)
      throws Exception {
    Process child = ChildJvm.start(options, main, args);
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
