package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TempTrees;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file written through one encrypted file system and read through another at once (a root and
 * one nested in it, which act as two programs do, see {@link NestedRoots}), beside a writing and a
 * reading channel on one plain file: in write-through mode every read through the other file system
 * sees what the writes returned, and sizes agree. Now and then the two swap roles (the writer's
 * channel closes, handing the file on), and the roots differ in block size and algorithm, so the
 * file's own header decides for both.
 */
class TwoRootsDifferentialTest {
  sealed interface Op {}

  record Write(long pos, int len, int seed) implements Op {}

  record Append(int len, int seed) implements Op {}

  record Truncate(long size) implements Op {}

  record Read(long pos, int len) implements Op {}

  record RelativeRead(int len) implements Op {}

  record Size() implements Op {}

  record WriterReads(long pos, int len) implements Op {}

  record Force() implements Op {}

  /** The writer's channel closes; the reader's file system writes from now on. */
  record Swap() implements Op {}

  private static final int B = 4096;

  @Property(tries = 40, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  void aReaderInAnotherRootSeesEveryReturnedWrite(@ForAll("ops") List<Op> ops) throws Exception {
    Path tmp = Files.createTempDirectory("efs-two-roots");
    try {
      run(tmp, ops);
    } finally {
      TempTrees.delete(tmp);
    }
  }

  private static Map<String, Object> env(InMemoryKeys keys, String algorithm, int blockSize) {
    Map<String, Object> env = TestRoots.env(keys, algorithm, blockSize);
    env.put(EncryptedFileSystems.WRITE_MODE, "write-through");
    return env;
  }

  private static void run(Path tmp, List<Op> ops) throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path plainFile = tmp.resolve("plain.bin");
    Path root = NestedRoots.root(tmp);
    List<String> log = new ArrayList<>();
    try (FileSystem outer = EncryptedFileSystems.newFileSystem(root, env(keys, "AES-256-GCM", B));
        FileSystem inner =
            EncryptedFileSystems.newFileSystem(
                NestedRoots.nested(root), env(keys, "CHACHA20-POLY1305", 4 * B))) {
      Path[] enc = {outer.getPath("/sub/f"), inner.getPath("/f")};
      int writer = 0;
      FileChannel plainWriter = FileChannel.open(plainFile, READ, WRITE, CREATE);
      FileChannel plainReader = FileChannel.open(plainFile, READ);
      FileChannel encWriter = FileChannel.open(enc[writer], READ, WRITE, CREATE);
      FileChannel encReader = FileChannel.open(enc[1 - writer], READ);
      try {
        for (Op op : ops) {
          log.add(op.toString());
          if (op instanceof Swap) {
            encWriter.close();
            encReader.close();
            writer = 1 - writer;
            encWriter = FileChannel.open(enc[writer], READ, WRITE);
            encReader = FileChannel.open(enc[1 - writer], READ);
            plainReader.position(0);
            continue;
          }
          String p = apply(op, plainWriter, plainReader);
          String e = apply(op, encWriter, encReader);
          assertEquals(p, e, () -> "after " + String.join("\n  ", log));
        }
        byte[] expected = Files.readAllBytes(plainFile);
        for (Path f : enc) {
          assertArrayEquals(expected, Files.readAllBytes(f), () -> f + " after " + log);
        }
      } finally {
        plainWriter.close();
        plainReader.close();
        encWriter.close();
        encReader.close();
      }
    }
  }

  private static String apply(Op op, FileChannel writer, FileChannel reader) {
    try {
      if (op instanceof Write w) {
        return "wrote " + writer.write(ByteBuffer.wrap(bytes(w.len(), w.seed())), w.pos());
      } else if (op instanceof Append a) {
        writer.position(writer.size());
        return "appended " + writer.write(ByteBuffer.wrap(bytes(a.len(), a.seed())));
      } else if (op instanceof Truncate t) {
        return "size " + writer.truncate(t.size()).size();
      } else if (op instanceof Read r) {
        return read(reader, r.pos(), r.len());
      } else if (op instanceof RelativeRead r) {
        ByteBuffer dst = ByteBuffer.allocate(r.len());
        int n = reader.read(dst);
        return "read " + n + " " + digest(dst) + " at " + reader.position();
      } else if (op instanceof Size) {
        return "size " + reader.size();
      } else if (op instanceof WriterReads r) {
        return read(writer, r.pos(), r.len());
      } else if (op instanceof Force) {
        writer.force(false);
        return "forced";
      }
      throw new AssertionError(op);
    } catch (IOException e) {
      return "threw " + e.getClass().getName();
    }
  }

  private static String read(FileChannel c, long pos, int len) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(len);
    int n = c.read(dst, pos);
    return "read " + n + " " + digest(dst);
  }

  private static byte[] bytes(int len, int seed) {
    byte[] b = new byte[len];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String digest(ByteBuffer b) {
    byte[] filled = new byte[b.position()];
    b.flip().get(filled);
    return filled.length
        + ":"
        + HexFormat.of().formatHex(filled, 0, Math.min(8, filled.length))
        + ":"
        + java.util.Arrays.hashCode(filled);
  }

  /**
   * Locks taken through two file systems on one file, against two channels of one plain file in one
   * program: the same ranges are granted, refused ({@code OverlappingFileLockException}) and given
   * back.
   */
  @Test
  void locksThroughTwoRootsMeetAsThroughTwoChannels(@TempDir Path tmp) throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path root = NestedRoots.root(tmp);
    Path plainFile = Files.write(tmp.resolve("plain.bin"), new byte[100]);
    try (FileSystem outer = EncryptedFileSystems.newFileSystem(root, env(keys, "AES-256-GCM", B));
        FileSystem inner =
            EncryptedFileSystems.newFileSystem(
                NestedRoots.nested(root), env(keys, "AES-256-GCM", B))) {
      Files.write(outer.getPath("/sub/f"), new byte[100]);
      List<String> plain = lockSteps(plainFile, plainFile);
      List<String> enc = lockSteps(outer.getPath("/sub/f"), inner.getPath("/f"));
      assertEquals(String.join("\n", plain), String.join("\n", enc));
    }
  }

  private static List<String> lockSteps(Path a, Path b) throws IOException {
    List<String> seen = new ArrayList<>();
    try (FileChannel ca = FileChannel.open(a, READ, WRITE);
        FileChannel cb = FileChannel.open(b, READ, WRITE)) {
      FileLock first = ca.lock(0, 10, false);
      seen.add(lockOutcome(() -> cb.tryLock(5, 10, false)));
      seen.add(lockOutcome(() -> cb.tryLock(5, 10, true)));
      seen.add(lockOutcome(() -> cb.lock(10, 10, false)));
      seen.add(lockOutcome(() -> ca.tryLock(9, 1, true)));
      first.release();
      seen.add(lockOutcome(() -> cb.tryLock(0, 5, true)));
      seen.add(lockOutcome(() -> ca.tryLock(0, 5, true)));
      seen.add(lockOutcome(() -> cb.lock()));
      seen.add(lockOutcome(() -> ca.write(ByteBuffer.wrap(new byte[] {7}), 3) + ""));
    }
    return seen;
  }

  private interface LockCall {
    Object call() throws IOException;
  }

  private static String lockOutcome(LockCall call) {
    try {
      Object o = call.call();
      return o instanceof FileLock l
          ? "locked " + l.position() + " " + l.size() + " " + l.isShared()
          : String.valueOf(o);
    } catch (Exception e) {
      return "threw " + e.getClass().getName();
    }
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Long> pos =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 6L * B),
            Combinators.combine(
                    Arbitraries.integers().between(0, 6), Arbitraries.integers().between(-3, 3))
                .as((k, d) -> Math.max(0L, (long) k * B + d)));
    Arbitrary<Integer> len =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 3 * B));
    Arbitrary<Integer> seed = Arbitraries.integers();
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Combinators.combine(pos, len, seed).as(Write::new)),
            net.jqwik.api.Tuple.of(4, Combinators.combine(len, seed).as(Append::new)),
            net.jqwik.api.Tuple.of(1, pos.map(Truncate::new)),
            net.jqwik.api.Tuple.of(5, Combinators.combine(pos, len).as(Read::new)),
            net.jqwik.api.Tuple.of(3, len.map(RelativeRead::new)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(new Size())),
            net.jqwik.api.Tuple.of(2, Combinators.combine(pos, len).as(WriterReads::new)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Force())),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Swap())));
    return op.list().ofMinSize(5).ofMaxSize(40);
  }
}
