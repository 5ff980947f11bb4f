package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static io.encryptedfs.durability.FaultRoots.writeForced;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process killed while a move to another root copies its file: the copy is written under a name
 * the root hides, so the target's name holds nothing, or what it held before, never a shorter file
 * that opens as a valid one (a database finding segment {@code /wal} would trust it). The kill is
 * an error thrown from the copy's fourth underlying write, after which every write fails as in a
 * dead process; no cleanup runs, and the image is what the kernel kept ({@link
 * CrashPlan#processCrash}).
 */
class MoveAcrossRootsKillTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aKillDuringTheCopyLeavesTheTargetNameAsItWas(boolean replacing) throws IOException {
    byte[] moved = content(1, 4 * BLOCK + 17);
    byte[] before = content(2, 700);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem from = TestRoots.open(faults.root().resolve("a"), keys, "AES-256-GCM", BLOCK);
      FileSystem to = TestRoots.open(faults.root().resolve("b"), keys, "AES-256-GCM", BLOCK);
      writeForced(from.getPath("/wal"), moved);
      Files.createDirectory(to.getPath("/d"));
      if (replacing) {
        writeForced(to.getPath("/d/wal"), before);
      }
      Killed.atWrite(faults, "/db/b/", 4);
      if (replacing) {
        assertThrows(
            Killed.class,
            () -> Files.move(from.getPath("/wal"), to.getPath("/d/wal"), REPLACE_EXISTING));
      } else {
        assertThrows(Killed.class, () -> Files.move(from.getPath("/wal"), to.getPath("/d/wal")));
      }

      Path image = jimfs.getPath("/image");
      faults.recording().crash(CrashPlan.processCrash()).writeTo(image);
      faults.failWrites(p -> false);
      try (FileSystem a = TestRoots.open(image.resolve("a"), keys, "AES-256-GCM", BLOCK);
          FileSystem b = TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
        assertArrayEquals(moved, Files.readAllBytes(a.getPath("/wal")), "the source");
        if (replacing) {
          assertArrayEquals(before, Files.readAllBytes(b.getPath("/d/wal")), "the target");
        } else {
          assertFalse(Files.exists(b.getPath("/d/wal")), "a partial copy at the target");
        }
        assertEquals(List.of(b.getPath("/d")), list(b.getPath("/")), "listed in the target root");
      }
      from.close();
      to.close();
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    }
  }
}
