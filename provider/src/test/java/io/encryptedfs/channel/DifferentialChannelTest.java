package io.encryptedfs.channel;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.channel.ChannelOps.Op;
import io.encryptedfs.testing.TempTrees;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Differential test: every random sequence of FileChannel operations is applied to a plain file and
 * to an encrypted file on the same kind of underlying file system; return values (or exception
 * types), positions, sizes and contents must be identical after every step. The plain file is the
 * specification: an encrypted channel must be a drop-in.
 *
 * <p>Each side has three channels on its file: 0 and 1 are READ+WRITE (so interleaved operations
 * check that one channel's writes are visible through the other at once), 2 is WRITE+APPEND.
 * Positional writes and transferFrom are never sent to the APPEND channel: the JDK on Linux opens
 * with O_APPEND and pwrite(2) then appends regardless of the position, while encryptedfs writes at
 * the position (as the FileChannel spec describes); that difference is deliberate, not compared.
 * The steps are {@link ChannelOps}; {@link DifferentialHarness} applies them to both sides.
 */
class DifferentialChannelTest {

  @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
  void jimfsAesGcm4k(@ForAll("ops4k") List<Op> ops) throws Exception {
    runOnJimfs(ops, "AES-256-GCM", 4096);
  }

  @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
  void jimfsChaCha4k(@ForAll("ops4k") List<Op> ops) throws Exception {
    runOnJimfs(ops, "CHACHA20-POLY1305", 4096);
  }

  @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
  void jimfsAesGcm16k(@ForAll("ops16k") List<Op> ops) throws Exception {
    runOnJimfs(ops, "AES-256-GCM", 16384);
  }

  @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
  void diskAesGcm4k(@ForAll("ops4k") List<Op> ops) throws Exception {
    runOnDisk(ops, "AES-256-GCM", 4096);
  }

  @Property(tries = 15, shrinking = ShrinkingMode.BOUNDED)
  void diskChaCha16k(@ForAll("ops16k") List<Op> ops) throws Exception {
    runOnDisk(ops, "CHACHA20-POLY1305", 16384);
  }

  private static void runOnJimfs(List<Op> ops, String algorithm, int blockSize) throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path base = jimfs.getPath("/base");
      Files.createDirectories(base);
      new DifferentialHarness(base, algorithm, blockSize).run(ops);
    }
  }

  private static void runOnDisk(List<Op> ops, String algorithm, int blockSize) throws Exception {
    Path base = Files.createTempDirectory("efs-diff");
    try {
      new DifferentialHarness(base, algorithm, blockSize).run(ops);
    } finally {
      TempTrees.delete(base);
    }
  }

  @Provide
  Arbitrary<List<Op>> ops4k() {
    return ChannelOps.ops(4096);
  }

  @Provide
  Arbitrary<List<Op>> ops16k() {
    return ChannelOps.ops(16384);
  }
}
