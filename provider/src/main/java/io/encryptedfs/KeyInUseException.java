package io.encryptedfs;

import io.encryptedfs.keystore.Printable;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** A master key cannot be retired: files still name it in a header slot. */
public final class KeyInUseException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int LISTED = 20;
  private final String alias;
  private final List<String> files;

  public KeyInUseException(String alias, List<String> files) {
    super(
        "key '"
            + Printable.of(alias)
            + "' is still used by "
            + files.size()
            + " file(s), rewrap them first: "
            + files.stream().limit(LISTED).map(Printable::of).collect(Collectors.joining(", "))
            + (files.size() > LISTED ? ", ..." : ""));
    this.alias = alias;
    this.files = List.copyOf(files);
  }

  public String alias() {
    return alias;
  }

  /**
   * The files (paths in the encrypted file system) that still use the key, as they are: the message
   * shows them, and the alias, escaped.
   */
  public List<String> files() {
    return files;
  }
}
