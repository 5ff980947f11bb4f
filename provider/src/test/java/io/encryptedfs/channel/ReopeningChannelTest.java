package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;

/** A closed channel is opened again only on the same file, once, and never after the close. */
class ReopeningChannelTest {
  private final Path file = Jimfs.newFileSystem(Configuration.unix()).getPath("/raw");

  private ReopeningChannel open() throws Exception {
    Files.write(file, new byte[] {1, 2, 3});
    return new ReopeningChannel(ReopeningChannel.open(file, true), file, true);
  }

  /** Opened, with its identity told, as the open-file table tells it. */
  private ReopeningChannel located() throws Exception {
    ReopeningChannel channel = open();
    channel.locate(file, FileIdentity.ofExisting(file, "/f"));
    return channel;
  }

  /** Closes the current channel, as an interrupt does; returns it. */
  private static FileChannel closeCurrent(ReopeningChannel channel) throws Exception {
    FileChannel current = channel.current();
    current.close();
    return current;
  }

  @Test
  void aClosedChannelIsReopenedOnceOnTheSameFile() throws Exception {
    ReopeningChannel channel = located();
    FileChannel first = closeCurrent(channel);
    assertFalse(channel.reopenAfter(first, new ClosedChannelException()));
    FileChannel second = channel.current();
    assertNotSame(first, second);
    assertTrue(second.isOpen());
    assertEquals(3, second.size());
    assertEquals(1, channel.reopens());
    // A second thread that failed on the same closed channel takes the reopened one.
    assertFalse(channel.reopenAfter(first, new ClosedChannelException()));
    assertSame(second, channel.current());
    assertEquals(1, channel.reopens());
  }

  @Test
  void anInterruptStatusIsReturnedForTheCallerToRestore() throws Exception {
    ReopeningChannel channel = located();
    FileChannel first = closeCurrent(channel);
    Thread.currentThread().interrupt();
    assertTrue(channel.reopenAfter(first, new ClosedChannelException()));
    assertFalse(Thread.interrupted());
  }

  @Test
  void noReopenBeforeTheIdentityIsKnownNorAfterTheClose() throws Exception {
    ReopeningChannel channel = open();
    FileChannel first = closeCurrent(channel);
    ClosedChannelException closed = new ClosedChannelException();
    assertSame(
        closed,
        assertThrows(ClosedChannelException.class, () -> channel.reopenAfter(first, closed)));
    channel.locate(file, FileIdentity.ofExisting(file, "/f"));
    channel.close();
    assertSame(
        closed,
        assertThrows(ClosedChannelException.class, () -> channel.reopenAfter(first, closed)));
    assertEquals(0, channel.reopens());
  }

  @Test
  void anotherFileAtTheNameIsNotReopenedAndTheRawPathIsNotNamed() throws Exception {
    ReopeningChannel channel = located();
    channel.reportAs(new FileName("/f"));
    Path other = file.resolveSibling("other");
    Files.write(other, new byte[] {9});
    Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
    FileChannel first = closeCurrent(channel);
    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () -> channel.reopenAfter(first, new ClosedChannelException()));
    assertEquals("/f", e.getFile());
    assertTrue(e.getMessage().contains("another file has its name now"), e.getMessage());
    assertFalse(e.getMessage().contains("/raw"), e.getMessage());
    assertEquals(0, channel.reopens());
  }
}
