package io.encryptedfs.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.ExtendedDigest;

/**
 * The JDK's SHA-256 behind Bouncy Castle's {@code Digest} interface, so that Bouncy Castle's HKDF
 * (which the JDK lacks before 24) runs on the JDK's SHA-256, which uses the CPU's SHA instructions
 * where it has them; Bouncy Castle's own {@code SHA256Digest} is plain Java. The JDK's {@code
 * MessageDigest} keeps no key: the HMAC state stays in Bouncy Castle's {@code HMac}.
 */
final class JcaSha256 implements ExtendedDigest {
  private final MessageDigest sha256;

  JcaSha256() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String getAlgorithmName() {
    return "SHA-256";
  }

  @Override
  public int getDigestSize() {
    return 32;
  }

  @Override
  public int getByteLength() {
    return 64;
  }

  @Override
  public void update(byte in) {
    sha256.update(in);
  }

  @Override
  public void update(byte[] in, int inOff, int len) {
    sha256.update(in, inOff, len);
  }

  @Override
  public int doFinal(byte[] out, int outOff) {
    try {
      return sha256.digest(out, outOff, 32);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void reset() {
    sha256.reset();
  }
}
