package io.encryptedfs.channel;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The set-up of the tests that hold a call inside the underlying file system while other threads go
 * on: a fault file system over {@code /db} of an in-memory one, threads to run the calls on, and a
 * latch that lets the held call go. Closing it lets every held call go, stops the threads and drops
 * the disk.
 */
final class HeldDisk implements AutoCloseable {
  final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
  final FaultInjectingFileSystem faults;
  final ExecutorService pool;
  final CountDownLatch release = new CountDownLatch(1);

  HeldDisk(int threads) {
    try {
      faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory directory: not expected
    }
    pool = Executors.newFixedThreadPool(threads);
  }

  @Override
  public void close() throws IOException {
    release.countDown();
    pool.shutdownNow();
    jimfs.close();
  }
}
