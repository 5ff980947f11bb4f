package io.encryptedfs.channel;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a synchronized method is on the calling thread's stack, and so holds a monitor around
 * this call: the JDK's streams over a channel ({@code Channels.newInputStream}, which {@code
 * Files.readAllBytes} and {@code readString} read through, and {@code newOutputStream}) are such
 * methods, and so are a caller's own. A {@code synchronized} block is not seen: only methods say so
 * in their modifiers. The answer for each method is kept, since the stack of a server's thread
 * repeats.
 */
final class SynchronizedFrames {
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final Map<String, Boolean> SYNCHRONIZED = new ConcurrentHashMap<>();

  private SynchronizedFrames() {}

  static boolean onStack() {
    return WALKER.walk(frames -> frames.anyMatch(SynchronizedFrames::isSynchronized));
  }

  private static boolean isSynchronized(StackWalker.StackFrame frame) {
    Class<?> owner = frame.getDeclaringClass();
    String key = owner.getName() + '.' + frame.getMethodName() + frame.getDescriptor();
    return SYNCHRONIZED.computeIfAbsent(key, k -> declaredSynchronized(owner, frame));
  }

  private static boolean declaredSynchronized(Class<?> owner, StackWalker.StackFrame frame) {
    MethodType type = frame.getMethodType();
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(frame.getMethodName())
          && m.getReturnType() == type.returnType()
          && Arrays.equals(m.getParameterTypes(), type.parameterArray())) {
        return Modifier.isSynchronized(m.getModifiers());
      }
    }
    return false; // a constructor, or a frame the JDK hides
  }
}
