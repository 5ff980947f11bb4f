package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * A keystore that reads under another password when a file needs it (another program replaced it
 * meanwhile) fails that file with a {@code WrongPasswordException} whose message the file system
 * now leads by the file's path: the tool still tells it by its type, a key or password error (exit
 * 3), and prints the path with the keystore's own words.
 */
class PathLedKeyErrorTest {
  @Test
  void aWrongPasswordNamingTheFileIsStillAKeyOrPasswordError() throws Exception {
    ReplacedKeys keys = new ReplacedKeys();
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            EncryptedFileSystems.newFileSystem(
                jimfs.getPath("/root"),
                Map.of(
                    EncryptedFileSystems.KEY_PROVIDER,
                    keys,
                    EncryptedFileSystems.CREATE,
                    "true"))) {
      keys.replaced = true;
      IOException e =
          assertThrows(IOException.class, () -> Files.writeString(fs.getPath("/c"), "c"));
      assertTrue(e instanceof WrongPasswordException, e::toString);
      assertEquals(ExitCodes.KEY, Main.exitCode(e));
      assertEquals(
          "/c: wrong password for keystore /srv/keys.p12 (or the file was modified)",
          Main.describe(e));
    }
  }

  /** One key, until the keystore it stands for is replaced under another password. */
  private static final class ReplacedKeys implements KeyProvider {
    private final SecretKey master = new SecretKeySpec(new SecureRandom().generateSeed(32), "AES");
    private volatile boolean replaced;

    @Override
    public SecretKey masterKey(String alias) {
      return master;
    }

    @Override
    public SecretKey masterKeyForNewFile(String alias) throws IOException {
      if (replaced) {
        throw new WrongPasswordException("/srv/keys.p12", null);
      }
      return master;
    }

    @Override
    public Set<String> aliases() {
      return Set.of("master");
    }

    @Override
    public Optional<String> currentAlias() {
      return Optional.of("master");
    }

    @Override
    public void close() {}
  }
}
