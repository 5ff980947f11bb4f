package io.encryptedfs.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.encryptedfs.keystore.PasswordSource;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's storage layer (segmented event log, atomically replaced snapshot, disk-usage report
 * and age-based cleanup), written with plain {@code java.nio.file} as a first-time user would, runs
 * the same operations on a plain directory and on an encrypted root opened by URI with a keystore
 * and password file on disk, through restarts and a kill-style restart that closes the file system
 * under open channels, and must observe the same results in both.
 */
class ServiceStorageTest {
  private static final long SEGMENT_BYTES = 1024;

  @TempDir Path tmp;

  /** Where the service keeps its data, and what a restart of the service does to it. */
  private interface DataDir extends AutoCloseable {
    Path path();

    /** An orderly restart: the service closed everything it had open. */
    void restart() throws IOException;

    /** A restart after the process died with channels open. */
    void crashRestart() throws IOException;

    @Override
    void close() throws IOException;
  }

  private static final class PlainDir implements DataDir {
    private final Path dir;

    PlainDir(Path dir) throws IOException {
      this.dir = Files.createDirectories(dir);
    }

    @Override
    public Path path() {
      return dir;
    }

    @Override
    public void restart() {}

    @Override
    public void crashRestart() {}

    @Override
    public void close() {}
  }

  private static final class EncryptedDir implements DataDir {
    private final URI uri;
    private final Map<String, Object> env;
    private FileSystem fs;

    EncryptedDir(Path dir, Path keystore, Path passwordFile) throws IOException {
      this.uri = URI.create("encrypted:" + dir.toUri());
      this.env =
          Map.of(
              "keystore", keystore.toString(),
              "keystore.password.file", passwordFile.toString(),
              "create", "true");
      this.fs = FileSystems.newFileSystem(uri, env);
    }

    @Override
    public Path path() {
      return fs.getPath("/");
    }

    @Override
    public void restart() throws IOException {
      fs.close();
      fs = FileSystems.newFileSystem(uri, env);
    }

    @Override
    public void crashRestart() throws IOException {
      restart();
    }

    @Override
    public void close() throws IOException {
      fs.close();
    }
  }

  @Test
  void sameResultsOnAPlainDirectoryAndAnEncryptedRoot() throws Exception {
    Path keystore = keytoolKeystore(tmp.resolve("keys/service.p12"), "correct horse battery");
    Path passwordFile = Files.writeString(tmp.resolve("keys/password"), "correct horse battery\n");

    List<String> plain;
    try (DataDir dir = new PlainDir(tmp.resolve("plain"))) {
      plain = runService(dir);
    }
    List<String> encrypted;
    try (DataDir dir = new EncryptedDir(tmp.resolve("encrypted"), keystore, passwordFile)) {
      encrypted = runService(dir);
    }
    assertEquals(String.join("\n", plain), String.join("\n", encrypted));
  }

  /**
   * A service with several roots opens its keystore once and passes it as {@code key.provider}
   * (README, "Use"): closing a file system leaves it open for the others, and the files read back
   * through a root opened by the keystore's path.
   */
  @Test
  void rootsShareAKeystoreOpenedOnce() throws Exception {
    Path keystore = keytoolKeystore(tmp.resolve("keys/service.p12"), "correct horse battery");
    Path passwordFile = Files.writeString(tmp.resolve("keys/password"), "correct horse battery\n");
    try (Pkcs12KeyStore keys =
        Pkcs12KeyStore.open(keystore, PasswordSource.fromFile(passwordFile).read())) {
      Map<String, Object> env = Map.of("key.provider", keys, "create", "true");
      FileSystem orders = FileSystems.newFileSystem(uri(tmp.resolve("orders")), env);
      FileSystem users = FileSystems.newFileSystem(uri(tmp.resolve("users")), env);
      Files.writeString(orders.getPath("/o1"), "order");
      orders.close();
      Files.writeString(users.getPath("/u1"), "user");
      users.close();
      assertEquals(Set.of("master"), keys.aliases());
    }
    Map<String, Object> env =
        Map.of("keystore", keystore, "keystore.password.file", passwordFile, "create", "false");
    try (FileSystem orders = FileSystems.newFileSystem(uri(tmp.resolve("orders")), env)) {
      assertEquals("order", Files.readString(orders.getPath("/o1")));
    }
    try (FileSystem users = FileSystems.newFileSystem(uri(tmp.resolve("users")), env)) {
      assertEquals("user", Files.readString(users.getPath("/u1")));
    }
  }

  private static URI uri(Path dir) {
    return URI.create("encrypted:" + dir.toUri());
  }

  /** Runs the service's life through its storage and returns everything it observed. */
  private static List<String> runService(DataDir data) throws IOException {
    List<String> seen = new ArrayList<>();
    Random random = new Random(42);
    List<byte[]> appended = new ArrayList<>();
    EventLog log = EventLog.open(data.path().resolve("events"), SEGMENT_BYTES);
    SnapshotStore snapshot = snapshot(data);
    assertEquals(0, log.recovered().size());
    for (int i = 0; i < 120; i++) {
      byte[] payload = payload(random);
      log.append(payload);
      appended.add(payload);
      if (i % 10 == 9) {
        log.commit();
      }
      if (i % 40 == 39) {
        snapshot.write(Map.of("records", Integer.toString(i + 1), "last", hex(payload)));
      }
    }
    seen.add("segments " + names(log.segments()));
    seen.add("retention deleted " + log.retain(4));
    seen.add("segments after retention " + names(log.segments()));

    Path exports = data.path().resolve("exports");
    Files.createDirectories(exports);
    for (int day = 1; day <= 6; day++) {
      Path export = exports.resolve("day-" + day + ".csv");
      Files.writeString(export, ("day," + day + "\n").repeat(day * 50));
      Files.setLastModifiedTime(
          export, FileTime.from(Instant.parse("2026-01-0" + day + "T00:00:00Z")));
    }
    Map<String, Long> before = DiskUsage.report(data.path());
    seen.add("report " + before);
    seen.add("total " + DiskUsage.total(before));
    seen.add(
        "cleanup deleted "
            + DiskUsage.deleteOlderThan(
                exports, FileTime.from(Instant.parse("2026-01-04T00:00:00Z"))));
    seen.add("report after cleanup " + DiskUsage.report(data.path()));

    log.close();
    Map<String, FileTime> times = modificationTimes(data.path());
    data.restart();
    seen.add("times kept by a restart " + times.equals(modificationTimes(data.path())));
    log = EventLog.open(data.path().resolve("events"), SEGMENT_BYTES);
    List<byte[]> expected = retained(appended, log.segments());
    seen.add("recovered after restart " + log.recovered().size() + " cut " + log.truncatedBytes());
    assertRecords(expected, log.recovered());
    Map<String, String> last = Map.of("records", "120", "last", hex(appended.get(119)));
    assertEquals(last, snapshot(data).read());
    seen.add("snapshot after restart " + snapshot(data).read());

    for (int i = 0; i < 15; i++) {
      byte[] payload = payload(random);
      log.append(payload);
      appended.add(payload);
      if (i == 9) {
        log.commit();
      }
    }
    log.appendTorn(payload(random), 13);
    FileChannel orphan = log.abandon();
    data.crashRestart();
    log = EventLog.open(data.path().resolve("events"), SEGMENT_BYTES);
    seen.add("recovered after crash " + log.recovered().size() + " cut " + log.truncatedBytes());
    assertEquals(13, log.truncatedBytes());
    assertRecords(retained(appended, log.segments()), log.recovered());
    seen.add("segments after crash " + sizes(log.segments()));
    orphan.close();

    Files.writeString(
        data.path().resolve("state/snapshot.properties.tmp"),
        "records=99\nla",
        StandardCharsets.UTF_8);
    log.close();
    data.crashRestart();
    assertEquals(last, snapshot(data).read());
    seen.add("snapshot after a torn replace " + snapshot(data).read());
    assertFalse(Files.exists(data.path().resolve("state/snapshot.properties.tmp")));
    seen.add("final report " + DiskUsage.report(data.path()));
    return seen;
  }

  /**
   * A keystore as {@code keytool -genseckey -keyalg AES -keysize 256 -storetype PKCS12} makes it:
   * the JDK's default protection, so that each opening costs milliseconds rather than the second of
   * key derivation a {@code Pkcs12KeyStore} file costs.
   */
  private static Path keytoolKeystore(Path file, String password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    KeyGenerator aes = KeyGenerator.getInstance("AES");
    aes.init(256);
    char[] pw = password.toCharArray();
    ks.setEntry(
        "master",
        new KeyStore.SecretKeyEntry(aes.generateKey()),
        new KeyStore.PasswordProtection(pw));
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, pw);
    }
    return file;
  }

  private static Map<String, FileTime> modificationTimes(Path root) throws IOException {
    Map<String, FileTime> times = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          times.put(root.relativize(p).toString(), Files.getLastModifiedTime(p));
        }
      }
    }
    return times;
  }

  private static SnapshotStore snapshot(DataDir data) {
    return new SnapshotStore(data.path().resolve("state/snapshot.properties"));
  }

  private static byte[] payload(Random random) {
    byte[] p = new byte[1 + random.nextInt(200)];
    random.nextBytes(p);
    return p;
  }

  private static List<byte[]> retained(List<byte[]> appended, List<Path> segments) {
    String first = segments.get(0).getFileName().toString();
    int from = Integer.parseInt(first.substring(0, first.indexOf('.')));
    return appended.subList(from, appended.size());
  }

  private static void assertRecords(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size(), "records recovered");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(hex(expected.get(i)), hex(actual.get(i)), "record " + i);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static List<String> names(List<Path> paths) {
    List<String> names = new ArrayList<>();
    paths.forEach(p -> names.add(p.getFileName().toString()));
    return names;
  }

  private static Map<String, Long> sizes(List<Path> paths) throws IOException {
    Map<String, Long> sizes = new TreeMap<>();
    for (Path p : paths) {
      sizes.put(p.getFileName().toString(), Files.size(p));
    }
    return sizes;
  }
}
