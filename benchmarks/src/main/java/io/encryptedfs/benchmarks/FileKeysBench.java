package io.encryptedfs.benchmarks;

import io.encryptedfs.Algorithm;
import io.encryptedfs.crypto.FileKeys;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The key work of opening one file, in memory: from a data key, derive the header MAC key, check a
 * header slot's MAC, and derive one content subkey (HKDF-SHA256 and HMAC-SHA256). A file's create
 * and each later open pay it once; it is part of the small-file rows' cost. One operation = one
 * file's keys, made and destroyed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FileKeysBench {
  private final byte[] fileId = new byte[16];
  private final byte[] dataKey = new byte[32];
  private final byte[] slot = new byte[256];
  private final byte[] nonce = new byte[24];

  @Setup(Level.Trial)
  public void setup() {
    SecureRandom random = new SecureRandom();
    random.nextBytes(fileId);
    random.nextBytes(dataKey);
    random.nextBytes(slot);
    random.nextBytes(nonce);
  }

  @Benchmark
  public void deriveAndCheck(Blackhole bh) throws GeneralSecurityException {
    FileKeys keys = new FileKeys(Algorithm.AES_256_GCM, fileId, dataKey.clone());
    try {
      bh.consume(keys.verifyHeader(slot));
      bh.consume(keys.contentKey(nonce));
    } finally {
      keys.destroy();
    }
  }
}
