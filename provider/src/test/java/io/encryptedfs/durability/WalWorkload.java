package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends WAL records through an encrypted {@code FileChannel} in APPEND mode on a fault-injecting
 * file system, and snapshots a {@link Recording} just before every force and at the end. The
 * recording taken before force {@code i} enumerates every state a crash could leave between force
 * {@code i-1} and force {@code i}, so the snapshots together cover the whole run.
 */
final class WalWorkload {
  static final String WAL = Restorer.ROOT + "/wal";

  /**
   * A moment of the run: what a crash could leave, how many bytes a completed force had covered and
   * how many bytes {@code write} had acknowledged.
   */
  record Checkpoint(Recording recording, int forcedBytes, int writtenBytes) {}

  final InMemoryKeys keys = new InMemoryKeys("master");
  final List<Checkpoint> checkpoints = new ArrayList<>();
  final ByteArrayOutputStream written = new ByteArrayOutputStream();

  /**
   * @param forceEvery force after every this many records; 0 never forces (until the file system
   *     closes, which the last checkpoint covers)
   */
  static WalWorkload run(String algorithm, int blockSize, int records, int forceEvery, long seed)
      throws IOException {
    WalWorkload w = new WalWorkload();
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem enc =
          TestRoots.open(faults.root().resolve(Restorer.ROOT), w.keys, algorithm, blockSize);
      int forced = 0;
      try (FileChannel wal = FileChannel.open(enc.getPath("/wal"), CREATE_NEW, WRITE, APPEND)) {
        for (int n = 0; n < records; n++) {
          byte[] record = WalLog.record(seed, n);
          ByteBuffer src = ByteBuffer.wrap(record);
          while (src.hasRemaining()) {
            wal.write(src);
          }
          w.written.write(record);
          if (forceEvery > 0 && (n + 1) % forceEvery == 0) {
            w.checkpoints.add(new Checkpoint(faults.recording(), forced, w.written.size()));
            wal.force(false);
            forced = w.written.size();
          }
        }
        w.checkpoints.add(new Checkpoint(faults.recording(), forced, w.written.size()));
      }
      // Closing the file system forces every file written since its last force.
      enc.close();
      w.checkpoints.add(new Checkpoint(faults.recording(), w.written.size(), w.written.size()));
    }
    return w;
  }

  byte[] writtenBytes() {
    return written.toByteArray();
  }
}
