package io.encryptedfs.clients;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A small key-value snapshot replaced whole with the classic pattern: write a temporary file in the
 * same directory, force it, rename it over the old one atomically, force the directory.
 */
final class SnapshotStore {
  private final Path file;
  private final Path temp;

  SnapshotStore(Path file) {
    this.file = file;
    this.temp = file.resolveSibling(file.getFileName() + ".tmp");
  }

  void write(Map<String, String> values) throws IOException {
    Files.createDirectories(file.getParent());
    Properties p = new Properties();
    p.putAll(values);
    StringWriter out = new StringWriter();
    p.store(out, null);
    String text = out.toString();
    // Properties.store writes a date comment; drop it so that equal maps give equal bytes
    text = text.substring(text.indexOf('\n') + 1);
    Files.write(temp, text.getBytes(StandardCharsets.UTF_8));
    try (FileChannel ch = FileChannel.open(temp, WRITE)) {
      ch.force(true);
    }
    Files.move(temp, file, ATOMIC_MOVE, REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.getParent(), READ)) {
      dir.force(true);
    }
  }

  /** The last snapshot written whole; a temporary file a crash left is dropped. */
  Map<String, String> read() throws IOException {
    Files.deleteIfExists(temp);
    Map<String, String> values = new TreeMap<>();
    if (!Files.exists(file)) {
      return values;
    }
    Properties p = new Properties();
    p.load(new StringReader(Files.readString(file)));
    p.forEach((k, v) -> values.put((String) k, (String) v));
    return values;
  }
}
