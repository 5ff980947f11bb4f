package io.encryptedfs.format;

/**
 * Raw bytes that do not parse as the format describes. Carries only a reason: the layers above add
 * the path and turn it into the public exception a caller sees.
 */
public final class FormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public FormatException(String reason) {
    super(reason);
  }
}
