package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments the provider refuses as the JDK's does, before the underlying file sees them: views it
 * does not offer, attribute classes it cannot return, URIs with a query or fragment; and a missing
 * file's store named by its encrypted path.
 */
class ProviderArgumentsTest {
  @Test
  void refusesWhatItDoesNotOffer(@TempDir Path tmp) throws IOException {
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path f = Files.write(fs.getPath("/f"), new byte[10]);
      assertThrows(
          UnsupportedOperationException.class,
          () -> Files.readAttributes(f, DosFileAttributes.class));
      assertEquals(10, Files.readAttributes(f, PosixFileAttributes.class).size());
      assertThrows(
          UnsupportedOperationException.class, () -> Files.setAttribute(f, "nope:size", 1L));
      // A user attribute would sit unencrypted on the underlying file.
      assertThrows(
          UnsupportedOperationException.class,
          () -> Files.setAttribute(f, "user:note", new byte[] {1}));
      assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(f, "user:*"));
      assertEquals(10L, Files.getAttribute(f, "unix:size"), "the cleartext size, as basic's");
      assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(f, "size", 1L));

      NoSuchFileException missing =
          assertThrows(NoSuchFileException.class, () -> Files.getFileStore(fs.getPath("/nope")));
      assertEquals("/nope", missing.getFile());
      assertFalse(missing.getMessage().contains(tmp.toString()), missing.getMessage());

      URI uri = f.toUri();
      assertEquals(f, Paths.get(uri));
      assertThrows(IllegalArgumentException.class, () -> Paths.get(URI.create(uri + "?v=1")));
      assertThrows(IllegalArgumentException.class, () -> Paths.get(URI.create(uri + "#x")));
      Path odd = Files.write(fs.getPath("/a?b#c"), new byte[1]);
      assertEquals(odd, Paths.get(odd.toUri()), "'?' and '#' in names are encoded");
    }
  }
}
