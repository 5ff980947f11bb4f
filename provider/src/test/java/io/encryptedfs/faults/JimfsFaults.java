package io.encryptedfs.faults;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixture: a fault file system over directory {@code /data} of a fresh Jimfs. */
final class JimfsFaults implements AutoCloseable {
  final FileSystem jimfs;
  final Path underlyingRoot;
  final FaultInjectingFileSystem faults;

  JimfsFaults() throws IOException {
    jimfs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder().setAttributeViews("basic", "posix").build());
    underlyingRoot = Files.createDirectories(jimfs.getPath("/data"));
    faults = FaultInjectingFileSystem.wrap(underlyingRoot);
  }

  Path root() {
    return faults.root();
  }

  /** The underlying file behind {@code relative}, read around the fault file system. */
  String underlyingContent(String relative) throws IOException {
    return text(Files.readAllBytes(underlyingRoot.resolve(relative)));
  }

  static byte[] bytes(String text) {
    return text.getBytes(ISO_8859_1);
  }

  static String text(byte[] bytes) {
    return new String(bytes, ISO_8859_1);
  }

  static String content(CrashImage image, String path) {
    return text(image.file(path).orElseThrow(() -> new AssertionError(path + " missing")));
  }

  static void write(FileChannel channel, String text) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes(text));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Writes {@code data[from, from + length)} at {@code from}: the file's bytes are data's. */
  static void write(FileChannel channel, byte[] data, int from, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data, from, length);
    while (buffer.hasRemaining()) {
      channel.write(buffer, buffer.position());
    }
  }

  @Override
  public void close() throws IOException {
    jimfs.close();
  }
}
