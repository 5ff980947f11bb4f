package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kill tests count what a child acknowledged from the lines it printed: every line written
 * before the kill must be there after it, whether or not the reading thread had reached it when the
 * kill came. The parent kills as soon as the child's marker file shows all its lines are written,
 * without waiting for them to be read; with 20,000 lines most of the last pipe-full is unread then.
 */
class ChildLinesTest {
  @ParameterizedTest(name = "{0} acks")
  @ValueSource(ints = {0, 1, 5_000})
  void everyLineWrittenBeforeTheKillIsRead(int acks, @TempDir Path dir) throws Exception {
    Path marker = dir.resolve("written");
    ChildLines child = ChildLines.start(Speaker.class, marker.toString(), Integer.toString(acks));
    List<String> lines;
    try {
      // Holding the monitor the reading thread takes for each line keeps it from reading on, so
      // that most of 5,000 lines (44 KB, within a pipe-full) are still unread when the kill comes.
      synchronized (child) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(marker)) {
          assertTrue(child.isAlive() && System.nanoTime() < deadline, "the child never wrote");
          Thread.sleep(1);
        }
      }
    } finally {
      lines = child.kill();
    }
    assertFalse(child.isAlive());
    assertEquals(acks + 1, lines.size());
    assertEquals("said.", lines.get(acks));
    assertEquals(acks - 1, ChildLines.lastAck(lines, -1));
  }
}
