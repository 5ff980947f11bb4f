package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.channel.ConfigOps.Buf;
import io.encryptedfs.channel.ConfigOps.Checkpoint;
import io.encryptedfs.channel.ConfigOps.CloseFsUnderChannels;
import io.encryptedfs.channel.ConfigOps.Op;
import io.encryptedfs.channel.ConfigOps.ReopenChannel;
import io.encryptedfs.channel.ConfigOps.ReopenFs;
import io.encryptedfs.nio.FsInternals;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One run of {@link ConfigDifferentialTest}: four channels on a plain file and four on an encrypted
 * one in a root of the given settings, each step applied to both sides and its outcome (result or
 * exception type, then the channel's position) compared.
 */
final class ConfigDifferentialHarness {
  private static final List<Set<OpenOption>> MODES =
      List.of(
          Set.of(READ, WRITE, CREATE), Set.of(READ, WRITE), Set.of(WRITE, APPEND), Set.of(READ));

  private final Path base;
  private final Map<String, Object> env;
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private final Side plain;
  private final Side enc;
  private final List<String> log = new ArrayList<>();
  private FileSystem fs;

  /** The channels of one side, and the locks they took. */
  private static final class Side {
    final FileChannel[] chs = new FileChannel[4];
    final List<List<FileLock>> locks =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Path file;
  }

  ConfigDifferentialHarness(
      Path base, String algorithm, int blockSize, String mode, boolean createSync) {
    this.base = base;
    this.env = TestRoots.env(keys, algorithm, blockSize);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "3");
    env.put(EncryptedFileSystems.CREATE_SYNC, Boolean.toString(createSync));
    this.plain = new Side();
    this.enc = new Side();
    plain.file = base.resolve("plain.bin");
  }

  void run(List<Op> ops) throws Exception {
    openFs();
    try {
      open(plain, 0);
      open(enc, 0);
      for (int i = 1; i < 4; i++) {
        open(plain, i);
        open(enc, i);
      }
      for (Op op : ops) {
        log.add(op.toString());
        if (op instanceof Checkpoint) {
          compareContent();
        } else if (op instanceof ReopenFs) {
          closeAll();
          fs.close();
          openFs();
          openAll();
          compareContent();
        } else if (op instanceof CloseFsUnderChannels) {
          closeSide(plain);
          fs.close();
          clearLocks(enc);
          openFs();
          openAll();
          compareContent();
        } else {
          String p = apply(op, plain);
          String e = apply(op, enc);
          assertEquals(p, e, () -> "after " + String.join("\n  ", log));
        }
      }
      compareContent();
      closeAll();
      fs.close();
      openFs();
      openAll();
      compareContent();
    } finally {
      closeAll();
      fs.close();
    }
  }

  private void openFs() throws IOException {
    fs = EncryptedFileSystems.newFileSystem(base.resolve("enc"), env);
    enc.file = fs.getPath("/enc.bin");
  }

  private static void open(Side side, int ch) throws IOException {
    side.chs[ch] = FileChannel.open(side.file, MODES.get(ch));
  }

  private void openAll() throws IOException {
    for (int i = 0; i < 4; i++) {
      open(plain, i);
      open(enc, i);
    }
  }

  private static void clearLocks(Side side) {
    side.locks.forEach(List::clear);
  }

  private static void closeSide(Side side) throws IOException {
    for (int i = 0; i < 4; i++) {
      if (side.chs[i] != null) {
        side.chs[i].close();
        side.chs[i] = null;
      }
    }
    clearLocks(side);
  }

  private void closeAll() throws IOException {
    closeSide(plain);
    closeSide(enc);
    assertEquals(0, FsInternals.openFileCount(fs), "open files after closing every channel");
  }

  private void compareContent() throws IOException {
    byte[] p = Files.readAllBytes(plain.file);
    byte[] e = Files.readAllBytes(enc.file);
    String after = "after " + String.join("\n  ", log);
    assertEquals(p.length, e.length, () -> "content length " + after);
    assertArrayEquals(p, e, () -> "content " + after);
    assertEquals(p.length, Files.size(enc.file), () -> "Files.size " + after);
    assertEquals(plain.chs[0].size(), enc.chs[0].size(), () -> "channel size " + after);
  }

  /** Applies one op and describes its outcome; equal descriptions mean equal behaviour. */
  private String apply(Op op, Side side) {
    String outcome;
    try {
      outcome = ConfigSteps.apply(op, side.chs, side.locks, base);
    } catch (Exception e) {
      outcome = "threw " + e.getClass().getName();
    }
    if (op instanceof ReopenChannel r) {
      try {
        side.chs[r.ch()].close();
        side.locks.get(r.ch()).clear();
        open(side, r.ch());
        outcome = "reopened";
      } catch (IOException e) {
        outcome = "reopen threw " + e;
      }
    }
    if (op.ch() >= 0) {
      try {
        outcome += " pos " + side.chs[op.ch()].position();
      } catch (IOException e) {
        outcome += " pos threw " + e.getClass().getName();
      }
    }
    return outcome;
  }

  static byte[] bytes(int len, int seed) {
    byte[] b = new byte[len];
    new Random(seed).nextBytes(b);
    return b;
  }

  static ByteBuffer source(Buf kind, byte[] data) {
    switch (kind) {
      case DIRECT:
        return ByteBuffer.allocateDirect(data.length).put(data).flip();
      case OFFSET:
        byte[] wide = new byte[data.length + 10];
        System.arraycopy(data, 0, wide, 7, data.length);
        return ByteBuffer.wrap(wide, 3, data.length + 6).slice().position(4).limit(data.length + 4);
      case READ_ONLY:
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
      default:
        return ByteBuffer.wrap(data);
    }
  }

  static ByteBuffer target(Buf kind, int len) {
    switch (kind) {
      case DIRECT:
        return ByteBuffer.allocateDirect(len);
      case OFFSET:
        return ByteBuffer.wrap(new byte[len + 9], 2, len + 5).slice().position(3).limit(len + 3);
      case READ_ONLY:
        return ByteBuffer.allocate(len).asReadOnlyBuffer();
      default:
        return ByteBuffer.allocate(len);
    }
  }

  /** The bytes between {@code from} and the buffer's position, as length and fingerprint. */
  static String digest(ByteBuffer b, int from) {
    ByteBuffer d = b.duplicate();
    d.limit(d.position()).position(from);
    byte[] filled = new byte[d.remaining()];
    d.get(filled);
    try {
      byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(filled);
      return "[" + filled.length + ":" + HexFormat.of().formatHex(sha, 0, 8) + "]";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A fresh plain file for transfers, holding {@code data}. */
  static FileChannel scratch(Path base, String name, byte[] data) throws IOException {
    Path f = base.resolve(name);
    Files.write(f, data, CREATE, TRUNCATE_EXISTING, WRITE);
    return FileChannel.open(f, READ, WRITE);
  }
}
