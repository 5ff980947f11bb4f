package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.Provider;
import java.security.Security;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Mac;
import javax.crypto.MacSpi;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The provider a lookup remembers serves the next objects, and a key it refuses still finds the
 * provider that takes it, as a lookup by name does.
 */
class JceLookupTest {
  private static final String NAME = "JceLookupTestMac";
  private final Provider takesA = new OneKeyProvider("JceLookupTestA", "A", (byte) 1);
  private final Provider takesB = new OneKeyProvider("JceLookupTestB", "B", (byte) 2);

  @AfterEach
  void removeProviders() {
    Security.removeProvider(takesA.getName());
    Security.removeProvider(takesB.getName());
  }

  @Test
  void aKeyTheRememberedProviderRefusesGoesToTheProviderThatTakesIt() throws Exception {
    Security.addProvider(takesA);
    Security.addProvider(takesB);
    JceLookup lookup = new JceLookup(NAME);

    Mac first = lookup.mac(key("A"));
    assertSame(takesA, first.getProvider());
    assertArrayEquals(new byte[] {1}, first.doFinal());

    Mac other = lookup.mac(key("B"));
    assertSame(takesB, other.getProvider());
    assertArrayEquals(new byte[] {2}, other.doFinal());

    // and the remembered provider is now the one that took the last key
    assertSame(takesB, lookup.mac(key("B")).getProvider());
    assertSame(takesA, lookup.mac(key("A")).getProvider());
  }

  @Test
  void aKeyNoProviderTakesIsRefusedAsByName() throws Exception {
    Security.addProvider(takesA);
    JceLookup lookup = new JceLookup(NAME);
    lookup.mac(key("A"));

    assertThrows(InvalidKeyException.class, () -> lookup.mac(key("C")));
    assertThrows(InvalidKeyException.class, () -> new JceLookup(NAME).mac(key("C")));
  }

  private static Key key(String algorithm) {
    return new SecretKeySpec(new byte[16], algorithm);
  }

  /** Serves {@link #NAME} for keys of one algorithm only; each MAC is one byte, its tag. */
  private static final class OneKeyProvider extends Provider {
    OneKeyProvider(String name, String keyAlgorithm, byte tag) {
      super(name, "1", "test");
      putService(
          new Service(this, "Mac", NAME, OneKeyMac.class.getName(), null, null) {
            @Override
            public Object newInstance(Object parameter) {
              return new OneKeyMac(keyAlgorithm, tag);
            }

            @Override
            public boolean supportsParameter(Object parameter) {
              return true;
            }
          });
    }
  }

  private static final class OneKeyMac extends MacSpi {
    private final String keyAlgorithm;
    private final byte tag;

    OneKeyMac(String keyAlgorithm, byte tag) {
      this.keyAlgorithm = keyAlgorithm;
      this.tag = tag;
    }

    @Override
    protected int engineGetMacLength() {
      return 1;
    }

    @Override
    protected void engineInit(Key key, AlgorithmParameterSpec params) throws InvalidKeyException {
      if (!keyAlgorithm.equals(key.getAlgorithm())) {
        throw new InvalidKeyException("takes only " + keyAlgorithm + " keys");
      }
    }

    @Override
    protected void engineUpdate(byte input) {}

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {}

    @Override
    protected byte[] engineDoFinal() {
      return new byte[] {tag};
    }

    @Override
    protected void engineReset() {}
  }
}
