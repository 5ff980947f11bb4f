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
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A process killed while {@code Files.copy} copies a regular file, within one root or to another:
 * the copy is written under a name the root hides and put at its name only once whole, so the
 * target's name holds nothing, or what it held before, never a shorter file that opens as a valid
 * one (a program that restarts would take it for the whole copy). The kill is an error thrown from
 * the copy's fourth underlying write, after which every write fails as in a dead process; no
 * cleanup runs, and the image is what the kernel kept ({@link CrashPlan#processCrash}). {@link
 * CopySigkillTest} does the same with a real process on the real disk.
 */
class CopyKillTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @ParameterizedTest(name = "across roots: {0}, replacing: {1}")
  @CsvSource({"false, false", "false, true", "true, false", "true, true"})
  void aKillDuringTheCopyLeavesTheTargetNameAsItWas(boolean acrossRoots, boolean replacing)
      throws IOException {
    byte[] copied = content(1, 4 * BLOCK + 17);
    byte[] before = content(2, 700);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem from = TestRoots.open(faults.root().resolve("a"), keys, "AES-256-GCM", BLOCK);
      FileSystem to =
          acrossRoots
              ? TestRoots.open(faults.root().resolve("b"), keys, "AES-256-GCM", BLOCK)
              : from;
      String target = acrossRoots ? "b" : "a";
      writeForced(from.getPath("/wal"), copied);
      Files.createDirectory(to.getPath("/d"));
      if (replacing) {
        writeForced(to.getPath("/d/wal"), before);
      }
      Killed.atWrite(faults, "/db/" + target + "/", 4);
      CopyOption[] options = replacing ? new CopyOption[] {REPLACE_EXISTING} : new CopyOption[0];
      assertThrows(
          Killed.class, () -> Files.copy(from.getPath("/wal"), to.getPath("/d/wal"), options));

      Path image = jimfs.getPath("/image");
      faults.recording().crash(CrashPlan.processCrash()).writeTo(image);
      faults.failWrites(p -> false);
      // closing a file system twice (b is a, within one root) does nothing the second time
      try (FileSystem a = TestRoots.open(image.resolve("a"), keys, "AES-256-GCM", BLOCK);
          FileSystem b =
              acrossRoots ? TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK) : a) {
        assertArrayEquals(copied, Files.readAllBytes(a.getPath("/wal")), "the source");
        if (replacing) {
          assertArrayEquals(before, Files.readAllBytes(b.getPath("/d/wal")), "the target");
        } else {
          assertFalse(Files.exists(b.getPath("/d/wal")), "a partial copy at the target");
        }
        assertEquals(acrossRoots ? List.of("/d") : List.of("/d", "/wal"), list(b, "/"));
        assertEquals(replacing ? List.of("/d/wal") : List.of(), list(b, "/d"));
      }
      from.close();
      to.close();
    }
  }

  /**
   * What the kill left, the copy's temporary file, and an empty one (a kill in a copy's creation,
   * dated back past the wait for a creator), are no tampering: opening the root, walking it and
   * reading every size, the key usage scan and a rewrap record no audit event for them. The root
   * lists them, by name and size, for a tool to show where the room went, and the key usage scan
   * counts the key a leftover's header names.
   */
  @Test
  void whatAKillLeftRecordsNoAuditEventOnLaterWalks() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem a = TestRoots.open(faults.root().resolve("a"), keys, "AES-256-GCM", BLOCK);
      writeForced(a.getPath("/wal"), content(1, 4 * BLOCK + 17));
      Killed.atWrite(faults, "/db/a/.encryptedfs-move-", 4);
      assertThrows(Killed.class, () -> Files.copy(a.getPath("/wal"), a.getPath("/copy")));
      Path image = faults.recording().crash(CrashPlan.processCrash()).writeTo(jimfs.getPath("/i"));
      faults.failWrites(p -> false);
      a.close();
      Path empty = image.resolve("a/.encryptedfs-move-0123456789abcdef");
      Files.createFile(empty);
      Files.setLastModifiedTime(empty, FileTime.fromMillis(0));
      List<String> events = new ArrayList<>();
      Logger audit = Logger.getLogger(AuditLog.LOGGER_NAME);
      Handler capture = capture(events);
      audit.addHandler(capture);
      try (FileSystem b = TestRoots.open(image.resolve("a"), keys, "AES-256-GCM", BLOCK)) {
        try (Stream<Path> all = Files.walk(b.getPath("/"))) {
          for (Path p : all.toList()) {
            Files.size(p);
          }
        }
        Map<String, Long> staged = KeyRotation.stagedCopies(b);
        assertEquals(2, staged.size(), staged.toString());
        assertEquals(0L, staged.get(empty.getFileName().toString()));
        String left =
            staged.keySet().stream()
                .filter(n -> !n.equals(empty.getFileName().toString()))
                .findFirst()
                .orElseThrow();
        // The kill's leftover names the key its copy began under, and so holds that key's retire
        // back until it is deleted (StagedCopyRetireTest); the empty one names none.
        assertEquals(
            Map.of("master", List.of("/.encryptedfs", "/" + left, "/wal")), KeyRotation.usage(b));
        assertEquals(List.of(), KeyRotation.rewrapAll(b, e -> {}).skipped());
      } finally {
        audit.removeHandler(capture);
      }
      assertEquals(List.of(), events, "audit events");
    }
  }

  private static Handler capture(List<String> events) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getMessage().contains("_FAILED")) {
          events.add(record.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  /** What {@code dir} lists, sorted: no temporary file is among it. */
  private static List<String> list(FileSystem fs, String dir) throws IOException {
    try (Stream<Path> entries = Files.list(fs.getPath(dir))) {
      return entries.map(Path::toString).sorted().toList();
    }
  }
}
