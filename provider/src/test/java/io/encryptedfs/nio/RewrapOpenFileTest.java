package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A file open here whose master key another program retired (an unsafe retire: the file still names
 * it) can be rewrapped away from it while it is open: its data key, authenticated when it was
 * loaded, is in memory. The rewrap unwrapped it again with the old master key, so it failed ({@code
 * UnknownKeyAliasException}), and the file became unreadable once closed.
 */
class RewrapOpenFileTest {
  @Test
  void anOpenFileWhoseKeyWasRetiredElsewhereIsRewrappedToTheCurrentKey() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "old");
    AtomicReference<String> current = new AtomicReference<>("master");
    keys.current(() -> Optional.of(current.get()));
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.CREATE, "true");
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = jimfs.getPath("/root");
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
        current.set("old");
        try (FileChannel ch =
            FileChannel.open(
                fs.getPath("/f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap("written".getBytes(StandardCharsets.UTF_8)));
          current.set("master");
          keys.remove("old");

          KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
          assertEquals(List.of(), report.failed(), report.toString());
          assertEquals(1, report.rewrapped(), report.toString());
          ch.write(ByteBuffer.wrap(" and more".getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals(Map.of("master", List.of("/.encryptedfs", "/f")), KeyRotation.usage(fs));
      }
      try (FileSystem reopened = EncryptedFileSystems.newFileSystem(dir, env)) {
        assertEquals("written and more", Files.readString(reopened.getPath("/f")));
      }
    }
  }
}
