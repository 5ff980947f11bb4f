package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import io.encryptedfs.cli.CliRunner.Typist;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Run bad = cli.keys("keys", "init", "--alias", "Master");
    assertEquals(2, bad.code(), bad.err());
    // Named by its option, not repeated: a password typed in its place must not be echoed.
    assertEquals(
        "encryptedfs: invalid value for option --alias (not repeated, in case a password was"
            + " given there): not a key alias: use 1 to 128 of a-z 0-9 . _ -, starting with a"
            + " letter or digit",
        bad.err().lines().findFirst().orElseThrow());
    assertFalse(bad.err().contains("Master"), bad.err());
    assertFalse(Files.exists(tmp.resolve("keys.p12")), "nothing created");
    Run good = cli.keys("keys", "init", "--alias", "master");
    assertEquals(0, good.code(), good.err());
  }

  /**
   * A password typed at the terminal is asked for twice; two that differ, or no second one, are a
   * password error (3, as documented, not a usage error), create nothing, and are wiped.
   */
  @Test
  void initWithTypedPasswordsThatDifferIsAPasswordError() throws Exception {
    Path keystore = tmp.resolve("keys.p12");
    Typist typist = new Typist("correct horse battery", "correct horse batterz");
    Run differ = cli.run(typist, "keys", "init", "-k", keystore.toString());
    assertEquals(3, differ.code(), differ.out() + differ.err());
    assertEquals(
        "encryptedfs: the passwords typed differ; no keystore was created", differ.err().strip());
    assertEquals(
        List.of("Keystore password for " + keystore + ": ", "Repeat the password: "),
        typist.prompts);
    assertTrue(typist.allWiped());
    assertFalse(Files.exists(keystore));

    Typist once = new Typist("correct horse battery");
    Run ended = cli.run(once, "keys", "init", "-k", keystore.toString());
    assertEquals(3, ended.code(), ended.out() + ended.err());
    assertTrue(ended.err().contains("end of input"), ended.err());
    assertTrue(once.allWiped());
    assertFalse(Files.exists(keystore));
  }

  /**
   * A directory given as the keystore to create is refused before a password is asked for. Before,
   * the password was read first and the refusal skipped the code that wipes it.
   */
  @Test
  void initOfADirectoryLeavesNoPasswordInMemory() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("a-directory"));
    Typist typist = new Typist("correct horse battery", "correct horse battery");
    Run init = cli.run(typist, "keys", "init", "-k", dir.toString());
    assertEquals(2, init.code(), init.out() + init.err());
    assertTrue(init.err().contains("is a directory"), init.err());
    assertTrue(typist.allWiped());
  }

  /** Before: "pw: already exists", as if the keystore or audit file were there. */
  @Test
  void aFileWhereADirectoryMustBeIsNamedAsNotADirectory() throws Exception {
    Path pass = CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    String keystore = pass.resolve("x.p12").toString();
    Run init = cli.run("keys", "init", "-k", keystore, "--password-file", pass.toString());
    assertEquals(2, init.code(), init.out() + init.err());
    assertEquals(
        "encryptedfs: " + pass + ": not a directory, so nothing can be made in it",
        init.err().strip());
    String audit = pass.resolve("a.jsonl").toString();
    Run list =
        cli.run(
            "keys",
            "list",
            "-k",
            tmp.resolve("k.p12").toString(),
            "--password-file",
            pass.toString(),
            "--audit-file",
            audit);
    assertEquals(2, list.code(), list.out() + list.err());
    assertEquals(
        "encryptedfs: " + pass + ": not a directory, so nothing can be made in it",
        list.err().strip());
  }

  /** The same password typed twice makes the keystore, which opens with it. */
  @Test
  void initWithTheSameTypedPasswordTwiceCreatesTheKeystore() throws Exception {
    Path keystore = tmp.resolve("keys.p12");
    Typist typist = new Typist("correct horse battery", "correct horse battery");
    Run init = cli.run(typist, "keys", "init", "-k", keystore.toString());
    assertEquals(0, init.code(), init.out() + init.err());
    assertTrue(typist.allWiped());
    Typist again = new Typist("correct horse battery");
    Run list = cli.run(again, "keys", "list", "-k", keystore.toString());
    assertEquals(0, list.code(), list.out() + list.err());
    assertTrue(list.out().startsWith("master\t"), list.out());
    assertEquals(1, again.prompts.size(), "an existing keystore's password is asked for once");
    assertTrue(again.allWiped());
  }

  /**
   * An init that fails once its keystore is in place says what finishes it: running init again.
   * Before, the operator read the keystore module's advice to "open the keystore" and nothing of
   * init. (The failure itself cannot be caused from here; the keystore module's tests cause it.)
   */
  @Test
  void aFailureThatLeavesTheKeystoreWithoutAKeySaysToRunInitAgain() {
    Path keystore = tmp.resolve("keys.p12");
    FileSystemException stray =
        new FileSystemException(
            keystore.toString(),
            tmp.resolve(".keys.p12.1.tmp").toString(),
            "keystore was created, but its temporary file, a second link to it, could not be"
                + " removed (EIO); delete that file");
    FileSystemException said = KeysCommand.Init.unfinished(stray);
    assertEquals(stray.getFile(), said.getFile());
    assertEquals(stray.getOtherFile(), said.getOtherFile());
    assertEquals(4, Main.exitCode(said), "still an I/O error");
    assertEquals(
        keystore
            + " -> "
            + tmp.resolve(".keys.p12.1.tmp")
            + ": keystore was created, but its temporary file, a second link to it, could not be"
            + " removed (EIO); delete that file; the keystore is in place without a key: run keys"
            + " init again, with the same password, to finish it",
        Main.describe(said));
  }

  /**
   * An init that failed once its keystore was in place (forcing the directory, say, or writing the
   * first key to a full disk) leaves it empty under the password; run again, init finishes it. Any
   * other file there is still refused and left as it is.
   */
  @Test
  void initAgainFinishesAKeystoreAnEarlierInitLeftWithoutAKey() throws Exception {
    Path pass = CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    Path keystore = tmp.resolve("keys.p12");
    Pkcs12KeyStore.create(keystore, "correct horse battery".toCharArray()).close();

    Run again = cli.keys("keys", "init", "--alias", "first");
    assertEquals(0, again.code(), again.err());
    assertEquals(
        "finished " + keystore + ", which an earlier init left without a key: current key first",
        again.out().strip());
    Run list = cli.keys("keys", "list");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().matches("first\t\\S+\tcurrent\\R"), list.out());

    byte[] finished = Files.readAllBytes(keystore);
    Run third = cli.keys("keys", "init", "--alias", "second");
    assertEquals(2, third.code(), third.err());
    assertEquals("encryptedfs: " + keystore + ": already exists", third.err().strip());
    assertArrayEquals(finished, Files.readAllBytes(keystore));

    Path other = tmp.resolve("other.p12");
    Pkcs12KeyStore.create(other, "another password".toCharArray()).close();
    byte[] empty = Files.readAllBytes(other);
    Run notOurs =
        cli.run("keys", "init", "-k", other.toString(), "--password-file", pass.toString());
    assertEquals(2, notOurs.code(), notOurs.err());
    // After the warning of the open that found it another password's.
    assertEquals("encryptedfs: " + other + ": already exists", notOurs.error());
    assertTrue(notOurs.errLinesAllTheTools(), notOurs.err());
    assertArrayEquals(empty, Files.readAllBytes(other));
  }
}
