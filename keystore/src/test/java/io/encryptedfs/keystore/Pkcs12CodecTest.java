package io.encryptedfs.keystore;

import static io.encryptedfs.keystore.Fixtures.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.Test;

class Pkcs12CodecTest {
  private final Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new SecureRandom());

  @Test
  void storedKeystoresMeetThePolicyEvenWhenTheJdkIsConfiguredWeakly() throws Exception {
    String[] names = {"keystore.pkcs12.macAlgorithm", "keystore.pkcs12.keyPbeIterationCount"};
    String[] saved = {System.getProperty(names[0]), System.getProperty(names[1])};
    ProtectionParameters policy = new ProtectionParameters(2_000, 3_000, 16);
    try {
      System.setProperty(names[0], "NONE");
      System.setProperty(names[1], "1");
      Pkcs12Codec strict = new Pkcs12Codec(policy, new SecureRandom());
      KeyStore keyStore = strict.empty();
      keyStore.setEntry(
          "master", new KeyStore.SecretKeyEntry(aesKey()), strict.protection(password()));
      byte[] bytes = strict.store(keyStore, password(), "test").bytes();

      List<Pkcs12Protection.Protection> parts = Pkcs12Protection.inspect(Pfx.parse(bytes));
      assertEquals(2, parts.size(), parts::toString);
      assertEquals(
          new Pkcs12Protection.Protection(
              Pkcs12Protection.Part.MAC, "", "HmacPBESHA256", 3_000, true),
          parts.get(0));
      assertEquals(
          new Pkcs12Protection.Protection(
              Pkcs12Protection.Part.KEY,
              "master",
              "PBES2/PBKDF2-HmacSHA256/AES-256-CBC",
              2_000,
              true),
          parts.get(1));
      assertTrue(parts.stream().allMatch(part -> part.meets(policy)));
    } finally {
      restore(names[0], saved[0]);
      restore(names[1], saved[1]);
    }
  }

  @Test
  void theRewrittenMacIsVerifiedByTheJdk() throws Exception {
    KeyStore keyStore = codec.empty();
    keyStore.setEntry(
        "master", new KeyStore.SecretKeyEntry(aesKey()), codec.protection(password()));
    byte[] bytes = codec.store(keyStore, password(), "test").bytes();

    KeyStore reread = KeyStore.getInstance("PKCS12");
    reread.load(new ByteArrayInputStream(bytes), password());
    assertTrue(reread.isKeyEntry("master"));
    IOException wrong =
        assertThrows(
            IOException.class,
            () -> reread.load(new ByteArrayInputStream(bytes), "wrong".toCharArray()));
    assertTrue(wrong.getMessage().contains("Integrity check failed"), wrong.getMessage());
  }

  @Test
  void aKeystoreWithoutAMacIsRefused() throws Exception {
    String name = "keystore.pkcs12.macAlgorithm";
    String saved = System.getProperty(name);
    byte[] unauthenticated;
    try {
      System.setProperty(name, "NONE");
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      keyStore.setEntry(
          "master", new KeyStore.SecretKeyEntry(aesKey()), codec.protection(password()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      keyStore.store(out, password());
      unauthenticated = out.toByteArray();
    } finally {
      restore(name, saved);
    }
    assertFalse(Pfx.parse(unauthenticated).mac().isPresent());
    IOException e =
        assertThrows(IOException.class, () -> codec.load(unauthenticated, password(), "test"));
    assertTrue(e.getMessage().contains("no integrity MAC"), e.getMessage());
  }

  @Test
  void wrongPasswordAndGarbageAreToldApart() throws Exception {
    byte[] bytes = codec.store(codec.empty(), password(), "test").bytes();
    assertThrows(
        WrongPasswordException.class, () -> codec.load(bytes, "wrong".toCharArray(), "test"));
    IOException garbage =
        assertThrows(IOException.class, () -> codec.load(new byte[] {1, 2, 3}, password(), "test"));
    assertFalse(garbage instanceof WrongPasswordException);
  }

  @Test
  void eachEntryGetsItsOwnSalt() {
    KeyStore.PasswordProtection first = codec.protection(password());
    KeyStore.PasswordProtection second = codec.protection(password());
    assertEquals(ProtectionParameters.KEY_ALGORITHM, first.getProtectionAlgorithm());
    byte[] firstSalt =
        ((javax.crypto.spec.PBEParameterSpec) first.getProtectionParameters()).getSalt();
    byte[] secondSalt =
        ((javax.crypto.spec.PBEParameterSpec) second.getProtectionParameters()).getSalt();
    assertEquals(16, firstSalt.length);
    assertFalse(java.util.Arrays.equals(firstSalt, secondSalt));
  }

  private static javax.crypto.SecretKey aesKey() throws Exception {
    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(256);
    return generator.generateKey();
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
