package io.encryptedfs.cli;

import java.nio.file.FileSystems;
import java.util.regex.PatternSyntaxException;

/**
 * Checks {@code --key-policy} as the provider parses its {@code key.policy} setting, before the
 * password is asked for; a rule that does not parse is a usage error naming it by its place, not by
 * what it says: the provider's messages quote the rule, and a password typed in the option's place
 * must not be echoed.
 */
final class KeyPolicyCheck {
  private KeyPolicyCheck() {}

  /** Throws {@link IllegalArgumentException} (a usage error) if {@code rules} does not parse. */
  static void check(String rules) {
    if (rules == null || rules.isBlank()) {
      return;
    }
    String[] parts = rules.split(";");
    int count = 0;
    for (String part : parts) {
      if (!part.isBlank()) {
        count++;
      }
    }
    int index = 0;
    for (String part : parts) {
      String rule = part.strip();
      if (rule.isEmpty()) {
        continue;
      }
      index++;
      int eq = rule.lastIndexOf('=');
      if (eq <= 0 || eq == rule.length() - 1) {
        throw refused(index, count, "is not GLOB=ALIAS");
      }
      String glob = rule.substring(0, eq).strip();
      if (!glob.startsWith("/")) {
        throw refused(index, count, "has a glob that is not an absolute path such as /pii/**");
      }
      try {
        FileSystems.getDefault().getPathMatcher("glob:" + glob);
      } catch (PatternSyntaxException e) {
        // The description and the index say what is wrong without the pattern.
        throw refused(
            index,
            count,
            "has a glob that is not valid: " + e.getDescription() + " at index " + e.getIndex());
      }
    }
  }

  private static IllegalArgumentException refused(int index, int count, String why) {
    return new IllegalArgumentException(
        "invalid value for option --key-policy ("
            + UsageMessage.NOT_REPEATED
            + "): rule "
            + index
            + " of "
            + count
            + " "
            + why);
  }
}
