package io.encryptedfs.cli;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyInUseException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.KeyProviderException;
import io.encryptedfs.NotAnEncryptedRootException;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code encryptedfs} command-line tool. */
@Command(
    name = "encryptedfs",
    mixinStandardHelpOptions = true,
    version = "encryptedfs 0.1.0",
    description = "Manage master keys and encrypted roots of encryptedfs.",
    subcommands = {
      KeysCommand.class,
      RootCommands.Info.class,
      RootCommands.Verify.class,
      RootCommands.Rewrap.class,
      Migrate.Encrypt.class,
      Migrate.Decrypt.class,
      ReportCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:damage found (a file or block failed authentication, or was not processed)",
      "2:usage error",
      "3:key or password error (wrong password, unknown key, key mismatch, key in use)",
      "4:I/O error",
      "5:done, but something named left out (a nested root, a name reserved for root markers,"
          + " a link or a special file that cannot be copied)"
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new UsageError(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    System.exit(
        execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the tool in-process, writing to {@code out} and {@code err}; returns the exit code. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(PasswordPrompt.CONSOLE, out, err, args);
  }

  /** The same, asking {@code prompt} for passwords given neither by file nor by variable. */
  static int execute(PasswordPrompt prompt, PrintWriter out, PrintWriter err, String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            K made = CommandLine.defaultFactory().create(type);
            if (made instanceof KeystoreOptions options) {
              options.prompt = prompt;
            }
            return made;
          }
        };
    CommandLine cl = new CommandLine(new Main(), factory);
    // On by default, picocli replaced an argument "@FILE" by FILE's contents: "--password-file @pw"
    // put the password into error messages and the audit trail, and a "--password" in FILE got
    // past refusedArgument. Here "@pw" is a file's name like any other.
    cl.setExpandAtFiles(false);
    // An empty argument is the working directory to Path.of: "-k ''" opened it as the keystore.
    cl.registerConverter(
        Path.class,
        s -> {
          if (s.isEmpty()) {
            throw new UsageError.Refusal("an empty path names no file");
          }
          return Path.of(s);
        });
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          err.println("encryptedfs: " + OneLine.of(describe(e)));
          err.flush();
          return exitCode(e);
        });
    cl.setParameterExceptionHandler(
        (e, args2) -> {
          err.println("encryptedfs: " + UsageMessage.of(e));
          err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return ExitCodes.USAGE;
        });
    String refused = refusedArgument(args);
    if (refused != null) {
      err.println("encryptedfs: " + refused);
      err.flush();
      return ExitCodes.USAGE;
    }
    // What the library logs (an audit warning) is one line of the tool's on err, not two of
    // java.util.logging's; routine audit events (INFO) are left out.
    LogLines logLines = new LogLines(err);
    try (AuditFailures auditFailures = new AuditFailures(err)) {
      int code = auditFailures.exitCode(cl.execute(args));
      out.flush();
      return code;
    } finally {
      logLines.close();
    }
  }

  /**
   * Why an argument is refused before it is parsed, or null. A password given as an option would
   * otherwise be echoed back as an unknown option; an argument the JVM could not decode from its
   * bytes (it put U+FFFD in their place) would name another file than the one meant, and two such
   * names one file. Neither message repeats the argument.
   */
  static String refusedArgument(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--password") || args[i].startsWith("--password=")) {
        return "no --password option: a password on the command line is seen by other users (ps)"
            + " and kept by shells; use --password-file or --password-env, or type it when asked";
      }
      if (args[i].indexOf('\uFFFD') >= 0) {
        return "argument "
            + (i + 1)
            + " holds bytes this JVM's file name encoding (sun.jnu.encoding="
            + System.getProperty("sun.jnu.encoding")
            + ") cannot decode, so it would name another file; run with a UTF-8 locale (such as"
            + " LANG=C.UTF-8) or rename the file";
      }
    }
    return null;
  }

  static int exitCode(Throwable e) {
    if (e instanceof WrongPasswordException
        || e instanceof UnknownKeyAliasException
        || e instanceof KeyMismatchException
        || e instanceof KeyInUseException
        || e instanceof KeyOrPasswordException
        || e instanceof KeyProviderException
        || e instanceof IllegalStateException) {
      return ExitCodes.KEY;
    }
    if (e instanceof DamagedFileException) {
      return ExitCodes.DAMAGE;
    }
    if (e instanceof IllegalArgumentException
        || e instanceof NotAnEncryptedRootException
        || e instanceof FileAlreadyExistsException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.IO;
  }

  /** The JDK throws these without a reason; none of them is a subclass of another. */
  private static final Map<Class<? extends FileSystemException>, String> UNSAID_REASONS =
      Map.of(
          NoSuchFileException.class, "no such file",
          AccessDeniedException.class, "permission denied",
          FileAlreadyExistsException.class, "already exists",
          DirectoryNotEmptyException.class, "directory not empty",
          NotDirectoryException.class, "not a directory",
          NotLinkException.class, "not a symbolic link",
          FileSystemLoopException.class, "file system loop");

  /** What went wrong, never a stack trace; printed through {@link OneLine}, so one line. */
  static String describe(Throwable e) {
    if (e instanceof FileSystemException fse && fse.getFile() != null) {
      // The JDK leaves the reason out of the commonest errors (no such file, permission denied),
      // and a bare path tells the user nothing.
      String other = fse.getOtherFile() == null ? "" : " -> " + fse.getOtherFile();
      return fse.getFile() + other + ": " + reason(fse);
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    if (e instanceof IOException || e instanceof RuntimeException) {
      return message; // printed through OneLine, which escapes a line break in it
    }
    return e.getClass().getSimpleName() + ": " + message;
  }

  private static String reason(FileSystemException e) {
    if (e instanceof NotAnEncryptedRootException
        && e.getReason() != null
        && e.getReason().contains("'create'")) {
      // The provider's reason tells API users of its 'create' setting; here it is an option. A
      // path that is no directory gets its own reason, which no option changes.
      return "not an encrypted root (initialise one with encrypt --create)";
    }
    if (e.getReason() != null) {
      return e.getReason();
    }
    for (Map.Entry<Class<? extends FileSystemException>, String> r : UNSAID_REASONS.entrySet()) {
      if (r.getKey().isInstance(e)) {
        return r.getValue();
      }
    }
    return e.getClass().getSimpleName();
  }
}
