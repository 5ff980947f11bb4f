package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Once the file system's close began, only its own channels are taken in, and a channel it took no
 * longer counts towards its file when it closes.
 */
class OpenChannelsTest {
  private final OpenChannels channels = new OpenChannels();

  private static EncryptedFileChannel channel() {
    // Never used as a channel here: only held and let go.
    return new EncryptedFileChannel(null, null, ChannelMode.of(Set.of(StandardOpenOption.READ)));
  }

  @Test
  void theCloseTakesTheChannelsHeldAndRefusesAllButItsOwn() {
    EncryptedFileChannel before = channel();
    EncryptedFileChannel closedEarly = channel();
    assertTrue(channels.track(before, false));
    assertTrue(channels.track(closedEarly, false));
    assertTrue(channels.untrack(closedEarly), "held until it closes");
    assertFalse(channels.untrack(closedEarly), "once");

    channels.close();
    assertTrue(channels.closed());
    assertFalse(channels.track(channel(), false), "an open racing the close");
    assertEquals(List.of(before), channels.takeAll());
    assertFalse(channels.untrack(before), "taken by the close: its close does not count");

    EncryptedFileChannel forClose = channel();
    assertTrue(channels.track(forClose, true), "the close's own open");
    assertTrue(channels.untrack(forClose));
  }
}
