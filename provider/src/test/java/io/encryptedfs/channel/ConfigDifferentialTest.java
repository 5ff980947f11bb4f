package io.encryptedfs.channel;

import io.encryptedfs.channel.ConfigOps.Op;
import io.encryptedfs.testing.TempTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Differential test in the settings {@link DifferentialChannelTest} leaves out: the smallest and
 * the largest block size, buffered writes with a short bound, unforced creation, AES-128, and the
 * steps it has not (direct, offset and read-only buffers, a read-only channel, positional writes
 * through APPEND, transfers with plain file channels, locks, closing one channel or the file system
 * under its channels). On the real disk, whose JDK channel is the specification.
 */
class ConfigDifferentialTest {

  @Property(tries = 60, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  void writeThrough4k(@ForAll("ops4k") List<Op> ops) throws Exception {
    run(ops, "AES-256-GCM", 4096, "write-through", true);
  }

  @Property(tries = 60, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  void buffered4kAes128UnforcedCreation(@ForAll("ops4k") List<Op> ops) throws Exception {
    run(ops, "AES-128-GCM", 4096, "buffered", false);
  }

  @Property(tries = 15, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  void writeThrough1m(@ForAll("ops1m") List<Op> ops) throws Exception {
    run(ops, "AES-256-GCM", 1 << 20, "write-through", true);
  }

  @Property(tries = 15, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  void buffered1mChaCha(@ForAll("ops1m") List<Op> ops) throws Exception {
    run(ops, "CHACHA20-POLY1305", 1 << 20, "buffered", true);
  }

  private static void run(
      List<Op> ops, String algorithm, int blockSize, String mode, boolean createSync)
      throws Exception {
    Path base = Files.createTempDirectory("efs-config-diff");
    try {
      new ConfigDifferentialHarness(base, algorithm, blockSize, mode, createSync).run(ops);
    } finally {
      TempTrees.delete(base);
    }
  }

  @Provide
  Arbitrary<List<Op>> ops4k() {
    return ConfigOps.ops(4096);
  }

  @Provide
  Arbitrary<List<Op>> ops1m() {
    return ConfigOps.ops(1 << 20);
  }
}
