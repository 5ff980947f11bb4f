package io.encryptedfs.faults;

import java.lang.reflect.Proxy;
import java.nio.file.attribute.BasicFileAttributes;

/** File attributes as a file system without file keys reports them: all the same, key null. */
final class WithoutFileKey {
  private WithoutFileKey() {}

  /** A view of {@code attrs} as {@code type} (an interface), whose {@code fileKey()} is null. */
  static <A extends BasicFileAttributes> A of(A attrs, Class<A> type) {
    return type.cast(
        Proxy.newProxyInstance(
            WithoutFileKey.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getName().equals("fileKey") && method.getParameterCount() == 0) {
                return null;
              }
              try {
                return method.invoke(attrs, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }
}
