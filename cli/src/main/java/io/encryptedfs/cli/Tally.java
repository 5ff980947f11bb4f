package io.encryptedfs.cli;

/**
 * What {@code encrypt} or {@code decrypt} did with the entries it came to, for its summary line and
 * exit status. Files and links are counted as copied or already done; a directory only where it
 * fails or is left out, as it holds no data of its own.
 */
final class Tally {
  private int copied;
  private int alreadyDone;
  private int failed;
  private int leftOut;

  /**
   * @param leftOutBefore what was named and left out before the copy began
   */
  Tally(int leftOutBefore) {
    this.leftOut = leftOutBefore;
  }

  void copied() {
    copied++;
  }

  void alreadyDone() {
    alreadyDone++;
  }

  void failed() {
    failed++;
  }

  void leftOut() {
    leftOut++;
  }

  String summary(String verb) {
    String left = leftOut == 0 ? "" : ", left out " + leftOut;
    return verb + " " + copied + ", already done " + alreadyDone + ", failed " + failed + left;
  }

  /**
   * {@link ExitCodes#DAMAGE} if anything failed, else {@link ExitCodes#INCOMPLETE} if anything was
   * left out: an operator who goes on to delete the source must hear that the copy is not the whole
   * of it.
   */
  int exitCode() {
    if (failed > 0) {
      return ExitCodes.DAMAGE;
    }
    return leftOut > 0 ? ExitCodes.INCOMPLETE : ExitCodes.OK;
  }
}
