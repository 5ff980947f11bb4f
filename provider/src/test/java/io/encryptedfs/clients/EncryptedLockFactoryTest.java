package io.encryptedfs.clients;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.NativeFSLockFactory;
import org.apache.lucene.tests.store.BaseLockFactoryTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;

/**
 * Lucene's LockFactory conformance suite for {@link NativeFSLockFactory} (a {@code FileChannel}
 * lock on {@code write.lock}) on an encrypted root, including its two-thread writer/searcher stress
 * test.
 *
 * <p>{@code WindowsFS} is suppressed: {@code testStressLocks} skips itself (an assumption) when the
 * test framework happens to install that Windows emulation, and this project allows no skipped
 * tests; the suppression makes it always run. Windows delete semantics stay covered by {@link
 * EncryptedNIOFSDirectoryTest}.
 */
@SuppressFileSystems("WindowsFS")
public class EncryptedLockFactoryTest extends BaseLockFactoryTestCase {
  @Override
  protected Directory getDirectory(Path path) throws IOException {
    return EncryptedDirectories.open(path, NativeFSLockFactory.INSTANCE, random());
  }
}
