package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The child process of {@link ProcessKillTest}: appends WAL records to {@code /wal} of an encrypted
 * root on the real disk until it is killed, printing {@code ack N.} after the write of record
 * {@code N} returned (and, with {@code force}, after the force returned too).
 *
 * <p>Arguments: root directory, key seed, first record number, {@code force} or {@code noforce}.
 */
public final class WalAppender {
  private WalAppender() {}

  static Map<String, Object> env(long keySeed) {
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, new SeededKeys(keySeed));
    env.put(EncryptedFileSystems.KEY_ALIAS, "master");
    env.put(EncryptedFileSystems.ALGORITHM, "AES-256-GCM");
    env.put(EncryptedFileSystems.BLOCK_SIZE, "4096");
    env.put(EncryptedFileSystems.CREATE, "true");
    return env;
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int first = Integer.parseInt(args[2]);
    boolean force = args[3].equals("force");
    PrintStream out = new PrintStream(System.out, false);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(seed));
        FileChannel wal = FileChannel.open(fs.getPath("/wal"), CREATE, WRITE, APPEND)) {
      out.println("ready.");
      out.flush();
      for (int n = first; n < first + 1_000_000; n++) {
        ByteBuffer src = ByteBuffer.wrap(WalLog.record(seed, n));
        while (src.hasRemaining()) {
          wal.write(src);
        }
        if (force) {
          wal.force(false);
        }
        out.println("ack " + n + ".");
        out.flush();
      }
    }
  }
}
