package io.encryptedfs.nio;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.google.common.jimfs.PathNormalization;
import com.google.common.jimfs.WatchServiceConfiguration;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On an underlying file system that folds case, {@code /.ENCRYPTEDFS} names the marker itself:
 * every call on a case variant of the marker's name goes as on the marker's own name (as on a
 * missing file), and the marker stays as it was. Where case is told apart, such a name is an
 * ordinary one, as it always was.
 */
class CaseFoldingRootTest {
  /** Jimfs as a case-insensitive disk: names looked up with ASCII case folded, shown as made. */
  static final Configuration FOLDING =
      Configuration.unix().toBuilder()
          .setAttributeViews("basic", "posix", "owner")
          .setNameCanonicalNormalization(PathNormalization.CASE_FOLD_ASCII)
          .setWatchServiceConfiguration(
              WatchServiceConfiguration.polling(10, TimeUnit.MILLISECONDS))
          .build();

  private static final Configuration SENSITIVE =
      Configuration.unix().toBuilder().setAttributeViews("basic", "posix", "owner").build();
  private static final List<String> VARIANTS =
      List.of(".ENCRYPTEDFS", ".EncryptedFS", ".encryptedfS", ".eNcRyPtEdFs", ".encryptedf\u017f");

  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void everyCallOnACaseVariantGoesAsOnTheMarkersName() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(FOLDING)) {
      Path dir = jimfs.getPath("/root");
      byte[] marker;
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
        marker = Files.readAllBytes(dir.resolve(EncryptedFileSystem.MARKER));
        Path existing = Files.writeString(fs.getPath("/existing"), "keep");
        Path elsewhere = Files.createDirectory(fs.getPath("/d")).resolve("e");
        List<String> asTheMarker =
            FilesSweep.of(fs.getPath("/" + EncryptedFileSystem.MARKER), existing, elsewhere);
        for (String variant : VARIANTS) {
          for (String path : new String[] {"/" + variant, variant, "/d/../" + variant}) {
            assertEquals(
                String.join("\n", asTheMarker),
                String.join("\n", FilesSweep.of(fs.getPath(path), existing, elsewhere)),
                path);
            assertArrayEquals(marker, Files.readAllBytes(dir.resolve(EncryptedFileSystem.MARKER)));
          }
        }
        try (Stream<Path> listed = Files.list(fs.getPath("/"))) {
          assertEquals(List.of("/d", "/existing"), listed.map(Path::toString).sorted().toList());
        }
      }
      try (Stream<Path> raw = Files.list(dir)) {
        assertEquals(
            List.of(EncryptedFileSystem.MARKER, "d", "existing"),
            raw.map(p -> p.getFileName().toString()).sorted().toList());
      }
      assertArrayEquals(marker, Files.readAllBytes(dir.resolve(EncryptedFileSystem.MARKER)));
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
        assertEquals("keep", Files.readString(fs.getPath("/existing")));
      }
    }
  }

  /** What another program put there with a reserved name in another case is internal, as ours. */
  @Test
  void reservedNamesInAnyCaseAreInternalAtTheRoot() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(FOLDING)) {
      Path dir = jimfs.getPath("/root");
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096);
          WatchService service = fs.newWatchService()) {
        WatchKey key = fs.getPath("/").register(service, ENTRY_CREATE);
        Files.writeString(dir.resolve(".ENCRYPTEDFS-notes"), "theirs");
        Files.writeString(dir.resolve(".EncryptedFS.tmp"), "theirs");
        Files.writeString(fs.getPath("/visible"), "v");
        assertEquals(
            Set.of("ENTRY_CREATE visible"),
            WatchServiceTest.collect(service, key, "ENTRY_CREATE visible"));
        try (Stream<Path> listed = Files.list(fs.getPath("/"))) {
          assertEquals(List.of("/visible"), listed.map(Path::toString).toList());
        }
        for (String name : new String[] {"/.ENCRYPTEDFS-notes", "/.encryptedfs-NOTES"}) {
          Path p = fs.getPath(name);
          assertFalse(Files.exists(p), name);
          assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(p), name);
          assertThrows(NoSuchFileException.class, () -> Files.delete(p), name);
          ReservedNamesTest.assertRefused(p, () -> Files.writeString(p, "ours"));
        }
      }
      assertEquals("theirs", Files.readString(dir.resolve(".ENCRYPTEDFS-notes")));
    }
  }

  /** Jimfs' own macOS configuration (NFD, ASCII case folded) is found to fold, too. */
  @Test
  void onJimfsAsMacOs() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.osX())) {
      Path dir = jimfs.getPath("/root");
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
        byte[] marker = Files.readAllBytes(dir.resolve(EncryptedFileSystem.MARKER));
        assertTrue(((EncryptedFileSystem) fs).markerNames().folds());
        Path upper = fs.getPath("/.ENCRYPTEDFS");
        assertThrows(NoSuchFileException.class, () -> Files.delete(upper));
        assertFalse(Files.deleteIfExists(upper));
        ReservedNamesTest.assertRefused(upper, () -> Files.writeString(upper, "gone"));
        assertArrayEquals(marker, Files.readAllBytes(dir.resolve(EncryptedFileSystem.MARKER)));
      }
    }
  }

  @Test
  void caseSensitiveJimfsKeepsOtherCasesOrdinary() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(SENSITIVE)) {
      otherCasesAreOrdinary(jimfs.getPath("/root"));
    }
  }

  @Test
  void theDiskHereKeepsOtherCasesOrdinary(@TempDir Path tmp) throws IOException {
    otherCasesAreOrdinary(tmp.resolve("root"));
  }

  /** On a case-sensitive directory, names in another case are made, read, listed and deleted. */
  private void otherCasesAreOrdinary(Path dir) throws IOException {
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/before"), "x");
    }
    // A user's file made through the root before, or by another program: it stays visible.
    Files.move(dir.resolve("before"), dir.resolve(".ENCRYPTEDFS-notes"));
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertFalse(((EncryptedFileSystem) fs).markerNames().folds());
      assertEquals("x", Files.readString(fs.getPath("/.ENCRYPTEDFS-notes")));
      Path upper = Files.writeString(fs.getPath("/.ENCRYPTEDFS"), "mine");
      Path below =
          Files.createFile(Files.createDirectory(fs.getPath("/d")).resolve(".EncryptedFS"));
      assertEquals("mine", Files.readString(upper));
      try (Stream<Path> listed = Files.list(fs.getPath("/"))) {
        assertEquals(
            List.of("/.ENCRYPTEDFS", "/.ENCRYPTEDFS-notes", "/d"),
            listed.map(Path::toString).sorted().toList());
      }
      Files.delete(upper);
      Files.delete(below);
      assertTrue(Files.exists(dir.resolve(EncryptedFileSystem.MARKER)));
    }
    // The marker was never touched: the root still opens.
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertEquals("x", Files.readString(fs.getPath("/.ENCRYPTEDFS-notes")));
    }
  }
}
