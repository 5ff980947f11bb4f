package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rewrites keep who owns the keystore. Jimfs lets any owner be set, so the carrying over is tested
 * here whoever runs the tests; PosixPermissionsTest does it on the real disk.
 */
class FileOwnershipTest {
  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              .build());
  private final UserPrincipalLookupService names = fs.getUserPrincipalLookupService();

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  @Test
  void aRewriteKeepsTheOwnerGroupAndMode() throws IOException {
    Path file = fs.getPath("/secrets/keys.p12");
    Fixtures.create(file, AuditLog.systemLogger()).close();
    Files.setOwner(file, names.lookupPrincipalByName("service"));
    Files.getFileAttributeView(file, PosixFileAttributeView.class)
        .setGroup(names.lookupPrincipalByGroupName("services"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      keys.rotate();
    }
    PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class);
    assertEquals("service", after.owner().getName());
    assertEquals("services", after.group().getName());
    assertEquals("r--r-----", PosixFilePermissions.toString(after.permissions()));
  }

  @Test
  void anOwnerThatCannotBeKeptRefusesTheWriteNamingBothOwners() throws IOException {
    FileOwnership keystore =
        new FileOwnership(
            names.lookupPrincipalByName("service"),
            names.lookupPrincipalByGroupName("services"),
            PosixFilePermissions.fromString("rw-------"));
    FakeView view = new FakeView(true);
    PosixFileAttributes temporary = view.owned("admin", "staff");
    Path path = fs.getPath("/secrets/keys.p12");
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> keystore.applyTo(view, temporary, path));
    assertEquals(path.toString(), e.getFile());
    assertTrue(e.getMessage().contains("owned by service:services"), e.getMessage());
    assertTrue(e.getMessage().contains("admin:staff"), e.getMessage());
    assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
    assertFalse(view.calls.contains("setPermissions"), view.calls::toString);
  }

  @Test
  void onlyWhatDiffersIsChanged() throws IOException {
    FileOwnership keystore =
        new FileOwnership(
            names.lookupPrincipalByName("admin"),
            names.lookupPrincipalByGroupName("services"),
            PosixFilePermissions.fromString("rw-r-----"));
    FakeView view = new FakeView(false);
    keystore.applyTo(view, view.owned("admin", "staff"), fs.getPath("/keys.p12"));
    assertEquals(List.of("setGroup services", "setPermissions rw-r-----"), view.calls);
  }

  /** Records what is asked of it; setOwner fails as it does for a user other than root. */
  private final class FakeView implements PosixFileAttributeView {
    final List<String> calls = new ArrayList<>();
    private final boolean ownerRefused;

    FakeView(boolean ownerRefused) {
      this.ownerRefused = ownerRefused;
    }

    PosixFileAttributes owned(String user, String group) throws IOException {
      Path probe = fs.getPath("/probe-" + user + "-" + group);
      Files.createFile(probe);
      Files.setOwner(probe, names.lookupPrincipalByName(user));
      Files.getFileAttributeView(probe, PosixFileAttributeView.class)
          .setGroup(names.lookupPrincipalByGroupName(group));
      return Files.readAttributes(probe, PosixFileAttributes.class);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      calls.add("setOwner " + owner.getName());
      if (ownerRefused) {
        throw new FileSystemException("/tmp/.keys.p12.123.tmp", null, "Operation not permitted");
      }
    }

    @Override
    public void setGroup(GroupPrincipal group) {
      calls.add("setGroup " + group.getName());
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) {
      calls.add("setPermissions " + PosixFilePermissions.toString(perms));
    }

    @Override
    public String name() {
      return "posix";
    }

    @Override
    public PosixFileAttributes readAttributes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public UserPrincipal getOwner() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setTimes(FileTime modified, FileTime access, FileTime create) {
      throw new UnsupportedOperationException();
    }
  }
}
