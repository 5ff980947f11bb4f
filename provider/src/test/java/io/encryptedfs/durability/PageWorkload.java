package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.google.common.util.concurrent.Futures;
import io.encryptedfs.EncryptedFileSystems;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Random positional writes on one file: overwrites in the middle (full aligned blocks and partial
 * ranges), extensions past the end that leave holes, and truncate-then-rewrite, with occasional
 * forces, or with forces from another thread. Keeps the cleartext after every operation and which
 * home blocks each overwrote in place, so that a checkpoint can say what a crash may show: the
 * states since the newest one a completed force covers.
 */
final class PageWorkload {
  static final String FILE = Restorer.ROOT + "/pages";
  private static final long HOLD_NANOS = 3_000_000;

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

  /** The cleartext after every operation, and the home blocks each rewrote in place. */
  private final List<byte[]> states = new ArrayList<>();

  private final List<BitSet> inPlace = new ArrayList<>();

  /** The newest state this thread's own forces, truncates and closes made durable. */
  private int forced;

  /** The newest state another thread's completed force covers (it began after that state). */
  private final AtomicInteger forcedBeside = new AtomicInteger();

  private volatile int latest;
  private final boolean forcesBeside;

  /** The most blocks one overwrite in the middle covers. */
  private final int writeBlocks;

  private byte[] content = new byte[0];

  private PageWorkload(int blockSize, boolean forcesBeside, int writeBlocks) {
    this.blockSize = blockSize;
    this.forcesBeside = forcesBeside;
    this.writeBlocks = writeBlocks;
    states.add(content);
    inPlace.add(new BitSet());
  }

  static PageWorkload run(String algorithm, int blockSize, int operations, long seed)
      throws IOException {
    return run(algorithm, blockSize, operations, seed, "write-through", false, 2);
  }

  /**
   * The same kinds of operations, but the overwrites in the middle cover up to 256 KiB: long
   * writes, whose home blocks the writing thread and the crypto helpers seal at once.
   */
  static PageWorkload runLongWrites(String algorithm, int blockSize, int operations, long seed)
      throws IOException {
    return run(
        algorithm, blockSize, operations, seed, "write-through", false, 256 * 1024 / blockSize);
  }

  /**
   * The same operations, but forced only by another thread, in a loop, each force held in the fault
   * file system for a random moment so that writes run while it does: a crash may then keep only
   * what a force covers, which is every write that returned before it began. A checkpoint is taken
   * after every operation. {@code mode} is the {@code write.mode}.
   */
  static PageWorkload runBesideAForcer(
      String algorithm, int blockSize, String mode, int operations, long seed) throws IOException {
    return run(algorithm, blockSize, operations, seed, mode, true, 2);
  }

  private static PageWorkload run(
      String algorithm,
      int blockSize,
      int operations,
      long seed,
      String mode,
      boolean forcesBeside,
      int writeBlocks)
      throws IOException {
    PageWorkload w = new PageWorkload(blockSize, forcesBeside, writeBlocks);
    SplittableRandom random = new SplittableRandom(seed);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      Map<String, Object> env = TestRoots.env(w.keys, algorithm, blockSize);
      env.put(EncryptedFileSystems.WRITE_MODE, mode);
      FileSystem enc =
          EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
      try (FileChannel ch = FileChannel.open(enc.getPath("/pages"), CREATE_NEW, READ, WRITE)) {
        w.write(ch, 0, 6 * blockSize + blockSize / 3, random);
        w.force(ch, faults);
        AtomicBoolean running = new AtomicBoolean(true);
        Future<?> forcer =
            forcesBeside
                ? pool.submit(() -> w.forceInALoop(ch, faults, running))
                : CompletableFuture.completedFuture(null);
        try {
          for (int op = 0; op < operations; op++) {
            w.step(ch, faults, random);
          }
        } finally {
          running.set(false);
        }
        Futures.getUnchecked(forcer);
        faults.dropForces(path -> false);
        w.checkpoint(faults);
      }
      enc.close();
      w.forced();
      w.checkpoint(faults);
    } finally {
      pool.shutdownNow();
    }
    return w;
  }

  private Void forceInALoop(FileChannel ch, FaultInjectingFileSystem faults, AtomicBoolean running)
      throws IOException {
    // Held inside the underlying force, and paused between forces, for up to a few writes' time.
    faults.dropForces(
        path -> {
          LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(HOLD_NANOS));
          return false;
        });
    while (running.get()) {
      int covered = latest;
      ch.force(false);
      forcedBeside.accumulateAndGet(covered, Math::max);
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(HOLD_NANOS));
    }
    return null;
  }

  private void step(FileChannel ch, FaultInjectingFileSystem faults, SplittableRandom random)
      throws IOException {
    int size = content.length;
    int kind = random.nextInt(10);
    if (kind < 3 && size >= 2 * blockSize) {
      // A full, aligned page overwrite in the middle: the page-store case of promise 3.
      int block = random.nextInt(size / blockSize - 1);
      write(ch, (long) block * blockSize, blockSize * (1 + random.nextInt(writeBlocks)), random);
    } else if (kind < 6 && size > 0) {
      write(ch, random.nextInt(size), 1 + random.nextInt(writeBlocks * blockSize), random);
    } else if (kind < 8) {
      write(ch, size + random.nextInt(2 * blockSize + 1), 1 + random.nextInt(blockSize), random);
    } else {
      // Truncate forces (the shorter record must be durable before the raw file shrinks), so the
      // moments before it are a checkpoint of their own.
      checkpoint(faults);
      int to = random.nextInt(size + 1);
      ch.truncate(to);
      content = Arrays.copyOf(content, to);
      added(new BitSet());
      forced();
      write(ch, to, 1 + random.nextInt(blockSize), random);
    }
    if (forcesBeside) {
      checkpoint(faults);
    } else if (random.nextInt(4) == 0) {
      force(ch, faults);
    }
  }

  private void write(FileChannel ch, long position, int length, SplittableRandom random)
      throws IOException {
    byte[] data = new byte[length];
    random.nextBytes(data);
    int homeBlocks = content.length / blockSize;
    BitSet rewritten = new BitSet();
    for (long b = position / blockSize; b <= (position + length - 1) / blockSize; b++) {
      if (b < homeBlocks) {
        rewritten.set((int) b);
      }
    }
    ByteBuffer src = ByteBuffer.wrap(data);
    while (src.hasRemaining()) {
      ch.write(src, position + src.position());
    }
    byte[] next = Arrays.copyOf(content, (int) Math.max(content.length, position + length));
    System.arraycopy(data, 0, next, (int) position, length);
    content = next;
    added(rewritten);
  }

  private void added(BitSet rewritten) {
    states.add(content);
    inPlace.add(rewritten);
    latest = states.size() - 1;
  }

  private void force(FileChannel ch, FaultInjectingFileSystem faults) throws IOException {
    checkpoint(faults);
    ch.force(false);
    forced();
  }

  private void forced() {
    forced = states.size() - 1;
  }

  /**
   * Reads the other thread's forces before the snapshot, so that every force counted has completed
   * before it: the states kept may start earlier than the newest durable one, never later.
   */
  private void checkpoint(FaultInjectingFileSystem faults) throws IOException {
    int from = Math.max(forced, forcedBeside.get());
    Recording recording = faults.recording();
    BitSet since = new BitSet();
    for (int i = from + 1; i < states.size(); i++) {
      since.or(inPlace.get(i));
    }
    checkpoints.add(
        new Checkpoint(recording, List.copyOf(states.subList(from, states.size())), since));
  }
}
