package io.encryptedfs.clients;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only event log in segment files, as a service writes it with plain {@code
 * java.nio.file} and nothing of encryptedfs: records are a 4-byte length, a 4-byte CRC32C and the
 * payload; a segment is named by the index of its first record and a new one starts once the
 * current one holds {@code segmentBytes}. Opening reads every segment and cuts a torn last record
 * off the newest one, as a log recovering from a crash does.
 */
final class EventLog implements Closeable {
  private static final int HEADER = 8;
  private static final String SUFFIX = ".seg";

  private final Path dir;
  private final long segmentBytes;
  private final List<byte[]> recovered = new ArrayList<>();
  private long truncatedBytes;
  private long nextIndex;
  private FileChannel current;

  private EventLog(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  static EventLog open(Path dir, long segmentBytes) throws IOException {
    Files.createDirectories(dir);
    EventLog log = new EventLog(dir, segmentBytes);
    log.recover();
    return log;
  }

  /** Every record read on opening, oldest first, from the segments retention left. */
  List<byte[]> recovered() {
    return recovered;
  }

  /** How many bytes of a torn last record opening cut off. */
  long truncatedBytes() {
    return truncatedBytes;
  }

  List<Path> segments() throws IOException {
    List<Path> segments = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      ds.forEach(segments::add);
    }
    segments.sort(null);
    return segments;
  }

  private void recover() throws IOException {
    List<Path> segments = segments();
    for (int i = 0; i < segments.size(); i++) {
      Path segment = segments.get(i);
      nextIndex = firstIndex(segment);
      try (FileChannel ch = FileChannel.open(segment, READ, WRITE)) {
        long end = readRecords(ch);
        if (end < ch.size()) {
          if (i != segments.size() - 1) {
            throw new IOException(segment + ": corrupt record at " + end + " in a sealed segment");
          }
          truncatedBytes = ch.size() - end;
          ch.truncate(end);
          ch.force(true);
        }
      }
    }
    if (!segments.isEmpty()) {
      current = FileChannel.open(segments.get(segments.size() - 1), WRITE, APPEND);
    }
  }

  private long readRecords(FileChannel ch) throws IOException {
    long pos = 0;
    long size = ch.size();
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (pos + HEADER <= size) {
      header.clear();
      readFully(ch, header, pos);
      int length = header.getInt(0);
      if (length < 0 || pos + HEADER + length > size) {
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(ch, payload, pos + HEADER);
      CRC32C crc = new CRC32C();
      crc.update(payload.array());
      if ((int) crc.getValue() != header.getInt(4)) {
        break;
      }
      recovered.add(payload.array());
      nextIndex++;
      pos += HEADER + length;
    }
    return pos;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new IOException("unexpected end of segment");
      }
    }
  }

  private static long firstIndex(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
  }

  void append(byte[] payload) throws IOException {
    if (current == null || current.size() >= segmentBytes) {
      roll();
    }
    current.write(encode(payload));
    nextIndex++;
  }

  /** Writes only the first {@code bytes} bytes of a record, as a crash partway through would. */
  void appendTorn(byte[] payload, int bytes) throws IOException {
    ByteBuffer record = encode(payload);
    record.limit(bytes);
    current.write(record);
  }

  static ByteBuffer encode(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length);
    record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    return record;
  }

  /** A commit point: everything appended so far survives a power loss. */
  void commit() throws IOException {
    if (current != null) {
      current.force(false);
    }
  }

  private void roll() throws IOException {
    if (current != null) {
      current.force(false);
      current.close();
    }
    current =
        FileChannel.open(
            dir.resolve(String.format("%020d%s", nextIndex, SUFFIX)), CREATE_NEW, WRITE);
    try (FileChannel d = FileChannel.open(dir, READ)) {
      d.force(true);
    }
  }

  /** Deletes the oldest segments so that at most {@code keep} remain. */
  int retain(int keep) throws IOException {
    List<Path> segments = segments();
    int deleted = 0;
    for (int i = 0; i < segments.size() - keep; i++) {
      Files.delete(segments.get(i));
      deleted++;
    }
    return deleted;
  }

  /** Leaves the current segment's channel open, as a process that dies does, and returns it. */
  FileChannel abandon() {
    FileChannel ch = current;
    current = null;
    return ch;
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.force(false);
      current.close();
      current = null;
    }
  }
}
