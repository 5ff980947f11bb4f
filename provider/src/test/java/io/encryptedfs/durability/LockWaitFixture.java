package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What {@link LockWaitTest} and {@link LockWaitRaceTest} share: an encrypted file whose caller
 * range {@code [AT, AT + SIZE)} another program holds, and a probe of what another program finds
 * locked in its raw file.
 */
final class LockWaitFixture {
  /** The caller's range that the other program holds: bytes 100..199. */
  static final long AT = 100;

  static final long SIZE = 100;

  private LockWaitFixture() {}

  interface EncryptedCheck {
    void on(Path file, Path raw, RangeHolder other, FileChannel keep, FileLock kept)
        throws Exception;
  }

  /**
   * Runs {@code check} on an encrypted file of 300 zero bytes in a root under {@code tmp}, whose
   * range another program holds ({@code other}), beside a lock of this program's on its first 10
   * bytes ({@code kept}).
   */
  static void onAnEncryptedFile(Path tmp, EncryptedCheck check) throws Exception {
    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      try (FileChannel c = FileChannel.open(f, CREATE, WRITE)) {
        c.write(ByteBuffer.wrap(new byte[300]));
      }
      Path raw = root.resolve("f"); // names are stored in the clear
      try (RangeHolder other = RangeHolder.hold(raw, AT + 1, SIZE);
          FileChannel keep = FileChannel.open(f, READ, WRITE)) {
        check.on(f, raw, other, keep, keep.lock(0, 10, false));
      }
    }
  }

  /** Calls {@code channel.lock} for the range in a new thread named {@code name}. */
  static LockCall lockInThread(FileChannel channel, String name) {
    return LockCall.start(channel, AT, SIZE, name, false);
  }

  /** What another program finds at each position of {@code raw}: {@code busy} or {@code free}. */
  static String probe(Path raw, long... positions) throws Exception {
    String[] args = new String[positions.length + 1];
    args[0] = raw.toString();
    for (int i = 0; i < positions.length; i++) {
      args[i + 1] = Long.toString(positions[i]);
    }
    Process child = ChildJvm.start(LockProbe.class, args);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the lock probe ended");
      return line;
    } finally {
      child.destroyForcibly();
    }
  }
}
