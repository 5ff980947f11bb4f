package io.encryptedfs.conformance;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.conformance.SpecDecoder.Decoded;
import io.encryptedfs.conformance.SpecDecoder.Tail;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sequences of writes, truncations, forces, channel and file system closes on one file:
 * after every step the raw file, decoded by {@link SpecDecoder}, holds what a plain file would, and
 * the rules of sections 6 to 8 that the raw bytes show hold.
 */
class WriteSequenceTest {
  private static final int B = 4096;
  private static final String[] ALGORITHMS = {"AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"};

  enum Kind {
    WRITE,
    APPEND,
    TRUNCATE,
    FORCE,
    CLOSE_CHANNEL,
    CLOSE_FILE_SYSTEM
  }

  record Op(Kind kind, int at, int length) {}

  @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
  void everyStepDecodes(
      @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = 2) int algorithm)
      throws Exception {
    Random random = new Random(ops.hashCode());
    try (ConformanceRoot root = new ConformanceRoot(ALGORITHMS[algorithm], B)) {
      byte[] model = new byte[0];
      // Whether a write returned since the last force: then closing the file system forces.
      boolean written = false;
      FileChannel ch = FileChannel.open(root.path("f"), CREATE, WRITE);
      // The end R of the session's runway (section 8, step 1).
      long runwayEnd = SpecChecks.OPEN_RUNWAY;
      SessionSalts salts = new SessionSalts();
      Tail previous = null;
      try {
        for (Op op : ops) {
          if (ch == null) {
            ch = FileChannel.open(root.path("f"), CREATE, WRITE);
            Tail from = root.decode("f").chosen();
            runwayEnd = from.homeBlocks() + from.allowance();
          }
          switch (op.kind) {
            case WRITE, APPEND -> {
              byte[] data = new byte[op.length];
              random.nextBytes(data);
              int at = op.kind == Kind.APPEND ? model.length : Math.min(op.at, model.length + B);
              ch.write(ByteBuffer.wrap(data), at);
              // As on a plain file, writing nothing past the end does not extend the file.
              if (data.length > 0) {
                model = Arrays.copyOf(model, Math.max(model.length, at + data.length));
                System.arraycopy(data, 0, model, at, data.length);
                written = true;
              }
            }
            case TRUNCATE -> {
              int size = Math.min(op.at, model.length);
              ch.truncate(size);
              // A shrinking truncation forces its shorter record (section 8).
              written &= size == model.length;
              model = Arrays.copyOf(model, size);
            }
            case FORCE -> {
              ch.force(op.at % 2 == 0);
              written = false;
              SpecChecks.forced(root.decode("f"));
            }
            case CLOSE_CHANNEL -> {
              ch.close();
              ch = null;
            }
            case CLOSE_FILE_SYSTEM -> {
              ch.close();
              ch = null;
              root.closeFileSystem();
              Decoded d = root.decode("f");
              if (written) {
                SpecChecks.forced(d);
              } else {
                // Forced and then closed: the closing record is not forced again (item 3).
                assertTrue(d.header().forcedSequence() >= d.chosen().sequence() - 1);
              }
              written = false;
              root.reopen();
            }
          }
          Decoded d = root.decode("f");
          check(d, model, ch == null, root.algorithmId);
          salts.sawAfter(d, ch == null);
          if (previous != null && d.chosen().sequence() == previous.sequence() + 1) {
            // Section 8: one record written, and not over the newest, which a torn write needs.
            assertNotEquals(previous.slot(), d.chosen().slot(), "the newest slot overwritten");
          }
          previous = d.chosen();
          if (ch != null) {
            runwayEnd = runway(d, runwayEnd);
          }
        }
      } finally {
        if (ch != null) {
          ch.close();
        }
      }
      check(root.decode("f"), model, true, root.algorithmId);
    }
  }

  /**
   * Section 8, step 1: every record of a session carries {@code a = min(R - k, 2^31 - 1)}, R the
   * end of its runway: where the session began, {@code k + a} of the record it went on from; only a
   * write reaching a home block at or past R moves it up, by a forced record of the old content
   * with the open runway.
   */
  private static long runway(Decoded d, long runwayEnd) {
    long end = d.chosen().homeBlocks() + d.chosen().allowance();
    if (end < runwayEnd) {
      assertEquals(
          SpecChecks.OPEN_RUNWAY, d.chosen().allowance(), "R - k above 2^31 - 1 is capped");
    } else if (end > runwayEnd) {
      boolean opened = false;
      for (Tail t : d.tails()) {
        opened |=
            t != null
                && t.allowance() == SpecChecks.OPEN_RUNWAY
                && t.homeBlocks() + SpecChecks.OPEN_RUNWAY == end
                && t.sequence() <= d.header().forcedSequence();
      }
      assertTrue(opened, "k + a = R for every record, R moved only by a forced runway record");
    }
    return end;
  }

  private static void check(Decoded d, byte[] model, boolean closed, int algorithm) {
    SpecChecks.wellFormed(d, algorithm, B, "master");
    assertArrayEquals(model, d.cleartext());
    SpecChecks.nonces(d);
    long forced = d.header().forcedSequence();
    if (forced > 0) {
      boolean onDisk = false;
      for (Tail t : d.tails()) {
        onDisk |= t != null && t.sequence() == forced;
      }
      assertTrue(onDisk, "the record the header names as forced is kept until the next force");
    }
    if (closed) {
      SpecChecks.closed(d, model);
    } else {
      SpecChecks.open(d, model, d.chosen().homeBlocks() + d.chosen().allowance());
    }
  }

  /**
   * Section 6: every unit a writer session seals is under the one key salt it drew, and each
   * session draws a new one.
   */
  private static final class SessionSalts {
    private final Set<String> nonces = new HashSet<>();
    private final Set<String> earlier = new HashSet<>();
    private String current;

    void sawAfter(Decoded d, boolean sessionEnded) {
      List<byte[]> units = new ArrayList<>();
      d.homes().forEach(h -> units.add(h.nonce()));
      for (Tail t : d.tails()) {
        if (t != null) {
          units.add(t.nonce());
        }
      }
      for (byte[] nonce : units) {
        if (nonces.add(Arrays.toString(nonce))) {
          String salt = Arrays.toString(Arrays.copyOf(nonce, 16));
          if (current == null) {
            assertFalse(earlier.contains(salt), "a new session draws a new key salt");
            current = salt;
          }
          assertEquals(current, salt, "one key salt per session");
        }
      }
      if (sessionEnded && current != null) {
        earlier.add(current);
        current = null;
      }
    }
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, 5 * B);
    Arbitrary<Integer> length = Arbitraries.integers().between(0, 2 * B + 100);
    Arbitrary<Kind> kind =
        Arbitraries.frequency(
            Tuple.of(6, Kind.WRITE),
            Tuple.of(5, Kind.APPEND),
            Tuple.of(2, Kind.TRUNCATE),
            Tuple.of(3, Kind.FORCE),
            Tuple.of(2, Kind.CLOSE_CHANNEL),
            Tuple.of(1, Kind.CLOSE_FILE_SYSTEM));
    return Combinators.combine(kind, at, length).as(Op::new).list().ofMinSize(1).ofMaxSize(20);
  }
}
