package io.encryptedfs.nio;

import com.sun.nio.file.ExtendedCopyOption;
import java.nio.file.CopyOption;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;

/**
 * The options of one {@code copy} or {@code move}, accepted as the default file system accepts
 * them: a null option is a null argument (NPE); one the operation does not know (also {@code
 * ATOMIC_MOVE} for a copy, {@code COPY_ATTRIBUTES} for a move) is unsupported. A copy takes the
 * JDK's {@link ExtendedCopyOption#INTERRUPTIBLE}, with which the thread's interrupt stops it.
 */
record CopyOptions(
    boolean replace,
    boolean copyAttributes,
    boolean followLinks,
    boolean atomic,
    boolean interruptible) {

  static CopyOptions ofCopy(CopyOption... options) {
    boolean replace = false;
    boolean attributes = false;
    boolean follow = true;
    boolean interruptible = false;
    for (CopyOption o : options) {
      if (o == StandardCopyOption.REPLACE_EXISTING) {
        replace = true;
      } else if (o == StandardCopyOption.COPY_ATTRIBUTES) {
        attributes = true;
      } else if (o == LinkOption.NOFOLLOW_LINKS) {
        follow = false;
      } else if (o == ExtendedCopyOption.INTERRUPTIBLE) {
        interruptible = true;
      } else {
        throw unsupported(o);
      }
    }
    return new CopyOptions(replace, attributes, follow, false, interruptible);
  }

  /** A move never follows links and always carries the attributes along. */
  static CopyOptions ofMove(CopyOption... options) {
    boolean replace = false;
    boolean atomic = false;
    for (CopyOption o : options) {
      if (o == StandardCopyOption.REPLACE_EXISTING) {
        replace = true;
      } else if (o == StandardCopyOption.ATOMIC_MOVE) {
        atomic = true;
      } else if (o != LinkOption.NOFOLLOW_LINKS) {
        throw unsupported(o);
      }
    }
    return new CopyOptions(replace, true, false, atomic, false);
  }

  private static RuntimeException unsupported(CopyOption o) {
    if (o == null) {
      return new NullPointerException("a copy option is null");
    }
    return new UnsupportedOperationException("unsupported copy option " + o);
  }
}
