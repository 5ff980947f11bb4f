package io.encryptedfs.cli;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.nio.KeyRotation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Commands on one encrypted root: {@code info}, {@code verify}, {@code rewrap}. */
final class RootCommands {
  private RootCommands() {}

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Show a root's format version, algorithm, block size and the keys in use.",
      footer = ExitCodes.HELP)
  static final class Info implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(paramLabel = "ROOT", description = "The encrypted root directory.")
    Path root;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (FileSystem fs = keystore.openRoot(root, false)) {
        KeyRotation.RootInfo info = KeyRotation.describe(fs);
        out.println("root:           " + OneLine.of(ShownPath.of(root)));
        out.println("format version: " + info.formatVersion());
        out.println("algorithm:      " + info.algorithm());
        out.println("block size:     " + info.blockSize());
        // Counted as rewrap counts: a nested root's files and an interrupted encrypt's leftover
        // are named, not counted.
        RootFiles files = RootFiles.of(fs);
        out.println("keys in use:");
        for (Map.Entry<String, List<String>> e : files.byAlias().entrySet()) {
          out.println("  " + OneLine.of(e.getKey()) + "\t" + e.getValue().size() + " file(s)");
        }
        for (String dir : files.nestedRoots()) {
          out.println(OneLine.of(RootFiles.nested(dir, "counted", "info")));
        }
        for (String file : files.leftovers()) {
          out.println(OneLine.of(leftover(file, "counted")));
        }
        // Hidden by the root, so that nothing else would tell the user where the room went.
        for (Map.Entry<String, Long> staged : KeyRotation.stagedCopies(fs).entrySet()) {
          out.println(OneLine.of(staged(root, staged.getKey(), staged.getValue())));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Authenticate every block of every file in a root.",
        "Reports each damaged file and block; exits 1 if any."
      },
      footer = ExitCodes.HELP)
  static final class Verify implements Callable<Integer> {
    private static final int CHUNK = 1 << 20;
    private static final int MIN_BLOCK = 4096;

    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(paramLabel = "ROOT", description = "The encrypted root directory.")
    Path root;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      int damaged = 0;
      try (FileSystem fs = keystore.openRoot(root, false)) {
        // A nested root's files are that root's, perhaps under keys this keystore does not hold:
        // they would fail as damage that is none.
        List<String> nested = KeyRotation.nestedRoots(fs);
        for (String dir : nested) {
          out.println(OneLine.of(RootFiles.nested(dir, "verified", "verify")));
        }
        List<TreeEntries.Entry> all = regularFiles(fs.getPath("/"), nested);
        // What an interrupted encrypt left (PartNames) holds no data of the root's: its source is
        // still there, and a rerun of encrypt deletes it. Torn by the interruption, it would fail
        // as damage that is none.
        List<TreeEntries.Entry> files =
            all.stream().filter(e -> !PartNames.isPart(e.path())).toList();
        Progress progress = new Progress(out, System.console() != null, "verified", files.size());
        for (TreeEntries.Entry entry : all) {
          if (PartNames.isPart(entry.path())) {
            progress.line(leftover(entry.path().toString(), "verified"));
          }
        }
        for (TreeEntries.Entry entry : files) {
          long[] size = {0};
          // A file whose attributes failed failed to open: its failure is in the audit trail once,
          // and opening it again would record it twice.
          TreeSet<String> problems =
              entry.unreadable() != null
                  ? new TreeSet<>(Set.of(Main.describe(entry.unreadable())))
                  : verify(entry.path(), size);
          for (String problem : problems) {
            progress.line("DAMAGED " + problem);
          }
          if (!problems.isEmpty()) {
            damaged++;
          }
          progress.fileDone(size[0]);
        }
        progress.finish();
        out.println(
            (damaged == 0 ? "OK: " : "DAMAGE: ")
                + files.size()
                + " file(s) verified, "
                + damaged
                + " damaged");
      }
      return damaged == 0 ? ExitCodes.OK : ExitCodes.DAMAGE;
    }

    /**
     * Reads the whole file; on a failure, steps through the failing chunk block by block so that
     * every damaged block is named, not just the first.
     */
    private static TreeSet<String> verify(Path file, long[] size) {
      TreeSet<String> problems = new TreeSet<>();
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        size[0] = ch.size();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        for (long pos = 0; pos < size[0]; pos += CHUNK) {
          try {
            readAt(ch, buf, pos, CHUNK);
          } catch (IOException e) {
            stepThrough(ch, buf, pos, Math.min(size[0], pos + CHUNK), e, problems);
          }
        }
      } catch (IOException e) {
        problems.add(Main.describe(e));
      }
      return problems;
    }

    /**
     * Reads {@code [from, to)} one block at a time, the chunk's {@code failure} first: every failed
     * read is in the audit trail, so no block is read twice, and the block the chunk's read named
     * not again. The step is the file's block size, which the failure gives; chunks hold whole
     * blocks (the largest block is a chunk). Where the failure names no block, the step is the
     * smallest block size, which reads a larger block once per step.
     */
    private static void stepThrough(
        FileChannel ch,
        ByteBuffer buf,
        long from,
        long to,
        IOException failure,
        TreeSet<String> problems) {
      problems.add(Main.describe(failure));
      long named = -1;
      int step = MIN_BLOCK;
      if (failure instanceof DamagedFileException damaged && damaged.block() >= 0) {
        named = damaged.block();
        if (damaged.blockSize() > 0) {
          step = damaged.blockSize();
        }
      }
      for (long p = from; p < to; p += step) {
        if (p / step == named) {
          continue;
        }
        try {
          readAt(ch, buf, p, (int) Math.min(step, to - p));
        } catch (IOException blockFailure) {
          problems.add(Main.describe(blockFailure));
        }
      }
    }

    private static void readAt(FileChannel ch, ByteBuffer buf, long pos, int length)
        throws IOException {
      buf.clear().limit(length);
      long at = pos;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, at);
        if (n < 0) {
          return;
        }
        at += n;
      }
    }
  }

  @Command(
      name = "rewrap",
      mixinStandardHelpOptions = true,
      description = {
        "Rewrap every file's data key to the key its path should use.",
        "That is the current key, or the one key.policy names. Rewrites headers only.",
        "Resumable: rerun after an interruption."
      },
      footer = ExitCodes.HELP)
  static final class Rewrap implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(paramLabel = "ROOT", description = "The encrypted root directory.")
    Path root;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      KeyRotation.RewrapReport report;
      try (FileSystem fs = keystore.openRoot(root, false)) {
        // As verify does: an interrupted encrypt's leftover is named and left alone. Torn by the
        // interruption, it would be reported as damage that is none.
        long total = RootFiles.of(fs).count();
        Progress progress = new Progress(out, System.console() != null, "rewrapped", total);
        report =
            KeyRotation.rewrapAll(
                fs,
                file -> {
                  if (!PartNames.isPart(file)) {
                    return false;
                  }
                  progress.line(
                      leftover(file.toString(), "rewrapped")
                          + "; until then it keeps its key from being retired");
                  return true;
                },
                event -> {
                  if (event.outcome().startsWith("skipped")
                      || event.outcome().startsWith("failed")
                      || event.outcome().contains("content damaged")) {
                    progress.line(event.path() + ": " + event.outcome());
                  } else {
                    progress.fileDone(event.rawBytes());
                  }
                });
        progress.finish();
      }
      out.println(
          "rewrapped "
              + report.rewrapped()
              + ", already done "
              + report.unchanged()
              + ", skipped "
              + report.skipped().size()
              + ", failed "
              + report.failed().size()
              + ", content damaged "
              + report.damaged().size());
      return report.failed().isEmpty() && report.damaged().isEmpty()
          ? ExitCodes.OK
          : ExitCodes.DAMAGE;
    }
  }

  /**
   * The line naming a copy's temporary file in the root's directory ({@link
   * KeyRotation#stagedCopies}): nothing can tell one a killed process left from a copy under way in
   * another program, so the user is told when it may go, not that it may.
   */
  static String staged(Path root, String name, long bytes) {
    return "STAGED /"
        + name
        + ": "
        + bytes
        + " bytes, the temporary file of a copy into the root, under way in a program that has the"
        + " root open or left by one killed during the copy; not counted (delete "
        + ShownPath.of(root.resolve(name))
        + " when no program has the root open)";
  }

  /**
   * The line naming the temporary file an interrupted encrypt left (see {@link PartNames}), which a
   * command leaves alone: it holds no data of the root's, its source is still there, and a rerun of
   * encrypt deletes it.
   *
   * @param notDone what the command does to other files and not to it ("verified")
   */
  static String leftover(String file, String notDone) {
    return "LEFTOVER "
        + file
        + ": the temporary file of an interrupted encrypt, not "
        + notDone
        + " (a rerun of encrypt deletes it)";
  }

  /**
   * The regular files below {@code dir}, and those whose attributes fail, with why, none of them in
   * a directory of {@code notEntered} ({@link TreeEntries#of}).
   */
  static List<TreeEntries.Entry> regularFiles(Path dir, List<String> notEntered)
      throws IOException {
    return TreeEntries.of(dir, notEntered).stream()
        .filter(e -> e.regular() || e.unreadable() != null)
        .toList();
  }
}
