package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.format.Geometry;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The view's own rules, on files shorter than a block, so that every byte comes from the tail in
 * memory and no home block is read (the reader is never called).
 */
class FileViewTest {
  private static final Geometry G = Geometry.ofBlockSize(4096);

  private static FileView view(String content) {
    byte[] tail = new byte[G.blockSize()];
    byte[] bytes = content.getBytes();
    System.arraycopy(bytes, 0, tail, 0, bytes.length);
    return new FileView(null, G, 1, bytes.length, tail);
  }

  private static String read(FileView view, long position, int length) throws Exception {
    ByteBuffer dst = ByteBuffer.allocate(length);
    int n = view.read(dst, position);
    return n < 0 ? null : new String(dst.array(), 0, n);
  }

  @Test
  void readsTheTailUpToTheSizeAndEndOfFileAtOrPastIt() throws Exception {
    FileView view = view("hello");
    assertEquals("ell", read(view, 1, 3));
    assertEquals("lo", read(view, 3, 10), "a read past the end is cut at it");
    assertEquals(null, read(view, 5, 1));
    assertEquals(null, read(view, 99, 1));
    assertEquals(0, view.read(ByteBuffer.allocate(0), 99), "an empty buffer reads nothing");
  }

  @Test
  void aSpareTailIsZeroedAndTakesTheTailsPlaceOnlyWhenReplaced() throws Exception {
    FileView view = view("hello");
    byte[] old = view.tail();
    byte[] spare = view.spareTail();
    assertNotSame(old, spare);
    spare[0] = 'j';
    assertEquals("hello", read(view, 0, 5), "building the next tail leaves the view as it was");
    view.replaceTail(spare);
    assertSame(spare, view.tail());
    byte[] again = view.spareTail();
    assertSame(old, again, "the old tail is reused for the next one");
    assertTrue(allZero(again), "and handed out zeroed");
  }

  @Test
  void aReloadTakesTheFreshStateAndForgetsTheSurplusCheck() throws Exception {
    FileView view = view("hello");
    view.surplusHandled();
    byte[] fresh = new byte[G.blockSize()];
    fresh[0] = 'h';
    fresh[1] = 'i';
    view.reload(2, fresh);
    assertEquals("hi", read(view, 0, 10));
    assertFalse(view.surplusChecked());
    assertNotSame(fresh, view.tail(), "copied: the loader zeroes its own");
  }

  @Test
  void aReleasedViewForgetsItsCleartextAndAnswersClosed() throws Exception {
    FileView view = view("secret");
    byte[] tail = view.tail();
    byte[] spare = view.spareTail();
    spare[0] = 's';
    view.release();
    assertTrue(view.closed());
    assertTrue(allZero(tail));
    assertTrue(allZero(spare));
    assertThrows(ClosedChannelException.class, view::ensureOpen);
    assertThrows(ClosedChannelException.class, () -> view.read(ByteBuffer.allocate(1), 0));
  }

  private static boolean allZero(byte[] bytes) {
    byte[] zeros = new byte[bytes.length];
    return Arrays.equals(zeros, bytes);
  }
}
