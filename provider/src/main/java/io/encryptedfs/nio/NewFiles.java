package io.encryptedfs.nio;

import io.encryptedfs.Algorithm;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How new files are made, per path: the root's algorithm and block size, and the master key from
 * {@code key.policy}, else {@code key.alias}, else the key provider's current key. The current key
 * is asked for at each creation, so that after a rotation new files use the new key at once.
 */
final class NewFiles {
  private final AuditedKeystore keys;
  private final String configuredAlias;
  private final KeyPolicy policy;
  private final Algorithm algorithm;
  private final Geometry geometry;

  /** Each alias the settings name, to the spelling the keys list it under. */
  private final Map<String, String> listedAs = new TreeMap<>();

  NewFiles(
      AuditedKeystore keys,
      String configuredAlias,
      KeyPolicy policy,
      Algorithm algorithm,
      Geometry geometry)
      throws IOException {
    this.keys = keys;
    this.policy = policy;
    this.algorithm = algorithm;
    this.geometry = geometry;
    if (configuredAlias != null) {
      ProviderAnswers.forNewFiles(configuredAlias, "named by 'key.alias'", keys.name());
    }
    for (String alias : policy.aliases()) {
      ProviderAnswers.forNewFiles(alias, "named by 'key.policy'", keys.name());
    }
    Set<String> known = keys.aliases();
    for (String alias : policy.aliases()) {
      if (!known.contains(alias)) {
        requireKey(keys, alias);
      }
      listedAs.put(alias, listed(alias, known));
    }
    this.configuredAlias = configuredAlias == null ? null : listed(configuredAlias, known);
  }

  /**
   * The spelling {@code alias} is listed under, where the keys take it for a listed key spelt
   * otherwise (a PKCS#12 keystore folds case: {@code MASTER} is its key {@code master}). New files'
   * headers then name the key as the keys list it: with the setting's spelling, every report and
   * rewrap that compares a header's alias with the listed ones took the key for a missing one.
   */
  private static String listed(String alias, Set<String> known) {
    if (known.contains(alias)) {
      return alias;
    }
    String found = null;
    for (String k : known) {
      if (k.equalsIgnoreCase(alias)) {
        if (found != null) {
          return alias; // two keys the spelling could be: the keys decide which, by their lookup
        }
        found = k;
      }
    }
    return found != null ? found : alias;
  }

  /**
   * Looks {@code alias}, which {@code aliases()} does not list as spelt, up as {@code key.alias} is
   * looked up: by the provider, whose own rules decide which spellings name a key (a PKCS#12
   * keystore folds case, so {@code MASTER} is its key {@code master}).
   */
  private static void requireKey(KeyProvider keys, String alias) throws IOException {
    try {
      keys.masterKey(alias);
    } catch (UnknownKeyAliasException e) {
      // The key itself is missing, not the setting malformed: the same exception as a lookup,
      // saying which setting named it.
      throw new UnknownKeyAliasException("the key provider ('key.policy' names it)", alias);
    }
  }

  /** The root's settings with the default key: what the file system reports as its own. */
  NewFilePolicy rootPolicy() throws IOException {
    return new NewFilePolicy(algorithm, geometry, defaultAlias());
  }

  /** The policy for a new file at {@code absolutePath}. */
  NewFilePolicy forPath(String absolutePath) throws IOException {
    String alias = policy.aliasFor(absolutePath);
    return new NewFilePolicy(
        algorithm, geometry, alias != null ? listedAs.getOrDefault(alias, alias) : defaultAlias());
  }

  /** The aliases {@code key.policy} and {@code key.alias} name, each to the settings naming it. */
  Map<String, String> policyAliases() {
    Map<String, String> aliases = new TreeMap<>();
    for (String alias : policy.aliases()) {
      aliases.put(listedAs.getOrDefault(alias, alias), "key.policy");
    }
    if (configuredAlias != null) {
      aliases.merge(configuredAlias, "key.alias", (p, a) -> "key.alias and key.policy");
    }
    return aliases;
  }

  /** The alias for paths no policy rule matches. */
  String defaultAlias() throws IOException {
    if (configuredAlias != null) {
      return configuredAlias;
    }
    var current = keys.currentAlias();
    if (current.isPresent()) {
      return ProviderAnswers.forNewFiles(current.get(), "its current key", keys.name());
    }
    Set<String> aliases = keys.aliases();
    if (aliases.size() != 1) {
      throw new IllegalArgumentException(
          "set 'key.alias': the key provider holds "
              + aliases.size()
              + " keys and marks none current");
    }
    return ProviderAnswers.forNewFiles(
        aliases.iterator().next(), "its only key, so the current one", keys.name());
  }
}
