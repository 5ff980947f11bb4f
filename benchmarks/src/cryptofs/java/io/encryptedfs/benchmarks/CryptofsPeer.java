package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.cryptomator.cryptofs.CryptoFileSystemProperties;
import org.cryptomator.cryptofs.CryptoFileSystemProvider;
import org.cryptomator.cryptolib.api.CryptorProvider;
import org.cryptomator.cryptolib.api.Masterkey;
import org.cryptomator.cryptolib.api.MasterkeyLoader;

/**
 * Peer: a Cryptomator cryptofs 2.9 vault (AGPL-3.0; benchmark-only dependency of the {@code
 * -Pcryptofs} profile, never shipped) on a benchmark directory, keyed by an in-memory random
 * masterkey. Looked up reflectively by {@link Root} for {@code impl=cryptofs-<scheme>}, where
 * {@code scheme} is {@code SIV_GCM} (cryptofs' default: AES-GCM content, 32 KiB chunks) or {@code
 * SIV_CTRMAC} (AES-CTR + HMAC-SHA256, the legacy vault format). cryptofs' chunk size is fixed, so
 * the {@code blockSize} parameter does not apply to it.
 */
public final class CryptofsPeer {
  private static final URI KEY_ID = URI.create("memory:benchmark");

  private CryptofsPeer() {}

  public static FileSystem open(Path dir, String scheme) throws IOException {
    Masterkey key = Masterkey.generate(new SecureRandom());
    MasterkeyLoader loader = uri -> key.copy();
    CryptoFileSystemProperties props =
        CryptoFileSystemProperties.cryptoFileSystemProperties()
            .withKeyLoader(loader)
            .withCipherCombo(CryptorProvider.Scheme.valueOf(scheme))
            .build();
    CryptoFileSystemProvider.initialize(dir, props, KEY_ID);
    return CryptoFileSystemProvider.newFileSystem(dir, props);
  }
}
