package io.encryptedfs.durability;

/**
 * The soak switch: {@code -Dencryptedfs.soak=true} checks far more crash points and kill rounds,
 * with a fresh seed per run ({@code -Dencryptedfs.seed=N} repeats one). Off by default so CI stays
 * fast and deterministic.
 */
final class Soak {
  private static final long RUN_SEED =
      Long.getLong("encryptedfs.seed", enabled() ? System.nanoTime() : 0x5eedL);

  private Soak() {}

  static {
    if (enabled()) {
      System.out.println("encryptedfs soak run, -Dencryptedfs.seed=" + RUN_SEED + " repeats it");
    }
  }

  static boolean enabled() {
    return Boolean.getBoolean("encryptedfs.soak");
  }

  /** A seed for one case: fixed in CI, per run in soak mode (printed so a failure can be rerun). */
  static long seed(long salt) {
    return RUN_SEED ^ (salt * 0x9E3779B97F4A7C15L);
  }

  static long runSeed() {
    return RUN_SEED;
  }
}
