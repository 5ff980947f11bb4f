package io.encryptedfs.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The temporary name {@code encrypt} and {@code decrypt} write a file under before renaming it into
 * place: {@code NAME.TAG.encryptedfs-part}, TAG being 16 hex digits of the SHA-256 of NAME.
 *
 * <p>The tag is what tells a leftover of an interrupted run from a user's file. A rerun has to be
 * free to delete its own leftovers, and a name the user could have chosen (such as {@code
 * NAME.encryptedfs-part}, used before) cannot be told apart from the user's file of that name,
 * which must never be destroyed; a name that carries a hash of its sibling's name is nobody's
 * choice.
 */
final class PartNames {
  static final String SUFFIX = ".encryptedfs-part";
  private static final int TAG_DIGITS = 16;

  private PartNames() {}

  /** The temporary name of {@code target}, beside it. */
  static Path of(Path target) {
    String name = target.getFileName().toString();
    return target.resolveSibling(name + "." + tag(name) + SUFFIX);
  }

  /** Whether {@code file} is named as the temporary of a sibling, a leftover if it is there. */
  static boolean isPart(Path file) {
    Path fileName = file.getFileName();
    if (fileName == null) {
      return false;
    }
    String name = fileName.toString();
    int tagEnd = name.length() - SUFFIX.length();
    int dot = tagEnd - TAG_DIGITS - 1;
    if (dot < 1 || !name.endsWith(SUFFIX) || name.charAt(dot) != '.') {
      return false;
    }
    return name.substring(dot + 1, tagEnd).equals(tag(name.substring(0, dot)));
  }

  private static String tag(String name) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, TAG_DIGITS / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
