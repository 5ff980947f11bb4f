package io.encryptedfs.samples;

import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Several programs appending to one encrypted log, as services that share a log file do: each keeps
 * the file open and takes turns under a {@link FileLock} of it, writing each line at the size it
 * reads under the lock (logback's prudent mode works this way). It starts {@value #WRITERS} writer
 * processes (this class again, on the same class path), hands each the keystore password on its
 * standard input (never on its command line, where other users could read it), waits for them and
 * reads the log back: every line of every writer, in each writer's order, authentic.
 *
 * <p>Run: {@code java -cp samples/target/encryptedfs-demo.jar io.encryptedfs.samples.SharedLogDemo
 * [directory]} (a temporary directory by default).
 */
public final class SharedLogDemo {
  private static final int WRITERS = 3;
  private static final int LINES = 40;
  private static final String WRITER = "--writer";
  private static final java.util.logging.Logger AUDIT =
      java.util.logging.Logger.getLogger("io.encryptedfs.audit");

  private SharedLogDemo() {}

  public static void main(String[] args) throws Exception {
    AUDIT.setLevel(java.util.logging.Level.WARNING);
    if (args.length > 0 && args[0].equals(WRITER)) {
      writer(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
      return;
    }
    Path work =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("encryptedfs-shared");
    Files.createDirectories(work);
    char[] password = WalDemo.newPassword();
    try {
      try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(work.resolve("keys.p12"), password)) {
        keys.generateKey("master");
      }
      try (FileSystem fs = FileSystems.newFileSystem(root(work), env(work, password))) {
        Files.createFile(fs.getPath("/shared.log"));
      }
      System.out.println("encryptedfs shared log demo");
      System.out.println("  work directory : " + work);
      System.out.println(
          "  "
              + WRITERS
              + " processes append "
              + LINES
              + " lines each to /shared.log, each line"
              + " under a FileLock of the file");
      List<Process> writers = new ArrayList<>();
      for (int w = 1; w <= WRITERS; w++) {
        writers.add(start(work, "writer-" + w, password));
      }
      // Started one after another, they begin writing together, so that their turns interleave.
      for (int w = 1; w <= WRITERS; w++) {
        awaitFile(work.resolve("ready-writer-" + w), writers);
      }
      Files.createFile(work.resolve("go"));
      for (Process p : writers) {
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("a writer process failed (see its output above)");
        }
      }
      try (FileSystem fs = FileSystems.newFileSystem(root(work), env(work, password))) {
        check(Files.readAllLines(fs.getPath("/shared.log"), StandardCharsets.UTF_8));
      }
    } finally {
      Arrays.fill(password, '\0');
    }
    if (args.length == 0) {
      WalDemo.deleteTree(work);
    }
  }

  /** One writer process: reads the password from standard input, then appends its lines. */
  private static void writer(Path work, String name, int lines) throws IOException {
    char[] password = firstLine(System.in);
    try (FileSystem fs = FileSystems.newFileSystem(root(work), env(work, password));
        FileChannel log =
            FileChannel.open(
                fs.getPath("/shared.log"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Files.createFile(work.resolve("ready-" + name));
      awaitFile(work.resolve("go"), List.of());
      for (int i = 0; i < lines; i++) {
        try (FileLock turn = log.lock()) {
          ByteBuffer text =
              StandardCharsets.UTF_8.encode(CharBuffer.wrap(name + " line " + i + "\n"));
          long at = log.size();
          while (text.hasRemaining()) {
            at += log.write(text, at);
          }
        }
        // Other work between log lines, so that the writers' turns interleave.
        sleepMillis(ThreadLocalRandom.current().nextInt(3));
      }
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * The first line of {@code in}, decoded as UTF-8, as chars that the caller wipes. Read byte by
   * byte rather than by {@code readLine}, whose String no one can wipe; every array on the way is
   * wiped.
   */
  private static char[] firstLine(InputStream in) throws IOException {
    byte[] bytes = new byte[64];
    int n = 0;
    CharBuffer chars = null;
    try {
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (n == bytes.length) {
          byte[] larger = Arrays.copyOf(bytes, 2 * n);
          Arrays.fill(bytes, (byte) 0);
          bytes = larger;
        }
        bytes[n++] = (byte) b;
      }
      if (b == -1 && n == 0) {
        throw new IOException("no keystore password on standard input");
      }
      if (n > 0 && bytes[n - 1] == '\r') {
        n--;
      }
      // UTF-8 gives at most one char per byte: the decoder fills the buffer it allocates first,
      // and leaves no copy behind in a larger one.
      chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, n));
      char[] line = new char[chars.remaining()];
      chars.get(line);
      return line;
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (chars != null) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }

  /**
   * Waits (up to a minute) for {@code file} to exist, while every one of {@code processes} runs.
   */
  private static void awaitFile(Path file, List<Process> processes) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!Files.exists(file)) {
      if (System.nanoTime() - deadline > 0 || processes.stream().anyMatch(p -> !p.isAlive())) {
        throw new IOException("gave up waiting for " + file.getFileName());
      }
      sleepMillis(5);
    }
  }

  private static Process start(Path work, String name, char[] password) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SharedLogDemo.class.getName(),
                WRITER,
                work.toString(),
                name,
                Integer.toString(LINES))
            .inheritIO()
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    try (OutputStream stdin = p.getOutputStream()) {
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      byte[] line = new byte[bytes.remaining() + 1];
      bytes.get(line, 0, line.length - 1);
      line[line.length - 1] = '\n';
      stdin.write(line);
      Arrays.fill(line, (byte) 0);
      if (bytes.hasArray()) {
        Arrays.fill(bytes.array(), (byte) 0);
      }
    }
    return p;
  }

  /** Every writer's lines are all there, in its order; prints how the writers took turns. */
  private static void check(List<String> lines) {
    Map<String, Integer> next = new LinkedHashMap<>();
    int turns = 0;
    String previous = null;
    for (String line : lines) {
      String[] parts = line.split(" line ");
      int expected = next.getOrDefault(parts[0], 0);
      if (parts.length != 2 || Integer.parseInt(parts[1]) != expected) {
        throw new IllegalStateException("unexpected line: " + line);
      }
      next.put(parts[0], expected + 1);
      if (!parts[0].equals(previous)) {
        turns++;
        previous = parts[0];
      }
    }
    if (next.size() != WRITERS || next.values().stream().anyMatch(n -> n != LINES)) {
      throw new IllegalStateException("lines missing: " + next);
    }
    System.out.println();
    System.out.println(
        "Read back "
            + lines.size()
            + " lines: every writer's "
            + LINES
            + " lines, in its order, authentic; the writers took "
            + turns
            + " turns.");
    System.out.println("The first lines:");
    lines.stream().limit(6).forEach(l -> System.out.println("  " + l));
  }

  private static URI root(Path work) {
    return URI.create("encrypted:" + work.resolve("data").toUri());
  }

  private static Map<String, Object> env(Path work, char[] password) {
    Map<String, Object> env = new HashMap<>();
    env.put("keystore", work.resolve("keys.p12").toString());
    env.put("keystore.password", password);
    env.put("key.alias", "master");
    env.put("create", "true");
    return env;
  }

  private static void sleepMillis(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
