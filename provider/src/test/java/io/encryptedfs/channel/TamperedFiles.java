package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.format.FormatException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailCodec;
import io.encryptedfs.format.TailRecord;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.LongEmptyFiles;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The encrypted files the tamper tests alter, and the check of how each reads back; closes every
 * root and Jimfs instance it made, the roots first.
 */
final class TamperedFiles implements AutoCloseable {
  private static final String NAME = "f.bin";
  private static final String PATH = "/" + NAME;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** A Jimfs instance closed with the rest. */
  FileSystem newJimfs() {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    toClose.add(jimfs);
    return jimfs;
  }

  /** {@code /f.bin} of {@code size} bytes in a root on a Jimfs instance of its own, forced. */
  Fixture jimfsFixture(String alg, int b, int size) throws IOException {
    return fixture(newJimfs().getPath("/data"), new InMemoryKeys("master"), alg, b, size, size);
  }

  /** {@code /f.bin} in a root over {@code dir}, forced. */
  Fixture fixture(Path dir, InMemoryKeys keys, String alg, int blockSize, int size, long seed)
      throws IOException {
    return new Fixture(dir, keys, alg, blockSize, size, seed, true);
  }

  /** {@code /f.bin} in a root over {@code dir}, forced or not. */
  Fixture fixture(
      Path dir, InMemoryKeys keys, String alg, int blockSize, int size, long seed, boolean forced)
      throws IOException {
    return new Fixture(dir, keys, alg, blockSize, size, seed, forced);
  }

  @Override
  public void close() throws Exception {
    // Encrypted roots before the Jimfs instances under them.
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** One encrypted root over {@code dir} holding {@code /f.bin} with seeded random content. */
  final class Fixture {
    final Path dir;
    final FileSystem fs;
    final Path file;
    final Path raw;
    final Geometry g;
    final byte[] content;
    final byte[] rawBytes;

    /**
     * Writes the file with {@code Files.write} and, when {@code forced}, forces it: a forced file's
     * header names its durable tail record, so damage to that record is reported.
     */
    private Fixture(
        Path dir, InMemoryKeys keys, String alg, int blockSize, int size, long seed, boolean forced)
        throws IOException {
      this.dir = dir;
      this.fs = TestRoots.open(dir, keys, alg, blockSize);
      toClose.add(fs);
      this.file = fs.getPath(PATH);
      this.raw = dir.resolve(NAME);
      this.g = Geometry.ofBlockSize(blockSize);
      this.content = new byte[size];
      new Random(seed).nextBytes(content);
      Files.write(file, content);
      if (forced) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      this.rawBytes = Files.readAllBytes(raw);
      // A cleanly closed file is exactly its front region and its full home blocks.
      assertEquals(g.rawLength(g.homeBlocks(size)), rawBytes.length);
      assertArrayEquals(content, Files.readAllBytes(file));
    }

    /** The slot holding the newest tail record of the untouched file. */
    int newestSlot() {
      int best = -1;
      long bestSeq = 0;
      for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
        TailRecord r = record(s);
        if (r != null && r.sequence() > bestSeq) {
          best = s;
          bestSeq = r.sequence();
        }
      }
      return best;
    }

    /** The record whose metadata slot {@code s} holds in the untouched file, or null. */
    TailRecord record(int s) {
      try {
        return TailCodec.decode(
            ByteBuffer.wrap(rawBytes, (int) g.tailSlotOffset(s), Geometry.TAIL_META_SIZE), g);
      } catch (FormatException e) {
        return null;
      }
    }

    void restore() throws IOException {
      Files.write(raw, rawBytes);
    }

    /** Cuts the raw file to its first {@code length} bytes, as tampering long before the open. */
    void cutTo(long length) throws IOException {
      Files.write(raw, Arrays.copyOf(rawBytes, Math.toIntExact(length)));
      LongEmptyFiles.dateBack(raw);
    }

    /**
     * Reads the file whole: the content must be {@code expected} or one of {@code alsoAllowed}, or
     * an IOException naming the file must be thrown, which when it names a block names {@code
     * damagedBlock}. Returns the exception, or null.
     */
    IOException check(String what, long damagedBlock) {
      byte[] got;
      try {
        got = Files.readAllBytes(file);
      } catch (IOException e) {
        assertWellFormed(what, e, damagedBlock);
        return e;
      } catch (RuntimeException e) {
        throw new AssertionError(what + ": unexpected " + e, e);
      }
      if (Arrays.equals(content, got)) {
        return null;
      }
      fail(
          what
              + ": returned "
              + got.length
              + " bytes of other content (wrote "
              + content.length
              + ")");
      return null;
    }

    IOException mustThrow(String what, long damagedBlock) {
      IOException e = check(what, damagedBlock);
      if (e == null) {
        fail(what + ": read succeeded");
      }
      return e;
    }
  }

  private static void assertWellFormed(String what, IOException e, long damagedBlock) {
    String m = String.valueOf(e.getMessage());
    assertTrue(m.contains(PATH), what + ": message does not name the file: " + m);
    assertTrue(
        e instanceof DamagedFileException
            || e instanceof KeyMismatchException
            || e instanceof UnknownKeyAliasException,
        what + ": unexpected exception type " + e);
    if (e instanceof DamagedFileException d) {
      assertEquals(PATH, d.path(), what);
      if (d.block() >= 0 || damagedBlock >= 0) {
        assertEquals(damagedBlock, d.block(), what + ": wrong block in " + m);
      }
      assertEquals(d.block() >= 0, d.blockSize() > 0, what + ": a named block has its size");
    }
  }
}
