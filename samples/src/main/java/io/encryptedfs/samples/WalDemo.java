package io.encryptedfs.samples;

import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The README's demo: a write-ahead log in an encrypted root, with nothing to set up. It makes a
 * temporary directory and a fresh PKCS#12 keystore, appends records through a plain {@code
 * FileChannel}, shows the raw ciphertext beside the cleartext, reads the log back after reopening,
 * then flips one raw byte and shows the error that follows.
 *
 * <p>Pass a directory as the first argument to keep the data there instead of a temporary one.
 */
public final class WalDemo {
  private static final int RECORDS = 60;
  // Key events still go to this logger; the demo keeps them off the console (held so it is not
  // collected and reset).
  private static final java.util.logging.Logger AUDIT =
      java.util.logging.Logger.getLogger("io.encryptedfs.audit");

  public static void main(String[] args) throws IOException {
    AUDIT.setLevel(java.util.logging.Level.WARNING);
    Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("encryptedfs-demo");
    Files.createDirectories(work);
    char[] password = newPassword();
    try {
      run(work, password);
    } finally {
      Arrays.fill(password, '\0');
    }
    if (args.length == 0) {
      deleteTree(work);
    }
  }

  /** The demo, in {@code work}, with a keystore of {@code password}, which the caller wipes. */
  private static void run(Path work, char[] password) throws IOException {
    Path keystore = work.resolve("keys.p12");
    Path data = work.resolve("data");
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(keystore, password)) {
      keys.generateKey("master");
    }
    Map<String, Object> env = new HashMap<>();
    env.put("keystore", keystore.toString());
    env.put("keystore.password", password);
    env.put("key.alias", "master");
    env.put("algorithm", "AES-256-GCM");
    env.put("block.size", "4096");
    env.put("create", "true");
    URI root = URI.create("encrypted:" + data.toUri());

    System.out.println("encryptedfs demo");
    System.out.println("  work directory : " + work);
    System.out.println("  keystore       : " + keystore + " (fresh AES-256 master key 'master')");
    System.out.println("  encrypted root : " + root);
    System.out.println();

    try (FileSystem fs = FileSystems.newFileSystem(root, env)) {
      Path wal = fs.getPath("/wal/000001.log");
      Files.createDirectories(wal.getParent());
      try (FileChannel ch =
          FileChannel.open(
              wal,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND)) {
        for (int i = 1; i <= RECORDS; i++) {
          ch.write(ByteBuffer.wrap(record(i).getBytes(StandardCharsets.UTF_8)));
          if (i % 10 == 0) {
            ch.force(false);
          }
        }
      }
      System.out.println("1. Appended " + RECORDS + " records to " + wal.toUri());
      System.out.println(
          "   cleartext size "
              + Files.size(wal)
              + " bytes, raw size "
              + Files.size(data.resolve("wal/000001.log"))
              + " bytes");
      System.out.println();
    }

    Path rawWal = data.resolve("wal/000001.log");
    byte[] raw = Files.readAllBytes(rawWal);
    System.out.println(
        "2. The first records as the program sees them, and the raw file's first home block:");
    byte[] clear = (record(1) + record(2) + record(3)).getBytes(StandardCharsets.UTF_8);
    // FORMAT.md section 2: the header and three tail slots come before home block 0.
    long firstHomeBlock = 512 + 3 * (4096 + 64);
    Hexdump.sideBySide(clear, raw, (int) firstHomeBlock, 96);
    System.out.println(
        "   no record text appears anywhere in the raw file: "
            + !contains(raw, "payment".getBytes(StandardCharsets.US_ASCII)));
    System.out.println();

    try (FileSystem fs = FileSystems.newFileSystem(root, env)) {
      Path wal = fs.getPath("/wal/000001.log");
      String log = Files.readString(wal, StandardCharsets.UTF_8);
      String[] lines = log.split("\n");
      System.out.println("3. Reopened and read back " + lines.length + " records; the last three:");
      for (int i = Math.max(0, lines.length - 3); i < lines.length; i++) {
        System.out.println("   " + lines[i]);
      }
      System.out.println();
    }

    int victim = (int) firstHomeBlock + 24 + 100;
    raw[victim] ^= 0x01;
    Files.write(rawWal, raw);
    System.out.println(
        "4. Flipped one bit of raw byte " + victim + " (inside home block 0) and read again:");
    try (FileSystem fs = FileSystems.newFileSystem(root, env)) {
      Files.readAllBytes(fs.getPath("/wal/000001.log"));
      System.out.println("   UNEXPECTED: the damaged file was read without error");
      System.exit(1);
    } catch (IOException e) {
      System.out.println("   " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static String record(int i) {
    return String.format(
        "%06d payment id=%08x amount=%d.%02d EUR iban=DE89370400440532013%03d%n",
        i, 0x5eed0000 + i * 7919, 10 + i * 37 % 900, i % 100, i);
  }

  /**
   * A random password, as chars that the caller wipes once done with it. Built without a String,
   * which no one can wipe and which stays in the heap until collected, and with each array on the
   * way wiped.
   */
  static char[] newPassword() {
    byte[] bytes = new byte[18];
    byte[] encoded = null;
    try {
      new SecureRandom().nextBytes(bytes);
      encoded = Base64.getEncoder().encode(bytes);
      char[] password = new char[encoded.length];
      for (int i = 0; i < encoded.length; i++) {
        password[i] = (char) encoded[i]; // Base64 is ASCII: one byte, one char
      }
      return password;
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (encoded != null) {
        Arrays.fill(encoded, (byte) 0);
      }
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
