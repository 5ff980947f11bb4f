package io.encryptedfs.channel;

import io.encryptedfs.KeyProviderException;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Forces a file that owes a force ({@link OwedForces}), at the file system's close or before a name
 * of it goes, through a channel that a {@link FileClosing.ForcingOpen} opens, whose force also
 * records the forced sequence in the header. That open authenticates the header, which takes the
 * master key the header names: where another program retired it, put other key material under its
 * alias, or left a keystore that no longer reads (deleted, corrupt, another password), the open
 * failed and the file was not forced at all, although every write to it had returned (and a missing
 * keystore's {@code NoSuchFileException} passed for the file gone). So where that open fails and
 * the underlying file is still there, the underlying file alone is forced: its bytes are as
 * durable, only the header does not name the forced record. The open's failure is still reported,
 * as the file does not open as things stand.
 */
final class OwedForce {
  private OwedForce() {}

  /**
   * Forces the file at {@code key} (its parent a real path), reported as {@code displayPath}; a
   * file no longer there owes nothing. Returns null, or, for a file forced through its underlying
   * file only, why it does not open, naming it: the file system's close reports that, a delete or
   * move that only needed the bytes durable goes on. A failed {@code fsync} is not tried again on
   * another descriptor: what it was to make durable may be lost, whatever a second one reports.
   *
   * @param fsyncFailed told when the {@code fsync} of the underlying file alone failed, before the
   *     {@code SyncFailedException} is thrown: a delete or move refused for it may be tried again,
   *     and its second {@code fsync} succeed over what the first lost, so the file system's close
   *     must still report it, as it does a failed force of a file that opens (its file's own)
   */
  static IOException force(
      Path key, String displayPath, FileClosing.ForcingOpen forcing, Runnable fsyncFailed)
      throws IOException {
    FileChannel channel;
    try {
      channel = forcing.open(key, displayPath);
    } catch (IOException e) {
      return forceUnderlying(key, displayPath, e, fsyncFailed);
    }
    try (channel) {
      channel.force(true);
    }
    return null;
  }

  /** After {@code failed}, the open of the file: forces its underlying file. */
  private static IOException forceUnderlying(
      Path key, String displayPath, IOException failed, Runnable fsyncFailed) throws IOException {
    Object identity;
    FileChannel raw;
    boolean writable = true;
    try {
      identity = FileIdentity.of(key, Files.readAttributes(key, BasicFileAttributes.class));
      try {
        raw = ReopeningChannel.open(key, true);
      } catch (AccessDeniedException denied) {
        writable = false;
        raw = ReopeningChannel.open(key, false);
      }
    } catch (NoSuchFileException gone) {
      return null; // deleted since it was written: nothing to make durable
    } catch (IOException e) {
      // Not opened, so not forced either (made unreadable since, say): the open's failure says
      // why, as it did before this fallback.
      failed.addSuppressed(e);
      throw failed;
    }
    // Counted as the file system's own descriptors are, so that closing this one never releases a
    // lock another file system of this program holds on the file (see SameFileDescriptors).
    SameFileDescriptors.Key counted = SameFileDescriptors.opened(key.getFileSystem(), identity);
    try {
      raw.force(true);
    } catch (IOException e) {
      fsyncFailed.run();
      throw notForced(displayPath, failed, e);
    } finally {
      SameFileDescriptors.close(counted, raw, writable);
    }
    return forcedAnyway(displayPath, failed);
  }

  private static IOException forcedAnyway(String displayPath, IOException failed) {
    String how = displayPath + ": forced through its underlying file only, as it does not open";
    if (failed instanceof UnknownKeyAliasException unknown) {
      return unknown.in(how);
    }
    if (failed instanceof WrongPasswordException wrong) {
      // Led by the path already (KeyFailures), around the keystore's own exception.
      return (wrong.getCause() instanceof WrongPasswordException keystores ? keystores : wrong)
          .in(how);
    }
    String named = displayPath + ": ";
    if (String.valueOf(failed.getMessage()).startsWith(named)) {
      // Led by the path (KeyFailures): a keystore that no longer reads, a bare IOException, or
      // keys that failed otherwise (closed before the file system, say): it says how the file was
      // forced too.
      String why = how + ": " + failed.getMessage().substring(named.length());
      if (failed.getClass() == IOException.class) {
        return new IOException(why, failed);
      }
      if (failed instanceof KeyProviderException broken) {
        KeyProviderException forced = new KeyProviderException(why, broken.alias());
        forced.initCause(broken);
        return forced;
      }
      // Its own type and message name the file and say why (a key mismatch, damage); a message
      // that only contains the path may name another file (the keystore's path contains "/tmp").
      return failed;
    }
    return new IOException(how + ": " + failed.getMessage(), failed);
  }

  private static SyncFailedException notForced(
      String displayPath, IOException failed, IOException forcing) {
    SyncFailedException e =
        new SyncFailedException(
            displayPath
                + ": not forced: it does not open ("
                + failed.getMessage()
                + "), and forcing its underlying file failed: "
                + forcing.getMessage());
    e.initCause(failed);
    e.addSuppressed(forcing);
    return e;
  }
}
