package io.encryptedfs.channel;

import java.io.IOException;

/**
 * The {@link NewFilePolicy} for a file, asked for only when an open really creates it: finding the
 * current key may cost a look at the keystore file, which opens of existing files need not pay, and
 * asking at the last moment lets a new file follow a rotation made just before.
 */
@FunctionalInterface
public interface NewFilePolicySource {
  NewFilePolicy newFilePolicy() throws IOException;
}
