package io.encryptedfs.faults;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.channel.HeaderInspector;
import io.encryptedfs.channel.HeaderInspector.Status;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.faults.CrashPointOptions.Granularity;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rewrap crashed at any point, torn at any byte, leaves every file readable with the old or the
 * new key, with the same content; rerunning it finishes the job.
 */
class RewrapCrashTest {
  private static final NewFilePolicy OLD =
      new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "old");

  /** Byte tears of one header slot write: a crash-point count above it covers at least one. */
  private static final int HEADER_TEARS = Geometry.HEADER_SLOT_SIZE;

  private final JimfsFaults fixture = new JimfsFaults();
  private final InMemoryKeys keys = new InMemoryKeys("old", "new");
  private final Map<String, byte[]> contents = new LinkedHashMap<>();

  RewrapCrashTest() throws IOException {}

  @AfterEach
  void close() throws IOException {
    fixture.close();
  }

  @Test
  void everyCrashPointOfAMultiFileRewrapLeavesEveryFileReadable() throws IOException {
    OpenFiles files = new OpenFiles(keys, new SecureRandom());
    create(files, "a", 10_000);
    create(files, "b", 4096);
    create(files, "c", 5);
    // "b" lost its older header slot to an earlier torn write: now only the rewrap's write order
    // (older slot first) keeps a valid header through a tear of either write.
    try (FileChannel raw = FileChannel.open(fixture.root().resolve("b"), WRITE)) {
      raw.write(ByteBuffer.wrap(new byte[] {0x13, 0x37}), 100); // slot 0: the creating force
      raw.force(true); //                                          made slot 1 the newest
    }
    // Forces still happen in order, but are not durable: every write of the rewrap stays in the
    // unforced log, so each prefix (and each byte tear of the next write) is a crash point.
    fixture.faults.dropForces(p -> true);
    for (String name : contents.keySet()) {
      assertTrue(files.rewrap(fixture.root().resolve(name), "/" + name, "new").rewritten());
    }
    Recording recording = fixture.faults.recording();
    CrashPoints points =
        recording.crashPoints(CrashPointOptions.defaults().withTears(Granularity.BYTE));
    List<String> names = new ArrayList<>(contents.keySet());
    int checked = 0;
    for (int f = 0; f < names.size(); f++) {
      // At least the rewrap's two slot writes, after whatever the creating session left unforced
      // (its last header write, and the closing tail record of a file that had a runway).
      assertTrue(recording.file(names.get(f)).unforced().size() >= 2, names.get(f));
      for (FileCut cut : points.cuts(names.get(f)).toList()) {
        Map<String, FileCut> cuts = new TreeMap<>();
        for (int other = 0; other < names.size(); other++) {
          if (other != f) {
            cuts.put(names.get(other), other < f ? FileCut.all() : FileCut.none());
          }
        }
        cuts.put(names.get(f), cut);
        checkImage(recording.crash(CrashPlan.of(cuts, FileCut.none())), f);
        checked++;
      }
    }
    assertTrue(checked > 500, "byte tears of both slot writes were enumerated: " + checked);
  }

  @Test
  void rewrapOfAnOpenFileKeepsItsInMemoryHeaderAndLaterForcesInStep() throws IOException {
    OpenFiles files = new OpenFiles(keys, new SecureRandom());
    Path path = fixture.root().resolve("open");
    try (FileChannel ch = files.newFileChannel(path, "/open", EnumSet.of(CREATE_NEW, WRITE), OLD)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      ch.force(true);
      assertTrue(files.rewrap(path, "/open", "new").rewritten());
      assertFalse(files.rewrap(path, "/open", "new").rewritten(), "a finished rewrap is a no-op");
      // A force after the rewrap writes the forced sequence into the other slot: it must carry the
      // new wrapping, or the old key would come back as the newest header.
      ch.write(ByteBuffer.wrap(new byte[] {4}), 3);
      ch.force(true);
    }
    HeaderInspector.Header header = HeaderInspector.inspect(path, keys);
    assertEquals(Status.OK, header.status());
    assertEquals("new", header.keyAlias());
    assertEquals(Set.of("new"), header.slotAliases());
    assertArrayEquals(
        new byte[] {1, 2, 3, 4}, read(new OpenFiles(onlyNew(), new SecureRandom()), path));
  }

  /**
   * A rewrap of an open file whose slot writes run out of space after {@code budget} bytes: the
   * first write torn (100), the second failing before a byte (256, and 300 without writing) or
   * after part of it landed (356, 456). Once the second write tears, the first slot, written and
   * forced, holds the only complete header. Whatever comes next here (a retried rewrap, a force's
   * header write) must go to the torn slot, never over the complete one: every crash point of it,
   * torn at any byte, leaves the file opening with its content.
   */
  @ParameterizedTest
  @MethodSource("rewrapFailures")
  void afterARewrapTornByAnIoErrorNoWriteGoesOverTheOnlyCompleteHeader(
      int budget, DiskFullMode mode, boolean retry) throws IOException {
    OpenFiles files = new OpenFiles(keys, new SecureRandom());
    Path path = fixture.root().resolve("open");
    byte[] data = {1, 2, 3};
    Recording recording;
    try (FileChannel ch = files.newFileChannel(path, "/open", EnumSet.of(CREATE_NEW, WRITE), OLD)) {
      ch.write(ByteBuffer.wrap(data));
      ch.force(true);
      fixture.faults.failWritesAfter(budget, mode);
      assertThrows(IOException.class, () -> files.rewrap(path, "/open", "new"));
      fixture.faults.unlimitedSpace();
      // Every write from here on stays unforced, so each prefix of them is a crash point.
      fixture.faults.dropForces(p -> true);
      if (retry) {
        files.rewrap(path, "/open", "new");
      }
      ch.write(ByteBuffer.wrap(new byte[] {4}), 3);
      ch.force(true);
      recording = fixture.faults.recording();
    }
    CrashPoints points =
        recording.crashPoints(CrashPointOptions.defaults().withTears(Granularity.BYTE));
    OpenFiles reader = new OpenFiles(keys, new SecureRandom());
    int checked = 0;
    for (FileCut cut : points.cuts("open").toList()) {
      CrashImage image = recording.crash(CrashPlan.of(Map.of("open", cut), FileCut.none()));
      try (FileSystem after = Jimfs.newFileSystem(Configuration.unix())) {
        Path file = image.writeTo(after.getPath("/restored")).resolve("open");
        assertEquals(Status.OK, HeaderInspector.inspect(file, keys).status(), image::toString);
        byte[] found = read(reader, file);
        assertArrayEquals(data, Arrays.copyOf(found, data.length), image::toString);
      }
      checked++;
    }
    assertTrue(checked > HEADER_TEARS, "crash points: " + checked);
  }

  /**
   * The cases above; with {@code -Dencryptedfs.soak=true}, every budget across both slot writes in
   * 7-byte steps, in both failing modes, with and without a retry.
   */
  static Stream<Arguments> rewrapFailures() {
    if (!Boolean.getBoolean("encryptedfs.soak")) {
      return Stream.of(
          Arguments.of(100, DiskFullMode.WRITE_PREFIX_THEN_FAIL, false),
          Arguments.of(100, DiskFullMode.WRITE_PREFIX_THEN_FAIL, true),
          Arguments.of(256, DiskFullMode.WRITE_PREFIX_THEN_FAIL, false),
          Arguments.of(300, DiskFullMode.FAIL_WITHOUT_WRITING, false),
          Arguments.of(356, DiskFullMode.WRITE_PREFIX_THEN_FAIL, false),
          Arguments.of(356, DiskFullMode.WRITE_PREFIX_THEN_FAIL, true),
          Arguments.of(456, DiskFullMode.WRITE_PREFIX_THEN_FAIL, false),
          Arguments.of(456, DiskFullMode.WRITE_PREFIX_THEN_FAIL, true));
    }
    Stream.Builder<Arguments> all = Stream.builder();
    for (int budget = 0; budget < 2 * Geometry.HEADER_SLOT_SIZE; budget += 7) {
      for (DiskFullMode mode :
          List.of(DiskFullMode.WRITE_PREFIX_THEN_FAIL, DiskFullMode.FAIL_WITHOUT_WRITING)) {
        all.add(Arguments.of(budget, mode, false));
        all.add(Arguments.of(budget, mode, true));
      }
    }
    return all.build();
  }

  private void checkImage(CrashImage image, int crashedFile) throws IOException {
    try (FileSystem after = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = image.writeTo(after.getPath("/restored"));
      OpenFiles reader = new OpenFiles(keys, new SecureRandom());
      int f = 0;
      for (Map.Entry<String, byte[]> e : contents.entrySet()) {
        Path file = dir.resolve(e.getKey());
        HeaderInspector.Header header = HeaderInspector.inspect(file, keys);
        assertEquals(Status.OK, header.status(), image::toString);
        if (f < crashedFile) {
          assertEquals("new", header.keyAlias(), image::toString);
        } else if (f > crashedFile) {
          assertEquals("old", header.keyAlias(), image::toString);
        }
        assertArrayEquals(e.getValue(), read(reader, file), image::toString);
        f++;
      }
      // Resumable: rerunning the rewrap on whatever the crash left finishes it.
      for (String name : contents.keySet()) {
        reader.rewrap(dir.resolve(name), "/" + name, "new");
      }
      OpenFiles newOnly = new OpenFiles(onlyNew(), new SecureRandom());
      for (Map.Entry<String, byte[]> e : contents.entrySet()) {
        Path file = dir.resolve(e.getKey());
        assertEquals(Set.of("new"), HeaderInspector.inspect(file, keys).slotAliases());
        assertArrayEquals(e.getValue(), read(newOnly, file), image::toString);
      }
    }
  }

  private void create(OpenFiles files, String name, int size) throws IOException {
    byte[] data = new byte[size];
    new SecureRandom().nextBytes(data);
    try (FileChannel ch =
        files.newFileChannel(
            fixture.root().resolve(name), "/" + name, EnumSet.of(CREATE_NEW, WRITE), OLD)) {
      ch.write(ByteBuffer.wrap(data));
      ch.force(true);
    }
    contents.put(name, data);
  }

  private static byte[] read(OpenFiles files, Path path) throws IOException {
    try (FileChannel ch = files.newFileChannel(path, path.toString(), EnumSet.of(READ), OLD)) {
      ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read it all
      }
      return buf.array();
    }
  }

  /** A provider with only the new key, as after the old one is retired. */
  private KeyProvider onlyNew() throws IOException {
    SecretKey key = keys.masterKey("new");
    return new KeyProvider() {
      @Override
      public SecretKey masterKey(String alias) throws IOException {
        if (!alias.equals("new")) {
          throw new io.encryptedfs.keystore.UnknownKeyAliasException("new only", alias);
        }
        return key;
      }

      @Override
      public Set<String> aliases() {
        return Set.of("new");
      }

      @Override
      public void close() {}
    };
  }
}
