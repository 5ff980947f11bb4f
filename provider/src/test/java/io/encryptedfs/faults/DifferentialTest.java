package io.encryptedfs.faults;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Runs random operations through the fault file system and directly on Jimfs. The contents must
 * agree, and every prefix crash point must reproduce a state the file really went through since its
 * last force, in order.
 */
class DifferentialTest {
  private static final List<String> FILES = List.of("a", "d/b");

  sealed interface Op {
    String file();
  }

  record PositionalWrite(String file, int position, byte[] data) implements Op {}

  record RelativeWrite(String file, int position, byte[] data) implements Op {}

  record Append(String file, byte[] data) implements Op {}

  record Gather(String file, byte[] first, byte[] second) implements Op {}

  record Truncate(String file, int size) implements Op {}

  record Rewrite(String file, byte[] data) implements Op {}

  record Force(String file) implements Op {}

  @Property(tries = 200)
  void prefixCrashPointsAreTheStatesEachFileWentThrough(@ForAll("operations") List<Op> ops)
      throws IOException {
    try (JimfsFaults fixture = new JimfsFaults();
        FileSystem plain = Jimfs.newFileSystem(Configuration.unix())) {
      // "a" existed before the fault file system, "d/b" is created through it.
      Files.write(fixture.underlyingRoot.resolve("a"), JimfsFaults.bytes("seed"));
      Files.createDirectories(fixture.underlyingRoot.resolve("d"));
      Path direct = Files.createDirectories(plain.getPath("/data/d")).getParent();
      Files.write(direct.resolve("a"), JimfsFaults.bytes("seed"));
      Map<String, List<byte[]>> states = new HashMap<>();
      try (Side faulty = new Side(fixture.root());
          Side reference = new Side(direct)) {
        for (String file : FILES) {
          states.put(file, new ArrayList<>(List.of(reference.content(file))));
        }
        for (Op op : ops) {
          long sizeBefore = reference.content(op.file()).length;
          faulty.apply(op);
          reference.apply(op);
          List<byte[]> history = states.get(op.file());
          byte[] now = reference.content(op.file());
          if (op instanceof Force) {
            history.clear();
            history.add(now);
          } else {
            history.addAll(statesAfter(op, sizeBefore, now));
          }
        }
        for (String file : FILES) {
          assertArrayEquals(reference.content(file), faulty.content(file), file);
        }
      }
      assertPrefixesAreTheStates(fixture.faults.recording(), states);
    }
  }

  private static void assertPrefixesAreTheStates(
      Recording recording, Map<String, List<byte[]>> states) {
    for (String file : FILES) {
      List<byte[]> history = states.get(file);
      FileHistory recorded = recording.file(file);
      assertEquals(history.size() - 1, recorded.unforced().size(), file);
      for (int k = 0; k < history.size(); k++) {
        byte[] image = Replay.apply(recorded, FileCut.prefix(k)).orElseThrow();
        assertArrayEquals(history.get(k), image, file + " after " + k + " entries");
      }
    }
  }

  /** The states a file passes through in {@code op}, one per log entry it should record. */
  private static List<byte[]> statesAfter(Op op, long sizeBefore, byte[] now) {
    if (op instanceof Truncate t && t.size() >= sizeBefore) {
      return List.of();
    }
    if (op instanceof Rewrite && sizeBefore > 0) {
      // Opening with TRUNCATE_EXISTING empties the file before the write.
      return List.of(new byte[0], now);
    }
    return List.of(now);
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<String> file = Arbitraries.of(FILES);
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 1500);
    Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(700);
    Arbitrary<Op> op =
        Arbitraries.oneOf(
            Combinators.combine(file, position, data).as(PositionalWrite::new),
            Combinators.combine(file, position, data).as(RelativeWrite::new),
            Combinators.combine(file, data).as(Append::new),
            Combinators.combine(file, data, data).as(Gather::new),
            Combinators.combine(file, position).as(Truncate::new),
            Combinators.combine(file, data).as(Rewrite::new),
            file.map(Force::new));
    return op.list().ofMaxSize(30);
  }

  /** The same long-lived channels on either file system, so that both see the same calls. */
  private static final class Side implements AutoCloseable {
    private final Path root;
    private final Map<String, FileChannel> channels = new HashMap<>();
    private final Map<String, FileChannel> appenders = new HashMap<>();

    Side(Path root) throws IOException {
      this.root = root;
      for (String file : FILES) {
        channels.put(file, FileChannel.open(root.resolve(file), CREATE, READ, WRITE));
        appenders.put(file, FileChannel.open(root.resolve(file), WRITE, APPEND));
      }
    }

    void apply(Op op) throws IOException {
      FileChannel channel = channels.get(op.file());
      if (op instanceof PositionalWrite w) {
        channel.write(ByteBuffer.wrap(w.data()), w.position());
      } else if (op instanceof RelativeWrite w) {
        channel.position(w.position()).write(ByteBuffer.wrap(w.data()));
      } else if (op instanceof Append a) {
        appenders.get(a.file()).write(ByteBuffer.wrap(a.data()));
      } else if (op instanceof Gather g) {
        channel.write(new ByteBuffer[] {ByteBuffer.wrap(g.first()), ByteBuffer.wrap(g.second())});
      } else if (op instanceof Truncate t) {
        channel.truncate(t.size());
      } else if (op instanceof Rewrite r) {
        Files.write(root.resolve(r.file()), r.data());
      } else {
        appenders.get(op.file()).force(false);
      }
    }

    byte[] content(String file) throws IOException {
      return Files.readAllBytes(root.resolve(file));
    }

    @Override
    public void close() throws IOException {
      for (FileChannel channel : channels.values()) {
        channel.close();
      }
      for (FileChannel channel : appenders.values()) {
        channel.close();
      }
    }
  }
}
