package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random positional writes on one file: overwrites in the middle (full aligned blocks and partial
 * ranges), extensions past the end that leave holes, and truncate-then-rewrite, with occasional
 * forces. Keeps the cleartext after every operation since the last force (the states a crash may
 * show), and which home blocks were overwritten in place since that force.
 */
final class PageWorkload {
  static final String FILE = Restorer.ROOT + "/pages";

  /**
   * What a crash taken at this moment may leave.
   *
   * @param states the forced state first, then the state after each later operation
   * @param inPlace home blocks rewritten in place since the forced state
   */
  record Checkpoint(Recording recording, List<byte[]> states, BitSet inPlace) {
    byte[] forced() {
      return states.get(0);
    }

    byte[] latest() {
      return states.get(states.size() - 1);
    }
  }

  final InMemoryKeys keys = new InMemoryKeys("master");
  final List<Checkpoint> checkpoints = new ArrayList<>();
  private final int blockSize;
  private final List<byte[]> states = new ArrayList<>();
  private BitSet inPlace = new BitSet();
  private byte[] content = new byte[0];

  private PageWorkload(int blockSize) {
    this.blockSize = blockSize;
    states.add(content);
  }

  static PageWorkload run(String algorithm, int blockSize, int operations, long seed)
      throws IOException {
    PageWorkload w = new PageWorkload(blockSize);
    SplittableRandom random = new SplittableRandom(seed);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem enc =
          TestRoots.open(faults.root().resolve(Restorer.ROOT), w.keys, algorithm, blockSize);
      try (FileChannel ch = FileChannel.open(enc.getPath("/pages"), CREATE_NEW, READ, WRITE)) {
        w.write(ch, 0, 6 * blockSize + blockSize / 3, random);
        w.force(ch, faults);
        for (int op = 0; op < operations; op++) {
          w.step(ch, faults, random);
        }
        w.checkpoint(faults);
      }
      enc.close();
      w.forced();
      w.checkpoint(faults);
    }
    return w;
  }

  private void step(FileChannel ch, FaultInjectingFileSystem faults, SplittableRandom random)
      throws IOException {
    int size = content.length;
    int kind = random.nextInt(10);
    if (kind < 3 && size >= 2 * blockSize) {
      // A full, aligned page overwrite in the middle: the page-store case of promise 3.
      int block = random.nextInt(size / blockSize - 1);
      write(ch, (long) block * blockSize, blockSize * (1 + random.nextInt(2)), random);
    } else if (kind < 6 && size > 0) {
      write(ch, random.nextInt(size), 1 + random.nextInt(2 * blockSize), random);
    } else if (kind < 8) {
      write(ch, size + random.nextInt(2 * blockSize + 1), 1 + random.nextInt(blockSize), random);
    } else {
      // Truncate forces (the shorter record must be durable before the raw file shrinks), so the
      // moments before it are a checkpoint of their own.
      checkpoint(faults);
      int to = random.nextInt(size + 1);
      ch.truncate(to);
      content = Arrays.copyOf(content, to);
      forced();
      write(ch, to, 1 + random.nextInt(blockSize), random);
    }
    if (random.nextInt(4) == 0) {
      force(ch, faults);
    }
  }

  private void write(FileChannel ch, long position, int length, SplittableRandom random)
      throws IOException {
    byte[] data = new byte[length];
    random.nextBytes(data);
    int homeBlocks = content.length / blockSize;
    for (long b = position / blockSize; b <= (position + length - 1) / blockSize; b++) {
      if (b < homeBlocks) {
        inPlace.set((int) b);
      }
    }
    ByteBuffer src = ByteBuffer.wrap(data);
    while (src.hasRemaining()) {
      ch.write(src, position + src.position());
    }
    byte[] next = Arrays.copyOf(content, (int) Math.max(content.length, position + length));
    System.arraycopy(data, 0, next, (int) position, length);
    content = next;
    states.add(content);
  }

  private void force(FileChannel ch, FaultInjectingFileSystem faults) throws IOException {
    checkpoint(faults);
    ch.force(false);
    forced();
  }

  private void forced() {
    states.clear();
    states.add(content);
    inPlace = new BitSet();
  }

  private void checkpoint(FaultInjectingFileSystem faults) throws IOException {
    checkpoints.add(
        new Checkpoint(faults.recording(), List.copyOf(states), (BitSet) inPlace.clone()));
  }
}
