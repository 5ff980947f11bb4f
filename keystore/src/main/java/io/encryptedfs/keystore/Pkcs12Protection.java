package io.encryptedfs.keystore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads how each password-protected part of a PKCS#12 file is protected.
 *
 * <p>The JDK's {@code KeyStore} keeps entries it did not write encrypted exactly as it found them,
 * so a keystore made elsewhere (by {@code keytool} with the JDK's 10,000-iteration defaults, say)
 * keeps its weaker parts even after this module rewrites it; opening it reports them.
 */
final class Pkcs12Protection {
  private static final String ENCRYPTED_DATA_OID = "1.2.840.113549.1.7.6";
  private static final String KEY_BAG_OID = "1.2.840.113549.1.12.10.1.1";
  private static final String SHROUDED_KEY_BAG_OID = "1.2.840.113549.1.12.10.1.2";
  private static final String SECRET_BAG_OID = "1.2.840.113549.1.12.10.1.5";
  private static final String FRIENDLY_NAME_OID = "1.2.840.113549.1.9.20";
  private static final String PBES2_OID = "1.2.840.113549.1.5.13";
  private static final String PBKDF2_OID = "1.2.840.113549.1.5.12";
  private static final String HMAC_SHA1_OID = "1.2.840.113549.2.7";
  private static final String AES256_CBC_OID = "2.16.840.1.101.3.4.1.42";
  private static final Map<String, String> PRF_NAMES =
      Map.of(
          HMAC_SHA1_OID,
          "HmacSHA1",
          "1.2.840.113549.2.9",
          "HmacSHA256",
          "1.2.840.113549.2.10",
          "HmacSHA384",
          "1.2.840.113549.2.11",
          "HmacSHA512");
  private static final Set<String> STRONG_PRFS = Set.of("HmacSHA256", "HmacSHA384", "HmacSHA512");

  private Pkcs12Protection() {}

  /** Which kind of part is protected. */
  enum Part {
    MAC,
    KEY,
    CERTIFICATES
  }

  /**
   * How one part is protected.
   *
   * @param name the entry alias for keys, otherwise empty
   * @param algorithm a readable description, e.g. {@code PBES2/PBKDF2-HmacSHA256/AES-256-CBC}
   * @param iterations the iteration count, 0 for an unencrypted key
   * @param strongAlgorithm whether the algorithm is PBES2 with PBKDF2-HMAC-SHA2 and AES-256 (for
   *     the MAC: HMAC-SHA2) with at least 16 bytes of salt
   */
  record Protection(
      Part part, String name, String algorithm, int iterations, boolean strongAlgorithm) {

    boolean meets(ProtectionParameters policy) {
      int required = part == Part.MAC ? policy.macIterations() : policy.keyIterations();
      return strongAlgorithm && iterations >= required;
    }

    /** A description safe to log: it names the part and its parameters, never a secret. */
    String describe() {
      String what = name.isEmpty() ? part.name().toLowerCase(Locale.ROOT) : "key '" + name + "'";
      return what + ": " + algorithm + ", " + iterations + " iterations";
    }
  }

  static List<Protection> inspect(Pfx pfx) throws IOException {
    List<Protection> found = new ArrayList<>();
    pfx.mac()
        .ifPresent(
            mac ->
                found.add(
                    new Protection(
                        Part.MAC, "", mac.algorithm(), mac.iterations(), mac.strongAlgorithm())));
    Der.Reader contentInfos = new Der.Reader(pfx.authenticatedSafe()).next(Der.SEQUENCE).elements();
    while (contentInfos.hasNext()) {
      Der.Reader contentInfo = contentInfos.next(Der.SEQUENCE).elements();
      String type = contentInfo.next().oid();
      Der.Value content = contentInfo.next(Der.CONTEXT_0).elements().next();
      if (Pfx.DATA_OID.equals(type)) {
        readSafeContents(content.expect(Der.OCTET_STRING).content(), found);
      } else if (ENCRYPTED_DATA_OID.equals(type)) {
        Der.Reader encryptedData = content.expect(Der.SEQUENCE).elements();
        encryptedData.next(Der.INTEGER);
        Der.Reader encryptedContentInfo = encryptedData.next(Der.SEQUENCE).elements();
        encryptedContentInfo.next(Der.OID);
        found.add(describe(Part.CERTIFICATES, "", encryptedContentInfo.next(Der.SEQUENCE)));
      } else {
        throw new IOException("PKCS#12: unsupported content type " + type);
      }
    }
    return found;
  }

  private static void readSafeContents(byte[] safeContents, List<Protection> found)
      throws IOException {
    Der.Reader bags = new Der.Reader(safeContents).next(Der.SEQUENCE).elements();
    while (bags.hasNext()) {
      Der.Reader bag = bags.next(Der.SEQUENCE).elements();
      String bagId = bag.next().oid();
      Der.Value value = bag.next(Der.CONTEXT_0).elements().next();
      String name = bag.hasNext() ? friendlyName(bag.next(Der.SET)) : "";
      switch (bagId) {
        case SHROUDED_KEY_BAG_OID:
          found.add(describeEncryptedKey(name, value));
          break;
        case SECRET_BAG_OID:
          Der.Reader secretBag = value.expect(Der.SEQUENCE).elements();
          secretBag.next(Der.OID);
          byte[] encryptedKey =
              secretBag.next(Der.CONTEXT_0).elements().next(Der.OCTET_STRING).content();
          found.add(describeEncryptedKey(name, new Der.Reader(encryptedKey).next()));
          break;
        case KEY_BAG_OID:
          found.add(new Protection(Part.KEY, name, "unencrypted", 0, false));
          break;
        default:
          // Certificate and other bags carry no secret of their own.
      }
    }
  }

  private static Protection describeEncryptedKey(String name, Der.Value encryptedPrivateKeyInfo)
      throws IOException {
    Der.Reader fields = encryptedPrivateKeyInfo.expect(Der.SEQUENCE).elements();
    return describe(Part.KEY, name, fields.next(Der.SEQUENCE));
  }

  private static String friendlyName(Der.Value attributes) throws IOException {
    Der.Reader reader = attributes.elements();
    while (reader.hasNext()) {
      Der.Reader attribute = reader.next(Der.SEQUENCE).elements();
      if (FRIENDLY_NAME_OID.equals(attribute.next().oid())) {
        return attribute.next(Der.SET).elements().next().bmpString();
      }
    }
    return "";
  }

  private static Protection describe(Part part, String name, Der.Value algorithmIdentifier)
      throws IOException {
    Der.Reader algorithm = algorithmIdentifier.elements();
    String oid = algorithm.next().oid();
    if (!PBES2_OID.equals(oid)) {
      Der.Reader pbeParameters = algorithm.next(Der.SEQUENCE).elements();
      pbeParameters.next(Der.OCTET_STRING);
      return new Protection(part, name, "PBE/" + oid, pbeParameters.next().intValue(), false);
    }
    Der.Reader pbes2 = algorithm.next(Der.SEQUENCE).elements();
    Der.Reader kdf = pbes2.next(Der.SEQUENCE).elements();
    String kdfOid = kdf.next().oid();
    String encryptionOid = pbes2.next(Der.SEQUENCE).elements().next().oid();
    if (!PBKDF2_OID.equals(kdfOid)) {
      return new Protection(part, name, "PBES2/" + kdfOid + "/" + encryptionOid, 0, false);
    }
    Der.Reader pbkdf2 = kdf.next(Der.SEQUENCE).elements();
    int saltLength = pbkdf2.next(Der.OCTET_STRING).content().length;
    int iterations = pbkdf2.next().intValue();
    String prfOid = HMAC_SHA1_OID;
    while (pbkdf2.hasNext()) {
      Der.Value optional = pbkdf2.next();
      if (optional.tag() == Der.SEQUENCE) {
        prfOid = optional.elements().next().oid();
      }
    }
    String prf = PRF_NAMES.getOrDefault(prfOid, prfOid);
    String cipher = AES256_CBC_OID.equals(encryptionOid) ? "AES-256-CBC" : encryptionOid;
    boolean strong =
        STRONG_PRFS.contains(prf) && AES256_CBC_OID.equals(encryptionOid) && saltLength >= 16;
    return new Protection(part, name, "PBES2/PBKDF2-" + prf + "/" + cipher, iterations, strong);
  }
}
