package io.encryptedfs;

import java.io.IOException;
import java.util.List;

/** A master key cannot be retired: files still name it in a header slot. */
public final class KeyInUseException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int LISTED = 20;
  private final String alias;
  private final List<String> files;

  public KeyInUseException(String alias, List<String> files) {
    super(
        "key '"
            + alias
            + "' is still used by "
            + files.size()
            + " file(s), rewrap them first: "
            + String.join(", ", files.subList(0, Math.min(LISTED, files.size())))
            + (files.size() > LISTED ? ", ..." : ""));
    this.alias = alias;
    this.files = List.copyOf(files);
  }

  public String alias() {
    return alias;
  }

  /** The files (paths in the encrypted file system) that still use the key. */
  public List<String> files() {
    return files;
  }
}
