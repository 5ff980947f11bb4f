package io.encryptedfs.cli;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the tool in-process, as the command-line tests do: one keystore ({@code keys.p12}), password
 * file ({@code pass}) and audit file ({@code audit.jsonl}) in a test's directory, since each
 * keystore write costs about a second by design.
 */
final class CliRunner {
  /** What a run printed and returned. */
  record Run(int code, String out, String err) {
    /**
     * The last line on stderr: the error a failed command ends with, after the warnings the library
     * logged (an audit event such as KEYSTORE_OPEN_FAILED), each a line of its own.
     */
    String error() {
      List<String> lines = err.lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Whether every line on stderr is one of the tool's, warnings included. */
    boolean errLinesAllTheTools() {
      return err.lines().allMatch(l -> l.startsWith("encryptedfs: "));
    }
  }

  private final Path dir;

  CliRunner(Path dir) {
    this.dir = dir;
  }

  /** The tool with exactly {@code args}. */
  Run run(String... args) {
    return run(PasswordPrompt.CONSOLE, args);
  }

  /** The tool with exactly {@code args}, passwords not given otherwise typed at {@code prompt}. */
  Run run(PasswordPrompt prompt, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(prompt, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The tool with {@code args} and this directory's keystore, password file and audit file. */
  Run keys(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--keystore", dir.resolve("keys.p12").toString(),
            "--password-file", dir.resolve("pass").toString(),
            "--audit-file", dir.resolve("audit.jsonl").toString()));
    return run(all.toArray(String[]::new));
  }

  /**
   * Writes a password file as the README asks for one, readable by its owner only (where the file
   * system has POSIX permissions): one that others may read is read with a warning on stderr, a
   * line of its own that a test of a command's messages does not expect.
   */
  static Path writePassword(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.writeString(file, content);
  }

  /** The root opened through the API, as a program would, with the password the tests write. */
  FileSystem openRoot(Path root) throws IOException {
    return EncryptedFileSystems.newFileSystem(root, withKeystore(Map.of()));
  }

  /** A new root with {@code blockSize} made through the API, under this directory's keystore. */
  FileSystem createRoot(Path root, int blockSize) throws IOException {
    return EncryptedFileSystems.newFileSystem(
        root,
        withKeystore(
            Map.of(
                EncryptedFileSystems.CREATE,
                "true",
                EncryptedFileSystems.BLOCK_SIZE,
                String.valueOf(blockSize))));
  }

  private Map<String, Object> withKeystore(Map<String, String> settings) {
    Map<String, Object> env = new HashMap<>(settings);
    env.put(EncryptedFileSystems.KEYSTORE, dir.resolve("keys.p12"));
    env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, "correct horse battery");
    return env;
  }

  /**
   * A user at the terminal: types the given passwords in turn, then ends the input, as the console
   * does. Keeps what it was asked and what it handed out, to check that the tool wiped it.
   */
  static final class Typist implements PasswordPrompt {
    final List<String> prompts = new ArrayList<>();
    private final Deque<String> toType;
    private final List<char[]> handedOut = new ArrayList<>();

    Typist(String... passwords) {
      toType = new ArrayDeque<>(List.of(passwords));
    }

    @Override
    public char[] read(String prompt) throws IOException {
      prompts.add(prompt);
      if (toType.isEmpty()) {
        throw new IOException("end of input at the console before a password was entered");
      }
      char[] password = toType.pop().toCharArray();
      handedOut.add(password);
      return password;
    }

    /** Whether every password handed out has been overwritten with zeros. */
    boolean allWiped() {
      return handedOut.stream().allMatch(p -> new String(p).chars().allMatch(c -> c == 0));
    }
  }

  /** Flips one byte of a raw file: writing a constant would damage nothing where it was already. */
  static void flipByte(Path raw, long at) throws IOException {
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
      ch.write(b, at);
    }
  }

  /** Damages a sealed byte of each tail slot of a 4 KiB-block file: it no longer opens. */
  static void loseTheEnd(Path raw) throws IOException {
    for (int slot = 0; slot < 3; slot++) {
      flipByte(raw, 512 + slot * (4096 + 64) + 60);
    }
  }
}
