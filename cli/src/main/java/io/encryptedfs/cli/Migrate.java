package io.encryptedfs.cli;

import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.nio.MarkerNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code encrypt} and {@code decrypt}: copy a tree into or out of an encrypted root. Each file is
 * written under a temporary name ({@link PartNames}), forced, read back and compared (SHA-256) with
 * its source, and only then renamed into place; a rerun skips files whose target already matches
 * and removes the leftovers of an interrupted run, so an interrupted migration resumes without
 * losing or duplicating work. Directories are made and symbolic links copied as links; what cannot
 * be copied is named and makes the exit status say so ({@link #copyTree}).
 */
final class Migrate {
  private Migrate() {}

  @Command(
      name = "encrypt",
      mixinStandardHelpOptions = true,
      description = {
        "Copy a plain directory tree into an encrypted root, verifying each file.",
        "Resumable: files already verified at the target are skipped."
      },
      footer = ExitCodes.HELP)
  static final class Encrypt implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(index = "0", paramLabel = "PLAIN_DIR", description = "The tree to encrypt.")
    Path plain;

    @Parameters(index = "1", paramLabel = "ROOT", description = "The encrypted root.")
    Path root;

    @Option(names = "--create", description = "Initialise ROOT as an encrypted root if needed.")
    boolean create;

    /** How a directory of the copy is forced; a test's own records them. */
    DirectoryForces.Force force = DirectoryForces::sync;

    @Override
    public Integer call() throws Exception {
      if (!Files.exists(plain)) {
        // A missing tree is a missing file (exit 4), as a missing ROOT is.
        throw new NoSuchFileException(plain.toString());
      }
      if (!Files.isDirectory(plain)) {
        throw new IllegalArgumentException(plain + ": not a directory (PLAIN_DIR)");
      }
      if (create && !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        // --create makes ROOT and its parents: a file where one of them would be is a file where
        // a directory is expected (exit 2), as for decrypt's PLAIN_DIR, not the I/O error that
        // making the directory met. What is at ROOT itself the provider judges.
        TargetDirectory.requireDirectoryOrMissing(root, "ROOT");
      }
      TreeOverlap.refuse(plain, root);
      PrintWriter out = spec.commandLine().getOut();
      // What --create will make: the root's directory with its parents, and its marker.
      List<Path> missing = create ? DirectoryForces.missing(root) : List.of();
      boolean newMarker =
          create && !Files.exists(root.resolve(LeftOut.MARKER), LinkOption.NOFOLLOW_LINKS);
      try (FileSystem fs = keystore.openRoot(root, create)) {
        DirectoryForces forces = new DirectoryForces(force);
        missing.forEach(forces::made);
        if (newMarker) {
          forces.changed(fs.getPath("/"));
        }
        List<LeftOut.Entry> leftOut =
            LeftOut.of(plain, root, KeyRotation.nestedRoots(fs), MarkerNames.of(fs));
        for (LeftOut.Entry entry : leftOut) {
          out.println(OneLine.of(entry.line()));
        }
        return copyTree(plain, LeftOut.paths(leftOut), fs.getPath("/"), out, "encrypted", forces);
      }
    }
  }

  @Command(
      name = "decrypt",
      mixinStandardHelpOptions = true,
      description = {
        "Export an encrypted root to a plain directory tree, verifying each file.",
        "Resumable: files already matching at the target are skipped."
      },
      footer = ExitCodes.HELP)
  static final class Decrypt implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(index = "0", paramLabel = "ROOT", description = "The encrypted root.")
    Path root;

    @Parameters(index = "1", paramLabel = "PLAIN_DIR", description = "Where to write the files.")
    Path plain;

    /** How a directory of the export is forced; a test's own records them. */
    DirectoryForces.Force force = DirectoryForces::sync;

    @Override
    public Integer call() throws Exception {
      // Before the password is asked for and the root walked: the refusal came after a NESTED
      // line for each nested root, as if the export had begun.
      TargetDirectory.requireDirectoryOrMissing(plain, "PLAIN_DIR");
      TreeOverlap.refuse(plain, root);
      PrintWriter out = spec.commandLine().getOut();
      try (FileSystem fs = keystore.openRoot(root, false)) {
        // Made before anything is printed: a directory that cannot be made is an error alone.
        DirectoryForces forces = new DirectoryForces(force);
        forces.createDirectories(plain);
        // A nested root's files are that root's, perhaps under keys this keystore does not hold:
        // exported through this root's keys they would fail, or come out beside its marker.
        List<String> nested = KeyRotation.nestedRoots(fs);
        for (String dir : nested) {
          out.println(OneLine.of(RootFiles.nested(dir, "decrypted", "decrypt")));
        }
        return copyTree(fs.getPath("/"), nested, plain, out, "decrypted", forces);
      }
    }
  }

  /**
   * Copies every entry of {@code from} to the same relative path under {@code to}, but those of
   * {@code notEntered} ({@link TreeEntries#of}), which the caller has named: directories (empty
   * ones too), regular files, and symbolic links as links ({@link LinkCopy}). What cannot be copied
   * (a fifo, socket or device; a link whose target an encrypted root cannot hold; something at a
   * link's place in the copy) is named and counted as left out. Before it reports, the directories
   * that gained entries are forced ({@code forces}, which may hold some already); one that fails is
   * named and counted as failed.
   *
   * @return the exit status ({@link Tally#exitCode})
   */
  static int copyTree(
      Path from,
      List<String> notEntered,
      Path to,
      PrintWriter out,
      String verb,
      DirectoryForces forces)
      throws IOException {
    List<TreeEntries.Entry> sources = TreeEntries.of(from, notEntered);
    long toCopy = sources.stream().filter(e -> e.kind() != TreeEntries.Kind.DIRECTORY).count();
    Progress progress = new Progress(out, System.console() != null, verb, toCopy);
    Tally tally = new Tally(notEntered.size());
    // The directories of the copy that this run made or found: an entry is written only into one
    // of them, never through a link that stands where a directory should, which could lead out.
    Set<Path> directories = new HashSet<>(Set.of(to));
    for (TreeEntries.Entry entry : sources) {
      Path source = entry.path();
      String name = from.relativize(source).toString();
      if (entry.kind() != TreeEntries.Kind.DIRECTORY && PartNames.isPart(source)) {
        // Part of a copy an interrupted run was writing (the source was once a target): junk,
        // which may not even open.
        progress.line(name + ": skipped, the temporary file of an interrupted run");
        continue;
      }
      if (entry.unreadable() != null) {
        // A damaged encrypted file, or a name the JVM cannot decode, is not copied, and must not
        // pass for something skipped.
        tally.failed();
        progress.line(name + ": FAILED: " + Main.describe(entry.unreadable()));
        continue;
      }
      // Only now: a name the JVM could not decode (an unreadable entry) may not be a path there.
      Path target = resolve(to, from.relativize(source));
      if (!directories.contains(target.getParent())) {
        tally.failed();
        progress.line(name + ": FAILED: its directory could not be made in the copy");
        continue;
      }
      try {
        switch (entry.kind()) {
          case DIRECTORY -> {
            if (makeDirectory(source, target)) {
              forces.made(target);
            }
            directories.add(target);
          }
          case LINK -> {
            if (copyLink(from, source, target, tally, progress)) {
              forces.made(target);
            }
          }
          case REGULAR -> copyFile(name, source, target, tally, progress, forces);
          case OTHER -> {
            tally.leftOut();
            progress.line(
                "SKIPPED "
                    + name
                    + ": not a regular file, directory or symbolic link (a fifo, socket or"
                    + " device); not copied");
          }
        }
      } catch (IOException e) {
        tally.failed();
        progress.line(name + ": FAILED: " + Main.describe(e));
      }
    }
    for (DirectoryForces.Failure f : forces.forceAll()) {
      tally.failed();
      progress.line(
          shown(to, f.dir())
              + ": FAILED: the directory could not be forced, so what was copied into it may not"
              + " survive a power loss: "
              + Main.describe(f.cause()));
    }
    progress.finish();
    out.println(tally.summary(verb));
    return tally.exitCode();
  }

  /**
   * {@code dir} relative to {@code to} where it lies below it; else whole (a root's parent, a
   * parent made for PLAIN_DIR), absolute and normalized as {@link ShownPath} shows it.
   */
  private static String shown(Path to, Path dir) {
    if (dir.getFileSystem() != to.getFileSystem() || !dir.startsWith(to)) {
      return dir.getFileSystem() == FileSystems.getDefault() ? ShownPath.of(dir) : dir.toString();
    }
    String relative = to.relativize(dir).toString();
    return relative.isEmpty() ? "." : relative;
  }

  /**
   * Makes {@code target} with the permissions of {@code source}, or finds it made by an earlier
   * run; anything else there stays. Whether it made it.
   */
  private static boolean makeDirectory(Path source, Path target) throws IOException {
    try {
      Files.createDirectory(target, CopyPermissions.ofDirectory(source, target));
      return true;
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            target.toString(), null, "not a directory, and not replaced by one");
      }
      return false;
    }
  }

  /** Whether it made a link at {@code target}. */
  private static boolean copyLink(
      Path from, Path source, Path target, Tally tally, Progress progress) throws IOException {
    LinkCopy.Outcome outcome = LinkCopy.copy(from, source, target);
    switch (outcome.status()) {
      case COPIED -> tally.copied();
      case ALREADY_DONE -> tally.alreadyDone();
      case LEFT_OUT -> {
        tally.leftOut();
        progress.line(outcome.line());
        return false;
      }
    }
    progress.fileDone(0);
    return outcome.status() == LinkCopy.Status.COPIED;
  }

  private static void copyFile(
      String name, Path source, Path target, Tally tally, Progress progress, DirectoryForces forces)
      throws IOException {
    if (Files.isSymbolicLink(target)) {
      // Read through, it would pass for this file's copy, or be written through, elsewhere.
      tally.leftOut();
      progress.line(
          "SKIPPED "
              + name
              + ": a symbolic link is at its place in the copy; not replaced (remove it and run"
              + " again to copy this file)");
      return;
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      // The rename would replace an empty one, as it fails on one that holds anything.
      throw new FileAlreadyExistsException(
          target.toString(), null, "a directory, not replaced by a file");
    }
    Path part = PartNames.of(target);
    // Only a leftover of an interrupted run can have this name (see PartNames).
    Files.deleteIfExists(part);
    byte[] expected = digest(source);
    if (Files.exists(target) && Arrays.equals(expected, digestOrNull(target))) {
      tally.alreadyDone();
    } else {
      copyVerified(source, target, part, expected);
      forces.made(target);
      tally.copied();
    }
    progress.fileDone(Files.size(source));
  }

  private static void copyVerified(Path source, Path target, Path part, byte[] expected)
      throws IOException {
    // CREATE_NEW: whatever is at that name now is not this run's to overwrite.
    try (InputStream in = Files.newInputStream(source);
        FileChannel ch =
            FileChannel.open(
                part,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                CopyPermissions.ofFile(source, part))) {
      OutputStream os = Channels.newOutputStream(ch);
      in.transferTo(os);
      ch.force(true);
    }
    // Read back through the target's file system: for an encrypted target this authenticates
    // every block written, and a source that changed meanwhile is caught too.
    if (!Arrays.equals(expected, digest(part))) {
      Files.deleteIfExists(part);
      throw new IOException(target + ": the copy does not match its source");
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static byte[] digestOrNull(Path file) {
    try {
      return digest(file);
    } catch (IOException e) {
      return null; // damaged or unreadable target: copy again
    }
  }

  static byte[] digest(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return sha.digest();
  }

  /** {@code relative} (of any file system) resolved name by name under {@code base}. */
  private static Path resolve(Path base, Path relative) {
    Path p = base;
    for (Path name : relative) {
      p = p.resolve(name.toString());
    }
    return p;
  }
}
