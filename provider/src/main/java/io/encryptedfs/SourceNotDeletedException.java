package io.encryptedfs;

import java.nio.file.FileSystemException;

/**
 * A move to another encrypted root with {@code REPLACE_EXISTING} put its copy at the target's name
 * and then could not delete the source (the cause says why: an I/O error, a permission change).
 * Both names now hold the entry, whole: {@link #getFile} the source, {@link #getOtherFile} the
 * target. The copy stays because the entry it replaced is gone, so removing it would leave the
 * target's name empty; the move is done but for the source's delete, which the caller may retry or
 * leave. A move that took a free name removes its copy instead and throws the delete's own failure,
 * leaving things as before the move.
 */
public class SourceNotDeletedException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  /**
   * @param source the moved entry, as the caller named it
   * @param target where its copy is, as the caller named it
   * @param reason why the source is still there
   */
  public SourceNotDeletedException(String source, String target, String reason) {
    super(source, target, reason);
  }
}
