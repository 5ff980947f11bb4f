package io.encryptedfs.durability;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.CopyOption;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child process of {@link CopySigkillTest}: copies {@code /big} of root A to {@code /d/big} of
 * root B (which may be root A), printing {@code copying.} before and {@code copied.} after, then
 * waits to be killed.
 *
 * <p>Arguments: root A, root B, key seed, {@code replace} or {@code keep}.
 */
public final class CopyChild {
  private CopyChild() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    long seed = Long.parseLong(args[2]);
    CopyOption[] options =
        args[3].equals("replace") ? new CopyOption[] {REPLACE_EXISTING} : new CopyOption[0];
    PrintStream out = new PrintStream(System.out, false);
    try (FileSystem a =
            EncryptedFileSystems.newFileSystem(Path.of(args[0]), WalAppender.env(seed));
        FileSystem b =
            args[1].equals(args[0])
                ? a
                : EncryptedFileSystems.newFileSystem(Path.of(args[1]), WalAppender.env(seed))) {
      out.println("copying.");
      out.flush();
      Files.copy(a.getPath("/big"), b.getPath("/d/big"), options);
      out.println("copied.");
      out.flush();
      Thread.sleep(60_000);
    }
  }
}
