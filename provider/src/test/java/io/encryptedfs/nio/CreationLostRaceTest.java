package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A creation makes the underlying file (O_EXCL) and only then takes its writer lock. Should its
 * thread stall in between longer than another program waits for a creator, that program takes the
 * empty file for what a crash leaves and makes it a file of its own: it holds the writer lock, or
 * has written and let it go. The stalled creation then lost the race, as if the other program had
 * created the file first: {@code CREATE_NEW} fails with {@code FileAlreadyExistsException} and
 * {@code CREATE} opens the other program's file, and neither writes a header over it (which lost
 * everything the other program wrote). Here the other program's file appears while the creation
 * takes its lock, as bytes of a whole encrypted file.
 */
class CreationLostRaceTest {
  private FileSystem jimfs;
  private FaultInjectingFileSystem faults;
  private Path raw;
  private FileSystem fs;
  private final AtomicBoolean armed = new AtomicBoolean();

  @BeforeEach
  void open() throws Exception {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/disk")));
    raw = faults.root().resolve("r");
    fs = TestRoots.open(raw, new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterEach
  void close() throws Exception {
    try {
      fs.close();
    } finally {
      jimfs.close();
    }
  }

  /** At the first lock taken on the underlying file {@code name}, it becomes a copy of /theirs. */
  private void anotherProgramTakes(String name) throws IOException {
    Files.writeString(fs.getPath("/theirs"), "theirs");
    byte[] theirs = Files.readAllBytes(raw.resolve("theirs"));
    armed.set(true);
    faults.afterLocks(
        path -> {
          if (path.getFileName().toString().equals(name) && armed.getAndSet(false)) {
            try {
              Files.write(path, theirs);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
  }

  @Test
  void aCreateNewThatLostTheRaceFailsAndWritesNothing() throws Exception {
    anotherProgramTakes("x");
    assertThrows(
        FileAlreadyExistsException.class,
        () -> Files.writeString(fs.getPath("/x"), "mine", CREATE_NEW, WRITE));
    assertEquals("theirs", Files.readString(fs.getPath("/x")));
  }

  /**
   * Another program's open probes the writer lock of a file it finds (takes it and gives it back at
   * once): a creation whose claim meets that probe looks again, and keeps its file.
   */
  @Test
  void aLockHeldForAnInstantDoesNotLoseTheCreation() throws Exception {
    AtomicInteger refusals = new AtomicInteger();
    faults.refuseLocks(
        path -> path.getFileName().toString().equals("p") && refusals.getAndIncrement() < 2);
    Files.writeString(fs.getPath("/p"), "mine", CREATE_NEW, WRITE);
    assertEquals(3, refusals.get(), "two claims refused, the third taken");
    assertEquals("mine", Files.readString(fs.getPath("/p")));
  }

  /** A lock held throughout the claim's looks is another writer's: the creation lost the race. */
  @Test
  void aLockHeldThroughoutLosesTheCreation() {
    faults.refuseLocks(path -> path.getFileName().toString().equals("q"));
    assertThrows(
        FileAlreadyExistsException.class,
        () -> Files.writeString(fs.getPath("/q"), "mine", CREATE_NEW, WRITE));
    faults.refuseLocks(path -> false);
  }

  @Test
  void aCreateThatLostTheRaceOpensTheOtherProgramsFile() throws Exception {
    anotherProgramTakes("y");
    try (FileChannel ch = FileChannel.open(fs.getPath("/y"), CREATE, WRITE)) {
      assertEquals(6, ch.size(), "the other program's file, not a new one");
      ch.write(ByteBuffer.wrap("TH".getBytes(StandardCharsets.UTF_8)), 0);
    }
    assertEquals("THeirs", Files.readString(fs.getPath("/y")));
  }
}
