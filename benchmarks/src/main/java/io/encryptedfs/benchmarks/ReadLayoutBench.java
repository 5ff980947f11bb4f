package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
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
 * A model, not the provider: what a random 4 KiB read costs under format v1 and under page-aligned
 * home blocks, as a format v2 could lay them out, measured as the {@code pread}s and the AEAD open
 * each layout makes on a raw file, with no locks, no bookkeeping and no key derivation. It bounds
 * what such a v2 could gain on {@link RandomIoBench}'s {@code read1T} row before anyone builds it
 * (RESULTS.md, "Format v2: the random-read model").
 *
 * <ul>
 *   <li>{@code plain}: one page-aligned 4 KiB {@code pread}, as {@link RandomIoBench} does.
 *   <li>{@code v1}: one {@code pread} of a 4,136-byte sealed block (24-byte nonce, ciphertext,
 *       16-byte tag) at its home offset past the 12,992-byte front region (FORMAT.md §2), so most
 *       blocks span two pages; then the open.
 *   <li>{@code v2mem}: the ciphertext alone in a page-aligned 4 KiB page, its nonce and tag in a
 *       table held in memory; one {@code pread} of one page, then the open. The most a page-aligned
 *       layout could gain: a real one must read the table or keep it all in memory, and make a
 *       block and its table entry change together on a crash.
 *   <li>{@code v2read}: as {@code v2mem}, with the block's 40-byte table entry read by a second
 *       {@code pread} from a table region on disk.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReadLayoutBench {
  private static final int PAGE = 4096;
  private static final int NONCE = 24;
  private static final int TAG = 16;
  private static final int ENTRY = NONCE + TAG;
  private static final int SEALED = NONCE + PAGE + TAG;

  /** Table entries never span a page: 102 to a page, the last 16 bytes of each page unused. */
  private static final int ENTRIES_PER_PAGE = PAGE / ENTRY;

  /** FORMAT.md §2: a 512-byte header region and three 4,160-byte tail slots. */
  private static final long V1_FRONT = 512 + 3L * (PAGE + 64);

  /** v2's table of nonces and tags starts at the first page boundary past the front region. */
  private static final long V2_TABLE = (V1_FRONT + PAGE - 1) / PAGE * PAGE;

  /**
   * {@code plain}, or a layout and an algorithm: {@code v1/AES-256-GCM}, {@code v2mem/...}. AES
   * only by default: JDK 17's ChaCha20-Poly1305 refuses to be initialised twice in a row with one
   * key and nonce even to decrypt, which a model that opens the same stored block again must do
   * ({@code -p layout=v1/CHACHA20-POLY1305} works on JDK 25).
   */
  @Param({"plain", "v1/AES-256-GCM", "v2mem/AES-256-GCM", "v2read/AES-256-GCM"})
  public String layout;

  @Param({"64"})
  public int sizeMiB;

  private Root dir;
  private FileChannel ch;
  private Cipher cipher;
  private SecretKeySpec key;
  private boolean chacha;
  private int blocks;
  private long dataStart;

  /** v2mem's table: each block's nonce and tag. */
  private byte[] table;

  private final byte[] iv = new byte[12];
  private final byte[] aad = new byte[25];
  private final byte[] sealed = new byte[SEALED];
  private final byte[] plainBlock = new byte[PAGE];
  private final ByteBuffer entry = ByteBuffer.allocate(ENTRY);

  @Setup(Level.Trial)
  public void setup() throws IOException, GeneralSecurityException {
    dir = new Root(Root.PLAIN, PAGE);
    Path file = dir.resolve("pages.bin");
    chacha = layout.endsWith("CHACHA20-POLY1305");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, chacha ? "ChaCha20" : "AES");
    cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    blocks = (sizeMiB << 20) / PAGE;
    ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if ("plain".equals(layout)) {
      dataStart = 0;
      writePlain();
    } else if (layout.startsWith("v1/")) {
      dataStart = V1_FRONT;
      writeV1();
    } else {
      dataStart = tableOffset(blocks - 1) / PAGE * PAGE + PAGE;
      writeV2();
    }
    ch.force(true);
  }

  private void writePlain() throws IOException {
    ByteBuffer page = ByteBuffer.allocate(PAGE);
    for (int i = 0; i < blocks; i++) {
      ThreadLocalRandom.current().nextBytes(page.array());
      page.clear();
      writeFully(page, (long) i * PAGE);
    }
  }

  private void writeV1() throws IOException, GeneralSecurityException {
    for (int i = 0; i < blocks; i++) {
      ThreadLocalRandom.current().nextBytes(plainBlock);
      sealBlock(i);
      writeFully(ByteBuffer.wrap(sealed), V1_FRONT + (long) i * SEALED);
    }
  }

  private void writeV2() throws IOException, GeneralSecurityException {
    table = new byte[blocks * ENTRY];
    for (int i = 0; i < blocks; i++) {
      ThreadLocalRandom.current().nextBytes(plainBlock);
      sealBlock(i);
      System.arraycopy(sealed, 0, table, i * ENTRY, NONCE);
      System.arraycopy(sealed, NONCE + PAGE, table, i * ENTRY + NONCE, TAG);
      writeFully(ByteBuffer.wrap(sealed, NONCE, PAGE), dataStart + (long) i * PAGE);
    }
    for (int i = 0; i < blocks; i++) {
      writeFully(ByteBuffer.wrap(table, i * ENTRY, ENTRY), tableOffset(i));
    }
  }

  /** Where block {@code index}'s nonce and tag lie in v2's table region on disk. */
  private static long tableOffset(int index) {
    return V2_TABLE + (long) (index / ENTRIES_PER_PAGE) * PAGE + (index % ENTRIES_PER_PAGE) * ENTRY;
  }

  /**
   * Seals {@code plainBlock} as block {@code index} into {@code sealed}: nonce, ciphertext, tag.
   */
  private void sealBlock(int index) throws GeneralSecurityException {
    ThreadLocalRandom.current().nextBytes(iv);
    System.arraycopy(iv, 0, sealed, 0, iv.length);
    setAad(index);
    cipher.init(Cipher.ENCRYPT_MODE, key, params());
    cipher.updateAAD(aad);
    cipher.doFinal(plainBlock, 0, PAGE, sealed, NONCE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    ch.close();
    dir.close();
  }

  @Benchmark
  public int read() throws IOException, GeneralSecurityException {
    int index = ThreadLocalRandom.current().nextInt(blocks);
    if ("plain".equals(layout)) {
      return readFully(ByteBuffer.wrap(plainBlock), (long) index * PAGE);
    } else if (layout.startsWith("v1/")) {
      readFully(ByteBuffer.wrap(sealed), V1_FRONT + (long) index * SEALED);
      return open(index);
    } else {
      readFully(ByteBuffer.wrap(sealed, NONCE, PAGE), dataStart + (long) index * PAGE);
      if (layout.startsWith("v2read/")) {
        entry.clear();
        readFully(entry, tableOffset(index));
        System.arraycopy(entry.array(), 0, sealed, 0, NONCE);
        System.arraycopy(entry.array(), NONCE, sealed, NONCE + PAGE, TAG);
      } else {
        System.arraycopy(table, index * ENTRY, sealed, 0, NONCE);
        System.arraycopy(table, index * ENTRY + NONCE, sealed, NONCE + PAGE, TAG);
      }
      return open(index);
    }
  }

  /** Opens block {@code index} from {@code sealed} (nonce first, then ciphertext and tag). */
  private int open(int index) throws GeneralSecurityException {
    System.arraycopy(sealed, 0, iv, 0, iv.length);
    setAad(index);
    cipher.init(Cipher.DECRYPT_MODE, key, params());
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed, NONCE, PAGE + TAG, plainBlock, 0);
  }

  private AlgorithmParameterSpec params() {
    return chacha ? new IvParameterSpec(iv) : new GCMParameterSpec(128, iv);
  }

  private void setAad(int index) {
    for (int i = 0; i < 8; i++) {
      aad[17 + i] = (byte) ((long) index >>> (56 - 8 * i));
    }
  }

  private int readFully(ByteBuffer b, long position) throws IOException {
    return PageFile.readFully(ch, b, position);
  }

  private void writeFully(ByteBuffer b, long position) throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      p += ch.write(b, p);
    }
  }
}
