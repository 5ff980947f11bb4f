package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How an open that does not write opens a directory, which it may (as on POSIX systems): the file
 * system's own channel for it. {@link OpenFiles} asks it when the look that identifies the
 * underlying file finds a directory, so that an open pays for one look, not one to tell a directory
 * and one for the identity.
 */
@FunctionalInterface
public interface DirectoryOpener {
  FileChannel open(Path rawDir, String displayPath) throws IOException;
}
