package io.encryptedfs.cli;

import java.util.LinkedHashSet;
import java.util.Set;

/** The key aliases a {@code --key-policy} names, read as the provider reads its rules. */
final class PolicyKeys {
  private PolicyKeys() {}

  /** The alias of every {@code GLOB=ALIAS} rule; a malformed rule names none. */
  static Set<String> aliases(String policy) {
    Set<String> aliases = new LinkedHashSet<>();
    for (String rule : policy.split(";")) {
      // A glob may hold '=' ({a=b}), an alias may not: the provider splits at the last one.
      int eq = rule.lastIndexOf('=');
      String alias = eq < 0 ? "" : rule.substring(eq + 1).strip();
      if (!alias.isEmpty()) {
        aliases.add(alias);
      }
    }
    return aliases;
  }
}
