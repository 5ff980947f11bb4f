package io.encryptedfs.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JDK's zip file system on a zip file that lives inside an encrypted root. */
class ZipFileSystemTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "disk={0}")
  @ValueSource(booleans = {false, true})
  void createUpdateAndReadZipInsideEncryptedRoot(boolean disk) throws Exception {
    byte[] big = new byte[300_000];
    new Random(7).nextBytes(big);
    try (ClientRoots roots = ClientRoots.create(disk ? tmp : null)) {
      Path zip = Files.createDirectories(roots.path("/archives")).resolve("a.zip");
      try (FileSystem z = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
        Files.createDirectories(z.getPath("/docs/sub"));
        Files.writeString(z.getPath("/docs/readme.txt"), "hello zip");
        Files.write(z.getPath("/docs/sub/big.bin"), big);
      }
      assertTrue(Files.size(zip) > 0);
      // update in place: the zip file system rewrites the archive via a temp file and a move
      try (FileSystem z = FileSystems.newFileSystem(zip, Map.of())) {
        Files.writeString(z.getPath("/docs/readme.txt"), "hello again");
        Files.delete(z.getPath("/docs/sub/big.bin"));
        Files.write(z.getPath("/big2.bin"), big);
      }
      try (Stream<Path> s = Files.list(roots.path("/archives"))) {
        assertEquals(List.of(zip), s.toList(), "no temp file left beside the zip");
      }

      roots.reopen();
      Path zip2 = roots.path("/archives/a.zip");
      try (FileSystem z = FileSystems.newFileSystem(zip2, Map.of())) {
        assertEquals("hello again", Files.readString(z.getPath("/docs/readme.txt")));
        assertFalse(Files.exists(z.getPath("/docs/sub/big.bin")));
        assertTrue(Files.isDirectory(z.getPath("/docs/sub")));
        assertArrayEquals(big, Files.readAllBytes(z.getPath("/big2.bin")));
      }
      // the cleartext is a standard zip: java.util.zip reads it too
      byte[] clear = Files.readAllBytes(zip2);
      try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(clear))) {
        int entries = 0;
        for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
          entries++;
          if (e.getName().equals("docs/readme.txt")) {
            assertEquals("hello again", new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
        assertEquals(4, entries, "docs/, docs/sub/, docs/readme.txt, big2.bin");
      }
      // at rest the raw file is not the zip
      byte[] raw = Files.readAllBytes(roots.rawDir.resolve("archives").resolve("a.zip"));
      assertFalse(raw[0] == 'P' && raw[1] == 'K', "raw file starts with a zip signature");
    }
  }
}
