package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;

/**
 * {@code isSameFile} reads each file's attributes once and tells the files apart by their keys,
 * falling back to the underlying provider where there are none. The answers are checked as well as
 * the cost, over a fault file system that counts the looks at files' metadata.
 */
class IsSameFileTest {
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void withFileKeysEachFileIsReadOnce() throws IOException {
    withTwoFiles(
        true,
        (under, a, b) -> {
          long before = under.lookups();
          assertFalse(Files.isSameFile(a, b));
          assertEquals(2, under.lookups() - before, "two files, two looks");
          before = under.lookups();
          assertTrue(Files.isSameFile(a, a.getFileSystem().getPath("/d/../a")));
          assertEquals(
              2, under.lookups() - before, "one underlying path, one look; one at /d for its ..");
        });
  }

  @Test
  void withoutFileKeysTheUnderlyingProviderDecides() throws IOException {
    withTwoFiles(
        false,
        (under, a, b) -> {
          long before = under.lookups();
          assertFalse(Files.isSameFile(a, b));
          assertEquals(4, under.lookups() - before, "ours, then the underlying provider's");
          assertTrue(Files.isSameFile(a, a.getFileSystem().getPath("/d/../a")));
        });
  }

  private interface TwoFiles {
    void check(FaultInjectingFileSystem under, Path a, Path b) throws IOException;
  }

  /** Runs {@code check} on two files of a root over a counting file system on Jimfs. */
  private void withTwoFiles(boolean fileKeys, TwoFiles check) throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem under =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/under")));
      if (!fileKeys) {
        under.hideFileKeys();
      }
      Path dir = Files.createDirectories(under.root().resolve("enc"));
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
        Path a = Files.writeString(fs.getPath("/a"), "a");
        Files.createDirectory(fs.getPath("/d")); // for /d/../a, which names a only if /d is one
        check.check(under, a, Files.writeString(fs.getPath("/b"), "b"));
      }
    }
  }

  @Test
  void aLinkIsTheFileItLeadsTo() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs = TestRoots.open(jimfs.getPath("/enc"), keys, "AES-256-GCM", 4096)) {
      Path a = Files.writeString(fs.getPath("/a"), "a");
      Path b = Files.writeString(fs.getPath("/b"), "b");
      Path link = Files.createSymbolicLink(fs.getPath("/link"), fs.getPath("a"));
      assertTrue(Files.isSameFile(link, a));
      assertFalse(Files.isSameFile(link, b));
    }
  }
}
