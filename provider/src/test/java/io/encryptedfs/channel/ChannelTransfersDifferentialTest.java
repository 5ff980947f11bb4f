package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers whose other end is the same file, beside the default file system: a transfer copies
 * what the file held when it began, so one that writes into its own source's range stops there, as
 * the JDK's does, rather than copying its own output again until {@code count} runs out.
 */
class ChannelTransfersDifferentialTest {
  private static final int SIZE = 20_000;

  private interface Call {
    Object call() throws IOException;
  }

  private static String outcome(Call call) {
    try {
      return String.valueOf(call.call());
    } catch (IOException | RuntimeException e) {
      return "threw " + e.getClass().getName();
    }
  }

  private static List<String> to(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    Files.write(f, data());
    try (FileChannel a = FileChannel.open(f, READ, WRITE);
        FileChannel b = FileChannel.open(f, READ, WRITE)) {
      // Into the same file at its end: the copy grows what is left to copy. (Ranges that overlap
      // are left out: the JDK's result there depends on how the kernel copies.)
      seen.add(outcome(() -> a.transferTo(0, 10 * SIZE, b.position(SIZE))));
      seen.add(outcome(() -> b.position() + " " + a.size()));
      seen.add(outcome(() -> a.transferTo(SIZE, 10 * SIZE, a)));
      seen.add(outcome(() -> a.position() + " " + a.size()));
    }
    seen.add(outcome(() -> Arrays.hashCode(Files.readAllBytes(f))));
    return seen;
  }

  private static List<String> from(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    Files.write(f, data());
    try (FileChannel a = FileChannel.open(f, READ, WRITE);
        FileChannel b = FileChannel.open(f, READ, WRITE)) {
      // From the same file to its end: doubles it once, the copy never reading its own output.
      seen.add(outcome(() -> a.transferFrom(b.position(0), SIZE, 10 * SIZE)));
      seen.add(outcome(() -> b.position() + " " + a.size()));
      seen.add(outcome(() -> a.transferFrom(a.position(0), 2 * SIZE, 10 * SIZE)));
      seen.add(outcome(() -> a.position() + " " + a.size()));
    }
    try (FileChannel a = FileChannel.open(f, READ, WRITE);
        FileChannel writeOnly = FileChannel.open(f, WRITE)) {
      // A source the JDK cannot read from is refused, even with nothing left in it to copy.
      seen.add(outcome(() -> a.transferFrom(writeOnly.position(a.size()), 0, 10)));
      seen.add(outcome(() -> a.transferFrom(writeOnly.position(0), 0, 10)));
    }
    seen.add(outcome(() -> Arrays.hashCode(Files.readAllBytes(f))));
    return seen;
  }

  /**
   * Transfers longer than several of the channel's buffers ({@link ChannelTransfers#CHUNK}), from
   * and to a plain file, starting inside a block and asking for more than there is.
   */
  private static List<String> longTransfers(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    byte[] data = new byte[3 * ChannelTransfers.CHUNK + 12_345];
    new Random(39).nextBytes(data);
    Path source = Files.createTempFile("transfer-source", ".bin");
    Path target = Files.createTempFile("transfer-target", ".bin");
    try {
      Files.write(source, data);
      try (FileChannel a = FileChannel.open(f, READ, WRITE, CREATE);
          FileChannel in = FileChannel.open(source, READ)) {
        // at the file's end (before JDK 21 a transfer from past the end transfers nothing)
        a.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
        seen.add(outcome(() -> a.transferFrom(in.position(3), 5, 2L * data.length)));
        seen.add(outcome(() -> in.position() + " " + a.position() + " " + a.size()));
      }
      seen.add(outcome(() -> Arrays.hashCode(Files.readAllBytes(f))));
      try (FileChannel a = FileChannel.open(f, READ);
          FileChannel out = FileChannel.open(target, WRITE)) {
        seen.add(outcome(() -> a.transferTo(7, 2L * data.length, out)));
        seen.add(outcome(() -> out.position() + " " + a.position()));
      }
      seen.add(outcome(() -> Arrays.hashCode(Files.readAllBytes(target))));
    } finally {
      Files.delete(source);
      Files.delete(target);
    }
    // what the source held past its position, then what the file holds past 7 (written from 5)
    assertEquals(String.valueOf(data.length - 3), seen.get(0), seen::toString);
    assertEquals(String.valueOf(data.length - 3 + 5 - 7), seen.get(3), seen::toString);
    return seen;
  }

  private static byte[] data() {
    byte[] data = new byte[SIZE];
    new Random(5).nextBytes(data);
    return data;
  }

  @Test
  void transferToTheSameFileCopiesWhatItHeldWhenTheTransferBegan(@TempDir Path tmp)
      throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, ChannelTransfersDifferentialTest::to);
  }

  @Test
  void longTransfersToAndFromAPlainFileGiveWhatTheDefaultFileSystemGives(@TempDir Path tmp)
      throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, ChannelTransfersDifferentialTest::longTransfers);
  }

  @Test
  void transferFromTheSameFileCopiesWhatItHeldWhenTheTransferBegan(@TempDir Path tmp)
      throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, ChannelTransfersDifferentialTest::from);
  }
}
