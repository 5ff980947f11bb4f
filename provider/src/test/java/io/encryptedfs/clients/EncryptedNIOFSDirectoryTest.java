package io.encryptedfs.clients;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSLockFactory;
import org.apache.lucene.tests.store.BaseDirectoryTestCase;

/**
 * Lucene's own Directory conformance suite (every test of {@link BaseDirectoryTestCase}) run
 * against {@code NIOFSDirectory} on an encrypted root. Lucene's mock file systems (leak, handle
 * limit, shuffle, extras, Windows emulation, virus checker) stay in place under the encrypted root:
 * nothing is suppressed.
 */
public class EncryptedNIOFSDirectoryTest extends BaseDirectoryTestCase {
  @Override
  protected Directory getDirectory(Path path) throws IOException {
    return EncryptedDirectories.open(path, FSLockFactory.getDefault(), random());
  }
}
