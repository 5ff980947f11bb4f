package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link OwedForces} finds what a move carries in a tree of names; a full scan of every record, as
 * the file system did before, is the model it must agree with. The names are chosen so that one is
 * a string prefix of another and separators sort among them: "a", "a-", "a.b", "a b", "ab", "b0".
 */
class OwedForcesTest {
  private static final List<String> NAMES = List.of("a", "a-", "a.b", "a b", "ab", "b", "b0");
  private static final BiFunction<String, Path, String> DISPLAY =
      (dir, below) -> below.toString().isEmpty() ? dir : dir + "/" + below;

  /** One operation: 0 owe, 1 settle, 2 move; on one path, or from the first to the second. */
  record Op(int kind, List<String> first, List<String> second) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<List<String>> path = Arbitraries.of(NAMES).list().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(Arbitraries.integers().between(0, 2), path, path)
        .as(Op::new)
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 300)
  void movesCarryWhatAFullScanWouldOnTheDefaultFileSystem(@ForAll("ops") List<Op> ops) {
    agree(FileSystems.getDefault(), "/r", ops);
  }

  @Property(tries = 300)
  void movesCarryWhatAFullScanWouldOnJimfs(@ForAll("ops") List<Op> ops) throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      agree(jimfs, "/r", ops);
    }
  }

  @Example
  void aDirectoryMoveCarriesWhatLiesBelowItAndNothingBeside() {
    OwedForces owed = new OwedForces();
    owed.owe(Path.of("/r/a/x"), "/a/x");
    owed.owe(Path.of("/r/a/y/z"), "/a/y/z");
    owed.owe(Path.of("/r/a-"), "/a-");
    owed.owe(Path.of("/r/ab/x"), "/ab/x");
    owed.owe(Path.of("/r/a.b"), "/a.b");
    owed.moved(Path.of("/r/a"), Path.of("/r/c"), "/c", DISPLAY);
    assertEquals(
        Map.of(
            Path.of("/r/c/x"), "/c/x",
            Path.of("/r/c/y/z"), "/c/y/z",
            Path.of("/r/a-"), "/a-",
            Path.of("/r/ab/x"), "/ab/x",
            Path.of("/r/a.b"), "/a.b"),
        owed.takeAll());
    assertEquals(Map.of(), owed.takeAll());
  }

  private static void agree(FileSystem fs, String root, List<Op> ops) {
    OwedForces owed = new OwedForces();
    Map<Path, String> model = new HashMap<>();
    for (Op op : ops) {
      Path first = fs.getPath(root, op.first().toArray(String[]::new));
      Path second = fs.getPath(root, op.second().toArray(String[]::new));
      switch (op.kind()) {
        case 0 -> {
          owed.owe(first, display(root, first));
          model.put(first, display(root, first));
        }
        case 1 -> {
          owed.settled(first);
          model.remove(first);
        }
        default -> {
          if (second.startsWith(first)) {
            continue; // a directory cannot move below itself
          }
          String displayTo = display(root, second);
          owed.moved(first, second, displayTo, DISPLAY);
          scanMove(model, first, second, displayTo);
        }
      }
      Map<Path, String> now = owed.takeAll();
      assertEquals(model, now, () -> "after " + op);
      now.forEach(owed::owe);
    }
  }

  /** The former full scan: every record under {@code from} follows it to {@code to}. */
  private static void scanMove(Map<Path, String> model, Path from, Path to, String displayTo) {
    model.remove(to);
    List<Map.Entry<Path, String>> carried = new ArrayList<>();
    model
        .entrySet()
        .removeIf(
            e -> e.getKey().startsWith(from) && carried.add(Map.entry(e.getKey(), e.getValue())));
    for (Map.Entry<Path, String> e : carried) {
      Path below = from.relativize(e.getKey());
      model.put(to.resolve(below), DISPLAY.apply(displayTo, below));
    }
  }

  private static String display(String root, Path p) {
    return "/" + p.getRoot().resolve(root).relativize(p);
  }
}
