package io.encryptedfs.channel;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of encryptedfs's own that run beside its callers (lock waits, forces of asynchronous
 * channels, delayed tail flushes): daemons, so that they never keep a program from exiting, and
 * with no context class loader, since they run no caller code and would otherwise keep the class
 * loader of whichever caller started them reachable (an undeployed web application's, say).
 */
final class DaemonThreads {
  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      t.setContextClassLoader(null);
      return t;
    };
  }
}
