package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.PasswordSource;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a heap dump of a program shows once it has closed its file system and keystore and wiped its
 * own password arrays: neither the password nor the master key, among the live objects. A child JVM
 * reads the password from a file, opens the keystore and a root with it (the keystore as a {@code
 * key.provider}, then by the env map), writes and reads files, and dumps its live heap while the
 * first keystore is open (where the secrets must be found, or the search proves nothing) and once
 * everything is closed (where they must not be). Only live objects are dumped: memory the collector
 * has freed but not reused is not looked at.
 */
class HeapSecretsTest {
  private static final String PASSWORD = "Heap-pw-Zq81xK3v";

  @TempDir Path dir;

  @Test
  void closedKeystoreAndFileSystemLeaveNoSecretInTheLiveHeap() throws Exception {
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    Path keystore = dir.resolve("keys.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setEntry(
        "master",
        new KeyStore.SecretKeyEntry(new SecretKeySpec(master, "AES")),
        new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
    try (OutputStream out = Files.newOutputStream(keystore)) {
      ks.store(out, PASSWORD.toCharArray());
    }
    Path passwordFile = Files.writeString(dir.resolve("pass"), PASSWORD + "\n");
    Path open = dir.resolve("open.hprof");
    Path closed = dir.resolve("closed.hprof");

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName(),
                keystore.toString(),
                passwordFile.toString(),
                dir.resolve("root").toString(),
                open.toString(),
                closed.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child finished");
    assertEquals(0, child.exitValue(), Files.readString(dir.resolve("child.log")));

    // While the keystore is open its password and key are in the heap: the search finds them.
    assertEquals(List.of("password as chars", "master key"), secrets(open, master));
    assertEquals(List.of(), secrets(closed, master));
  }

  /** Which of the secrets the heap dump holds. */
  private static List<String> secrets(Path dump, byte[] master) throws Exception {
    byte[] heap = Files.readAllBytes(dump);
    List<String> found = new ArrayList<>();
    search(heap, PASSWORD.getBytes(StandardCharsets.US_ASCII), "password as bytes", found);
    search(heap, PASSWORD.getBytes(StandardCharsets.UTF_16BE), "password as chars", found);
    search(heap, master, "master key", found);
    return found;
  }

  private static void search(byte[] heap, byte[] needle, String what, List<String> found) {
    outer:
    for (int i = 0; i + needle.length <= heap.length; i++) {
      if (heap[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (heap[i + j] != needle[j]) {
          continue outer;
        }
      }
      found.add(what);
      return;
    }
  }

  /** The program whose heap is dumped. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      Path keystore = Path.of(args[0]);
      Path passwordFile = Path.of(args[1]);
      Path root = Path.of(args[2]);
      char[] password = PasswordSource.fromFile(passwordFile).read();
      try (Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, password);
          FileSystem fs =
              EncryptedFileSystems.newFileSystem(
                  root,
                  Map.of(
                      EncryptedFileSystems.KEY_PROVIDER, keys,
                      EncryptedFileSystems.KEY_ALIAS, "master",
                      EncryptedFileSystems.CREATE, "true"))) {
        Files.writeString(fs.getPath("/a.txt"), "hello");
        if (!Files.readString(fs.getPath("/a.txt")).equals("hello")) {
          throw new AssertionError("read back");
        }
        dump(args[3]);
      } finally {
        Arrays.fill(password, '\0');
      }
      // The other way in: the file system opens the keystore itself, from the env map.
      char[] again = PasswordSource.fromFile(passwordFile).read();
      try (FileSystem fs =
          EncryptedFileSystems.newFileSystem(
              root,
              Map.of(
                  EncryptedFileSystems.KEYSTORE, keystore,
                  EncryptedFileSystems.KEYSTORE_PASSWORD, again))) {
        Files.writeString(fs.getPath("/b.txt"), "world");
        Files.readString(fs.getPath("/a.txt"));
      } finally {
        Arrays.fill(again, '\0');
      }
      dump(args[4]);
    }

    /** The live objects only: {@code dumpHeap} collects first. */
    private static void dump(String file) throws Exception {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file, true);
    }
  }
}
