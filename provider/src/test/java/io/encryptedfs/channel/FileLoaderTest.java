package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loading a file reads its front region in as few underlying reads as its block size allows (one
 * for the default 4 KiB blocks), and a front region cut short between those reads is reported as
 * truncation.
 */
class FileLoaderTest {
  private final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
  private final InMemoryKeys keys = new InMemoryKeys("k0");
  private final OpenFiles files = new OpenFiles(keys, new SecureRandom());
  private final FaultInjectingFileSystem faults;

  FileLoaderTest() throws IOException {
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  @AfterEach
  void close() throws IOException {
    jimfs.close();
  }

  @ParameterizedTest(name = "block size {0}")
  @ValueSource(ints = {4096, 16384, 1 << 20})
  void anOpenReadsTheFrontRegionInOneReadOrTwo(int blockSize) throws IOException {
    Geometry g = Geometry.ofBlockSize(blockSize);
    Path file = faults.root().resolve("f");
    byte[] content = new byte[blockSize + 1234];
    new SplittableRandom(blockSize).nextBytes(content);
    create(file, content, g);

    AtomicInteger reads = new AtomicInteger();
    faults.beforeReads(p -> reads.incrementAndGet());
    try (FileChannel ch = open(file, g)) {
      // The header and, for the smallest block size, every tail slot come in the first read;
      // larger blocks need one more for the rest of their tail slots.
      assertEquals(blockSize == 4096 ? 1 : 2, reads.get());
      assertArrayEquals(content, readAll(ch, content.length));
    }
  }

  @ParameterizedTest(name = "cut {0} bytes from the first read's end")
  @ValueSource(ints = {-1, 0, 1, 4000})
  void aFrontRegionThatShrinksDuringItsLoadIsTruncation(int cut) throws IOException {
    Geometry g = Geometry.ofBlockSize(16384);
    Path file = faults.root().resolve("f");
    create(file, new byte[100], g);
    long firstRead = Geometry.ofShift(Geometry.MIN_BLOCK_SHIFT).frontSize();
    Path underlying = jimfs.getPath("/db/f");
    AtomicInteger reads = new AtomicInteger();
    faults.beforeReads(
        p -> {
          if (reads.incrementAndGet() == 2) {
            // Between the load's two reads, through the underlying file system.
            try (FileChannel raw = FileChannel.open(underlying, StandardOpenOption.WRITE)) {
              raw.truncate(firstRead + cut);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });

    DamagedFileException e = assertThrows(DamagedFileException.class, () -> open(file, g).close());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertEquals(-1, e.block());
    assertTrue(reads.get() >= 2, "the load read past the first read's end");
  }

  /**
   * A key provider may load another encrypted file on the loading thread while a header
   * authenticates (its keys kept in an encrypted file system, say): the outer load still reads its
   * own front region.
   */
  @Test
  void aKeyProviderThatLoadsAnotherFileMeanwhileLeavesTheLoadIntact() throws IOException {
    Geometry g = Geometry.ofBlockSize(4096);
    Path file = faults.root().resolve("f");
    byte[] content = new byte[5_000];
    new SplittableRandom(7).nextBytes(content);
    create(file, content, g);
    Path vault = Files.createDirectories(jimfs.getPath("/vault")).resolve("v");
    OpenFiles vaultFiles = new OpenFiles(new InMemoryKeys("k0"), new SecureRandom());
    NewFilePolicy chacha = new NewFilePolicy(Algorithm.CHACHA20_POLY1305, g, "k0");
    create(vaultFiles, vault, new byte[3_000], chacha);
    AtomicInteger vaultLoads = new AtomicInteger();
    KeyProvider loadingKeys =
        new KeyProvider() {
          @Override
          public SecretKey masterKey(String alias) throws IOException {
            try (FileChannel v =
                vaultFiles.newFileChannel(vault, "/v", EnumSet.of(StandardOpenOption.READ), null)) {
              assertEquals(3_000, v.size());
            }
            vaultLoads.incrementAndGet();
            return keys.masterKey(alias);
          }

          @Override
          public Set<String> aliases() throws IOException {
            return keys.aliases();
          }

          @Override
          public void close() {}
        };
    OpenFiles outer = new OpenFiles(loadingKeys, new SecureRandom());
    try (FileChannel ch =
        outer.newFileChannel(file, "/f", EnumSet.of(StandardOpenOption.READ), null)) {
      assertArrayEquals(content, readAll(ch, content.length));
    }
    assertTrue(vaultLoads.get() > 0, "the key provider loaded its file during the load");
  }

  /** Up to {@code length} bytes from the start of {@code ch}, fewer if it ends first. */
  private static byte[] readAll(FileChannel ch, int length) throws IOException {
    ByteBuffer back = ByteBuffer.allocate(length);
    while (back.hasRemaining() && ch.read(back, back.position()) >= 0) {
      // to the end
    }
    return Arrays.copyOf(back.array(), back.position());
  }

  private void create(Path file, byte[] content, Geometry g) throws IOException {
    create(files, file, content, new NewFilePolicy(Algorithm.AES_256_GCM, g, "k0"));
  }

  private static void create(OpenFiles in, Path file, byte[] content, NewFilePolicy policy)
      throws IOException {
    try (FileChannel ch =
        in.newFileChannel(
            file,
            "/" + file.getFileName(),
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            policy)) {
      ch.write(ByteBuffer.wrap(content), 0);
    }
  }

  private FileChannel open(Path file, Geometry g) throws IOException {
    return files.newFileChannel(
        file,
        "/f",
        EnumSet.of(StandardOpenOption.READ),
        new NewFilePolicy(Algorithm.AES_256_GCM, g, "k0"));
  }
}
