package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;

/**
 * The failure of a load whose two header slots name different files (one was copied from another
 * file of the root, FORMAT.md section 3) and whose tail load failed under each. It leads with the
 * failure under the file's own slot, which is damage of the file itself (a truncation, say), and
 * names the copied slot second; both failures are kept suppressed. Before, the message said only
 * that the slots name different files and the real failure was a suppressed exception.
 */
final class ForeignSlotFailure {
  private ForeignSlotFailure() {}

  /**
   * The load under one header slot that failed.
   *
   * @param slot the header slot whose keys the load used
   * @param failure why it failed
   * @param read whether the load got as far as opening the tail records
   * @param opened whether any tail record opened under the slot's keys
   */
  record Attempt(int slot, DamagedFileException failure, boolean read, boolean opened) {}

  /**
   * The failure to throw for a file loaded under its newest slot ({@code first}), then under the
   * other ({@code second}). The file's own slot is the one under whose keys a tail record opened,
   * as only the file's own keys open its records; if neither did, the one whose load failed before
   * its records were read (the damage is then the file's whatever slot is its own), the first if
   * both did. If both read the records and none opened, nothing tells the slots apart: the file's
   * records open under neither.
   */
  static DamagedFileException of(String path, Attempt first, Attempt second) {
    Attempt own;
    if (first.opened || second.opened) {
      own = first.opened ? first : second;
    } else if (!first.read || !second.read) {
      own = !first.read ? first : second;
    } else {
      DamagedFileException neither =
          new DamagedFileException(
              path,
              -1,
              "header slots 0 and 1 name different files (one was copied from another file),"
                  + " and the file's tail records open under neither");
      neither.addSuppressed(first.failure);
      neither.addSuppressed(second.failure);
      return neither;
    }
    Attempt other = own == first ? second : first;
    DamagedFileException e = own.failure;
    String slots =
        own.opened
            ? "header slot "
                + other.slot
                + " authenticates but names another file (its file id differs: a slot copied from"
                + " another file)"
            : "header slots 0 and 1 name different files (one was copied from another file)";
    DamagedFileException led =
        new DamagedFileException(path, e.block(), e.blockSize(), reason(e) + "; " + slots);
    led.addSuppressed(e);
    led.addSuppressed(other.failure);
    return led;
  }

  /** {@code e}'s message without the path and block that every such message starts with. */
  private static String reason(DamagedFileException e) {
    String prefix = e.path() + ": " + (e.block() >= 0 ? "block " + e.block() + ": " : "");
    String message = e.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
