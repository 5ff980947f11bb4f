package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A migration forces each directory it put entries into, after the last of them and before it
 * reports: the files' renames, the directories and links it made, are entries that a power loss
 * could otherwise take with the copy, after the operator deleted the source.
 */
class DirectoryForcesTest {
  @TempDir Path tmp;

  /** Each directory forced, with the names it held when it was forced. */
  private final Map<Path, List<String>> forced = new LinkedHashMap<>();

  private void record(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> names = new ArrayList<>(entries.map(p -> p.getFileName().toString()).toList());
      names.sort(null);
      assertEquals(null, forced.put(dir, names), dir + " forced twice");
    }
  }

  private Path plainTree() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain/sub/deep"));
    Files.createDirectories(tmp.resolve("plain/empty"));
    Files.writeString(tmp.resolve("plain/a.txt"), "alpha");
    Files.writeString(tmp.resolve("plain/sub/b.txt"), "beta");
    Files.writeString(tmp.resolve("plain/sub/deep/c.txt"), "gamma");
    Files.createSymbolicLink(tmp.resolve("plain/sub/l"), Path.of("b.txt"));
    return plain.getParent().getParent();
  }

  private int copy(Path from, Path to, DirectoryForces forces, StringWriter out)
      throws IOException {
    return Migrate.copyTree(from, List.of(), to, new PrintWriter(out, true), "copied", forces);
  }

  @Test
  void everyDirectoryThatGainedEntriesIsForcedOnceDeepestFirstWithThemIn() throws IOException {
    Path from = plainTree();
    Path to = Files.createDirectory(tmp.resolve("copy"));
    StringWriter out = new StringWriter();
    assertEquals(0, copy(from, to, new DirectoryForces(this::record), out), out.toString());

    assertEquals(
        List.of(to.resolve("sub/deep"), to.resolve("sub"), to),
        new ArrayList<>(forced.keySet()),
        "the empty directory gained nothing");
    assertEquals(List.of("c.txt"), forced.get(to.resolve("sub/deep")));
    assertEquals(List.of("b.txt", "deep", "l"), forced.get(to.resolve("sub")));
    assertEquals(List.of("a.txt", "empty", "sub"), forced.get(to));

    // A rerun finds everything done and changes, so forces, nothing.
    forced.clear();
    StringWriter again = new StringWriter();
    assertEquals(0, copy(from, to, new DirectoryForces(this::record), again), again.toString());
    assertTrue(again.toString().contains("copied 0, already done 4, failed 0"), again.toString());
    assertEquals(Map.of(), forced);
  }

  @Test
  void aDirectoryWhoseForceFailsIsNamedAndTheRunFails() throws IOException {
    Path from = plainTree();
    Path to = Files.createDirectory(tmp.resolve("copy"));
    StringWriter out = new StringWriter();
    DirectoryForces forces =
        new DirectoryForces(
            dir -> {
              if (dir.endsWith("sub")) {
                throw new IOException("Input/output error");
              }
              record(dir);
            });
    assertEquals(ExitCodes.DAMAGE, copy(from, to, forces, out), out.toString());
    assertTrue(
        out.toString()
            .contains(
                "sub: FAILED: the directory could not be forced, so what was copied into it may"
                    + " not survive a power loss: Input/output error"),
        out.toString());
    assertTrue(out.toString().contains("copied 4, already done 0, failed 1"), out.toString());
    assertEquals(List.of(to.resolve("sub/deep"), to), new ArrayList<>(forced.keySet()));
  }

  /** {@code decrypt}'s PLAIN_DIR, made with its missing parents: each is an entry of its parent. */
  @Test
  void directoriesMadeForTheTargetAreForcedInTheirParents() throws IOException {
    DirectoryForces forces = new DirectoryForces(this::record);
    Path target = tmp.resolve("x/y/z");
    forces.createDirectories(target);
    assertTrue(Files.isDirectory(target));
    assertEquals(List.of(), forces.forceAll());
    assertEquals(
        List.of(tmp.resolve("x/y"), tmp.resolve("x"), tmp), new ArrayList<>(forced.keySet()));

    assertEquals(List.of(), DirectoryForces.missing(target));
    assertEquals(
        List.of(tmp.resolve("v"), tmp.resolve("v/w")), DirectoryForces.missing(tmp.resolve("v/w")));

    forced.clear();
    forces.createDirectories(target); // there already: nothing made
    assertEquals(List.of(), forces.forceAll());
    assertEquals(Map.of(), forced);
  }

  /**
   * {@code encrypt --create} into a missing directory: the directories made for the root are forced
   * into their parents, and the root's own directory, holding the new marker, is forced too. {@code
   * decrypt} into a missing directory forces its parents likewise, and the export's directories.
   */
  @Test
  void theCommandsForceWhatTheyMadeForTheRootAndTheExport() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path plain = Files.createDirectories(tmp.resolve("plain/sub"));
    Files.writeString(plain.resolve("b.txt"), "beta");
    Path root = tmp.resolve("new/root");
    List<String> keystore =
        List.of(
            "--keystore", tmp.resolve("keys.p12").toString(),
            "--password-file", tmp.resolve("pass").toString());

    List<String> encrypted = new ArrayList<>();
    Migrate.Encrypt encrypt = new Migrate.Encrypt();
    encrypt.force = dir -> encrypted.add(dir.toString());
    List<String> args =
        new ArrayList<>(List.of(tmp.resolve("plain").toString(), root.toString(), "--create"));
    args.addAll(keystore);
    assertEquals(0, run(encrypt, args));
    // deepest first, by name count, the root's own directories among those of the disk
    assertEquals(List.of(tmp.resolve("new").toString(), tmp.toString(), "/sub", "/"), encrypted);

    List<String> decrypted = new ArrayList<>();
    Migrate.Decrypt decrypt = new Migrate.Decrypt();
    decrypt.force = dir -> decrypted.add(dir.toString());
    Path export = tmp.resolve("out/deep");
    args = new ArrayList<>(List.of(root.toString(), export.toString()));
    args.addAll(keystore);
    assertEquals(0, run(decrypt, args));
    assertEquals(
        List.of(
            export.resolve("sub").toString(),
            export.toString(),
            tmp.resolve("out").toString(),
            tmp.toString()),
        decrypted);
    assertEquals("beta", Files.readString(export.resolve("sub/b.txt")));
  }

  private static int run(Object command, List<String> args) {
    CommandLine line = new CommandLine(command);
    StringWriter out = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    int code = line.execute(args.toArray(String[]::new));
    assertEquals(0, code, out.toString());
    return code;
  }
}
