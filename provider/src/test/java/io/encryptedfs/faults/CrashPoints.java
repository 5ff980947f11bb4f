package io.encryptedfs.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The crash points of a {@link Recording}: per file, every prefix of its unforced log, every tear
 * of the entry after the prefix (at the configured granularity) and, optionally, the file
 * vanishing. A crash point of the whole tree picks one per file, so their number is the product of
 * the per-file counts. Files without unforced entries have a single point and are left out of the
 * plans.
 */
public final class CrashPoints {
  private final CrashPointOptions options;
  private final List<String> paths = new ArrayList<>();
  private final List<CutSpace> spaces = new ArrayList<>();

  CrashPoints(Recording recording, CrashPointOptions options) {
    this.options = options;
    for (FileHistory file : recording.files().values()) {
      CutSpace space = new CutSpace(file, options);
      if (space.size() > 1) {
        paths.add(file.path());
        spaces.add(space);
      }
    }
  }

  /** The number of crash points of the tree, saturating at {@code Long.MAX_VALUE}. */
  public long count() {
    long product = 1;
    for (CutSpace space : spaces) {
      if (product > Long.MAX_VALUE / space.size()) {
        return Long.MAX_VALUE;
      }
      product *= space.size();
    }
    return product;
  }

  /** The number of crash points of one file. */
  public long count(String path) {
    int i = paths.indexOf(path);
    return i < 0 ? 1 : spaces.get(i).size();
  }

  /** Every crash point of one file, in enumeration order. */
  public Stream<FileCut> cuts(String path) {
    int i = paths.indexOf(path);
    if (i < 0) {
      return Stream.of(FileCut.all());
    }
    CutSpace space = spaces.get(i);
    return LongStream.range(0, space.size()).mapToObj(space::get);
  }

  /**
   * Every crash point of the tree, lazily and in a fixed order.
   *
   * @throws IllegalStateException if there are more than {@link CrashPointOptions#limit()}
   */
  public Stream<CrashPlan> all() {
    long count = count();
    if (count > options.limit()) {
      throw new IllegalStateException(
          count
              + " crash points exceed the limit of "
              + options.limit()
              + "; use sample(...) or CrashPointOptions.withLimit");
    }
    return LongStream.range(0, count).mapToObj(this::plan);
  }

  /** {@code samples} random crash points of the tree, the same for the same seed. */
  public Stream<CrashPlan> sample(long seed, int samples) {
    return draw(seed, samples, CutSpace::sample);
  }

  /**
   * {@code samples} random crashes that keep an arbitrary subset of each file's unforced entries,
   * beyond the ordered model. Writes that a test relies on surviving must be forced; this finds the
   * places that rely on write order instead.
   */
  public Stream<CrashPlan> sampleReordered(long seed, int samples) {
    return draw(seed, samples, CutSpace::sampleSubset);
  }

  /**
   * As {@link #sampleReordered}, at the granularity of pages: write-back keeps any subset of the
   * dirty pages, so a write that spans pages may survive in part, in any file.
   */
  public Stream<CrashPlan> sampleReorderedPages(long seed, int samples) {
    return draw(seed, samples, CutSpace::samplePages);
  }

  /** {@link #sampleReorderedPages} when {@code byPage}, else {@link #sampleReordered}. */
  public Stream<CrashPlan> sampleReordered(long seed, int samples, boolean byPage) {
    return byPage ? sampleReorderedPages(seed, samples) : sampleReordered(seed, samples);
  }

  private Stream<CrashPlan> draw(
      long seed, int samples, BiFunction<CutSpace, SplittableRandom, FileCut> sampler) {
    // Drawn eagerly so that the plans do not depend on how the stream is consumed.
    SplittableRandom random = new SplittableRandom(seed);
    List<CrashPlan> plans = new ArrayList<>(samples);
    for (int s = 0; s < samples; s++) {
      SortedMap<String, FileCut> cuts = new TreeMap<>();
      for (int i = 0; i < spaces.size(); i++) {
        cuts.put(paths.get(i), sampler.apply(spaces.get(i), random));
      }
      plans.add(new CrashPlan(cuts, FileCut.all()));
    }
    return plans.stream();
  }

  private CrashPlan plan(long index) {
    SortedMap<String, FileCut> cuts = new TreeMap<>();
    long rest = index;
    for (int i = spaces.size() - 1; i >= 0; i--) {
      long size = spaces.get(i).size();
      cuts.put(paths.get(i), spaces.get(i).get(rest % size));
      rest /= size;
    }
    return new CrashPlan(cuts, FileCut.all());
  }
}
