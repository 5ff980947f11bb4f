package io.encryptedfs;

import java.util.Locale;
import java.util.Objects;

/** The authenticated ciphers that seal file content. Master keys are AES keys in every case. */
public enum Algorithm {
  /** AES-256 in Galois/Counter Mode: the default, with AES-NI and CLMUL intrinsics in the JDK. */
  AES_256_GCM("AES-256-GCM", 1, 32),
  /** AES-128 in Galois/Counter Mode. */
  AES_128_GCM("AES-128-GCM", 2, 16),
  /** ChaCha20-Poly1305 (RFC 8439): fast without AES hardware, slow on JDK 17 (no intrinsics). */
  CHACHA20_POLY1305("CHACHA20-POLY1305", 3, 32);

  private final String displayName;
  private final int id;
  private final int keyBytes;

  Algorithm(String displayName, int id, int keyBytes) {
    this.displayName = displayName;
    this.id = id;
    this.keyBytes = keyBytes;
  }

  /** The name used in configuration, e.g. {@code AES-256-GCM}. */
  public String displayName() {
    return displayName;
  }

  /** The byte that names this algorithm in a file header. */
  public int id() {
    return id;
  }

  /** Length of the content keys this algorithm uses. */
  public int keyBytes() {
    return keyBytes;
  }

  /** The algorithm named {@code name} (case-insensitive; {@code _} and {@code -} alike). */
  public static Algorithm fromName(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toUpperCase(Locale.ROOT).replace('_', '-');
    for (Algorithm a : values()) {
      if (a.displayName.equals(wanted)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown algorithm '" + name + "': use AES-256-GCM, AES-128-GCM or CHACHA20-POLY1305");
  }

  /** The algorithm whose header byte is {@code id}, or null. */
  public static Algorithm fromId(int id) {
    for (Algorithm a : values()) {
      if (a.id == id) {
        return a;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return displayName;
  }
}
