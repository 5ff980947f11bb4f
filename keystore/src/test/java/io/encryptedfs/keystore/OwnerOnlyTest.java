package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regular file where a parent directory of the keystore or audit file must be. Before, the JDK's
 * message came through as "/x/pw: already exists", which reads as if the file to create were there.
 */
class OwnerOnlyTest {
  @TempDir Path dir;

  @Test
  void aFileInADirectorysPlaceIsNamedAsNotADirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), "not a directory\n");
    for (Path target : new Path[] {file.resolve("x.p12"), file.resolve("sub").resolve("x.p12")}) {
      FileAlreadyExistsException keystore =
          assertThrows(
              FileAlreadyExistsException.class,
              () -> Fixtures.create(target, AuditLog.systemLogger()));
      assertEquals(file.toString(), keystore.getFile());
      assertEquals("not a directory, so nothing can be made in it", keystore.getReason());
      FileAlreadyExistsException audit =
          assertThrows(FileAlreadyExistsException.class, () -> AuditLog.appendingTo(target));
      assertEquals(file.toString(), audit.getFile());
      assertEquals("not a directory, so nothing can be made in it", audit.getReason());
    }
  }
}
