package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.SecretText;
import java.util.Random;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What a creating open would make a new file with prints its policy but not its master key: a
 * record prints every component, and a {@code SecretKeySpec} prints a hash of its key bytes.
 */
class NewFileTest {
  @Test
  void toStringLeavesTheMasterKeyOut() {
    byte[] bytes = new byte[32];
    // Fixed bytes whose hash is negative: eight hex digits, which no identity hash in the text (31
    // bits) matches by chance.
    new Random(3).nextBytes(bytes);
    SecretKeySpec master = new SecretKeySpec(bytes, "AES");
    NewFilePolicy policy =
        new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "wal-key");

    String text = new FileOpener.NewFile(policy, master, true).toString();

    SecretText.assertNoTraceOf(master, text);
    assertTrue(text.contains("wal-key") && text.contains("sync=true"), text);
  }
}
