package io.encryptedfs.keystore;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * The outer layer of a PKCS#12 file (RFC 7292 PFX): the authenticated safe and its MacData.
 *
 * <p>JDK 17 picks the MAC's algorithm and iteration count from the {@code keystore.pkcs12.*}
 * security and system properties (10,000 iterations by default, none at all when set to {@code
 * NONE}) and offers no API to choose them per keystore, so this module replaces the MacData of
 * every file it writes with one made to its own {@link ProtectionParameters}.
 */
final class Pfx {
  static final String DATA_OID = "1.2.840.113549.1.7.1";
  private static final String SHA256_OID = "2.16.840.1.101.3.4.2.1";
  private static final Map<String, String> MAC_NAMES =
      Map.of(
          "1.3.14.3.2.26",
          "HmacPBESHA1",
          SHA256_OID,
          "HmacPBESHA256",
          "2.16.840.1.101.3.4.2.2",
          "HmacPBESHA384",
          "2.16.840.1.101.3.4.2.3",
          "HmacPBESHA512");
  private static final Set<String> STRONG_MACS =
      Set.of("HmacPBESHA256", "HmacPBESHA384", "HmacPBESHA512");

  private final byte[] version;
  private final byte[] authSafe;
  private final byte[] authenticatedSafe;
  private final MacInfo mac;

  /** What a file's MacData says about its protection; never the MAC value itself. */
  record MacInfo(String digestOid, int iterations, int saltLength) {
    /** The JDK's name for the MAC algorithm, or the digest's OID when it has none. */
    String algorithm() {
      return MAC_NAMES.getOrDefault(digestOid, digestOid);
    }

    /** HMAC with SHA-2 over at least 16 bytes of salt. */
    boolean strongAlgorithm() {
      return STRONG_MACS.contains(algorithm()) && saltLength >= 16;
    }

    boolean meets(ProtectionParameters policy) {
      return strongAlgorithm()
          && iterations >= policy.macIterations()
          && saltLength >= policy.saltLength();
    }
  }

  private Pfx(byte[] version, byte[] authSafe, byte[] authenticatedSafe, MacInfo mac) {
    this.version = version;
    this.authSafe = authSafe;
    this.authenticatedSafe = authenticatedSafe;
    this.mac = mac;
  }

  static Pfx parse(byte[] encoded) throws IOException {
    Der.Reader top = new Der.Reader(encoded);
    Der.Value pfx = top.next(Der.SEQUENCE);
    if (top.hasNext()) {
      throw new IOException("PKCS#12: trailing data after the PFX");
    }
    Der.Reader fields = pfx.elements();
    Der.Value version = fields.next(Der.INTEGER);
    if (version.intValue() != 3) {
      throw new IOException("PKCS#12: not version 3");
    }
    Der.Value authSafe = fields.next(Der.SEQUENCE);
    Der.Reader contentInfo = authSafe.elements();
    if (!DATA_OID.equals(contentInfo.next().oid())) {
      throw new IOException("PKCS#12: only password integrity mode is supported");
    }
    byte[] authenticatedSafe =
        contentInfo.next(Der.CONTEXT_0).elements().next(Der.OCTET_STRING).content();
    MacInfo mac = fields.hasNext() ? parseMac(fields.next(Der.SEQUENCE)) : null;
    if (fields.hasNext()) {
      throw new IOException("PKCS#12: unexpected data after MacData");
    }
    return new Pfx(version.encoded(), authSafe.encoded(), authenticatedSafe, mac);
  }

  private static MacInfo parseMac(Der.Value macData) throws IOException {
    Der.Reader fields = macData.elements();
    Der.Reader digestInfo = fields.next(Der.SEQUENCE).elements();
    String digestOid = digestInfo.next(Der.SEQUENCE).elements().next().oid();
    digestInfo.next(Der.OCTET_STRING);
    int saltLength = fields.next(Der.OCTET_STRING).content().length;
    int iterations = fields.hasNext() ? fields.next().intValue() : 1;
    return new MacInfo(digestOid, iterations, saltLength);
  }

  /** The DER of the AuthenticatedSafe, which is what the MAC covers. */
  byte[] authenticatedSafe() {
    return authenticatedSafe.clone();
  }

  Optional<MacInfo> mac() {
    return Optional.ofNullable(mac);
  }

  /** This PFX re-encoded with a fresh HmacPBESHA256 MacData made to {@code policy}. */
  byte[] withMac(char[] password, ProtectionParameters policy, SecureRandom random)
      throws IOException {
    byte[] salt = new byte[policy.saltLength()];
    random.nextBytes(salt);
    byte[] digest = hmacPbeSha256(password, salt, policy.macIterations(), authenticatedSafe);
    byte[] algorithm = Der.encode(Der.SEQUENCE, Der.oid(SHA256_OID), Der.encode(Der.NULL));
    byte[] macData =
        Der.encode(
            Der.SEQUENCE,
            Der.encode(Der.SEQUENCE, algorithm, Der.octetString(digest)),
            Der.octetString(salt),
            Der.integer(policy.macIterations()));
    return Der.encode(Der.SEQUENCE, version, authSafe, macData);
  }

  private static byte[] hmacPbeSha256(char[] password, byte[] salt, int iterations, byte[] data)
      throws IOException {
    PBEKeySpec spec = new PBEKeySpec(password);
    SecretKey key = null;
    try {
      key = SecretKeyFactory.getInstance("PBE").generateSecret(spec);
      Mac mac = Mac.getInstance(ProtectionParameters.MAC_ALGORITHM);
      mac.init(key, new PBEParameterSpec(salt, iterations));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot compute the keystore MAC", e);
    } finally {
      spec.clearPassword();
      Secrets.destroy(key);
    }
  }
}
