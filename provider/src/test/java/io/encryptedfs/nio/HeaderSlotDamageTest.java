package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file whose one header slot fails authentication still opens, from the other slot, since a crash
 * tearing a header write leaves it so; but someone undoing the file's most recent force does too
 * (FORMAT.md section 7, item 4), so the open is reported to the audit trail, naming the file.
 */
class HeaderSlotDamageTest {
  private static final char[] PASSWORD = "correct horse battery".toCharArray();
  @TempDir Path tmp;

  private Map<String, Object> env(Path audit) throws IOException {
    Path keystore = tmp.resolve("keys.p12");
    if (!Files.exists(keystore)) {
      try (Pkcs12KeyStore keys =
          Pkcs12KeyStore.create(keystore, PASSWORD, AuditLog.systemLogger())) {
        keys.generateKey("master");
      }
    }
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEYSTORE, keystore.toString());
    env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, new String(PASSWORD));
    env.put(EncryptedFileSystems.CREATE, "true");
    env.put(EncryptedFileSystems.AUDIT_FILE, audit.toString());
    return env;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aFileOpenedFromOneHeaderSlotIsReported(int damagedSlot) throws IOException {
    Path root = tmp.resolve("root");
    Path audit = tmp.resolve("audit.jsonl");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit));
        FileChannel ch =
            FileChannel.open(
                fs.getPath("/f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      // Two forces: the slots then name different forced sequences.
      ch.write(ByteBuffer.wrap("first;".getBytes(US_ASCII)));
      ch.force(false);
      ch.write(ByteBuffer.wrap("second;".getBytes(US_ASCII)));
      ch.force(false);
    }
    flipLastByteOfHeaderSlot(root.resolve("f"), damagedSlot);
    Files.deleteIfExists(audit);

    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      String content = Files.readString(fs.getPath("/f"), US_ASCII);
      assertTrue(content.equals("first;second;") || content.equals("first;"), content);
    }
    assertOneDamageEventForF(audit, "header slot " + damagedSlot + " failed authentication");
  }

  /** The audit file holds one damage event, for /f, saying {@code why}. */
  private static void assertOneDamageEventForF(Path audit, String why) throws IOException {
    List<String> damage =
        Files.readAllLines(audit).stream()
            .filter(l -> l.contains("CONTENT_AUTHENTICATION_FAILED"))
            .toList();
    assertEquals(1, damage.size(), damage.toString());
    assertTrue(damage.get(0).contains("\"path\":\"/f\""), damage.get(0));
    assertTrue(damage.get(0).contains(why), damage.get(0));
  }

  @Test
  void aFileWithBothSlotsAuthenticIsNotReported() throws IOException {
    Path root = tmp.resolve("root");
    Path audit = tmp.resolve("audit.jsonl");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      Files.writeString(fs.getPath("/f"), "fine");
    }
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      assertEquals("fine", Files.readString(fs.getPath("/f")));
    }
    assertTrue(
        Files.readAllLines(audit).stream().noneMatch(l -> l.contains("AUTHENTICATION_FAILED")));
  }

  /**
   * A header slot copied from another file of the root authenticates, as the same master key
   * wrapped both files' keys, but names the other file; whichever slot it lands in, the file opens
   * from its own slot, whose tail records open, and the open is reported. The copied slot was read
   * first when it was slot 0 (the tie went to it), and the file reported its end lost.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aHeaderSlotCopiedFromAnotherFileIsPassedOverAndReported(int copiedSlot) throws IOException {
    Path root = tmp.resolve("root");
    Path audit = tmp.resolve("audit.jsonl");
    byte[] data = new byte[10_000];
    new java.util.Random(copiedSlot).nextBytes(data);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      Files.write(fs.getPath("/f"), data);
      Files.writeString(fs.getPath("/g"), "another file");
    }
    copyHeaderSlot(root.resolve("g"), root.resolve("f"), copiedSlot);
    Files.deleteIfExists(audit);

    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(fs.getPath("/f"))));
      assertEquals("another file", Files.readString(fs.getPath("/g")));
    }
    assertOneDamageEventForF(
        audit, "header slot " + copiedSlot + " authenticates but names another");
  }

  /**
   * Both slots from other files: neither opens the file's tail records, and the message says so.
   */
  @Test
  void aFileWhoseSlotsNameTwoOtherFilesIsDamagedAndSaysWhy() throws IOException {
    Path root = tmp.resolve("root");
    Path audit = tmp.resolve("audit.jsonl");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      Files.writeString(fs.getPath("/f"), "mine");
      Files.writeString(fs.getPath("/g"), "g's");
      Files.writeString(fs.getPath("/h"), "h's");
    }
    copyHeaderSlot(root.resolve("g"), root.resolve("f"), 0);
    copyHeaderSlot(root.resolve("h"), root.resolve("f"), 1);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      DamagedFileException e =
          assertThrows(DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/f")));
      assertEquals(
          "/f: header slots 0 and 1 name different files (one was copied from another file), and"
              + " the file's tail records open under neither",
          e.getMessage());
    }
  }

  /**
   * A slot copied from another file over the file's older one, and the file damaged besides (cut
   * short, into its last home block or into its front region): the message leads with the damage,
   * and names the slots second. It said only that the slots name different files and that the tail
   * records open under neither, though they opened under the file's own slot; the real failure was
   * a suppressed exception. The copied slot is older than the file's own with one force of the
   * other file, and newer with eight, so that either is loaded first.
   */
  @ParameterizedTest
  @CsvSource({"1, 100", "8, 100", "1, 12000", "8, 12000"})
  void aCopiedSlotInAFileDamagedBesidesReportsTheDamageFirst(int otherForces, int cut)
      throws Exception {
    Path root = tmp.resolve("root");
    Path audit = tmp.resolve("audit.jsonl");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      writeForcing(fs.getPath("/f"), 3, 3_500);
      writeForcing(fs.getPath("/g"), otherForces, 10);
    }
    long[] own = forcedSequences(root.resolve("f"));
    int older = own[0] < own[1] ? 0 : 1;
    long[] other = forcedSequences(root.resolve("g"));
    int copied = other[0] < other[1] ? 1 : 0;
    assertEquals(
        otherForces > 3,
        other[copied] > own[1 - older],
        "which slot is loaded first: " + Arrays.toString(own) + Arrays.toString(other));
    copyHeaderSlot(root.resolve("g"), root.resolve("f"), copied, older);
    try (FileChannel ch = FileChannel.open(root.resolve("f"), StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - cut);
    }
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(audit))) {
      DamagedFileException e =
          assertThrows(DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/f")));
      String message = e.getMessage();
      if (cut < Geometry.ofBlockSize(4096).sealedBlockSize()) {
        // The file's own slot opens its tail records, which need the block cut short.
        assertTrue(message.startsWith("/f: block 1: truncated: raw length "), message);
        assertEquals(1, e.block());
        assertTrue(
            message.endsWith(
                "; header slot "
                    + older
                    + " authenticates but names another file (its file id differs: a slot"
                    + " copied from another file)"),
            message);
      } else {
        // Too short for either slot's front region: the same damage whichever is the file's.
        assertTrue(message.startsWith("/f: truncated: raw length "), message);
        assertTrue(
            message.endsWith(
                "; header slots 0 and 1 name different files (one was copied from another file)"),
            message);
      }
      assertEquals("/f", e.path());
      assertEquals(2, e.getSuppressed().length, "both slots' failures are kept");
    }
  }

  /** Writes {@code chunks} chunks of {@code size} bytes to a new file, forcing after each. */
  private static void writeForcing(Path file, int chunks, int size) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; i < chunks; i++) {
        ch.write(ByteBuffer.wrap(new byte[size]));
        ch.force(false);
      }
    }
  }

  private static long[] forcedSequences(Path raw) throws Exception {
    byte[] header = Arrays.copyOf(Files.readAllBytes(raw), Geometry.HEADER_SIZE);
    long[] forced = new long[2];
    for (int slot = 0; slot < 2; slot++) {
      int at = slot * Geometry.HEADER_SLOT_SIZE;
      byte[] bytes = Arrays.copyOfRange(header, at, at + Geometry.HEADER_SLOT_SIZE);
      forced[slot] = HeaderCodec.decode(bytes).forcedSequence();
    }
    return forced;
  }

  private static void copyHeaderSlot(Path from, Path to, int slot) throws IOException {
    copyHeaderSlot(from, to, slot, slot);
  }

  private static void copyHeaderSlot(Path from, Path to, int fromSlot, int toSlot)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Geometry.HEADER_SLOT_SIZE);
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
      in.read(b, (long) fromSlot * Geometry.HEADER_SLOT_SIZE);
      b.flip();
      out.write(b, (long) toSlot * Geometry.HEADER_SLOT_SIZE);
    }
  }

  private static void flipLastByteOfHeaderSlot(Path raw, int slot) throws IOException {
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = (long) (slot + 1) * Geometry.HEADER_SLOT_SIZE - 1;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 1));
      b.rewind();
      ch.write(b, at);
    }
  }
}
