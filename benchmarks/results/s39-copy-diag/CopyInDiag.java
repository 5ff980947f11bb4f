package io.encryptedfs.benchmarks;

import java.nio.file.*;
import java.util.concurrent.ThreadLocalRandom;

/** Diagnostic: one Files.copy of a plain 16 MiB file into a root (for a syscall trace). */
public class CopyInDiag {
  public static void main(String[] a) throws Exception {
    try (Root root = new Root("AES-256-GCM", 4096)) {
      Path outside = Files.createTempDirectory(root.dir.getParent(), "efs-diag-outside-");
      Path src = outside.resolve("source.bin");
      byte[] b = new byte[16 << 20];
      ThreadLocalRandom.current().nextBytes(b);
      Files.write(src, b);
      System.out.println("copy begins");
      Files.copy(src, root.resolve("in.bin"));
      System.out.println("copy ends");
      Root.deleteTree(outside);
    }
  }
}
