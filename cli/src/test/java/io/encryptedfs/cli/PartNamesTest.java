package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The temporary names are told from any name a user would choose. */
class PartNamesTest {
  @Test
  void aTemporaryNameIsItsTargetsNameTaggedAndIsKnownAsOne() {
    Path part = PartNames.of(Path.of("/out/sub/data.db"));
    assertEquals(Path.of("/out/sub"), part.getParent());
    String name = part.getFileName().toString();
    assertTrue(name.matches("data\\.db\\.[0-9a-f]{16}\\.encryptedfs-part"), name);
    assertTrue(PartNames.isPart(part));
    assertTrue(PartNames.isPart(PartNames.of(Path.of("x"))));
    assertTrue(PartNames.isPart(PartNames.of(part)), "a temporary of a temporary");
  }

  @Test
  void namesAUserWouldChooseAreNotTemporaries() {
    String tag = PartNames.of(Path.of("data.db")).getFileName().toString().split("\\.")[2];
    assertFalse(PartNames.isPart(Path.of("/out/data.db.encryptedfs-part")), "the old name");
    assertFalse(PartNames.isPart(Path.of(".encryptedfs-part")));
    assertFalse(PartNames.isPart(Path.of("." + tag + ".encryptedfs-part")), "no name before");
    assertFalse(PartNames.isPart(Path.of("other.db." + tag + ".encryptedfs-part")), "wrong tag");
    assertFalse(PartNames.isPart(Path.of("data.db." + tag.toUpperCase() + ".encryptedfs-part")));
    assertFalse(PartNames.isPart(Path.of("data.db." + tag)));
    assertFalse(PartNames.isPart(Path.of("/")));
  }
}
