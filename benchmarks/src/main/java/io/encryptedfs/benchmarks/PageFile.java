package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file of random bytes read and written in whole 4 KiB pages at random page-aligned offsets,
 * through one {@link FileChannel} that every benchmark thread shares, as a database shares its page
 * file.
 */
final class PageFile implements AutoCloseable {
  static final int PAGE = 4096;

  private final FileChannel ch;
  private final int pages;

  private PageFile(FileChannel ch, int pages) {
    this.ch = ch;
    this.pages = pages;
  }

  /** Creates {@code file} with {@code sizeMiB} MiB of random bytes, forced. */
  static PageFile create(Path file, int sizeMiB) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    ThreadLocalRandom.current().nextBytes(chunk.array());
    for (int i = 0; i < sizeMiB; i++) {
      chunk.clear();
      while (chunk.hasRemaining()) {
        ch.write(chunk);
      }
    }
    ch.force(true);
    return new PageFile(ch, (sizeMiB << 20) / PAGE);
  }

  /** A page-sized buffer of random bytes, one per thread. */
  static ByteBuffer pageBuffer() {
    ByteBuffer buf = ByteBuffer.allocate(PAGE);
    ThreadLocalRandom.current().nextBytes(buf.array());
    return buf;
  }

  /** Reads one random page into {@code buf} (page-sized); returns the bytes read. */
  int readRandomPage(ByteBuffer buf) throws IOException {
    buf.clear();
    return readFully(ch, buf, randomPage());
  }

  /** Fills {@code b} from {@code position} of {@code ch}; an end of file first is a setup error. */
  static int readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, position + total);
      if (n < 0) {
        throw new IllegalStateException("EOF at " + (position + total));
      }
      total += n;
    }
    return total;
  }

  /** Overwrites one random page with {@code buf} (page-sized); returns the bytes written. */
  int writeRandomPage(ByteBuffer buf) throws IOException {
    buf.clear();
    long pos = randomPage();
    int total = 0;
    while (buf.hasRemaining()) {
      total += ch.write(buf, pos + total);
    }
    return total;
  }

  void force() throws IOException {
    ch.force(false);
  }

  private long randomPage() {
    return (long) ThreadLocalRandom.current().nextInt(pages) * PAGE;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
