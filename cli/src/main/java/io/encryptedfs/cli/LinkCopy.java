package io.encryptedfs.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies a symbolic link of a tree as a link whose target resolves to the same entry of the copy.
 * An encrypted root keeps every link's target inside it: its provider refuses a target that climbs
 * out of the root and takes an absolute one as naming the root's own entries. So a plain link with
 * an absolute target, or a relative one that leads out of the tree, cannot be copied into a root as
 * it is; rather than become a link to another file, it is left out, and named.
 *
 * <p>Links are resolved by name ({@code a/../b} is {@code b}), as the encrypted file system
 * resolves them, not after following the links on the way.
 */
final class LinkCopy {
  /** What became of one link. */
  enum Status {
    COPIED,
    ALREADY_DONE,
    /** Not copied, for the reason in the outcome's line. */
    LEFT_OUT
  }

  /**
   * @param line for {@link Status#LEFT_OUT}, what the link is and why it was not copied
   */
  record Outcome(Status status, String line) {}

  private static final Outcome COPIED = new Outcome(Status.COPIED, null);
  private static final Outcome ALREADY_DONE = new Outcome(Status.ALREADY_DONE, null);

  private LinkCopy() {}

  /**
   * @param from the top of the tree copied
   * @param source a symbolic link below {@code from}
   * @param target where its copy goes, of the target's file system, in a directory that exists
   */
  static Outcome copy(Path from, Path source, Path target) throws IOException {
    Path relative = from.relativize(source);
    Path stored = Files.readSymbolicLink(source);
    String what = "SKIPPED " + relative + ": a symbolic link to " + stored;
    Path wanted = inTree(from, source, stored);
    if (wanted == null) {
      return leftOut(
          what
              + ", an absolute target: an encrypted root keeps every link's target inside it;"
              + " not copied");
    }
    if (leavesTree(relative, wanted)) {
      return leftOut(
          what
              + ", which leads out of the tree: an encrypted root keeps every link's target"
              + " inside it; not copied");
    }
    Path link = in(target.getFileSystem(), wanted);
    try {
      // No temporary name as for a file: a link is made whole or not at all, and making it fails
      // if anything is at its name, which is not this run's to replace.
      Files.createSymbolicLink(target, link);
      return COPIED;
    } catch (FileAlreadyExistsException e) {
      return existing(what, target, link);
    } catch (UnsupportedOperationException e) {
      return leftOut(what + ": the target's file system holds no symbolic links; not copied");
    }
  }

  /**
   * The target to give the copy, relative, or null if {@code stored} is absolute and names no entry
   * of the tree. In an encrypted root (the top of its own file system) an absolute target such as
   * {@code /x} names the root's own {@code /x}; it is made relative to the link, which resolves to
   * the same entry of the copy wherever that lies, whereas {@code /x} in a plain tree would name
   * the host's {@code /x}. The encrypted file system stores such a target relative to the link for
   * the same reason. In a plain tree an absolute target is the host's, outside what is copied (even
   * one that names a path inside the tree names it only while the tree stays where it is).
   */
  private static Path inTree(Path from, Path source, Path stored) {
    if (!stored.isAbsolute()) {
      return stored;
    }
    if (!from.equals(from.getRoot())) {
      return null;
    }
    Path relative = source.getParent().relativize(stored.normalize());
    // The link's own directory, which no file system takes as the empty target.
    return relative.toString().isEmpty() ? source.getFileSystem().getPath(".") : relative;
  }

  /** Whether the relative {@code target} of the link at {@code relative} climbs out of the tree. */
  static boolean leavesTree(Path relative, Path target) {
    int depth = relative.getNameCount() - 1;
    for (Path name : target) {
      String n = name.toString();
      depth += n.equals("..") ? -1 : n.equals(".") || n.isEmpty() ? 0 : 1;
      if (depth < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * A link at the target with the same target is this copy done before. Anything else there is left
   * as it is: a different link may be the user's own, and nothing in a link tells an earlier copy
   * from that; replacing it would silently send whatever reads through it elsewhere. The user,
   * told, removes it and runs again.
   */
  private static Outcome existing(String what, Path target, Path link) throws IOException {
    BasicFileAttributes there =
        Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!there.isSymbolicLink()) {
      String kind = there.isDirectory() ? "a directory" : "a file";
      return leftOut(what + ", but " + kind + " is at its place in the copy; not replaced");
    }
    Path present = Files.readSymbolicLink(target);
    if (present.toString().equals(link.toString())) {
      return ALREADY_DONE;
    }
    return leftOut(
        what
            + ", but a link to "
            + present
            + " is at its place in the copy; not replaced (remove it and run again to copy this"
            + " link)");
  }

  /** {@code relative} in {@code fs}, name by name. */
  private static Path in(FileSystem fs, Path relative) {
    String[] names = new String[relative.getNameCount()];
    for (int i = 0; i < names.length; i++) {
      names[i] = relative.getName(i).toString();
    }
    return names.length == 0 ? fs.getPath(".") : fs.getPath(names[0], rest(names));
  }

  private static String[] rest(String[] names) {
    String[] rest = new String[names.length - 1];
    System.arraycopy(names, 1, rest, 0, rest.length);
    return rest;
  }

  private static Outcome leftOut(String line) {
    return new Outcome(Status.LEFT_OUT, line);
  }
}
