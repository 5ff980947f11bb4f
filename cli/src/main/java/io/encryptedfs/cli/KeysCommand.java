package io.encryptedfs.cli;

import io.encryptedfs.KeyInUseException;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyInfo;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.nio.KeyRotation;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keys init|generate|list|rotate|retire}. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Create and manage the master keys in a keystore.",
    subcommands = {
      KeysCommand.Init.class,
      KeysCommand.Generate.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Rotate.class,
      KeysCommand.Retire.class
    },
    footer = ExitCodes.HELP)
final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  /** As the tool without a command: a usage error, so that a script's typo does not pass. */
  @Override
  public void run() {
    throw new UsageError(
        spec.commandLine(), "missing command (init, generate, list, rotate or retire)");
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = "Create a keystore with one AES-256 master key, made current.",
      footer = ExitCodes.HELP)
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Option(
        names = "--alias",
        defaultValue = "master",
        description =
            "Alias of the first key: 1 to 128 of a-z 0-9 . _ -, starting with a letter or digit"
                + " (default: ${DEFAULT-VALUE}).")
    String alias;

    @Override
    public Integer call() throws Exception {
      // Checked before anything is read or created, so that a bad alias leaves no keystore.
      requireValidAlias(spec, alias, "option --alias");
      if (Files.isDirectory(keystore.keystore)) {
        // Not an earlier init's keystore to finish: opening it would only fail as an I/O error.
        // Checked before the password is read, which nothing would then wipe.
        throw new FileAlreadyExistsException(
            keystore.keystore.toString(),
            null,
            "is a directory; --keystore names the file to create");
      }
      char[] password = keystore.newPassword();
      try (AuditLog audit = keystore.audit()) {
        if (Files.exists(keystore.keystore)) {
          finishEarlierInit(password, audit);
          out(spec)
              .println(
                  "finished "
                      + OneLine.of(ShownPath.of(keystore.keystore))
                      + ", which an earlier init left without a key: current key "
                      + alias);
          return ExitCodes.OK;
        }
        generateFirstKey(password, audit);
      } finally {
        Arrays.fill(password, '\0');
      }
      out(spec)
          .println(
              "created "
                  + OneLine.of(ShownPath.of(keystore.keystore))
                  + " with current key "
                  + alias);
      return ExitCodes.OK;
    }

    /**
     * {@code e}, from an init that failed once the keystore was in place, saying what finishes it:
     * the keystore module's own message is for programs, which open the keystore, where the
     * operator runs init again ({@link #finishEarlierInit}).
     */
    static FileSystemException unfinished(FileSystemException e) {
      FileSystemException said =
          new FileSystemException(
              e.getFile(),
              e.getOtherFile(),
              (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())
                  + "; the keystore is in place without a key: run keys init again, with the same"
                  + " password, to finish it");
      said.initCause(e);
      return said;
    }

    /** The first key, for a keystore this init has just created. */
    private void generateFirstKey(char[] password, AuditLog audit) throws IOException {
      Pkcs12KeyStore keys;
      try {
        keys = Pkcs12KeyStore.create(keystore.keystoreFile(), password, audit);
      } catch (FileAlreadyExistsException e) {
        throw e; // someone else's, made meanwhile
      } catch (FileSystemException e) {
        // Failed once in place (forcing the directory, removing the temporary link), or before.
        throw Files.exists(keystore.keystore) ? unfinished(e) : e;
      }
      try (keys) {
        generateKey(keys);
      }
    }

    /** Generates the first key; a failure that leaves none (a full disk, say) says what to do. */
    private void generateKey(Pkcs12KeyStore keys) throws IOException {
      try {
        keys.generateKey(alias);
      } catch (FileSystemException e) {
        // A write whose directory force failed has put the key in place: rerunning init would be
        // refused, and the message already says the change may not survive a crash.
        throw keys.aliases().isEmpty() ? unfinished(e) : e;
      }
    }

    /**
     * Gives its first key to a keystore an earlier init created but failed to finish: the keystore
     * is in place before the steps that can still fail (forcing the directory, writing the key),
     * and creating it again would be refused. Any other file, including a keystore that holds a key
     * or that this password does not open, is refused as existing, and left as it is.
     */
    private void finishEarlierInit(char[] password, AuditLog audit) throws IOException {
      Path file = keystore.keystoreFile();
      Pkcs12KeyStore keys;
      try {
        keys = Pkcs12KeyStore.open(file, password, audit);
      } catch (FileSystemException e) {
        throw e; // it cannot be read: an I/O error, named
      } catch (IOException e) {
        // Another password's keystore, or no keystore: not an unfinished init of this one.
        FileAlreadyExistsException exists = new FileAlreadyExistsException(file.toString());
        exists.initCause(e);
        throw exists;
      }
      try (keys) {
        if (!keys.aliases().isEmpty()) {
          throw new FileAlreadyExistsException(file.toString());
        }
        generateKey(keys);
        // Even if something other than an init left it empty with a current-key marker.
        keys.setCurrent(alias);
      }
    }
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = "Add a new AES-256 master key.",
      footer = ExitCodes.HELP)
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(
        paramLabel = "ALIAS",
        description = "Alias: 1 to 128 of a-z 0-9 . _ -, starting with a letter or digit.")
    String alias;

    @Option(names = "--current", description = "Make it the key new files use.")
    boolean current;

    @Override
    public Integer call() throws Exception {
      // Before the password is read, as init checks its alias.
      requireValidAlias(spec, alias, "ALIAS");
      try (AuditLog audit = keystore.audit();
          Pkcs12KeyStore keys = keystore.open(audit)) {
        keys.generateKey(alias);
        if (current) {
          keys.setCurrent(alias);
        }
        out(spec).println("generated key " + alias + (current ? " (current)" : ""));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the master keys, oldest first.",
      footer = ExitCodes.HELP)
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Override
    public Integer call() throws Exception {
      try (AuditLog audit = keystore.audit();
          Pkcs12KeyStore keys = keystore.open(audit)) {
        for (KeyInfo key : keys.keys()) {
          out(spec)
              .println(
                  OneLine.of(key.alias())
                      + "\t"
                      + key.created()
                      + (key.current() ? "\tcurrent" : ""));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Generate a new master key and make it current: new files use it at once.",
        "Existing files keep their key until 'encryptedfs rewrap ROOT'."
      },
      footer = ExitCodes.HELP)
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Override
    public Integer call() throws Exception {
      try (AuditLog audit = keystore.audit();
          Pkcs12KeyStore keys = keystore.open(audit)) {
        String alias = keys.rotate();
        out(spec).println("rotated: current key is now " + alias);
        out(spec).println("next: encryptedfs rewrap ROOT, for each root, then keys retire");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "retire",
      mixinStandardHelpOptions = true,
      description = {
        "Delete a master key for good, only if no file in the given roots uses it.",
        "Every root that ever used the key must be given: files elsewhere would become unreadable.",
        "A root and its copy made with hard links (cp -al) are given together: refused while a"
            + " file has a hard link outside every root given."
      },
      footer = ExitCodes.HELP)
  static final class Retire implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KeystoreOptions keystore;

    @Parameters(paramLabel = "ALIAS", description = "The key to delete.")
    String alias;

    @Option(
        names = "--root",
        required = true,
        arity = "1..*",
        paramLabel = "ROOT",
        description = "Encrypted roots to check; the key is kept if any file in them uses it.")
    List<Path> roots;

    @Override
    public Integer call() throws Exception {
      // The keystore folds case: MASTER names the key master, and so must every check here.
      String name = Pkcs12KeyStore.storedAlias(alias);
      // All open at once: a copy made with hard links shares files with its original, and only a
      // retire that scans both at once can tell that no name of a shared file lies elsewhere.
      try (OpenRoots open = new OpenRoots()) {
        List<String> users = new ArrayList<>();
        for (Path root : RootArguments.distinct(roots)) {
          FileSystem fs = keystore.openRoot(root, false);
          open.all.add(fs);
          for (String file : KeyRotation.users(fs, name)) {
            users.add(ShownPath.of(root) + "!" + file);
          }
        }
        if (!users.isEmpty()) {
          throw new KeyInUseException(name, users);
        }
        KeyRotation.retire(open.all, name);
      }
      out(spec).println("retired key " + name);
      return ExitCodes.OK;
    }

    /** The roots opened, closed together, a failure of one not keeping the others open. */
    private static final class OpenRoots implements Closeable {
      final List<FileSystem> all = new ArrayList<>();

      @Override
      public void close() throws IOException {
        IOException first = null;
        for (FileSystem fs : all) {
          try {
            fs.close();
          } catch (IOException e) {
            if (first == null) {
              first = e;
            } else {
              first.addSuppressed(e);
            }
          }
        }
        if (first != null) {
          throw first;
        }
      }
    }
  }

  /**
   * Refuses an alias a new key cannot have, as a usage error that does not repeat it (the
   * keystore's own message quotes it): a password typed in its place must not be echoed.
   *
   * @param where the option or parameter that gave it ("option --alias")
   */
  static void requireValidAlias(CommandSpec spec, String alias, String where) {
    try {
      Pkcs12KeyStore.requireValidAlias(alias);
    } catch (IllegalArgumentException e) {
      throw new UsageError(
          spec.commandLine(),
          "invalid value for "
              + where
              + " ("
              + UsageMessage.NOT_REPEATED
              + "): not a key alias: use 1 to 128 of a-z 0-9 . _ -, starting with a letter or"
              + " digit");
    }
  }

  static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }
}
