package io.encryptedfs.durability;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child of {@link ChildLinesTest}: prints {@code ack 0.} to {@code ack N-1.} and {@code said.},
 * then creates a marker file, so that the parent knows every line is in the pipe, and waits to be
 * killed.
 *
 * <p>Arguments: the marker file, N.
 */
public final class Speaker {
  private Speaker() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    PrintStream out = new PrintStream(System.out, false);
    int lines = Integer.parseInt(args[1]);
    for (int n = 0; n < lines; n++) {
      out.println("ack " + n + ".");
    }
    out.println("said.");
    out.flush();
    Files.createFile(Path.of(args[0]));
    Thread.sleep(60_000);
  }
}
