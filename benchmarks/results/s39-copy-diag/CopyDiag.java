package io.encryptedfs.benchmarks;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Diagnostic: a copy within a root, beside its read alone and its write alone (256 KiB calls);
 * with a fourth argument {@code free}, the copy's target is deleted first, so it goes to a free name.
 */
public class CopyDiag {
  public static void main(String[] a) throws Exception {
    String impl = a[0];
    int mib = Integer.parseInt(a[1]);
    int rounds = Integer.parseInt(a[2]);
    boolean free = a.length > 3 && a[3].equals("free");
    try (Root root = new Root(impl, 4096)) {
      Path src = root.resolve("source.bin");
      byte[] chunk = new byte[1 << 20];
      ThreadLocalRandom.current().nextBytes(chunk);
      try (FileChannel ch = FileChannel.open(src, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        for (int i = 0; i < mib; i++) ch.write(ByteBuffer.wrap(chunk));
      }
      ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ)) {
          buf.clear();
          while (in.read(buf) >= 0) buf.clear();
        }
        long t1 = System.nanoTime();
        Path w = root.resolve("written.bin");
        try (FileChannel out = FileChannel.open(w, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          for (int i = 0; i < mib * 4; i++) { buf.clear(); while (buf.hasRemaining()) out.write(buf); }
        }
        long t2 = System.nanoTime();
        Files.delete(w);
        if (free) {
          Files.deleteIfExists(root.resolve("within.bin"));
        }
        long t3 = System.nanoTime();
        Files.copy(src, root.resolve("within.bin"), StandardCopyOption.REPLACE_EXISTING);
        long t4 = System.nanoTime();
        Path fresh = root.resolve("fresh.bin");
        try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          for (int i = 0; i < mib * 4; i++) { buf.clear(); while (buf.hasRemaining()) out.write(buf); }
        }
        long t5 = System.nanoTime();
        Files.delete(fresh);
        System.out.printf("%s %d: read %.1f ms, write (truncating) %.1f ms, delete %.1f, copy within%s %.1f ms, write new %.1f ms%n",
            impl, r, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, free ? " to a free name" : "", (t4 - t3) / 1e6, (t5 - t4) / 1e6);
      }
    }
  }
}
