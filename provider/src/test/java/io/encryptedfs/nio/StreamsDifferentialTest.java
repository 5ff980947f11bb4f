package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The streams of {@code Files.newInputStream} and {@code newOutputStream} ({@link ChannelInput},
 * {@link ChannelOutput}) beside the default file system's, which are the JDK's streams over a
 * channel: the same calls in the same order, including out-of-range arguments, skips past either
 * end and calls after the close, give the same results, exceptions and content.
 */
class StreamsDifferentialTest {
  private static final AtomicInteger FILES = new AtomicInteger();
  private static Path plainDir;
  private static FileSystem fs;

  @BeforeContainer
  static void open() throws IOException {
    plainDir = Files.createTempDirectory("streams-plain");
    Path encrypted = Files.createTempDirectory("streams-encrypted");
    fs = TestRoots.open(encrypted, new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterContainer
  static void close() throws IOException {
    fs.close();
  }

  /** One call on a stream, with its arguments. */
  record Step(String call, long a, int b, int c) {
    @Override
    public String toString() {
      return call + "(" + a + ", " + b + ", " + c + ")";
    }
  }

  @Provide
  Arbitrary<byte[]> contents() {
    return Arbitraries.integers()
        .between(0, 3)
        .flatMap(
            scale ->
                Arbitraries.bytes()
                    .array(byte[].class)
                    .ofMaxSize(new int[] {0, 10, 5000, 20_000}[scale]));
  }

  @Provide
  Arbitrary<List<Step>> reads() {
    Arbitrary<Long> skips =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-25_000, 25_000),
            Arbitraries.of(0L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1));
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of(
                    "read",
                    "readInto",
                    "readIntoShared",
                    "skip",
                    "available",
                    "readNBytes",
                    "readAllBytes",
                    "transferTo",
                    "close"),
                skips,
                Arbitraries.integers().between(-2, 9000),
                Arbitraries.integers().between(-2, 10))
            .as(Step::new);
    return step.list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Step>> writes() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of("write", "writeFrom", "flush", "close"),
                Arbitraries.longs().between(-1, 300),
                Arbitraries.integers().between(-2, 9000),
                Arbitraries.integers().between(-2, 10))
            .as(Step::new);
    return step.list().ofMaxSize(12);
  }

  @Property(tries = 150)
  void readsGiveWhatTheDefaultFileSystemsGive(
      @ForAll("contents") byte[] content, @ForAll("reads") List<Step> steps) throws IOException {
    readBoth(content, steps);
  }

  /**
   * Runs {@code steps} on a stream of a plain file and of an encrypted one holding {@code content},
   * checks that they saw the same, and returns what they saw.
   */
  private static List<String> readBoth(byte[] content, List<Step> steps) throws IOException {
    String name = "r" + FILES.incrementAndGet();
    Path plain = plainDir.resolve(name);
    Path encrypted = fs.getPath("/" + name);
    Files.write(plain, content);
    Files.write(encrypted, content);
    List<String> seen = read(encrypted, steps);
    assertEquals(read(plain, steps), seen, () -> "steps " + steps);
    return seen;
  }

  /**
   * A transfer longer than one of {@code ChannelInput.transferTo}'s reads (the property's files are
   * at most 20,000 bytes), from a position that is not a block's start, through several reads and a
   * short last one.
   */
  @Example
  void aLongTransferGivesWhatTheDefaultFileSystemsGives() throws IOException {
    byte[] content = new byte[2 * ChannelInput.TRANSFER_CHUNK + 12_345];
    new Random(39).nextBytes(content);
    List<Step> steps =
        List.of(
            new Step("skip", 4097, 0, 0),
            new Step("read", 0, 0, 0),
            new Step("transferTo", 0, 0, 0),
            new Step("read", 0, 0, 0),
            new Step("transferTo", 0, 0, 0));
    List<String> seen = readBoth(content, steps);
    byte[] rest = Arrays.copyOfRange(content, 4098, content.length);
    assertTrue(
        seen.get(2).endsWith(": " + rest.length + " " + Arrays.hashCode(rest)), seen::toString);
  }

  /** The same for reads of whole arrays longer than one read, and for what is left after them. */
  @Example
  void longArraysGiveWhatTheDefaultFileSystemsGives() throws IOException {
    byte[] content = new byte[3 * ChannelInput.TRANSFER_CHUNK + 777];
    new Random(391).nextBytes(content);
    List<Step> steps =
        List.of(
            new Step("skip", 1000, 0, 0),
            new Step("readNBytes", 0, ChannelInput.TRANSFER_CHUNK + 5, 0),
            new Step("readAllBytes", 0, 0, 0),
            new Step("readAllBytes", 0, 0, 0),
            new Step("readNBytes", 0, 10, 0));
    List<String> seen = readBoth(content, steps);
    int from = 1000 + ChannelInput.TRANSFER_CHUNK + 5;
    assertEquals(
        Arrays.toString(Arrays.copyOfRange(content, from, content.length)),
        seen.get(2).substring(seen.get(2).indexOf(": ") + 2));
  }

  @Property(tries = 150)
  void writesGiveWhatTheDefaultFileSystemsGive(
      @ForAll("contents") byte[] before, @ForAll("writes") List<Step> steps, @ForAll boolean append)
      throws IOException {
    String name = "w" + FILES.incrementAndGet();
    Path plain = plainDir.resolve(name);
    Path encrypted = fs.getPath("/" + name);
    Files.write(plain, before);
    Files.write(encrypted, before);
    OpenOption[] options = append ? new OpenOption[] {APPEND} : new OpenOption[0];
    List<String> plainSeen = write(plain, options, steps);
    List<String> encryptedSeen = write(encrypted, options, steps);
    assertEquals(plainSeen, encryptedSeen, () -> "steps " + steps);
    assertEquals(
        Arrays.toString(Files.readAllBytes(plain)),
        Arrays.toString(Files.readAllBytes(encrypted)),
        () -> "content after " + steps);
  }

  private interface Call {
    String run() throws Exception;
  }

  private static String outcome(Call call) {
    try {
      return call.run();
    } catch (Exception e) {
      return "threw " + e.getClass().getName();
    }
  }

  private static List<String> read(Path file, List<Step> steps) throws IOException {
    List<String> seen = new ArrayList<>();
    // One array for every readIntoShared step, as callers read into one buffer call after call.
    byte[] shared = new byte[9000 + 10];
    try (InputStream in = Files.newInputStream(file)) {
      for (Step s : steps) {
        seen.add(s + ": " + outcome(() -> read(in, s, shared)));
      }
    }
    return seen;
  }

  private static String read(InputStream in, Step s, byte[] shared) throws IOException {
    switch (s.call()) {
      case "read":
        return Integer.toString(in.read());
      case "readInto":
        {
          byte[] b = new byte[Math.max(0, s.b()) + Math.max(0, s.c())];
          int n = in.read(b, s.c(), s.b());
          return n + " " + Arrays.hashCode(b);
        }
      case "readIntoShared":
        {
          int n = in.read(shared, s.c(), s.b());
          return n + " " + Arrays.hashCode(shared);
        }
      case "skip":
        return Long.toString(in.skip(s.a()));
      case "available":
        return Integer.toString(in.available());
      case "readNBytes":
        return Arrays.toString(in.readNBytes(Math.max(0, s.b())));
      case "readAllBytes":
        return Arrays.toString(in.readAllBytes());
      case "transferTo":
        {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          return in.transferTo(out) + " " + Arrays.hashCode(out.toByteArray());
        }
      case "close":
        in.close();
        return "closed";
      default:
        throw new AssertionError(s.call());
    }
  }

  private static List<String> write(Path file, OpenOption[] options, List<Step> steps)
      throws IOException {
    List<String> seen = new ArrayList<>();
    OpenOption[] opened = options.length == 0 ? options : new OpenOption[] {WRITE, CREATE, APPEND};
    try (OutputStream out = Files.newOutputStream(file, opened)) {
      for (Step s : steps) {
        seen.add(s + ": " + outcome(() -> write(out, s)));
      }
    }
    return seen;
  }

  private static String write(OutputStream out, Step s) throws IOException {
    switch (s.call()) {
      case "write":
        out.write((int) s.a());
        return "wrote";
      case "writeFrom":
        {
          byte[] b = new byte[Math.max(0, s.b()) + Math.max(0, s.c())];
          Arrays.fill(b, (byte) s.a());
          out.write(b, s.c(), s.b());
          return "wrote";
        }
      case "flush":
        out.flush();
        return "flushed";
      case "close":
        out.close();
        return "closed";
      default:
        throw new AssertionError(s.call());
    }
  }
}
