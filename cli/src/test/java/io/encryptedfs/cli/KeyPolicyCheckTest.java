package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KeyPolicyCheck} mirrors the provider's parsing of {@code key.policy} so that the tool can
 * refuse a bad rule before it asks for the password: the two must refuse exactly the same specs, or
 * the tool would turn away a policy the file system takes, or let through one it refuses only after
 * the password.
 */
class KeyPolicyCheckTest {
  private static final Set<String> ALIASES = Set.of("a", "b", "c");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        ";",
        " ; ;",
        "/**=a",
        "/pii/**=a;/wal/**=b",
        "  /x/*.log = c ; ",
        "/a=b=c",
        "/a b/**=a",
        "/{x,y}/**=b",
        "/[ab]/**=c",
        "=a",
        "/x=",
        "/x",
        "x/**=a",
        "**=a",
        " =a",
        "/[=a",
        "/{x=a",
        "/x/**=a;y=b",
        "/x/**=a;/[z=b",
        "/\\=a"
      })
  void refusesWhatTheProviderRefuses(String spec) throws IOException {
    boolean checkRefuses;
    try {
      KeyPolicyCheck.check(spec);
      checkRefuses = false;
    } catch (IllegalArgumentException e) {
      checkRefuses = true;
      assertTrue(
          e.getMessage().startsWith("invalid value for option --key-policy"), e.getMessage());
    }
    boolean providerRefuses;
    try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = disk.getPath("/root");
      try (FileSystem fs =
          EncryptedFileSystems.newFileSystem(
              root,
              Map.of(
                  EncryptedFileSystems.KEY_PROVIDER,
                  new Keys(),
                  EncryptedFileSystems.KEY_ALIAS,
                  "a",
                  EncryptedFileSystems.KEY_POLICY,
                  spec,
                  EncryptedFileSystems.CREATE,
                  "true"))) {
        providerRefuses = false;
      } catch (IllegalArgumentException e) {
        providerRefuses = true;
        assertTrue(e.getMessage().contains("key.policy"), e.getMessage());
      }
    }
    assertEquals(providerRefuses, checkRefuses, "provider and tool disagree on '" + spec + "'");
  }

  /** Three keys, so that every alias the specs name exists. */
  private static final class Keys implements KeyProvider {
    @Override
    public SecretKey masterKey(String alias) throws IOException {
      if (!ALIASES.contains(alias)) {
        throw new UnknownKeyAliasException("test keys", alias);
      }
      byte[] key = new byte[32];
      key[0] = (byte) alias.charAt(0);
      return new SecretKeySpec(key, "AES");
    }

    @Override
    public Set<String> aliases() {
      return ALIASES;
    }

    @Override
    public void close() {}
  }
}
