package io.encryptedfs.benchmarks;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.*;

/** Session 22's syscall driver: SmallFilesBench's loop plus the delete, warm-up then a pause. */
public class Driver {
  public static void main(String[] a) throws Exception {
    int warm = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
    try (Root root = new Root("AES-256-GCM", 4096)) {
      byte[] d = new byte[4096];
      ByteBuffer data = ByteBuffer.wrap(d), back = ByteBuffer.allocate(4096);
      Path dir = Files.createDirectory(root.resolve("w"));
      loop(dir, warm, data, back);
      System.out.println("ready " + ProcessHandle.current().pid());
      System.out.flush();
      System.in.read();
      long t = System.nanoTime();
      loop(dir, n, data, back);
      System.out.println("us/file " + (System.nanoTime() - t) / 1000.0 / n);
    }
  }

  static void loop(Path dir, int n, ByteBuffer data, ByteBuffer back) throws Exception {
    for (int i = 0; i < n; i++) {
      Path f = dir.resolve("f" + i);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        data.clear();
        while (data.hasRemaining()) ch.write(data);
      }
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        back.clear();
        while (back.hasRemaining() && ch.read(back) >= 0) {}
      }
      Files.delete(f);
    }
  }
}
