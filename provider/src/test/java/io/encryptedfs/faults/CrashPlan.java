package io.encryptedfs.faults;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Chooses, for every file of a {@link Recording}, what a crash leaves of it. Files are cut
 * independently: the model orders writes within a file only.
 *
 * @param cuts cuts for particular files, keyed by path relative to the root ({@code /} separated)
 * @param otherwise the cut for every file not in {@code cuts}
 */
public record CrashPlan(SortedMap<String, FileCut> cuts, FileCut otherwise) {

  public CrashPlan {
    cuts = Collections.unmodifiableSortedMap(new TreeMap<>(cuts));
    if (otherwise == null) {
      throw new NullPointerException("otherwise");
    }
  }

  public static CrashPlan of(Map<String, FileCut> cuts, FileCut otherwise) {
    return new CrashPlan(new TreeMap<>(cuts), otherwise);
  }

  /** The process died but the kernel did not: every completed write survives, none tears. */
  public static CrashPlan processCrash() {
    return new CrashPlan(new TreeMap<>(), FileCut.all());
  }

  /** Power loss that keeps nothing unforced; refine particular files with {@link #with}. */
  public static CrashPlan powerLoss() {
    return new CrashPlan(new TreeMap<>(), FileCut.none());
  }

  public CrashPlan with(String path, FileCut cut) {
    SortedMap<String, FileCut> more = new TreeMap<>(cuts);
    more.put(path, cut);
    return new CrashPlan(more, otherwise);
  }

  public FileCut cutFor(String path) {
    return cuts.getOrDefault(path, otherwise);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    cuts.forEach((path, cut) -> text.append(path).append(": ").append(cut).append("; "));
    return text.append("others: ").append(otherwise).append('}').toString();
  }
}
