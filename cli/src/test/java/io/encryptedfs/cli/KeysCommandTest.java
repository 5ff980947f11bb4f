package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys}: what init creates and refuses. */
class KeysCommandTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  @Test
  void anInvalidAliasCreatesNoKeystore() throws Exception {
    Files.writeString(tmp.resolve("pass"), "correct horse battery\n");
    Run bad = cli.keys("keys", "init", "--alias", "Master");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(
        bad.err().contains("invalid key alias 'Master'") && bad.err().contains("--alias"),
        bad.err());
    assertFalse(Files.exists(tmp.resolve("keys.p12")), "nothing created");
    Run good = cli.keys("keys", "init", "--alias", "master");
    assertEquals(0, good.code(), good.err());
  }
}
