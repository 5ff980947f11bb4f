package io.encryptedfs.faults;

/**
 * Which crash points {@link CrashPoints} enumerates.
 *
 * @param tears where the first lost write of a file may tear
 * @param sectorSize the atomic unit of the simulated disk for {@link Granularity#SECTOR} tears
 * @param vanishing whether files created and not forced since may vanish entirely; off by default
 *     because the base model treats creation as immediately durable
 * @param limit the most points {@link CrashPoints#all()} agrees to enumerate
 */
public record CrashPointOptions(Granularity tears, int sectorSize, boolean vanishing, long limit) {

  /** Where a write in flight may tear. */
  public enum Granularity {
    /** Writes survive whole or not at all. */
    NONE,
    /** At each sector boundary strictly inside the write (the first sectors persist). */
    SECTOR,
    /** After every byte; includes the sector boundaries. */
    BYTE
  }

  public CrashPointOptions {
    if (sectorSize <= 0) {
      throw new IllegalArgumentException("sector size must be positive: " + sectorSize);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("negative limit " + limit);
    }
  }

  /** Sector tears at 512 bytes, no vanishing files, at most a million points. */
  public static CrashPointOptions defaults() {
    return new CrashPointOptions(Granularity.SECTOR, 512, false, 1_000_000);
  }

  public CrashPointOptions withTears(Granularity granularity) {
    return new CrashPointOptions(granularity, sectorSize, vanishing, limit);
  }

  public CrashPointOptions withSectorSize(int size) {
    return new CrashPointOptions(tears, size, vanishing, limit);
  }

  public CrashPointOptions withVanishing(boolean vanish) {
    return new CrashPointOptions(tears, sectorSize, vanish, limit);
  }

  public CrashPointOptions withLimit(long points) {
    return new CrashPointOptions(tears, sectorSize, vanishing, points);
  }
}
