package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.channel.RawFile.Claim;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer lock of {@link RawFile} on the real disk, where locks are real: taken once, then held;
 * refused while another channel of this program holds it; and, when an interrupt has closed the
 * channel under it, taken back by the reopen and reported taken (to be checked again), not refused
 * as if another writer held it.
 */
class WriterClaimTest {
  @TempDir Path tmp;

  private RawFile open(Path file, FileChannel channel) throws IOException {
    RawFile raw = new RawFile(channel, file, true);
    raw.locate(file, FileIdentity.ofExisting(file, "/f"), "/f");
    return raw;
  }

  @Test
  void takenThenHeldThenRefusedElsewhereUntilReleased() throws IOException {
    Path file = Files.write(tmp.resolve("f"), new byte[10]);
    RawFile first = open(file, FileChannel.open(file, READ, WRITE));
    RawFile second = open(file, FileChannel.open(file, READ, WRITE));
    try {
      assertEquals(Claim.TAKEN, first.claimWriter());
      assertEquals(Claim.HELD, first.claimWriter());
      assertEquals(Claim.BUSY, second.claimWriter());
      first.releaseWriter();
      assertEquals(Claim.TAKEN, second.claimWriter());
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void aChannelClosedUnderTheClaimIsReopenedAndTheClaimCheckedAgain() throws IOException {
    Path file = Files.write(tmp.resolve("f"), new byte[10]);
    FileChannel channel = FileChannel.open(file, READ, WRITE);
    RawFile raw = open(file, channel);
    try {
      assertEquals(Claim.TAKEN, raw.claimWriter());
      channel.close(); // as an interrupt during another thread's call closes it
      assertEquals(Claim.TAKEN, raw.claimWriter(), "taken back by the reopen, to be checked");
      assertEquals(1, raw.reopens());
      assertEquals(Claim.HELD, raw.claimWriter());
    } finally {
      raw.close();
    }
  }
}
