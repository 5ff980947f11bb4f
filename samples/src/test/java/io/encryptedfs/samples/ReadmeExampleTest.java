package io.encryptedfs.samples;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Use" example, run as written (with a real keystore), and the demos end to end. */
class ReadmeExampleTest {
  @TempDir Path tmp;

  @Test
  void readmeUseExampleRunsAsWritten() throws Exception {
    Path keystore = tmp.resolve("keys.p12");
    try (Pkcs12KeyStore ks = Pkcs12KeyStore.create(keystore, "s3cret-pass".toCharArray())) {
      ks.generateKey("master");
    }
    Path data = tmp.resolve("data");
    ByteBuffer buf = ByteBuffer.wrap("first record\n".getBytes(StandardCharsets.UTF_8));

    Map<String, Object> env =
        Map.of(
            "keystore", keystore.toString(),
            "keystore.password", "s3cret-pass",
            "key.alias", "master",
            "algorithm", "AES-256-GCM",
            "block.size", "4096",
            "create", "true");
    try (FileSystem fs = FileSystems.newFileSystem(URI.create("encrypted:" + data.toUri()), env)) {
      Path wal = fs.getPath("/wal/000001.log");
      Files.createDirectories(wal.getParent());
      try (FileChannel ch = FileChannel.open(wal, CREATE, WRITE, APPEND)) {
        ch.write(buf);
        ch.force(false);
      }
    }

    try (FileSystem fs = FileSystems.newFileSystem(URI.create("encrypted:" + data.toUri()), env)) {
      assertEquals("first record\n", Files.readString(fs.getPath("/wal/000001.log")));
    }
    byte[] raw = Files.readAllBytes(data.resolve("wal/000001.log"));
    assertTrue(raw.length > 13);
    assertEquals(-1, new String(raw, StandardCharsets.ISO_8859_1).indexOf("first record"));
  }

  @Test
  void demoRunsToTheDetectedDamage() throws Exception {
    String printed = printedBy(() -> WalDemo.main(new String[] {tmp.resolve("demo").toString()}));
    assertTrue(printed.contains("Reopened and read back 60 records"), printed);
    assertTrue(printed.contains("no record text appears anywhere in the raw file: true"), printed);
    assertTrue(
        printed.contains("DamagedFileException: /wal/000001.log: block 0: failed authentication"),
        printed);
  }

  @Test
  void sharedLogDemoReadsBackEveryWritersLines() throws Exception {
    String printed =
        printedBy(() -> SharedLogDemo.main(new String[] {tmp.resolve("shared").toString()}));
    assertTrue(printed.contains("Read back 120 lines: every writer's 40 lines"), printed);
    byte[] raw = Files.readAllBytes(tmp.resolve("shared/data/shared.log"));
    assertEquals(-1, new String(raw, StandardCharsets.ISO_8859_1).indexOf("writer-1 line"));
  }

  private interface Main {
    void run() throws Exception;
  }

  /** What {@code main} prints to standard output. */
  private static String printedBy(Main main) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
