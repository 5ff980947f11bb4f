package io.encryptedfs.channel;

/**
 * Told about every authentication failure the channel layer detects, for auditing. Gets paths,
 * aliases, block indexes and reasons, never key material. Must not throw, and must be quick: it
 * runs on the reading thread.
 */
public interface IntegrityListener {
  /** Ignores everything. */
  IntegrityListener NONE =
      new IntegrityListener() {
        @Override
        public void keyUnwrapFailed(String path, String alias) {}

        @Override
        public void contentDamaged(String path, long block, String reason) {}
      };

  /** The master key {@code alias} did not unwrap the data key of {@code path}. */
  void keyUnwrapFailed(String path, String alias);

  /**
   * Part of {@code path} failed authentication or does not fit the format.
   *
   * @param block the cleartext block, or -1 when the damage is not in one block (header, tail)
   */
  void contentDamaged(String path, long block, String reason);
}
