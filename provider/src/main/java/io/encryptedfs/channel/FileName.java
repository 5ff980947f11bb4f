package io.encryptedfs.channel;

/**
 * The name an open file is reported by (in exceptions, logs and audit events): the encrypted path
 * it was opened by, then the one it was moved to, so that a damaged block found after a move names
 * the file where it now is.
 */
final class FileName {
  private volatile String value;

  FileName(String value) {
    this.value = value;
  }

  void set(String value) {
    this.value = value;
  }

  @Override
  public String toString() {
    return value;
  }
}
