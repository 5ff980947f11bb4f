package io.encryptedfs.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts a child JVM on this test run's class path: a second program, for real-process tests. */
public final class ChildJvm {
  private ChildJvm() {}

  /** Runs {@code main} with {@code args}; its standard error goes to this process's. */
  public static Process start(Class<?> main, String... args) throws IOException {
    return start(List.of(), main, args);
  }

  /** As {@link #start(Class, String...)}, with {@code options} for the JVM (system properties). */
  public static Process start(List<String> options, Class<?> main, String... args)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
