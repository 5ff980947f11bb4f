package io.encryptedfs.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * A usage error in the tool's own words, which {@link UsageMessage} shows as it is (through {@link
 * OneLine}): picocli's own messages are never shown, as they quote the arguments. Its message must
 * not hold an argument's value either, only the names of the tool's options and parameters.
 */
final class UsageError extends ParameterException {
  private static final long serialVersionUID = 1L;

  UsageError(CommandLine commandLine, String message) {
    super(commandLine, message);
  }

  /**
   * A value refused by one of the tool's converters, in its words (without the value): picocli puts
   * them after the option's name, {@link UsageMessage} too.
   */
  static final class Refusal extends CommandLine.TypeConversionException {
    private static final long serialVersionUID = 1L;

    Refusal(String why) {
      super(why);
    }
  }
}
