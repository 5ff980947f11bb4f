package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A password file its group or others may read is warned about, as a keystore is ({@code
 * INSECURE_PERMISSIONS}): whoever can read it holds every key of the keystore, whose own
 * permissions then protect nothing. Before, it was read without a word.
 */
class PasswordFilePermissionsTest {
  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix").build());
  // Held strongly: java.util.logging forgets loggers nobody references.
  private final Logger logger = Logger.getLogger(PasswordSources.class.getName());
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void capture() {
    logger.addHandler(handler);
  }

  @AfterEach
  void tearDown() throws IOException {
    logger.removeHandler(handler);
    fs.close();
  }

  private Path passwordFile(String permissions) throws IOException {
    Path file = Files.writeString(fs.getPath("/pass"), "hunter2-secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void aPasswordFileOthersMayReadIsWarnedAboutAndStillRead() throws IOException {
    Path file = passwordFile("rw-r--r--");
    assertArrayEquals("hunter2-secret".toCharArray(), PasswordSource.fromFile(file).read());
    assertEquals(1, records.size(), "one warning");
    LogRecord warning = records.get(0);
    assertEquals(Level.WARNING, warning.getLevel());
    String message = warning.getMessage();
    assertTrue(message.contains(file.toString()), message);
    assertTrue(message.contains("(rw-r--r--)"), message);
    assertTrue(message.contains("chmod 600"), message);
    assertFalse(message.contains("hunter2"), message);
  }

  @Test
  void anOwnerOnlyPasswordFileIsReadSilently() throws IOException {
    Path file = passwordFile("rw-------");
    assertArrayEquals("hunter2-secret".toCharArray(), PasswordSource.fromFile(file).read());
    assertEquals(List.of(), records);
  }
}
