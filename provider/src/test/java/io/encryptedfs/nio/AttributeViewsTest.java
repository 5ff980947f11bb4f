package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Attribute views on the real disk, where the underlying views name the raw file. */
class AttributeViewsTest {
  private interface Op {
    void run(Path p) throws Exception;
  }

  @TempDir Path tmp;
  private Path rawRoot;
  private FileSystem fs;

  @BeforeEach
  void open() throws Exception {
    rawRoot = tmp.resolve("root");
    fs = TestRoots.open(rawRoot, new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  @Test
  void everyViewOperationOnAMissingFileNamesTheEncryptedPath() throws Exception {
    Path existing = Files.writeString(fs.getPath("/existing"), "x");
    UserPrincipal owner = Files.getOwner(existing);
    GroupPrincipal group = Files.readAttributes(existing, PosixFileAttributes.class).group();
    FileTime time = FileTime.fromMillis(1_000_000_000_000L);
    Map<String, Op> ops = new LinkedHashMap<>();
    ops.put("basic view readAttributes", p -> basic(p).readAttributes());
    ops.put("basic view setTimes", p -> basic(p).setTimes(time, time, time));
    ops.put("posix view readAttributes", p -> posix(p).readAttributes());
    ops.put("posix view setTimes", p -> posix(p).setTimes(time, null, null));
    ops.put(
        "posix view setPermissions",
        p -> posix(p).setPermissions(PosixFilePermissions.fromString("rw-------")));
    ops.put("posix view setGroup", p -> posix(p).setGroup(group));
    ops.put("posix view getOwner", p -> posix(p).getOwner());
    ops.put("posix view setOwner", p -> posix(p).setOwner(owner));
    ops.put("owner view getOwner", p -> ownerView(p).getOwner());
    ops.put("owner view setOwner", p -> ownerView(p).setOwner(owner));
    ops.put("Files.getOwner", Files::getOwner);
    ops.put("Files.setOwner", p -> Files.setOwner(p, owner));
    ops.put("Files.getLastModifiedTime", Files::getLastModifiedTime);
    ops.put("Files.setLastModifiedTime", p -> Files.setLastModifiedTime(p, time));
    ops.put("Files.getPosixFilePermissions", Files::getPosixFilePermissions);
    ops.put(
        "Files.setPosixFilePermissions",
        p -> Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------")));
    ops.put("Files.getAttribute", p -> Files.getAttribute(p, "posix:permissions"));
    ops.put("Files.setAttribute", p -> Files.setAttribute(p, "lastModifiedTime", time));
    ops.put("Files.readAttributes(String)", p -> Files.readAttributes(p, "*"));
    List<Executable> checks = new ArrayList<>();
    for (String missing : new String[] {"/nope", "/no-dir/nope"}) {
      for (var op : ops.entrySet()) {
        checks.add(() -> namesOnlyTheEncryptedPath(missing, op.getKey(), op.getValue()));
      }
    }
    assertAll(checks);
  }

  private void namesOnlyTheEncryptedPath(String missing, String name, Op op) {
    String what = name + " on " + missing;
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> op.run(fs.getPath(missing)), what);
    assertEquals(missing, e.getFile(), what);
    assertFalse(e.getMessage().contains(rawRoot.toString()), what + ": " + e.getMessage());
  }

  private static BasicFileAttributeView basic(Path p) {
    return Files.getFileAttributeView(p, BasicFileAttributeView.class);
  }

  private static PosixFileAttributeView posix(Path p) {
    return Files.getFileAttributeView(p, PosixFileAttributeView.class);
  }

  private static FileOwnerAttributeView ownerView(Path p) {
    return Files.getFileAttributeView(p, FileOwnerAttributeView.class);
  }
}
