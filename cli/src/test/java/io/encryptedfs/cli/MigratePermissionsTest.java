package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy grants its group and others no more than its source does: a file or directory kept
 * owner-only stays so in the plain tree {@code decrypt} writes, and in the root {@code encrypt}
 * writes. Before, every file and directory was made with the permissions the umask leaves
 * (typically {@code rw-r--r--}, {@code rwxr-xr-x}), so {@code decrypt} left an owner-only secret
 * readable by every user of the machine, where {@code cp} keeps the source's permissions.
 */
class MigratePermissionsTest {
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  @Test
  void ownerOnlyFilesAndDirectoriesStayOwnerOnlyBothWays() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path secrets = Files.createDirectory(plain.resolve("secrets"));
    Path secret = Files.writeString(secrets.resolve("db.env"), "DB_PASSWORD=...");
    Path shared = Files.writeString(plain.resolve("readme.txt"), "for everyone");
    Path readOnly = Files.writeString(plain.resolve("frozen.txt"), "read only");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--------"));
    Path root = tmp.resolve("root");

    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertOwnerOnly(root.resolve("secrets"));
    assertOwnerOnly(root.resolve("secrets/db.env"));
    assertOwnerOnly(root.resolve("frozen.txt"));

    Path out = tmp.resolve("exported");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertEquals("DB_PASSWORD=...", Files.readString(out.resolve("secrets/db.env")));
    assertOwnerOnly(out.resolve("secrets"));
    assertOwnerOnly(out.resolve("secrets/db.env"));
    assertOwnerOnly(out.resolve("frozen.txt"));
    // A copy is never given more than its source, nor less than what the umask lets through.
    assertTrue(
        Files.getPosixFilePermissions(out.resolve("readme.txt"))
            .containsAll(PosixFilePermissions.fromString("rw-r--r--")));
  }

  private static void assertOwnerOnly(Path path) throws Exception {
    Set<PosixFilePermission> granted =
        EnumSet.copyOf(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    granted.retainAll(GROUP_OR_OTHERS);
    assertEquals(Set.of(), granted, path + " grants its group or others access");
  }
}
