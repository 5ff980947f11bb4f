package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code Files} helpers that go through streams, called on a thread whose interrupt status is
 * set, beside the default file system: there they read and write, and leave the status set
 * (shutdown code that caught an {@code InterruptedException}, set it again and then saves its
 * state). Each step reports its outcome and whether the status was still set, then what the file
 * holds, read on a thread not interrupted.
 */
class InterruptedStreamsDifferentialTest {
  @TempDir Path tmp;

  private interface Call {
    String run(Path f) throws Exception;
  }

  @Test
  void streamsReadAndWriteOnAnInterruptedThreadAsOnTheDefaultFileSystem() throws Exception {
    List<String> seen =
        PlainAndEncrypted.assertSame(tmp, InterruptedStreamsDifferentialTest::steps);
    assertEquals(
        13, seen.stream().filter(l -> l.contains(": ok ")).count(), String.join("\n", seen));
  }

  private static List<String> steps(Path dir) {
    List<String> seen = new ArrayList<>();
    Path f = dir.resolve("state");
    step(seen, f, "write", p -> size(Files.write(p, "saved on the way out".getBytes(UTF_8))));
    step(seen, f, "writeString", p -> size(Files.writeString(p, "line one\nline two\n")));
    step(
        seen,
        f,
        "newOutputStream append",
        p -> {
          try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.APPEND)) {
            out.write("line three\n".getBytes(UTF_8));
          }
          return "written";
        });
    step(
        seen,
        f,
        "newBufferedWriter append",
        p -> {
          try (BufferedWriter w = Files.newBufferedWriter(p, StandardOpenOption.APPEND)) {
            w.write("line four\n");
          }
          return "written";
        });
    step(
        seen,
        f,
        "newInputStream",
        p -> {
          try (InputStream in = Files.newInputStream(p)) {
            return in.available() + " available, " + in.readAllBytes().length + " read";
          }
        });
    step(
        seen,
        f,
        "newBufferedReader",
        p -> {
          try (BufferedReader r = Files.newBufferedReader(p)) {
            return r.readLine();
          }
        });
    step(seen, f, "readAllLines", p -> Files.readAllLines(p).toString());
    step(seen, f, "size", p -> size(p));
    step(seen, f, "isRegularFile", p -> Boolean.toString(Files.isRegularFile(p)));
    step(
        seen,
        f,
        "readAttributes",
        p -> {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          return a.isRegularFile() + " " + a.size();
        });
    step(seen, f, "getAttribute size", p -> Files.getAttribute(p, "size").toString());
    step(
        seen,
        f,
        "copy to a stream",
        p -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          return Files.copy(p, out) + " copied";
        });
    step(
        seen,
        f,
        "copy from a stream",
        p ->
            Files.copy(
                    new ByteArrayInputStream("replaced".getBytes(UTF_8)),
                    p,
                    StandardCopyOption.REPLACE_EXISTING)
                + " copied");
    return seen;
  }

  private static void step(List<String> seen, Path f, String name, Call call) {
    String outcome;
    Thread.currentThread().interrupt();
    try {
      outcome = "ok " + call.run(f);
    } catch (Exception e) {
      outcome = "threw " + e.getClass().getName();
    }
    boolean stillSet = Thread.interrupted();
    String holds;
    try {
      holds = "'" + Files.readString(f).replace("\n", "|") + "'";
    } catch (Exception e) {
      holds = "unreadable: " + e.getClass().getName();
    }
    seen.add(name + ": " + outcome + ", interrupt still set " + stillSet + ", holds " + holds);
  }

  private static String size(Path p) throws Exception {
    return Files.size(p) + " bytes";
  }
}
