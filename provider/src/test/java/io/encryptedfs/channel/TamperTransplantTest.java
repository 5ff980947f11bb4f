package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.encryptedfs.channel.TamperedFiles.Fixture;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Swaps the sealed units of a closed encrypted file among themselves and transplants units of
 * another file under the same master key: each is reported, or (for a single tail slot, when
 * another of the file's records stands in) reads back the content written. The invariant is {@link
 * TamperTest}'s.
 */
class TamperTransplantTest {
  private final TamperedFiles files = new TamperedFiles();

  @AfterEach
  void closeAll() throws Exception {
    files.close();
  }

  @Test
  void swappedAndTransplantedUnitsAreReported() throws IOException {
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      for (int b : new int[] {4096, 16384}) {
        FileSystem jimfs = files.newJimfs();
        InMemoryKeys keys = new InMemoryKeys("master");
        int size = 3 * b + 17;
        Fixture f = files.fixture(jimfs.getPath("/data"), keys, alg, b, size, 1);
        // Another file under the same master key, same size and block size.
        Fixture other = files.fixture(jimfs.getPath("/other"), keys, alg, b, size, 2);
        Geometry g = f.g;
        int sealed = g.sealedBlockSize();
        String ctx = alg + " B=" + b + ": ";

        byte[] swapped = f.rawBytes.clone();
        copy(f.rawBytes, g.homeOffset(2), swapped, g.homeOffset(0), sealed);
        copy(f.rawBytes, g.homeOffset(0), swapped, g.homeOffset(2), sealed);
        Files.write(f.raw, swapped);
        f.mustThrow(ctx + "home blocks 0 and 2 swapped", 0);

        byte[] swapped01 = f.rawBytes.clone();
        copy(f.rawBytes, g.homeOffset(1), swapped01, g.homeOffset(0), sealed);
        copy(f.rawBytes, g.homeOffset(0), swapped01, g.homeOffset(1), sealed);
        Files.write(f.raw, swapped01);
        f.mustThrow(ctx + "home blocks 0 and 1 swapped", 0);

        for (long i = 0; i < 3; i++) {
          byte[] mixed = f.rawBytes.clone();
          copy(other.rawBytes, g.homeOffset(i), mixed, g.homeOffset(i), sealed);
          Files.write(f.raw, mixed);
          f.mustThrow(ctx + "home block " + i + " from another file", i);
        }

        // One tail slot from the other file: its record cannot authenticate here, so the reader
        // either uses another of this file's records (same content) or fails.
        for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
          byte[] mixed = f.rawBytes.clone();
          copy(other.rawBytes, g.tailSlotOffset(s), mixed, g.tailSlotOffset(s), g.tailSlotSize());
          Files.write(f.raw, mixed);
          f.check(ctx + "tail slot " + s + " from another file", -1);
        }
        // All three tail slots from the other file: no record of this file is left.
        byte[] tails = f.rawBytes.clone();
        copy(other.rawBytes, 512, tails, 512, (int) (g.frontSize() - 512));
        Files.write(f.raw, tails);
        f.mustThrow(ctx + "all tail slots from another file", -1);

        // Both header slots from the other file: it authenticates, but it is the other file's key
        // and id, under which none of this file's records open.
        byte[] header = f.rawBytes.clone();
        copy(other.rawBytes, 0, header, 0, 512);
        Files.write(f.raw, header);
        f.mustThrow(ctx + "header from another file", -1);

        f.restore();
        assertArrayEquals(f.content, Files.readAllBytes(f.file));
      }
    }
  }

  /**
   * One header slot (of two) from another file under the same master key, over either of this
   * file's: the other slot's header stands in, or the file is reported.
   */
  @Test
  void oneHeaderSlotFromAnotherFileIsReportedOrHarmless() throws IOException {
    for (String alg : new String[] {"AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"}) {
      FileSystem jimfs = files.newJimfs();
      InMemoryKeys keys = new InMemoryKeys("master");
      int b = 4096;
      Fixture f = files.fixture(jimfs.getPath("/data"), keys, alg, b, 2 * b + 5, 1);
      Fixture other = files.fixture(jimfs.getPath("/other"), keys, alg, b, 3 * b + 9, 2);
      int slot = Geometry.HEADER_SLOT_SIZE;
      for (int to = 0; to < 2; to++) {
        for (int from = 0; from < 2; from++) {
          byte[] mixed = f.rawBytes.clone();
          copy(other.rawBytes, (long) from * slot, mixed, (long) to * slot, slot);
          Files.write(f.raw, mixed);
          f.check(alg + ": header slot " + to + " from the other file's slot " + from, -1);
        }
      }
      f.restore();
      assertArrayEquals(f.content, Files.readAllBytes(f.file));
    }
  }

  /**
   * One of the file's own tail slots copied over another, forced or not: a record with the same
   * sequence twice, or an older one beside the newest, is reported or read as the content written.
   */
  @Test
  void aTailSlotCopiedOverAnotherOfTheFileIsReportedOrHarmless() throws IOException {
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      for (boolean forced : new boolean[] {true, false}) {
        FileSystem jimfs = files.newJimfs();
        Fixture f =
            files.fixture(
                jimfs.getPath("/data"), new InMemoryKeys("master"), alg, 4096, 4096 + 7, 3, forced);
        Geometry g = f.g;
        for (int from = 0; from < Geometry.TAIL_SLOTS; from++) {
          for (int to = 0; to < Geometry.TAIL_SLOTS; to++) {
            if (from != to) {
              byte[] mixed = f.rawBytes.clone();
              copy(
                  f.rawBytes,
                  g.tailSlotOffset(from),
                  mixed,
                  g.tailSlotOffset(to),
                  g.tailSlotSize());
              Files.write(f.raw, mixed);
              f.check(alg + " forced=" + forced + ": tail slot " + from + " over " + to, -1);
            }
          }
        }
        f.restore();
      }
    }
  }

  private static void copy(byte[] from, long fromOffset, byte[] to, long toOffset, int n) {
    System.arraycopy(from, (int) fromOffset, to, (int) toOffset, n);
  }
}
