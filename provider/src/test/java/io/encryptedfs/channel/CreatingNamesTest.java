package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A name being created is seen by that name, through a symbolic link to it, and below a move. */
class CreatingNamesTest {
  private final Path root = Jimfs.newFileSystem(Configuration.unix()).getPath("/root");
  private final CreatingNames names = new CreatingNames();

  @Test
  void aNameIsSeenByItselfAndThroughALinkUntilRemoved() throws Exception {
    Path dir = Files.createDirectories(root.resolve("dir"));
    Path file = dir.resolve("f");
    Path link = Files.createSymbolicLink(root.resolve("link"), file);
    assertFalse(names.at(file, null));
    names.add(FileIdentity.realParent(file));
    assertTrue(names.at(file, null));
    assertTrue(names.contains(file));
    // The link's target exists once the underlying file is created, before it is registered.
    Files.createFile(file);
    assertTrue(names.at(link, FileIdentity.ofExisting(link, "/link")));
    assertFalse(names.at(link, null)); // nothing there: the link is no way to the name
    assertFalse(names.at(dir.resolve("g"), null));
    names.remove(FileIdentity.realParent(file));
    assertFalse(names.at(file, FileIdentity.ofExisting(file, "/dir/f")));
    assertTrue(names.isEmpty());
  }

  @Test
  void aNameIsFoundAtOrBelowADirectory() throws Exception {
    Path dir = Files.createDirectories(root.resolve("dir"));
    names.add(FileIdentity.realParent(dir.resolve("sub/f")));
    assertTrue(names.atOrBelow(dir));
    assertTrue(names.atOrBelow(dir.resolve("sub")));
    assertTrue(names.atOrBelow(dir.resolve("sub/f")));
    assertFalse(names.atOrBelow(dir.resolve("su")));
    assertFalse(names.atOrBelow(root.resolve("other")));
    assertFalse(names.contains(dir.resolve("sub")));
  }

  @Test
  void aNameThroughALinkedDirectoryIsTheSameName() throws Exception {
    Path dir = Files.createDirectories(root.resolve("dir"));
    Path linkedDir = Files.createSymbolicLink(root.resolve("linked"), dir);
    names.add(FileIdentity.realParent(linkedDir.resolve("f")));
    assertTrue(names.at(dir.resolve("f"), null));
  }
}
