package io.encryptedfs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one line a usage error prints. picocli's own message for arguments it did not recognise
 * repeats them ("Unknown options: '--pass', 'S3cr3t'"), and what follows a misspelled password
 * option is the password; so an unknown option is named only by its name (the part before any
 * {@code =}), and every other unrecognised argument is counted, never shown. An unknown option's
 * name is shown only if it looks like one: a value that begins with a dash and follows an unknown
 * option ({@code --pass -S3cr3t}) is counted with the values. Other messages are shown through
 * {@link OneLine}, so that an argument holding a line break cannot forge a line of output.
 */
final class UsageMessage {
  private static final Pattern OPTION_NAME = Pattern.compile("--?[A-Za-z][A-Za-z0-9._-]*");

  private UsageMessage() {}

  static String of(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched) {
      return ofUnmatched(unmatched.getUnmatched());
    }
    return OneLine.of(String.valueOf(e.getMessage()));
  }

  static String ofUnmatched(List<String> arguments) {
    List<String> options = new ArrayList<>();
    int others = 0;
    boolean afterUnknownOption = false;
    for (String argument : arguments) {
      int eq = argument.indexOf('=');
      String name = eq < 0 ? argument : argument.substring(0, eq);
      if (!afterUnknownOption && OPTION_NAME.matcher(name).matches()) {
        options.add(name);
        afterUnknownOption = eq < 0; // "--pwd=x" holds its value; "--pwd x" may be followed by it
      } else {
        others++;
        afterUnknownOption = false;
      }
    }
    StringBuilder message = new StringBuilder();
    if (!options.isEmpty()) {
      message
          .append(options.size() == 1 ? "unknown option " : "unknown options ")
          .append(String.join(", ", options));
    }
    if (others > 0) {
      message
          .append(options.isEmpty() ? "" : ", and ")
          .append(others)
          .append(others == 1 ? " argument" : " arguments")
          .append(options.isEmpty() ? "" : " more")
          .append(" not recognised (not repeated, in case a password was given there)");
    }
    return message.length() == 0 ? "unrecognised arguments" : message.toString();
  }
}
