package io.encryptedfs.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Apache Commons Compress writes zip and 7z archives through a {@code SeekableByteChannel} on an
 * encrypted path (both writers seek back to patch headers) and reads them back.
 */
class CommonsCompressTest {
  @TempDir Path tmp;

  private static Map<String, byte[]> contents() {
    Random r = new Random(11);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("empty.txt", new byte[0]);
    m.put("small.txt", "small entry".getBytes(StandardCharsets.UTF_8));
    byte[] random = new byte[200_003];
    r.nextBytes(random);
    m.put("dir/random.bin", random);
    byte[] text = "compressible line\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);
    m.put("dir/text.txt", text);
    return m;
  }

  private static SeekableByteChannel newArchive(Path p) throws Exception {
    return Files.newByteChannel(
        p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  @ParameterizedTest(name = "disk={0}")
  @ValueSource(booleans = {false, true})
  void zipOverSeekableChannel(boolean disk) throws Exception {
    Map<String, byte[]> contents = contents();
    try (ClientRoots roots = ClientRoots.create(disk ? tmp : null)) {
      Path zip = roots.path("/a.zip");
      try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(newArchive(zip))) {
        boolean stored = false;
        for (var e : contents.entrySet()) {
          ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
          // alternate STORED and DEFLATED: with a seekable channel both get sizes and CRC
          // patched into the local header after the data is written
          entry.setMethod(stored ? ZipArchiveEntry.STORED : ZipArchiveEntry.DEFLATED);
          stored = !stored;
          out.putArchiveEntry(entry);
          out.write(e.getValue());
          out.closeArchiveEntry();
        }
      }
      roots.reopen();
      try (ZipFile zf =
          ZipFile.builder()
              .setSeekableByteChannel(Files.newByteChannel(roots.path("/a.zip")))
              .get()) {
        int n = 0;
        for (ZipArchiveEntry e : Collections.list(zf.getEntries())) {
          n++;
          try (InputStream in = zf.getInputStream(e)) {
            assertArrayEquals(contents.get(e.getName()), in.readAllBytes(), e.getName());
          }
          assertEquals(contents.get(e.getName()).length, e.getSize(), e.getName());
          // no data descriptor: the writer patched the local header in place
          assertFalse(e.getGeneralPurposeBit().usesDataDescriptor(), e.getName());
        }
        assertEquals(contents.size(), n);
      }
      assertRawIsNot(roots, "a.zip", "compressible line");
    }
  }

  @ParameterizedTest(name = "disk={0}")
  @ValueSource(booleans = {false, true})
  void sevenZOverSeekableChannel(boolean disk) throws Exception {
    Map<String, byte[]> contents = contents();
    try (ClientRoots roots = ClientRoots.create(disk ? tmp : null)) {
      Path archive = roots.path("/a.7z");
      try (SevenZOutputFile out = new SevenZOutputFile(newArchive(archive))) {
        for (var e : contents.entrySet()) {
          SevenZArchiveEntry entry = new SevenZArchiveEntry();
          entry.setName(e.getKey());
          out.putArchiveEntry(entry);
          out.write(e.getValue());
          out.closeArchiveEntry();
        }
      }
      roots.reopen();
      try (SevenZFile in =
          SevenZFile.builder()
              .setSeekableByteChannel(Files.newByteChannel(roots.path("/a.7z")))
              .get()) {
        int n = 0;
        for (SevenZArchiveEntry e; (e = in.getNextEntry()) != null; ) {
          n++;
          byte[] expected = contents.get(e.getName());
          assertEquals(expected.length, e.getSize(), e.getName());
          byte[] actual = new byte[(int) e.getSize()];
          int off = 0;
          while (off < actual.length) {
            int r = in.read(actual, off, actual.length - off);
            assertTrue(r > 0, "short entry " + e.getName());
            off += r;
          }
          assertArrayEquals(expected, actual, e.getName());
        }
        assertEquals(contents.size(), n);
        assertNull(in.getNextEntry());
      }
    }
  }

  private static void assertRawIsNot(ClientRoots roots, String name, String cleartext)
      throws Exception {
    byte[] raw = Files.readAllBytes(roots.rawDir.resolve(name));
    assertFalse(raw[0] == 'P' && raw[1] == 'K', "raw file starts with a zip signature");
    assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("small entry"), cleartext);
  }
}
