package io.encryptedfs.faults;

import com.google.common.collect.Iterators;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;

/** Lists an underlying directory, handing out fault paths. */
final class FaultDirectoryStream implements DirectoryStream<Path> {
  private final FaultInjectingFileSystem fs;
  private final DirectoryStream<Path> delegate;

  FaultDirectoryStream(FaultInjectingFileSystem fs, DirectoryStream<Path> delegate) {
    this.fs = fs;
    this.delegate = delegate;
  }

  @Override
  public Iterator<Path> iterator() {
    return Iterators.transform(delegate.iterator(), fs::faultPath);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
