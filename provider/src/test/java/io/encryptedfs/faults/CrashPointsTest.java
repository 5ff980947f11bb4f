package io.encryptedfs.faults;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.CrashPointOptions.Granularity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CrashPointsTest {
  // Write 1000 B at 0 (2 sector chunks), truncate, write 600 B at 1000 (3 chunks).
  private static final FileHistory LOG =
      new FileHistory(
          "log",
          new byte[0],
          List.of(
              new LogEntry.Write(0, new byte[1000]),
              new LogEntry.Truncate(10),
              new LogEntry.Write(1000, new byte[600])),
          true);
  private static final FileHistory MANIFEST =
      new FileHistory(
          "dir/manifest",
          "v1".getBytes(US_ASCII),
          List.of(new LogEntry.Write(0, new byte[2])),
          false);
  private static final FileHistory STABLE =
      new FileHistory("stable", "s".getBytes(US_ASCII), List.of(), false);

  private static Recording recording(FileHistory... files) {
    TreeMap<String, FileHistory> byPath = new TreeMap<>();
    for (FileHistory file : files) {
      byPath.put(file.path(), file);
    }
    return new Recording(new TreeSet<>(Set.of("dir")), byPath);
  }

  private static CrashPoints points(Granularity tears, boolean vanishing, FileHistory... files) {
    CrashPointOptions options =
        CrashPointOptions.defaults().withTears(tears).withVanishing(vanishing);
    return recording(files).crashPoints(options);
  }

  @Test
  void countsPrefixesPlusTearsPerFile() {
    assertEquals(4, points(Granularity.NONE, false, LOG).count());
    assertEquals(4 + 1 + 2, points(Granularity.SECTOR, false, LOG).count());
    assertEquals(4 + 999 + 599, points(Granularity.BYTE, false, LOG).count());
    assertEquals(4 + 1 + 2 + 1, points(Granularity.SECTOR, true, LOG).count());
  }

  @Test
  void enumeratesEveryPerFilePointOnce() {
    CrashPoints points = points(Granularity.SECTOR, true, LOG);

    List<FileCut> cuts = points.cuts("log").collect(Collectors.toList());

    assertEquals(
        List.of(
            FileCut.prefix(0),
            FileCut.prefix(1),
            FileCut.prefix(2),
            FileCut.prefix(3),
            FileCut.torn(0, Tear.atSector(512, 1)),
            FileCut.torn(2, Tear.atSector(512, 1)),
            FileCut.torn(2, Tear.atSector(512, 2)),
            FileCut.vanish()),
        cuts);
  }

  @Test
  void filesCombineAsAProductAndStableFilesAreLeftOut() {
    CrashPoints points = points(Granularity.BYTE, false, LOG, MANIFEST, STABLE);

    List<CrashPlan> plans = points.all().collect(Collectors.toList());

    assertEquals(1602 * 3, points.count());
    assertEquals(points.count(), plans.size());
    assertEquals(points.count(), new HashSet<>(plans).size());
    assertEquals(1, points.count("stable"));
    assertTrue(
        plans.stream().allMatch(p -> p.cuts().keySet().equals(Set.of("log", "dir/manifest"))));
  }

  @Test
  void everyPlanMaterialisesDurableContentOfUntouchedFiles() {
    Recording recording = recording(LOG, MANIFEST, STABLE);

    recording
        .crashPoints()
        .all()
        .map(recording::crash)
        .forEach(
            image -> {
              assertArrayEquals("s".getBytes(US_ASCII), image.file("stable").orElseThrow());
              assertEquals(Set.of("dir"), image.directories());
            });
  }

  @Test
  void refusesToEnumerateBeyondTheLimit() {
    CrashPoints points =
        recording(LOG, MANIFEST)
            .crashPoints(CrashPointOptions.defaults().withTears(Granularity.BYTE).withLimit(100));

    assertThrows(IllegalStateException.class, points::all);
  }

  @Test
  void samplesAreReproducibleAndDrawnFromTheEnumeratedPoints() {
    CrashPoints points = points(Granularity.BYTE, true, LOG, MANIFEST);
    Set<FileCut> logCuts = points.cuts("log").collect(Collectors.toSet());

    List<CrashPlan> first = points.sample(42, 500).collect(Collectors.toList());
    List<CrashPlan> again = points.sample(42, 500).collect(Collectors.toList());
    List<CrashPlan> other = points.sample(43, 500).collect(Collectors.toList());

    assertEquals(first, again);
    assertFalse(first.equals(other));
    assertTrue(first.stream().allMatch(p -> logCuts.contains(p.cutFor("log"))));
    assertTrue(first.stream().anyMatch(p -> p.cutFor("log") instanceof FileCut.Torn));
    assertTrue(first.stream().anyMatch(p -> p.cutFor("log") instanceof FileCut.Vanish));
  }

  @Test
  void reorderedSamplesKeepSubsets() {
    List<CrashPlan> plans =
        points(Granularity.NONE, false, LOG).sampleReordered(7, 50).collect(Collectors.toList());

    assertTrue(plans.stream().allMatch(p -> p.cutFor("log") instanceof FileCut.Subset));
    assertTrue(plans.stream().map(p -> p.cutFor("log")).distinct().count() > 1);
  }

  @Test
  void plansNamingUnknownFilesAreRejected() {
    Recording recording = recording(LOG);

    assertThrows(
        IllegalArgumentException.class,
        () -> recording.crash(CrashPlan.powerLoss().with("lgo", FileCut.all())));
  }
}
