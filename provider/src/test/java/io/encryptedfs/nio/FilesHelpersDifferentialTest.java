package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SPARSE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code Files} helpers beside the default file system: streams and byte channels opened with
 * every combination of the usual options, on an existing file and on a missing one; buffered
 * writers appending; {@code Files.write} over a longer file; {@code AsynchronousFileChannel}. Each
 * step reports its outcome (or exception type) and the file's content afterwards.
 */
class FilesHelpersDifferentialTest {
  private static final List<OpenOption> OPTIONS =
      List.of(READ, WRITE, APPEND, CREATE, CREATE_NEW, TRUNCATE_EXISTING, DELETE_ON_CLOSE, SPARSE);

  private interface Call {
    String run() throws Exception;
  }

  private static String outcome(Call call) {
    try {
      return call.run();
    } catch (ExecutionException e) {
      return "failed " + e.getCause().getClass().getName();
    } catch (Exception e) {
      return "threw " + e.getClass().getName();
    }
  }

  private static String content(Path f) {
    return outcome(() -> Files.exists(f) ? "'" + Files.readString(f) + "'" : "absent");
  }

  private static List<Set<OpenOption>> subsets() {
    List<Set<OpenOption>> all = new ArrayList<>();
    for (int mask = 0; mask < 1 << OPTIONS.size(); mask++) {
      Set<OpenOption> s = new HashSet<>();
      for (int i = 0; i < OPTIONS.size(); i++) {
        if ((mask & 1 << i) != 0) {
          s.add(OPTIONS.get(i));
        }
      }
      all.add(s);
    }
    return all;
  }

  private static List<String> streams(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    int n = 0;
    for (Set<OpenOption> options : subsets()) {
      for (boolean exists : new boolean[] {true, false}) {
        Path f = dir.resolve("f" + n++);
        if (exists) {
          Files.writeString(f, "0123456789");
        }
        OpenOption[] o = options.toArray(OpenOption[]::new);
        String out =
            outcome(
                () -> {
                  try (OutputStream s = Files.newOutputStream(f, o)) {
                    s.write("ab".getBytes(UTF_8));
                    s.write('c');
                    return "wrote " + content(f);
                  }
                });
        seen.add("out " + options + " " + exists + ": " + out + " then " + content(f));
        Path g = dir.resolve("g" + n++);
        if (exists) {
          Files.writeString(g, "0123456789");
        }
        String in =
            outcome(
                () -> {
                  try (InputStream s = Files.newInputStream(g, o)) {
                    String first = new String(s.readNBytes(3), UTF_8);
                    long skipped = s.skip(4);
                    return first + " " + skipped + " " + s.available() + " " + s.read();
                  }
                });
        seen.add("in " + options + " " + exists + ": " + in + " then " + content(g));
        Path h = dir.resolve("h" + n++);
        if (exists) {
          Files.writeString(h, "0123456789");
        }
        String ch =
            outcome(
                () -> {
                  try (SeekableByteChannel c = Files.newByteChannel(h, options)) {
                    return "at " + c.position() + " size " + c.size() + " " + seekable(c);
                  }
                });
        seen.add("channel " + options + " " + exists + ": " + ch + " then " + content(h));
      }
    }
    return seen;
  }

  private static String seekable(SeekableByteChannel c) {
    String w = outcome(() -> "wrote " + c.write(ByteBuffer.wrap("xy".getBytes(UTF_8))));
    String p = outcome(() -> "at " + c.position() + " size " + c.size());
    String s = outcome(() -> "set " + c.position(14).position());
    String w2 = outcome(() -> "wrote " + c.write(ByteBuffer.wrap("z".getBytes(UTF_8))));
    String r = outcome(() -> "read " + c.position(1).read(ByteBuffer.allocate(4)));
    String t = outcome(() -> "truncated " + c.truncate(5).size() + " at " + c.position());
    return String.join(", ", w, p, s, w2, r, t);
  }

  private static List<String> helpers(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    Path log = dir.resolve("log");
    for (int i = 0; i < 3; i++) {
      int k = i;
      seen.add(
          outcome(
              () -> {
                try (BufferedWriter w = Files.newBufferedWriter(log, UTF_8, CREATE, APPEND)) {
                  w.write("line " + k + "\n");
                  return "appended";
                }
              }));
    }
    seen.add(content(log));
    Path longer = Files.write(dir.resolve("longer"), new byte[10_000]);
    seen.add(outcome(() -> "size " + Files.size(Files.write(longer, "short".getBytes(UTF_8)))));
    seen.add(content(longer));
    seen.add(
        outcome(
            () -> "size " + Files.size(Files.write(longer, List.of("a", "b"), APPEND, CREATE))));
    seen.add(content(longer));
    seen.add(outcome(() -> "size " + Files.size(Files.writeString(longer, "x", WRITE))));
    seen.add(content(longer));
    seen.add(outcome(() -> "size " + Files.size(Files.writeString(longer, "y", CREATE_NEW))));
    seen.add(outcome(() -> "size " + Files.size(Files.writeString(longer, "q", READ))));
    seen.add(content(longer));
    Path async = dir.resolve("async");
    seen.add(
        outcome(
            () -> {
              try (AsynchronousFileChannel c =
                  AsynchronousFileChannel.open(async, CREATE, WRITE, READ)) {
                int wrote = c.write(ByteBuffer.wrap("hello world".getBytes(UTF_8)), 3).get();
                ByteBuffer dst = ByteBuffer.allocate(20);
                int read = c.read(dst, 0).get();
                int atEnd = c.read(ByteBuffer.allocate(4), 100).get();
                FileLock lock = c.lock(0, 5, false).get();
                String locked = lock.isValid() + " " + lock.position() + " " + lock.size();
                lock.release();
                FileLock tried = c.tryLock(2, 3, true);
                c.force(true);
                c.truncate(7);
                return wrote
                    + " "
                    + read
                    + " "
                    + atEnd
                    + " "
                    + locked
                    + " "
                    + tried.isShared()
                    + " "
                    + c.size()
                    + " "
                    + new String(dst.array(), 0, read, UTF_8).trim();
              }
            }));
    seen.add(content(async));
    seen.add(
        outcome(
            () -> {
              try (AsynchronousFileChannel c = AsynchronousFileChannel.open(async, READ)) {
                return "write " + outcome(() -> "" + c.write(ByteBuffer.allocate(1), 0).get());
              }
            }));
    seen.add(
        outcome(
            () -> {
              try (AsynchronousFileChannel c = AsynchronousFileChannel.open(async, WRITE)) {
                return "read " + outcome(() -> "" + c.read(ByteBuffer.allocate(1), 0).get());
              }
            }));
    seen.add(outcome(() -> "" + AsynchronousFileChannel.open(async, WRITE, APPEND)));
    return seen;
  }

  private static void assertSame(Path tmp, PlainAndEncrypted.Steps steps) throws IOException {
    List<String> plain = steps.run(Files.createDirectory(tmp.resolve("plain")));
    Map<String, Object> env = TestRoots.env(new InMemoryKeys("master"), "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.CREATE_SYNC, "false");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
      List<String> enc = steps.run(Files.createDirectory(fs.getPath("/d")));
      assertEquals(String.join("\n", plain), String.join("\n", enc));
    }
  }

  @Test
  void streamsAndByteChannelsTakeEveryOptionAsTheDefaultFileSystemDoes(@TempDir Path tmp)
      throws IOException {
    assertSame(tmp, FilesHelpersDifferentialTest::streams);
  }

  @Test
  void writersWritesAndAsynchronousChannelsActAsOnTheDefaultFileSystem(@TempDir Path tmp)
      throws IOException {
    assertSame(tmp, FilesHelpersDifferentialTest::helpers);
  }
}
