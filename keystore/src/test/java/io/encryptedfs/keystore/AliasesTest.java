package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AliasesTest {
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.890Z");

  @Test
  void rotationAliasesAreUtcTimestamps() {
    assertEquals("master-20250304-050607", Aliases.forRotation(NOW, Set.of()));
  }

  @Test
  void rotationAliasesWithinOneSecondStayUnique() {
    assertEquals(
        "master-20250304-050607-2", Aliases.forRotation(NOW, Set.of("master-20250304-050607")));
    assertEquals(
        "master-20250304-050607-3",
        Aliases.forRotation(NOW, Set.of("master-20250304-050607", "master-20250304-050607-2")));
  }

  @Test
  void validAliasesAreLowerCaseWithoutColons() {
    assertEquals("master", Aliases.requireValid("master"));
    assertEquals("k.1_a-b", Aliases.requireValid("k.1_a-b"));
    Aliases.requireValid(Aliases.forRotation(NOW, Set.of()));
    for (String bad : new String[] {"", "Master", "-x", "a:b", "a b", "x".repeat(129)}) {
      assertThrows(IllegalArgumentException.class, () -> Aliases.requireValid(bad), bad);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Aliases.requireValid("a\nb"));
    assertTrue(e.getMessage().startsWith("invalid key alias 'a\\nb'"), e.getMessage());
  }

  @Test
  void lookupsFoldCaseLikeTheJdk() {
    assertEquals("master", Aliases.normalize("MaStEr"));
  }
}
