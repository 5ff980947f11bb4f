package io.encryptedfs.faults;

import java.io.IOException;

/** A computation that may fail with an {@link IOException}. */
@FunctionalInterface
interface IoSupplier<T> {
  T get() throws IOException;
}
