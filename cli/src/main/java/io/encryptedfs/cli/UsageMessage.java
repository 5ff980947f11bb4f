package io.encryptedfs.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one line a usage error prints. It never repeats an argument the user typed: what follows a
 * misspelled password option, or what is typed where an option, a number or a name was expected,
 * may be the password. picocli's own messages quote the arguments ("Unknown options: '--pass',
 * 'S3cr3t'", "Invalid value for option '--failures': 'S3cr3t' is not an int"), so none of them is
 * shown: each usage error is said anew from what picocli knows of it, naming only the tool's own
 * options and parameters, and saying what was wrong with a value without showing it. The tool's own
 * usage errors ({@link UsageError}) are in its words, which hold no value either; all is shown
 * through {@link OneLine}.
 *
 * <p>An argument not recognised is named only if it is the name of an option the tool defines (an
 * option given to a command that has none of that name, {@code verify --create}); any other is
 * counted, as an unknown option if it begins with a dash, else as an argument, however much it
 * looks like an option: {@code -S3cr3t} typed where an option was expected is a password as likely
 * as a typo. Where an unknown option resembles one of the command's options, that option is
 * suggested, never the token typed.
 */
final class UsageMessage {
  /** Said of every value that is not shown. */
  static final String NOT_REPEATED = "not repeated, in case a password was given there";

  private UsageMessage() {}

  static String of(ParameterException e) {
    if (e instanceof UsageError) {
      return OneLine.of(String.valueOf(e.getMessage()));
    }
    CommandSpec spec = e.getCommandLine() == null ? null : e.getCommandLine().getCommandSpec();
    if (e instanceof UnmatchedArgumentException unmatched) {
      return ofUnmatched(unmatched.getUnmatched(), spec);
    }
    if (e instanceof MissingParameterException missing) {
      return ofMissing(missing);
    }
    if (e instanceof OverwrittenOptionException overwritten) {
      ArgSpec arg = overwritten.getOverwritten();
      return arg == null ? "an option given more than once" : named(arg) + " given more than once";
    }
    ArgSpec arg = e.getArgSpec();
    if (e instanceof MaxValuesExceededException) {
      return (arg == null ? "too many values" : "too many values for " + named(arg))
          + " ("
          + NOT_REPEATED
          + ")";
    }
    if (e instanceof MutuallyExclusiveArgsException) {
      return "options given together that exclude each other (see --help)";
    }
    if (arg != null) {
      return "invalid value for " + named(arg) + " (" + NOT_REPEATED + "): " + why(e, arg);
    }
    return "arguments not understood (" + NOT_REPEATED + ")";
  }

  /** An option by its longest name ("option --failures"), a parameter by its label ("ROOT"). */
  private static String named(ArgSpec arg) {
    return arg instanceof OptionSpec option ? "option " + option.longestName() : arg.paramLabel();
  }

  /** What was wrong with a value, said without it. */
  private static String why(ParameterException e, ArgSpec arg) {
    if (e.getCause() instanceof UsageError.Refusal refusal) {
      return refusal.getMessage(); // the tool's converter's words, which hold no value
    }
    Class<?> type = arg.type();
    if (type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == short.class
        || type == Short.class
        || type == byte.class
        || type == Byte.class) {
      return "not a whole number";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "not a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "neither true nor false";
    }
    if (type != null && type.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        names.add(((Enum<?>) constant).name());
      }
      return "not one of " + String.join(", ", names);
    }
    return "not a valid " + (arg.paramLabel() == null ? "value" : arg.paramLabel());
  }

  /**
   * Options and parameters required and not given; or an option given without its value, at the end
   * of the line or before another option.
   */
  private static String ofMissing(MissingParameterException e) {
    List<ArgSpec> missing = e.getMissing() == null ? List.of() : e.getMissing();
    String message = String.valueOf(e.getMessage());
    // The message only tells which of picocli's cases this is; it is not shown.
    if (missing.size() == 1
        && missing.get(0) instanceof OptionSpec option
        && (message.startsWith("Missing required parameter for option")
            || message.startsWith("Expected parameter"))) {
      return "option " + option.longestName() + " needs a value (" + option.paramLabel() + ")";
    }
    List<String> options = new ArrayList<>();
    List<String> parameters = new ArrayList<>();
    for (ArgSpec arg : missing) {
      if (arg instanceof OptionSpec option) {
        options.add(
            option.longestName() + (option.arity().min() > 0 ? " " + option.paramLabel() : ""));
      } else {
        parameters.add(arg.paramLabel());
      }
    }
    List<String> parts = new ArrayList<>();
    if (!options.isEmpty()) {
      parts.add((options.size() == 1 ? "option " : "options ") + String.join(", ", options));
    }
    if (!parameters.isEmpty()) {
      parts.add(
          (parameters.size() == 1 ? "argument " : "arguments ") + String.join(", ", parameters));
    }
    return parts.isEmpty()
        ? "a required argument is missing"
        : "missing " + String.join(" and ", parts);
  }

  static String ofUnmatched(List<String> arguments) {
    return ofUnmatched(arguments, null);
  }

  /**
   * The arguments {@code command} did not recognise: those that are an option the tool defines
   * named, the others counted, with the command's options (or subcommands) they resemble.
   */
  static String ofUnmatched(List<String> arguments, CommandSpec command) {
    Set<String> known = command == null ? Set.of() : optionNames(command.root());
    List<String> named = new ArrayList<>();
    Set<String> suggestions = new LinkedHashSet<>();
    int unknownOptions = 0;
    int others = 0;
    boolean afterUnknownOption = false;
    for (String argument : arguments) {
      int eq = argument.indexOf('=');
      String name = eq < 0 ? argument : argument.substring(0, eq);
      if (afterUnknownOption) {
        // Perhaps the unknown option's value: a password given under a misspelled option.
        others++;
        afterUnknownOption = false;
      } else if (known.contains(name)) {
        named.add(name); // the tool's own name: nothing the user made up
        afterUnknownOption = eq < 0;
      } else if (argument.length() > 1 && argument.startsWith("-")) {
        unknownOptions++;
        suggestions.addAll(resembled(name, command, true));
        afterUnknownOption = eq < 0; // "--pwd=x" holds its value; "--pwd x" may be followed by it
      } else {
        others++;
        suggestions.addAll(resembled(argument, command, false));
      }
    }
    List<String> parts = new ArrayList<>();
    if (!named.isEmpty()) {
      parts.add(
          (named.size() == 1 ? "unknown option " : "unknown options ") + String.join(", ", named));
    }
    if (unknownOptions > 0) {
      parts.add(
          parts.isEmpty()
              ? (unknownOptions == 1 ? "an unknown option" : unknownOptions + " unknown options")
              : unknownOptions
                  + (unknownOptions == 1 ? " unknown option" : " unknown options")
                  + " more");
    }
    if (others > 0) {
      parts.add(
          others
              + (others == 1 ? " argument" : " arguments")
              + (parts.isEmpty() ? "" : " more")
              + " not recognised");
    }
    if (parts.isEmpty()) {
      return "arguments not recognised (" + NOT_REPEATED + ")";
    }
    StringBuilder message = new StringBuilder(String.join(", and ", parts));
    if (unknownOptions > 0 || others > 0) {
      message.append(" (").append(NOT_REPEATED).append(")");
    }
    if (!suggestions.isEmpty()) {
      message.append("; did you mean ").append(String.join(" or ", suggestions)).append("?");
    }
    return message.toString();
  }

  /** Every option name of {@code command} and of its subcommands, at any depth. */
  private static Set<String> optionNames(CommandSpec command) {
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : command.options()) {
      names.addAll(List.of(option.names()));
    }
    for (CommandLine sub : command.subcommands().values()) {
      names.addAll(optionNames(sub.getCommandSpec()));
    }
    return names;
  }

  /**
   * The names of {@code command}'s options ({@code option}) or subcommands that {@code typed}
   * resembles: only those are ever shown, never {@code typed}.
   */
  private static List<String> resembled(String typed, CommandSpec command, boolean option) {
    List<String> found = new ArrayList<>();
    if (command == null) {
      return found;
    }
    if (option) {
      for (OptionSpec spec : command.options()) {
        for (String name : spec.names()) {
          if (resembles(typed, name)) {
            found.add(name);
            break;
          }
        }
      }
    } else {
      for (String name : command.subcommands().keySet()) {
        if (resembles(typed, name)) {
          found.add(name);
        }
      }
    }
    return found;
  }

  /**
   * Whether {@code typed} is a likely slip for {@code name}: the same but for case or dashes, the
   * start of it (3 characters or more), or a character or two off (1 for short ones).
   */
  static boolean resembles(String typed, String name) {
    String t = undashed(typed).toLowerCase(Locale.ROOT);
    String n = undashed(name).toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      return false;
    }
    if (t.equals(n)) {
      return true;
    }
    if (t.length() >= 3 && n.startsWith(t)) {
      return true;
    }
    int allowed = t.length() >= 6 ? 2 : t.length() >= 3 ? 1 : 0;
    return allowed > 0 && distance(t, n) <= allowed;
  }

  private static String undashed(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    return s.substring(i);
  }

  /** Edits (insert, delete, replace, swap two neighbours) that make {@code a} into {@code b}. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
