package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.bytes;
import static io.encryptedfs.faults.JimfsFaults.content;
import static io.encryptedfs.faults.JimfsFaults.write;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DSYNC;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.CrashPointOptions.Granularity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The durability contract of the fault file system, exercised through its channels. */
class CrashModelTest {
  private final JimfsFaults fixture = new JimfsFaults();
  private final FaultInjectingFileSystem faults = fixture.faults;
  private final Path root = fixture.root();

  CrashModelTest() throws IOException {}

  @AfterEach
  void close() throws IOException {
    fixture.close();
  }

  @Test
  void forcedDataSurvivesEveryCrashPointAndUnforcedDataSurvivesAsAPrefix() throws IOException {
    try (FileChannel wal = FileChannel.open(root.resolve("wal"), CREATE_NEW, WRITE, APPEND)) {
      write(wal, "durable|");
      wal.force(false);
      write(wal, "tail-1|");
      write(wal, "tail-2|");
    }
    Recording recording = faults.recording();
    CrashPoints points =
        recording.crashPoints(CrashPointOptions.defaults().withTears(Granularity.BYTE));

    List<String> images =
        points.all().map(recording::crash).map(i -> content(i, "wal")).collect(Collectors.toList());

    // 3 prefixes and 6 tears of each 7-byte append: every byte prefix of the tail exactly once.
    Set<String> expected =
        IntStream.rangeClosed(0, 14)
            .mapToObj(n -> "durable|" + "tail-1|tail-2|".substring(0, n))
            .collect(Collectors.toSet());
    assertEquals(15, images.size());
    assertEquals(expected, Set.copyOf(images));
  }

  /** A force covers what was written before it began; a write while it runs stays unforced. */
  @Test
  void aForceCoversOnlyWhatWasWrittenBeforeItBegan() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (FileChannel wal = FileChannel.open(root.resolve("wal"), CREATE_NEW, WRITE, APPEND)) {
      write(wal, "before|");
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Future<?> force = HeldForce.start(faults, pool, wal, "wal", started, release);
      try {
        write(wal, "during|");
      } finally {
        release.countDown();
      }
      force.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    Recording recording = faults.recording();
    assertEquals("before|", content(recording.crash(CrashPlan.powerLoss()), "wal"));
    assertEquals("before|during|", content(recording.crash(CrashPlan.processCrash()), "wal"));
  }

  @Test
  void anUnforcedWriteSurvivesWholeTornOrNotAtAllAsPlanned() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("f"), CREATE_NEW, WRITE)) {
      write(channel, "aaaaaaaa");
      channel.force(true);
      channel.write(ByteBuffer.wrap(bytes("BBBB")), 2);
    }

    assertEquals("aaaaaaaa", content(faults.crash(CrashPlan.powerLoss()), "f"));
    assertEquals("aaBBBBaa", content(faults.crash(CrashPlan.processCrash()), "f"));
    assertEquals("aaBBaaaa", crashWith("f", FileCut.torn(0, Tear.atByte(2))));
    assertEquals("aaaaaaaa", crashWith("f", FileCut.torn(0, Tear.atByte(0))));
    assertEquals("aaBBBBaa", crashWith("f", FileCut.prefix(1)));
  }

  @Test
  void prefixesKeepEarlierWritesOfAFileBeforeLaterOnes() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("f"), CREATE_NEW, WRITE)) {
      write(channel, "1111");
      channel.write(ByteBuffer.wrap(bytes("22")), 0);
      channel.write(new ByteBuffer[] {ByteBuffer.wrap(bytes("3")), ByteBuffer.wrap(bytes("4"))});
    }

    assertEquals("", crashWith("f", FileCut.prefix(0)));
    assertEquals("1111", crashWith("f", FileCut.prefix(1)));
    assertEquals("2211", crashWith("f", FileCut.prefix(2)));
    assertEquals("221134", crashWith("f", FileCut.prefix(3)));
  }

  @Test
  void filesAreCutIndependently() throws IOException {
    Files.write(root.resolve("a"), bytes("A"));
    Files.write(root.resolve("b"), bytes("B"));

    CrashImage image =
        faults.crash(CrashPlan.powerLoss().with("b", FileCut.all()).with("a", FileCut.none()));

    assertEquals("", content(image, "a"));
    assertEquals("B", content(image, "b"));
  }

  @Test
  void truncatesAreRecordedAndReplayed() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("f"), CREATE_NEW, WRITE)) {
      write(channel, "x".repeat(100));
      channel.force(false);
      channel.truncate(200);
      channel.truncate(10);
      channel.write(ByteBuffer.wrap(bytes("yy")), 20);
    }

    assertEquals(
        List.of(new LogEntry.Truncate(10), new LogEntry.Write(20, bytes("yy"))),
        faults.recording().file("f").unforced());
    assertEquals("x".repeat(100), crashWith("f", FileCut.prefix(0)));
    assertEquals("x".repeat(10), crashWith("f", FileCut.prefix(1)));
    assertEquals("x".repeat(10) + "\0".repeat(10) + "yy", crashWith("f", FileCut.prefix(2)));
  }

  @Test
  void openingWithTruncateExistingIsAnUnforcedTruncate() throws IOException {
    Path file = root.resolve("f");
    Files.write(file, bytes("old"));
    forceFile(file);

    Files.write(file, bytes("new!"));

    assertEquals(
        List.of(new LogEntry.Truncate(0), new LogEntry.Write(0, bytes("new!"))),
        faults.recording().file("f").unforced());
    assertEquals("old", crashWith("f", FileCut.prefix(0)));
    assertEquals("", crashWith("f", FileCut.prefix(1)));
    assertEquals("new!", crashWith("f", FileCut.prefix(2)));
  }

  @Test
  void sectorTornWritesApplyExactlyTheSectorsChosen() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("f"), CREATE_NEW, WRITE)) {
      write(channel, "o".repeat(2048));
      channel.force(true);
      channel.write(ByteBuffer.wrap(bytes("n".repeat(1500))), 100);
    }
    Recording recording = faults.recording();

    List<FileCut> cuts = recording.crashPoints().cuts("f").collect(Collectors.toList());

    // Chunks [100,512) [512,1024) [1024,1536) [1536,1600): 2 prefixes and 3 sector tears.
    assertEquals(5, cuts.size());
    for (int sectors = 1; sectors <= 3; sectors++) {
      String image =
          content(
              recording.crash(
                  CrashPlan.powerLoss().with("f", FileCut.torn(0, Tear.atSector(512, sectors)))),
              "f");
      int end = 512 * sectors;
      assertEquals(2048, image.length());
      assertEquals(100, image.indexOf('n'));
      assertEquals(end, image.lastIndexOf('n') + 1);
      assertEquals(end - 100, image.chars().filter(c -> c == 'n').count());
    }
  }

  @Test
  void aProcessCrashKeepsEveryWriteOfEveryFile() throws IOException {
    Files.createDirectories(root.resolve("d"));
    try (FileChannel a = FileChannel.open(root.resolve("a"), CREATE, WRITE);
        FileChannel b = FileChannel.open(root.resolve("d/b"), CREATE, WRITE, APPEND);
        FileChannel a2 = FileChannel.open(root.resolve("a"), WRITE)) {
      write(a, "0123456789");
      write(b, "first");
      a.force(false);
      a2.write(ByteBuffer.wrap(bytes("ab")), 12);
      write(b, "second");
      a.truncate(11);
    }

    CrashImage image = faults.crash(CrashPlan.processCrash());

    assertEquals(fixture.underlyingContent("a"), content(image, "a"));
    assertEquals("0123456789\0", content(image, "a"));
    assertEquals("firstsecond", content(image, "d/b"));
    assertEquals(Set.of("d"), image.directories());
  }

  @Test
  void aForceOnAnyChannelMakesTheWholeFileDurable() throws IOException {
    Path file = root.resolve("f");
    try (FileChannel writer = FileChannel.open(file, CREATE_NEW, WRITE);
        FileChannel reader = FileChannel.open(file, READ)) {
      write(writer, "data");
      reader.force(false);
    }

    assertEquals("data", content(faults.crash(CrashPlan.powerLoss()), "f"));
  }

  @Test
  void synchronousChannelsMakeEveryModificationDurableUnlessDropped() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("f"), CREATE_NEW, WRITE, DSYNC)) {
      write(channel, "abc");
      channel.truncate(2);
    }
    Files.write(root.resolve("g"), bytes("sync"), CREATE_NEW, WRITE, SYNC);
    faults.dropForces(path -> true);
    Files.write(root.resolve("g"), bytes("lost"), WRITE, SYNC);

    CrashImage image = faults.crash(CrashPlan.powerLoss());

    assertEquals("ab", content(image, "f"));
    assertEquals("sync", content(image, "g"));
  }

  @Test
  void droppedForcesReturnButPromiseNothing() throws IOException {
    faults.dropForces(path -> path.getFileName().toString().equals("wal"));
    Files.write(root.resolve("wal"), bytes("lost"));
    Files.write(root.resolve("data"), bytes("kept"));
    forceFile(root.resolve("wal"));
    forceFile(root.resolve("data"));

    CrashImage dropped = faults.crash(CrashPlan.powerLoss());
    faults.dropForces(path -> false);
    forceFile(root.resolve("wal"));
    CrashImage honest = faults.crash(CrashPlan.powerLoss());

    assertEquals("", content(dropped, "wal"));
    assertEquals("kept", content(dropped, "data"));
    assertEquals("lost", content(honest, "wal"));
  }

  @Test
  void createdFilesMayVanishUntilForcedWhenAsked() throws IOException {
    Files.write(fixture.underlyingRoot.resolve("old"), bytes("old"));
    Files.write(root.resolve("new"), bytes("new"));
    Files.write(root.resolve("old"), bytes("OLD"));
    Recording recording = faults.recording();

    assertTrue(recording.file("new").vanishable());
    assertFalse(recording.file("old").vanishable());
    assertFalse(
        recording
            .crash(CrashPlan.powerLoss().with("new", FileCut.vanish()))
            .file("new")
            .isPresent());
    assertFalse(recording.crashPoints().cuts("new").anyMatch(FileCut.Vanish.class::isInstance));
    assertTrue(
        recording
            .crashPoints(CrashPointOptions.defaults().withVanishing(true))
            .cuts("new")
            .anyMatch(FileCut.Vanish.class::isInstance));
    forceFile(root.resolve("new"));
    assertFalse(faults.recording().file("new").vanishable());
  }

  @Test
  void filesThatExistedBeforeAreDurableAsFound() throws IOException {
    Files.write(fixture.underlyingRoot.resolve("f"), bytes("before"));

    Files.write(root.resolve("f"), bytes("after"), WRITE);

    assertEquals("before", content(faults.crash(CrashPlan.powerLoss()), "f"));
    assertEquals("aftere", content(faults.crash(CrashPlan.processCrash()), "f"));
  }

  @Test
  void metadataIsDurableAtOnceAndRecordsFollowRenames() throws IOException {
    Path file = root.resolve("tmp");
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
      write(channel, "one");
      Files.createDirectory(root.resolve("dir"));
      Files.move(file, root.resolve("dir/final"));
      write(channel, "two");
    }
    Files.write(root.resolve("gone"), bytes("x"));
    Files.delete(root.resolve("gone"));

    CrashImage durable = faults.crash(CrashPlan.powerLoss());
    CrashImage half = faults.crash(CrashPlan.powerLoss().with("dir/final", FileCut.prefix(1)));

    assertEquals(Set.of("dir/final"), durable.paths());
    assertEquals("", content(durable, "dir/final"));
    assertEquals("one", content(half, "dir/final"));
  }

  @Test
  void writesToADeletedFileLeaveNoTrace() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("f"), CREATE_NEW, WRITE)) {
      write(channel, "a");
      Files.delete(root.resolve("f"));
      write(channel, "b");
      channel.force(true);
    }

    assertEquals(Set.of(), faults.recording().files().keySet());
  }

  @Test
  void copiesAreUnforcedData() throws IOException {
    Files.write(root.resolve("src"), bytes("payload"));
    forceFile(root.resolve("src"));

    Files.copy(root.resolve("src"), root.resolve("dst"));

    assertEquals("", content(faults.crash(CrashPlan.powerLoss()), "dst"));
    assertEquals("payload", content(faults.crash(CrashPlan.processCrash()), "dst"));
  }

  @Test
  void modificationsAroundTheFaultFileSystemAreDetected() throws IOException {
    Files.write(root.resolve("f"), bytes("through"));
    Files.write(fixture.underlyingRoot.resolve("f"), bytes("around"));

    IllegalStateException e = assertThrows(IllegalStateException.class, faults::recording);
    assertTrue(e.getMessage().contains("around the fault file system"), e.getMessage());
  }

  @Test
  void crashImagesCanBeWrittenOutAndReopenedElsewhere() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.write(root.resolve("a/b/f"), bytes("content"));
    Files.createDirectories(root.resolve("empty"));
    CrashImage image = faults.crash(CrashPlan.processCrash());

    try (JimfsFaults elsewhere = new JimfsFaults()) {
      Path target = image.writeTo(elsewhere.jimfs.getPath("/restored"));

      assertEquals("content", Files.readString(target.resolve("a/b/f")));
      assertTrue(Files.isDirectory(target.resolve("empty")));
      assertThrows(IOException.class, () -> image.writeTo(target));
    }
  }

  private String crashWith(String path, FileCut cut) throws IOException {
    return content(faults.crash(CrashPlan.powerLoss().with(path, cut)), path);
  }

  private static void forceFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, WRITE)) {
      channel.force(true);
    }
  }
}
