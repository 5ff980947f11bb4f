package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which relative link targets climb out of the tree, counted by name as a root counts them. */
class LinkCopyTest {
  @ParameterizedTest(name = "{0} -> {1}: leaves the tree {2}")
  @CsvSource({
    "l, a, false",
    "l, ., false",
    "l, .., true",
    "d/l, .., false",
    "d/l, ../.., true",
    "d/l, ./../x, false",
    "d/l, x/../../a, false",
    "d/l, x/../../../a, true",
    "d/e/l, ../../d/../x, false",
    "d/e/l, ../../d/../../x, true"
  })
  void aTargetLeavesTheTreeWhereItsNamesClimbAboveTheTop(String link, String target, boolean out) {
    assertEquals(out, LinkCopy.leavesTree(Path.of(link), Path.of(target)));
  }
}
