package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * FAT keeps a generated short name beside each long one ({@code ENCRYP~1} for {@code .encryptedfs})
 * and Linux's vfat looks both up, so on such a root the marker has a name no rule on names
 * reserves; deleting it, or moving a file onto it, would leave a root that no longer opens. A hard
 * link on a case-folding Jimfs stands in for the short name here: the same file under another name.
 * Every call on it goes as on a missing file, as calls on the marker's own name do, and the marker
 * stays as it was; only creating calls differ, failing as on a missing file too rather than with
 * the reserved-name refusal, since the name itself is not reserved.
 */
class MarkerAliasTest {
  private static final Configuration SENSITIVE =
      Configuration.unix().toBuilder().setAttributeViews("basic", "posix", "owner").build();

  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void everyCallOnAShortNameOfTheMarkerGoesAsOnAMissingFile() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(CaseFoldingRootTest.FOLDING)) {
      Path dir = jimfs.getPath("/root");
      Path marker = dir.resolve(EncryptedFileSystem.MARKER);
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
        byte[] before = Files.readAllBytes(marker);
        Files.createLink(dir.resolve("ENCRYP~1"), marker);
        Path existing = Files.writeString(fs.getPath("/existing"), "keep");
        Path elsewhere = Files.createDirectory(fs.getPath("/d")).resolve("e");
        List<String> asTheMarker =
            comparable(
                FilesSweep.of(fs.getPath("/" + EncryptedFileSystem.MARKER), existing, elsewhere));
        for (String path : new String[] {"/ENCRYP~1", "/encryp~1", "ENCRYP~1", "/d/../ENCRYP~1"}) {
          assertEquals(
              String.join("\n", asTheMarker),
              String.join("\n", comparable(FilesSweep.of(fs.getPath(path), existing, elsewhere))),
              path);
          assertArrayEquals(before, Files.readAllBytes(marker), path);
          assertTrue(Files.isSameFile(marker, dir.resolve("ENCRYP~1")), path);
        }
        try (Stream<Path> listed = Files.list(fs.getPath("/"))) {
          assertEquals(List.of("/d", "/existing"), listed.map(Path::toString).sorted().toList());
        }
      }
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
        assertEquals("keep", Files.readString(fs.getPath("/existing")));
      }
    }
  }

  /** Names with a {@code ~} that are not the marker stay ordinary, folding or not. */
  @Test
  void otherNamesWithATildeAreOrdinary() throws IOException {
    for (Configuration config : List.of(CaseFoldingRootTest.FOLDING, SENSITIVE)) {
      try (FileSystem jimfs = Jimfs.newFileSystem(config);
          FileSystem fs = TestRoots.open(jimfs.getPath("/root"), keys, "AES-256-GCM", 4096)) {
        Path backup = Files.writeString(fs.getPath("/NOTES~1"), "backup");
        Files.createDirectories(fs.getPath("/d~1/e~2"));
        Files.writeString(fs.getPath("/d~1/e~2/f~"), "deep");
        assertEquals("backup", Files.readString(backup));
        Files.move(backup, fs.getPath("/d~1/NOTES~2"));
        assertEquals("deep", Files.readString(fs.getPath("/d~1/e~2/f~")));
        try (Stream<Path> listed = Files.list(fs.getPath("/d~1"))) {
          assertEquals(
              List.of("/d~1/NOTES~2", "/d~1/e~2"), listed.map(Path::toString).sorted().toList());
        }
        Files.delete(fs.getPath("/d~1/NOTES~2"));
      }
    }
  }

  /**
   * Only a name with FAT's numeric tail ({@code ~} and a digit) costs the look: one attribute read
   * more than an ordinary name, on a folding root alone.
   */
  @Test
  void onlyNamesWithANumericTailAreLookedAt() throws IOException {
    for (Configuration config : List.of(CaseFoldingRootTest.FOLDING, SENSITIVE)) {
      try (FileSystem jimfs = Jimfs.newFileSystem(config)) {
        FaultInjectingFileSystem faults =
            FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/root")));
        try (FileSystem fs = TestRoots.open(faults.root(), keys, "AES-256-GCM", 4096)) {
          boolean folds = config == CaseFoldingRootTest.FOLDING;
          long ordinary = lookupsOfExists(faults, fs, "/notes");
          assertEquals(ordinary, lookupsOfExists(faults, fs, "/~$notes.docx"));
          assertEquals(ordinary, lookupsOfExists(faults, fs, "/notes~"));
          assertEquals(ordinary + (folds ? 1 : 0), lookupsOfExists(faults, fs, "/NOTES~1.TXT"));
        }
      }
    }
  }

  private static long lookupsOfExists(FaultInjectingFileSystem faults, FileSystem fs, String path) {
    long before = faults.lookups();
    Files.exists(fs.getPath(path));
    return faults.lookups() - before;
  }

  /**
   * The sweep's lines but what may differ: whether the name is hidden (the marker's starts with a
   * dot), and which exception a creating call fails with (refused by name, or missing like any
   * internal path); each such call fails, and the lines after them show that nothing changed.
   */
  private static List<String> comparable(List<String> sweep) {
    List<String> kept = new ArrayList<>();
    for (String line : sweep) {
      if (line.startsWith("isHidden:")) {
        continue;
      }
      kept.add(
          line.replace(
                  "FileSystemException file=<probe> other=null reason=" + ReservedNames.REASON,
                  "missing")
              .replace("NoSuchFileException file=<existing> other=<probe> reason=null", "missing")
              .replace("NoSuchFileException file=<probe> other=null reason=null", "missing"));
    }
    return kept;
  }
}
