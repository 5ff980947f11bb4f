package io.encryptedfs.channel;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The steps {@link DifferentialChannelTest} applies to a plain and an encrypted file, and their
 * generators.
 */
final class ChannelOps {
  private ChannelOps() {}

  /** One step; toString is what jqwik prints for a shrunk counterexample. */
  sealed interface Op {
    /** The channel the op runs on: 0 and 1 READ+WRITE, 2 APPEND; -1 for whole-file steps. */
    default int ch() {
      return -1;
    }
  }

  record Write(int ch, int len, int seed) implements Op {}

  record PWrite(int ch, long pos, int len, int seed) implements Op {}

  record Read(int ch, int len) implements Op {}

  record PRead(int ch, long pos, int len) implements Op {}

  record ScatterRead(int ch, List<Integer> lens) implements Op {}

  record GatherWrite(int ch, List<Integer> lens, int seed) implements Op {}

  record SetPosition(int ch, long pos) implements Op {}

  record GetPosition(int ch) implements Op {}

  record Size(int ch) implements Op {}

  record Truncate(int ch, long size) implements Op {}

  record Force(int ch, boolean metaData) implements Op {}

  record TransferTo(int ch, long pos, long count) implements Op {}

  record TransferFrom(int ch, long pos, long count, int srcLen, int seed) implements Op {}

  /** Compare the whole content and size of both files. */
  record Checkpoint() implements Op {}

  /** Close every channel and the encrypted file system, reopen both: state must persist. */
  record Reopen() implements Op {}

  /** Lengths 0..3B, half of them within one byte of a block multiple. */
  private static Arbitrary<Integer> length(int b) {
    return Arbitraries.<Integer>frequencyOf(
        w(1, Arbitraries.integers().between(0, 3 * b)),
        w(
            1,
            Combinators.combine(
                    Arbitraries.integers().between(0, 3), Arbitraries.integers().between(-1, 1))
                .as((k, d) -> Math.max(0, k * b + d))),
        w(1, Arbitraries.integers().between(0, 64)));
  }

  /** Positions up to about 5 blocks (beyond EOF often), biased to block boundaries. */
  private static Arbitrary<Long> position(int b) {
    return Arbitraries.<Long>frequencyOf(
        w(3, Arbitraries.longs().between(0, 5L * b)),
        w(
            3,
            Combinators.combine(
                    Arbitraries.integers().between(0, 5), Arbitraries.integers().between(-1, 1))
                .as((k, d) -> Math.max(0L, (long) k * b + d))),
        w(1, Arbitraries.of(-1L)));
  }

  private static <T> Tuple2<Integer, Arbitrary<? extends T>> w(
      int weight, Arbitrary<? extends T> a) {
    return Tuple.of(weight, a);
  }

  /** Up to 30 steps on a file of {@code b}-byte blocks. */
  static Arbitrary<List<Op>> ops(int b) {
    Arbitrary<Integer> rw = Arbitraries.integers().between(0, 1);
    Arbitrary<Integer> any = Arbitraries.integers().between(0, 2);
    Arbitrary<Integer> seed = Arbitraries.integers();
    Arbitrary<Integer> len = length(b);
    Arbitrary<Long> pos = position(b);
    Arbitrary<Long> natural = pos.map(p -> Math.max(0L, p));
    Arbitrary<List<Integer>> lens = length(b).list().ofMinSize(0).ofMaxSize(4);
    Arbitrary<Op> op =
        Arbitraries.<Op>frequencyOf(
            w(6, Combinators.combine(any, len, seed).as(Write::new)),
            w(5, Combinators.combine(rw, pos, len, seed).as(PWrite::new)),
            w(4, Combinators.combine(any, len).as(Read::new)),
            w(4, Combinators.combine(any, pos, len).as(PRead::new)),
            w(2, Combinators.combine(any, lens).as(ScatterRead::new)),
            w(2, Combinators.combine(any, lens, seed).as(GatherWrite::new)),
            w(3, Combinators.combine(any, pos).as(SetPosition::new)),
            w(2, any.map(GetPosition::new)),
            w(1, any.map(Size::new)),
            w(2, Combinators.combine(any, pos).as(Truncate::new)),
            w(1, Combinators.combine(any, Arbitraries.of(true, false)).as(Force::new)),
            // Transfers take non-negative arguments here: for a negative argument on a channel
            // of the wrong mode Jimfs and the JDK disagree on which exception comes first;
            // ChannelContractTest checks the JDK's order.
            w(2, Combinators.combine(any, natural, natural).as(TransferTo::new)),
            w(2, Combinators.combine(rw, natural, natural, len, seed).as(TransferFrom::new)),
            w(1, Arbitraries.just(new Checkpoint())),
            w(1, Arbitraries.just(new Reopen())));
    return op.list().ofMinSize(1).ofMaxSize(30);
  }
}
