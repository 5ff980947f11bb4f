package io.encryptedfs.nio;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code key.policy} setting: which master key wraps the data keys of new files, per subtree.
 *
 * <p>Syntax: rules separated by {@code ;}, each {@code GLOB=ALIAS}, for example {@code
 * /pii/**=pii-key;/wal/**=wal-key;/logs/*.log=log-key}. A glob is an absolute path in the encrypted
 * file system in {@code glob:} syntax ({@code *} within one name, {@code **} across names, {@code
 * ?}, {@code [..]}, {@code {a,b}}). Whitespace around rules, globs and aliases is ignored; empty
 * rules are allowed.
 *
 * <p>Precedence: among the rules whose glob matches the path, the most specific wins: the one with
 * the longest literal prefix (the characters before its first wildcard), then the longest glob,
 * then the earliest rule. A path no rule matches uses the default ({@code key.alias}, or the key
 * provider's current key).
 */
final class KeyPolicy {
  private static final String WILDCARDS = "*?[{\\";

  private record Rule(String glob, PathMatcher matcher, String alias, int literalPrefix) {}

  private final List<Rule> rules;

  private KeyPolicy(List<Rule> rules) {
    this.rules = rules;
  }

  static final KeyPolicy NONE = new KeyPolicy(List.of());

  /** Parses a policy; an empty or null spec is no policy. */
  static KeyPolicy parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    List<Rule> rules = new ArrayList<>();
    for (String part : spec.split(";")) {
      String rule = part.strip();
      if (rule.isEmpty()) {
        continue;
      }
      int eq = rule.lastIndexOf('=');
      if (eq <= 0 || eq == rule.length() - 1) {
        throw new IllegalArgumentException(
            "'key.policy' rule must be GLOB=ALIAS, was '" + rule + "'");
      }
      String glob = rule.substring(0, eq).strip();
      String alias = rule.substring(eq + 1).strip();
      if (!glob.startsWith("/")) {
        throw new IllegalArgumentException(
            "'key.policy' glob must be an absolute path such as /pii/**, was '" + glob + "'");
      }
      rules.add(new Rule(glob, matcher(glob, rule), alias, literalPrefix(glob)));
    }
    return new KeyPolicy(List.copyOf(rules));
  }

  /**
   * The JDK's message for a bad glob spans three lines (description, pattern, a caret under the
   * index) and says nothing of where the pattern came from; said on one line, naming the setting
   * and the rule, as the other syntax errors are.
   */
  private static PathMatcher matcher(String glob, String rule) {
    try {
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "'key.policy' glob '"
              + glob
              + "' in rule '"
              + rule
              + "' is not a valid glob: "
              + e.getDescription()
              + " at index "
              + e.getIndex(),
          e);
    }
  }

  private static int literalPrefix(String glob) {
    for (int i = 0; i < glob.length(); i++) {
      if (WILDCARDS.indexOf(glob.charAt(i)) >= 0) {
        return i;
      }
    }
    return glob.length();
  }

  /** The alias of the most specific rule matching {@code absolutePath}, or null. */
  String aliasFor(String absolutePath) {
    Rule best = null;
    Path path = null;
    for (Rule rule : rules) {
      if (path == null) {
        path = FileSystems.getDefault().getPath(absolutePath);
      }
      if (!rule.matcher.matches(path)) {
        continue;
      }
      if (best == null
          || rule.literalPrefix > best.literalPrefix
          || (rule.literalPrefix == best.literalPrefix
              && rule.glob.length() > best.glob.length())) {
        best = rule;
      }
    }
    return best == null ? null : best.alias;
  }

  /** Every alias a rule names. */
  Set<String> aliases() {
    return Set.copyOf(rules.stream().map(Rule::alias).toList());
  }

  @Override
  public String toString() {
    return "KeyPolicy" + rules.stream().map(r -> r.glob + "=" + r.alias).toList();
  }
}
