package io.encryptedfs.channel;

import static io.encryptedfs.channel.ConfigDifferentialHarness.bytes;
import static io.encryptedfs.channel.ConfigDifferentialHarness.digest;
import static io.encryptedfs.channel.ConfigDifferentialHarness.scratch;
import static io.encryptedfs.channel.ConfigDifferentialHarness.source;
import static io.encryptedfs.channel.ConfigDifferentialHarness.target;

import io.encryptedfs.channel.ConfigOps.Force;
import io.encryptedfs.channel.ConfigOps.Gather;
import io.encryptedfs.channel.ConfigOps.Lock;
import io.encryptedfs.channel.ConfigOps.Op;
import io.encryptedfs.channel.ConfigOps.PRead;
import io.encryptedfs.channel.ConfigOps.PWrite;
import io.encryptedfs.channel.ConfigOps.Read;
import io.encryptedfs.channel.ConfigOps.ReleaseLocks;
import io.encryptedfs.channel.ConfigOps.ReopenChannel;
import io.encryptedfs.channel.ConfigOps.Scatter;
import io.encryptedfs.channel.ConfigOps.SetPosition;
import io.encryptedfs.channel.ConfigOps.Size;
import io.encryptedfs.channel.ConfigOps.TransferFromFile;
import io.encryptedfs.channel.ConfigOps.TransferToFile;
import io.encryptedfs.channel.ConfigOps.Truncate;
import io.encryptedfs.channel.ConfigOps.Write;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** The steps of {@link ConfigOps} on one side's channels, each described by its outcome. */
final class ConfigSteps {
  private ConfigSteps() {}

  static String apply(Op op, FileChannel[] chs, List<List<FileLock>> locks, Path base)
      throws IOException {
    if (op instanceof Write w) {
      ByteBuffer src = source(w.buf(), bytes(w.len(), w.seed()));
      int n = chs[w.ch()].write(src);
      return "wrote " + n + " left " + src.remaining();
    } else if (op instanceof PWrite w) {
      ByteBuffer src = source(w.buf(), bytes(w.len(), w.seed()));
      int n = chs[w.ch()].write(src, w.pos());
      return "wrote " + n + " left " + src.remaining();
    } else if (op instanceof Read r) {
      ByteBuffer dst = target(r.buf(), r.len());
      int from = dst.position();
      int n = chs[r.ch()].read(dst);
      return "read " + n + " " + digest(dst, from);
    } else if (op instanceof PRead r) {
      ByteBuffer dst = target(r.buf(), r.len());
      int from = dst.position();
      int n = chs[r.ch()].read(dst, r.pos());
      return "read " + n + " " + digest(dst, from);
    } else if (op instanceof Gather g) {
      Random random = new Random(g.seed());
      ByteBuffer[] srcs = new ByteBuffer[g.lens().size() + 1];
      srcs[0] = ByteBuffer.wrap(new byte[] {1, 2, 3});
      for (int i = 0; i < g.lens().size(); i++) {
        byte[] data = bytes(g.lens().get(i), random.nextInt());
        srcs[i + 1] =
            source(g.direct() && i % 2 == 0 ? ConfigOps.Buf.DIRECT : ConfigOps.Buf.HEAP, data);
      }
      long n = chs[g.ch()].write(srcs, 1, g.lens().size());
      StringBuilder sb = new StringBuilder("wrote " + n + " left");
      for (ByteBuffer s : srcs) {
        sb.append(' ').append(s.remaining());
      }
      return sb.toString();
    } else if (op instanceof Scatter s) {
      ByteBuffer[] dsts = new ByteBuffer[s.lens().size() + 1];
      dsts[0] = ByteBuffer.allocate(5);
      for (int i = 0; i < s.lens().size(); i++) {
        dsts[i + 1] =
            target(
                s.direct() && i % 2 == 1 ? ConfigOps.Buf.DIRECT : ConfigOps.Buf.HEAP,
                s.lens().get(i));
      }
      long n = chs[s.ch()].read(dsts, 1, s.lens().size());
      StringBuilder sb = new StringBuilder("read " + n);
      for (ByteBuffer d : dsts) {
        sb.append(' ').append(digest(d, 0));
      }
      return sb.toString();
    } else if (op instanceof SetPosition s) {
      chs[s.ch()].position(s.pos());
      return "set";
    } else if (op instanceof Size s) {
      return "size " + chs[s.ch()].size();
    } else if (op instanceof Truncate t) {
      chs[t.ch()].truncate(t.size());
      return "size " + chs[t.ch()].size();
    } else if (op instanceof Force f) {
      chs[f.ch()].force(f.metaData());
      return "forced";
    } else if (op instanceof TransferToFile t) {
      try (FileChannel out = scratch(base, "to.bin", new byte[0])) {
        out.position(t.targetPos());
        long n = chs[t.ch()].transferTo(t.pos(), t.count(), out);
        ByteBuffer all = ByteBuffer.allocate((int) out.size());
        out.read(all, 0);
        return "transferred " + n + " target pos " + out.position() + " " + digest(all, 0);
      }
    } else if (op instanceof TransferFromFile t) {
      try (FileChannel in = scratch(base, "from.bin", bytes(t.srcLen(), t.seed()))) {
        in.position(t.srcPos());
        long n = chs[t.ch()].transferFrom(in, t.pos(), t.count());
        return "transferred " + n + " src pos " + in.position() + " size " + chs[t.ch()].size();
      }
    } else if (op instanceof Lock l) {
      FileChannel c = chs[l.ch()];
      FileLock lock =
          l.tryLock()
              ? c.tryLock(l.pos(), l.size(), l.shared())
              : c.lock(l.pos(), l.size(), l.shared());
      if (lock == null) {
        return "not locked";
      }
      locks.get(l.ch()).add(lock);
      return "locked "
          + lock.position()
          + " "
          + lock.size()
          + " "
          + lock.isShared()
          + " "
          + lock.isValid()
          + " "
          + (lock.channel() == c)
          + " "
          + lock.overlaps(l.pos(), 1);
    } else if (op instanceof ReleaseLocks r) {
      StringBuilder sb = new StringBuilder("released");
      for (FileLock lock : locks.get(r.ch())) {
        sb.append(' ').append(lock.isValid());
        lock.release();
        sb.append(lock.isValid());
      }
      locks.get(r.ch()).clear();
      return sb.toString();
    } else if (op instanceof ReopenChannel) {
      return "";
    }
    throw new AssertionError("unknown op " + op);
  }
}
