package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A model, not the provider: what an unforced 1 KiB append costs under format v1 and under the
 * append log sketched for a format v2, measured as the sealing and the {@code pwrite}s each layout
 * makes on a raw file, with no locks, no bookkeeping and no recovery. It bounds what a v2 could
 * gain on {@link WalBench}'s unforced row before anyone builds it (RESULTS.md, "Format v2: the WAL
 * model").
 *
 * <ul>
 *   <li>{@code plain}: the record through an APPEND channel, as {@link WalBench} does.
 *   <li>{@code v1}: the record joins the partial last block; a block that fills is sealed and
 *       written at its home offset; then the whole partial tail is sealed and written to the next
 *       of three tail slots (FORMAT.md §2, §8).
 *   <li>{@code v2}: the record alone is sealed and written after the previous one in a log area; a
 *       block that fills is sealed whole and written at its home offset, with no log record (the
 *       most a v2 could save: its reader would have to find that block by authenticating it).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AppendLayoutBench {
  private static final int BLOCK = 4096;
  private static final int NONCE = 24;
  private static final int TAG = 16;
  private static final int SLOT = BLOCK + 64;
  private static final long FRONT = 512 + 3L * SLOT;

  /** v2 log record: sequence, offset, length (24 bytes) and a nonce before the sealed bytes. */
  private static final int LOG_HEADER = 24 + NONCE;

  /** {@code plain}, or a layout and an algorithm: {@code v1/AES-256-GCM}, {@code v2/...}. */
  @Param({
    "plain",
    "v1/AES-256-GCM",
    "v2/AES-256-GCM",
    "v1/CHACHA20-POLY1305",
    "v2/CHACHA20-POLY1305"
  })
  public String layout;

  @Param({"1024"})
  public int recordSize;

  private Root dir;
  private Path file;
  private FileChannel ch;
  private Cipher cipher;
  private SecretKeySpec key;
  private boolean chacha;
  private final byte[] iv = new byte[12];
  private final byte[] aad = new byte[25];
  private long counter;
  private byte[] record;
  private final byte[] tail = new byte[BLOCK];
  private final byte[] sealed = new byte[LOG_HEADER + BLOCK + 64];
  private int tailLength;
  private long blocks;
  private long sequence;
  private long logPosition;
  private int logArea;

  @Setup(Level.Trial)
  public void setup() throws IOException, GeneralSecurityException {
    dir = new Root(Root.PLAIN, BLOCK);
    file = dir.resolve("wal.log");
    chacha = layout.endsWith("CHACHA20-POLY1305");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, chacha ? "ChaCha20" : "AES");
    cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    record = new byte[recordSize];
    ThreadLocalRandom.current().nextBytes(record);
    if (BLOCK % recordSize != 0) {
      throw new IllegalArgumentException("the model needs records that divide the block");
    }
  }

  @Setup(Level.Iteration)
  public void openLog() throws IOException {
    Files.deleteIfExists(file);
    ch =
        "plain".equals(layout)
            ? FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)
            : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    tailLength = 0;
    blocks = 0;
    sequence = 0;
    logPosition = 0;
    logArea = 0;
  }

  @TearDown(Level.Iteration)
  public void closeLog() throws IOException {
    ch.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    dir.close();
  }

  @Benchmark
  public long append() throws IOException, GeneralSecurityException {
    if ("plain".equals(layout)) {
      writeFully(ByteBuffer.wrap(record), -1);
    } else if (layout.startsWith("v1/")) {
      appendV1();
    } else {
      appendV2();
    }
    return sequence;
  }

  private void appendV1() throws IOException, GeneralSecurityException {
    System.arraycopy(record, 0, tail, tailLength, recordSize);
    tailLength += recordSize;
    if (tailLength == BLOCK) {
      writeHomeBlock();
    }
    sequence++;
    int n = seal(tail, 0, tailLength, 48, 'T');
    long slot = 512 + (sequence % 3) * SLOT;
    writeFully(ByteBuffer.wrap(sealed, 0, 48 + n), slot);
  }

  private void appendV2() throws IOException, GeneralSecurityException {
    System.arraycopy(record, 0, tail, tailLength, recordSize);
    tailLength += recordSize;
    sequence++;
    if (tailLength == BLOCK) {
      writeHomeBlock();
      logArea ^= 1;
      logPosition = 0;
      return;
    }
    int n = seal(record, 0, recordSize, LOG_HEADER, 'L');
    int length = LOG_HEADER + n;
    long area = 512 + logArea * (long) SLOT;
    writeFully(ByteBuffer.wrap(sealed, 0, length), area + logPosition);
    logPosition += length;
  }

  private void writeHomeBlock() throws IOException, GeneralSecurityException {
    int n = seal(tail, 0, BLOCK, NONCE, 'B');
    writeFully(ByteBuffer.wrap(sealed, 0, NONCE + n), FRONT + blocks * (BLOCK + 40));
    blocks++;
    tailLength = 0;
  }

  /**
   * Seals {@code in} into {@code sealed} at {@code at} under a fresh counter IV; returns its size.
   */
  private int seal(byte[] in, int off, int len, int at, char kind) throws GeneralSecurityException {
    counter++;
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (counter >>> (56 - 8 * i));
    }
    aad[16] = (byte) kind;
    cipher.init(
        Cipher.ENCRYPT_MODE, key, chacha ? new IvParameterSpec(iv) : new GCMParameterSpec(128, iv));
    cipher.updateAAD(aad);
    return cipher.doFinal(in, off, len, sealed, at);
  }

  private void writeFully(ByteBuffer b, long position) throws IOException {
    if (position < 0) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
      return;
    }
    long p = position;
    while (b.hasRemaining()) {
      p += ch.write(b, p);
    }
  }
}
