package io.encryptedfs.benchmarks;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Diagnostic: SequentialBench.write's pattern, printing the time of each phase. */
public class SeqDiag {
  public static void main(String[] a) throws Exception {
    String impl = a[0];
    int chunk = Integer.parseInt(a[1]);
    int mib = Integer.parseInt(a[2]);
    int rounds = Integer.parseInt(a[3]);
    byte[] data = new byte[chunk];
    ThreadLocalRandom.current().nextBytes(data);
    ByteBuffer buf = ByteBuffer.wrap(data);
    try (Root root = new Root(impl, 4096)) {
      Path f = root.resolve("seq-write.bin");
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        long t1, t2, t3;
        FileChannel ch =
            FileChannel.open(
                f,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        t1 = System.nanoTime();
        long total = (long) mib << 20, written = 0;
        while (written < total) {
          buf.clear();
          while (buf.hasRemaining()) written += ch.write(buf);
        }
        t2 = System.nanoTime();
        ch.force(true);
        t3 = System.nanoTime();
        ch.close();
        long t4 = System.nanoTime();
        System.out.printf(
            "%s %d: open %.1f ms, writes %.1f ms, force %.1f ms, close %.1f ms, total %.1f%n",
            impl, i, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6,
            (t4 - t0) / 1e6);
      }
    }
  }
}
