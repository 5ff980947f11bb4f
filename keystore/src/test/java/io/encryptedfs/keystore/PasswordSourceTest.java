package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordSourceTest {
  private final FileSystem fs = Fixtures.unixFileSystem();
  private final List<CharBuffer> buffers = new ArrayList<>();

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  private Path file(byte[] contents) throws IOException {
    Path file = fs.getPath("/password");
    Files.write(file, contents);
    return file;
  }

  private Path file(String contents) throws IOException {
    return file(contents.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fileSourceReadsTheFirstLineWithoutItsTerminator() throws IOException {
    assertArrayEquals(
        " pass word ".toCharArray(),
        PasswordSource.fromFile(file(" pass word \nsecond line\n")).read());
    assertArrayEquals(
        "windows".toCharArray(), PasswordSource.fromFile(file("windows\r\nnext")).read());
    assertArrayEquals(
        "no-newline".toCharArray(), PasswordSource.fromFile(file("no-newline")).read());
    assertArrayEquals("bom".toCharArray(), PasswordSource.fromFile(file("\uFEFFbom\n")).read());
  }

  /**
   * A shell gives {@code --password-file <(pass show db)} as a pipe, {@code /dev/fd/63}. Before,
   * its read failed: "Illegal seek", from reading at a position.
   */
  @Test
  void fileSourceReadsAPipe(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Thread writer =
        new Thread(
            () -> {
              try {
                Files.writeString(fifo, "from a pipe\nsecond line\n");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    writer.setDaemon(true); // a failed read leaves it blocked in the open
    writer.start();
    assertArrayEquals("from a pipe".toCharArray(), PasswordSource.fromFile(fifo).read());
    writer.join();
  }

  @Test
  void fileSourceRefusesEmptyMissingAndUndecodableFiles() throws IOException {
    assertEmptyPasswordFile(file(""));
    assertEmptyPasswordFile(file("\nsecret-after-an-empty-line"));
    assertEmptyPasswordFile(file("\uFEFF\r\nsecret-after-an-empty-line"));
    assertThrows(
        NoSuchFileException.class, () -> PasswordSource.fromFile(fs.getPath("/none")).read());
    Path undecodable = file(new byte[] {'s', 'e', 'c', 'r', 'e', 't', (byte) 0xff, 'b'});
    PasswordFileException e =
        assertThrows(
            PasswordFileException.class, () -> PasswordSource.fromFile(undecodable).read());
    assertEquals(undecodable.toString(), e.getFile());
    assertEquals("password file is not valid UTF-8", e.getReason());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  /** Refused naming the file, as a file whose contents are at fault rather than its reading. */
  private static void assertEmptyPasswordFile(Path file) {
    PasswordFileException e =
        assertThrows(PasswordFileException.class, () -> PasswordSource.fromFile(file).read());
    assertEquals(file.toString(), e.getFile());
    assertEquals(null, e.getOtherFile());
    assertEquals("password file's first line, the password, is empty", e.getReason());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  /** Heap buffers full of a sentinel, so a test can see that every character of them was wiped. */
  private CharBuffer sentinelBuffer(int size) {
    CharBuffer buffer = CharBuffer.allocate(size);
    Arrays.fill(buffer.array(), 'X');
    buffers.add(buffer);
    return buffer;
  }

  private void assertBuffersWiped() {
    assertEquals(1, buffers.size());
    for (CharBuffer buffer : buffers) {
      assertArrayEquals(new char[buffer.capacity()], buffer.array(), "buffer not wiped");
    }
  }

  @Test
  void fileSourceWipesTheBytesAndTheCharactersItDecoded() throws IOException {
    byte[] bytes = "p\uD83D\uDE00ss\nsecond line\n".getBytes(StandardCharsets.UTF_8);
    char[] password =
        PasswordSources.FromFile.decodeFirstLine(bytes, fs.getPath("/p"), this::sentinelBuffer);
    assertArrayEquals("p\uD83D\uDE00ss".toCharArray(), password);
    assertArrayEquals(new byte[bytes.length], bytes, "bytes not wiped");
    assertBuffersWiped();
  }

  @Test
  void fileSourceWipesWhatItDecodedBeforeFindingTheFileIsNotUtf8() {
    byte[] bytes = "hunter2-secret?\n".getBytes(StandardCharsets.US_ASCII);
    bytes[14] = (byte) 0xff;
    Path path = fs.getPath("/password");
    PasswordFileException e =
        assertThrows(
            PasswordFileException.class,
            () -> PasswordSources.FromFile.decodeFirstLine(bytes, path, this::sentinelBuffer));
    assertEquals(path.toString(), e.getFile());
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertArrayEquals(new byte[bytes.length], bytes, "bytes not wiped");
    assertBuffersWiped();
  }

  @Test
  void fileSourceNeverShowsThePassword() throws IOException {
    Path path = file("hunter2-secret\n");
    PasswordSource source = PasswordSource.fromFile(path);
    assertFalse(source.toString().contains("hunter2"));
    assertTrue(source.toString().contains(path.toString()));
  }

  /**
   * An unset or empty variable is a PasswordUnavailableException naming the variable, as an empty
   * password file is a PasswordFileException naming the file; before, a plain IOException.
   */
  @Test
  void unsetOrEmptyEnvironmentVariableIsAPasswordUnavailableExceptionNamingIt() {
    String variable = "ENCRYPTEDFS_TEST_SURELY_UNSET_7F3A";
    PasswordUnavailableException unset =
        assertThrows(
            PasswordUnavailableException.class,
            () -> PasswordSource.fromEnvironment(variable).read());
    assertEquals("environment variable " + variable + " is not set", unset.getMessage());
    PasswordUnavailableException empty =
        assertThrows(
            PasswordUnavailableException.class,
            () -> PasswordSources.FromEnvironment.password(variable, ""));
    assertEquals("empty password from environment variable " + variable, empty.getMessage());
  }

  @Test
  void environmentSourceReadsTheVariable() throws IOException {
    // Set for the test JVM by the surefire configuration in keystore/pom.xml.
    assertArrayEquals(
        "from-the-environment".toCharArray(),
        PasswordSource.fromEnvironment("ENCRYPTEDFS_TEST_PASSWORD").read());
  }

  @Test
  void consoleSourceExplainsWhenThereIsNoConsole() {
    // Surefire's forked JVM has its standard streams redirected, so it has no console.
    assertTrue(System.console() == null, "expected a JVM without a console");
    PasswordUnavailableException e =
        assertThrows(
            PasswordUnavailableException.class,
            () -> PasswordSource.fromConsole("Password: ").read());
    assertTrue(e.getMessage().contains("no console"), e.getMessage());
  }

  /** Input that ended, or an empty line typed: a PasswordUnavailableException, not a plain one. */
  @Test
  void consoleInputThatEndedOrIsEmptyIsAPasswordUnavailableException() throws IOException {
    PasswordUnavailableException ended =
        assertThrows(
            PasswordUnavailableException.class, () -> PasswordSources.FromConsole.typed(null));
    assertEquals("end of input at the console before a password was entered", ended.getMessage());
    PasswordUnavailableException empty =
        assertThrows(
            PasswordUnavailableException.class,
            () -> PasswordSources.FromConsole.typed(new char[0]));
    assertEquals("empty password from the console", empty.getMessage());
    assertArrayEquals(
        "typed".toCharArray(), PasswordSources.FromConsole.typed("typed".toCharArray()));
  }

  @Test
  void givenPasswordIsCopiedOutAndLeftToTheCaller() throws IOException {
    char[] password = "given-secret".toCharArray();
    PasswordSource source = PasswordSource.of(password);
    char[] read = source.read();
    assertArrayEquals(password, read);
    Arrays.fill(read, '\0');
    assertArrayEquals("given-secret".toCharArray(), source.read());
    assertFalse(source.toString().contains("given-secret"));
    Arrays.fill(password, '\0');
    assertArrayEquals(new char[12], source.read());
    assertThrows(PasswordUnavailableException.class, () -> PasswordSource.of(new char[0]).read());
  }
}
