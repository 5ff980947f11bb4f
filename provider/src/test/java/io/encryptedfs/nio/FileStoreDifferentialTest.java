package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file store beside the default file system's: what it says of space and of attribute views,
 * reached from a file, a directory and links to each. The views this file system refuses ({@code
 * dos}, {@code user}, see README) are left out of the comparison; for every view, by class and by
 * name, the store must say what the file system then does: a view had, a name listed.
 */
class FileStoreDifferentialTest {
  private static final List<Class<? extends FileAttributeView>> VIEWS =
      List.of(
          BasicFileAttributeView.class,
          PosixFileAttributeView.class,
          FileOwnerAttributeView.class,
          DosFileAttributeView.class,
          UserDefinedFileAttributeView.class,
          AclFileAttributeView.class);
  private static final List<String> NAMES =
      List.of("basic", "posix", "owner", "unix", "dos", "user", "acl", "nosuch");
  private static final Set<String> REFUSED = Set.of("dos", "user");

  private static List<String> run(Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "content");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), file.getFileName());
    Path dirLink = Files.createSymbolicLink(dir.resolve("dir-link"), sub.getFileName());
    List<String> seen = new ArrayList<>();
    seen.add("file system views: " + offered(dir.getFileSystem().supportedFileAttributeViews()));
    for (Path p : List.of(file, sub, link, dirLink)) {
      seen.add(p.getFileName() + ": " + describe(p, Files.getFileStore(p)));
    }
    // Code that asks whether two paths are on one store (can a rename stay on one device?)
    // compares two look-ups; each was a new object, unequal to the last.
    FileStore a = Files.getFileStore(dir);
    FileStore b = Files.getFileStore(file);
    seen.add("one store: " + a.equals(b) + " " + (a.hashCode() == b.hashCode()));
    seen.add("block size: " + (a.getBlockSize() > 0));
    return seen;
  }

  private static String describe(Path p, FileStore store) throws IOException {
    List<String> out = new ArrayList<>();
    out.add("read-only " + store.isReadOnly());
    out.add("total " + (store.getTotalSpace() > 0));
    out.add("usable " + (store.getUsableSpace() > 0));
    out.add("unallocated " + (store.getUnallocatedSpace() > 0));
    for (String a : List.of("totalSpace", "usableSpace", "unallocatedSpace", "nosuch", "x:y")) {
      out.add(a + " " + attribute(store, a));
    }
    out.add("store view " + store.getFileStoreAttributeView(FileStoreAttributeView.class));
    Set<String> listed = p.getFileSystem().supportedFileAttributeViews();
    for (Class<? extends FileAttributeView> type : VIEWS) {
      boolean had = Files.getFileAttributeView(p, type) != null;
      assertEquals(had, store.supportsFileAttributeView(type), p + " " + type.getSimpleName());
      if (!REFUSED.contains(name(type))) {
        out.add(type.getSimpleName() + " " + had);
      }
    }
    for (String name : NAMES) {
      assertEquals(listed.contains(name), store.supportsFileAttributeView(name), p + " " + name);
      if (!REFUSED.contains(name)) {
        out.add(name + " " + store.supportsFileAttributeView(name));
      }
    }
    return String.join(", ", out);
  }

  private static String attribute(FileStore store, String name) {
    try {
      return store.getAttribute(name) instanceof Long l && l > 0 ? "> 0" : "other";
    } catch (IOException | RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  private static String name(Class<? extends FileAttributeView> type) {
    return type == UserDefinedFileAttributeView.class
        ? "user"
        : type.getSimpleName().replace("FileAttributeView", "").toLowerCase();
  }

  private static List<String> offered(Set<String> views) {
    return views.stream().filter(v -> !REFUSED.contains(v)).sorted().toList();
  }

  @Test
  void aStoreSaysWhatTheDefaultFileSystemsSaysAndWhatItsFileSystemDoes(@TempDir Path tmp)
      throws IOException {
    PlainAndEncrypted.assertSame(tmp, FileStoreDifferentialTest::run);
  }
}
