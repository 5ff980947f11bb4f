package io.encryptedfs.channel;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The steps {@link ConfigDifferentialTest} applies to a plain and an encrypted file: besides what
 * {@link ChannelOps} has, direct, offset and read-only buffers, gathering and scattering over part
 * of an array, positional writes through the APPEND channel, transfers to and from plain file
 * channels, locks, and the close and reopen of one channel or of the whole file system.
 */
final class ConfigOps {
  private ConfigOps() {}

  /** The kind of buffer an op reads into or writes from. */
  enum Buf {
    HEAP,
    DIRECT,
    /** A heap buffer whose position and array offset are not 0. */
    OFFSET,
    READ_ONLY
  }

  /** One step; toString is what jqwik prints for a shrunk counterexample. */
  sealed interface Op {
    /** The channel: 0 and 1 READ+WRITE, 2 WRITE+APPEND, 3 READ; -1 for whole-file steps. */
    default int ch() {
      return -1;
    }
  }

  record Write(int ch, int len, int seed, Buf buf) implements Op {}

  record PWrite(int ch, long pos, int len, int seed, Buf buf) implements Op {}

  record Read(int ch, int len, Buf buf) implements Op {}

  record PRead(int ch, long pos, int len, Buf buf) implements Op {}

  /** {@code write(srcs, 1, lens.size())} over one empty buffer and then {@code lens}. */
  record Gather(int ch, List<Integer> lens, int seed, boolean direct) implements Op {}

  /** {@code read(dsts, 1, lens.size())} over one unused buffer and then {@code lens}. */
  record Scatter(int ch, List<Integer> lens, boolean direct) implements Op {}

  record SetPosition(int ch, long pos) implements Op {}

  record Size(int ch) implements Op {}

  record Truncate(int ch, long size) implements Op {}

  record Force(int ch, boolean metaData) implements Op {}

  /** transferTo a plain file channel positioned at {@code targetPos}. */
  record TransferToFile(int ch, long pos, long count, long targetPos) implements Op {}

  /** transferFrom a plain file of {@code srcLen} bytes positioned at {@code srcPos}. */
  record TransferFromFile(int ch, long pos, long count, int srcLen, long srcPos, int seed)
      implements Op {}

  record Lock(int ch, long pos, long size, boolean shared, boolean tryLock) implements Op {}

  record ReleaseLocks(int ch) implements Op {}

  /** Close one channel (and so its locks) and open it again, the others staying open. */
  record ReopenChannel(int ch) implements Op {}

  /** Close every channel and the file system, and open them again. */
  record ReopenFs() implements Op {}

  /** Close the file system with its channels still open (it closes them), and open again. */
  record CloseFsUnderChannels() implements Op {}

  /** Compare the whole content and size of both files. */
  record Checkpoint() implements Op {}

  private static <T> Tuple2<Integer, Arbitrary<? extends T>> w(
      int weight, Arbitrary<? extends T> a) {
    return Tuple.of(weight, a);
  }

  /**
   * Lengths for blocks of {@code b} bytes: small ones, up to 12 KiB, and within two bytes of one or
   * two blocks (capped at {@code 2b + 2}, so 1 MiB blocks stay fast).
   */
  private static Arbitrary<Integer> length(int b) {
    return Arbitraries.<Integer>frequencyOf(
        w(3, Arbitraries.integers().between(0, 64)),
        w(2, Arbitraries.integers().between(0, 3 * 4096)),
        w(
            1,
            Combinators.combine(
                    Arbitraries.integers().between(0, 2), Arbitraries.integers().between(-2, 2))
                .as((k, d) -> Math.max(0, k * b + d))));
  }

  /** Positions up to about 3 blocks, biased to block boundaries and to just below them. */
  private static Arbitrary<Long> position(int b) {
    return Arbitraries.<Long>frequencyOf(
        w(2, Arbitraries.longs().between(0, 3L * 4096)),
        w(1, Arbitraries.longs().between(0, 3L * b)),
        w(
            3,
            Combinators.combine(
                    Arbitraries.integers().between(0, 3), Arbitraries.integers().between(-70, 70))
                .as((k, d) -> Math.max(0L, (long) k * b + d))),
        w(1, Arbitraries.of(-1L)));
  }

  private static Arbitrary<Long> lockPosition(int b) {
    return Arbitraries.<Long>frequencyOf(
        w(4, Arbitraries.longs().between(0, 2L * b)),
        w(1, Arbitraries.of(0L, Long.MAX_VALUE - 2, Long.MAX_VALUE - 1, Long.MAX_VALUE, -1L)));
  }

  private static Arbitrary<Long> lockSize() {
    return Arbitraries.<Long>frequencyOf(
        w(4, Arbitraries.longs().between(0, 200)),
        w(1, Arbitraries.of(0L, 1L, 2L, Long.MAX_VALUE, Long.MAX_VALUE - 1, -1L)));
  }

  /** Up to 40 steps on a file of {@code b}-byte blocks. */
  static Arbitrary<List<Op>> ops(int b) {
    // Mostly channels that may do the step, sometimes the one that may not.
    Arbitrary<Integer> any = Arbitraries.integers().between(0, 3);
    Arbitrary<Integer> writer = Arbitraries.of(0, 1, 2, 2, 0, 1, 2, 3);
    Arbitrary<Integer> reader = Arbitraries.of(0, 1, 3, 0, 1, 3, 2);
    Arbitrary<Integer> seed = Arbitraries.integers();
    Arbitrary<Buf> buf =
        Arbitraries.of(
            Buf.HEAP, Buf.HEAP, Buf.DIRECT, Buf.DIRECT, Buf.OFFSET, Buf.OFFSET, Buf.READ_ONLY);
    Arbitrary<Integer> len = length(b);
    Arbitrary<Long> pos = position(b);
    Arbitrary<Long> natural = pos.map(p -> Math.max(0L, p));
    Arbitrary<Boolean> bool = Arbitraries.of(true, false);
    Arbitrary<List<Integer>> lens = length(b).list().ofMinSize(0).ofMaxSize(4);
    Arbitrary<Op> op =
        Arbitraries.<Op>frequencyOf(
            w(6, Combinators.combine(writer, len, seed, buf).as(Write::new)),
            w(5, Combinators.combine(writer, pos, len, seed, buf).as(PWrite::new)),
            w(4, Combinators.combine(reader, len, buf).as(Read::new)),
            w(4, Combinators.combine(reader, pos, len, buf).as(PRead::new)),
            w(2, Combinators.combine(writer, lens, seed, bool).as(Gather::new)),
            w(2, Combinators.combine(reader, lens, bool).as(Scatter::new)),
            w(3, Combinators.combine(any, pos).as(SetPosition::new)),
            w(1, any.map(Size::new)),
            w(2, Combinators.combine(any, pos).as(Truncate::new)),
            w(1, Combinators.combine(any, bool).as(Force::new)),
            w(2, Combinators.combine(reader, natural, natural, natural).as(TransferToFile::new)),
            w(
                2,
                Combinators.combine(writer, natural, natural, len, natural, seed)
                    .as(TransferFromFile::new)),
            w(2, Combinators.combine(any, lockPosition(b), lockSize(), bool, bool).as(Lock::new)),
            w(1, any.map(ReleaseLocks::new)),
            w(1, any.map(ReopenChannel::new)),
            w(1, Arbitraries.just(new ReopenFs())),
            w(1, Arbitraries.just(new CloseFsUnderChannels())),
            w(1, Arbitraries.just(new Checkpoint())));
    return op.list().ofMinSize(8).ofMaxSize(40);
  }
}
