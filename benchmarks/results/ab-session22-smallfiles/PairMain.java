import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Session 22's paired A/B: each jar in its own class loader in one JVM, batches of files run in
 * turn (order alternating), thread CPU per file per batch. Load from other programs hits the arms
 * alike within a few seconds, so per-round differences and medians say more than separate runs.
 * Args: impl warmFiles batchFiles rounds jar...
 */
public class PairMain {
  public static void main(String[] a) throws Exception {
    String impl = a[0];
    int warm = Integer.parseInt(a[1]), batch = Integer.parseInt(a[2]), rounds = Integer.parseInt(a[3]);
    String[] jars = Arrays.copyOfRange(a, 4, a.length);
    List<AutoCloseable> arms = new ArrayList<>();
    List<java.lang.reflect.Method> batches = new ArrayList<>();
    for (String jar : jars) {
      ClassLoader l = new URLClassLoader(new URL[] {Path.of("/tmp/ab22/drv/").toUri().toURL(),
          Path.of("/tmp/ab22/" + jar + ".jar").toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      Class<?> c = l.loadClass("io.encryptedfs.benchmarks.Arm");
      AutoCloseable arm = (AutoCloseable) c.getConstructor(String.class).newInstance(impl);
      arms.add(arm);
      batches.add(c.getMethod("batch", int.class));
    }
    for (int i = 0; i < jars.length; i++) {
      batches.get(i).invoke(arms.get(i), warm);
    }
    double[][] us = new double[jars.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < jars.length; k++) {
        int i = r % 2 == 0 ? k : jars.length - 1 - k;
        us[i][r] = (long) batches.get(i).invoke(arms.get(i), batch) / 1e3 / batch;
      }
    }
    for (int i = 0; i < jars.length; i++) {
      double[] s = us[i].clone();
      Arrays.sort(s);
      double[] d = new double[rounds];
      for (int r = 0; r < rounds; r++) d[r] = us[i][r] - us[0][r];
      Arrays.sort(d);
      System.out.printf("%s %s cpu_us/file min %.2f q1 %.2f median %.2f q3 %.2f | vs %s: median diff %.2f (q1 %.2f, q3 %.2f)%n",
          jars[i], impl, s[0], s[rounds / 4], s[rounds / 2], s[3 * rounds / 4], jars[0], d[rounds / 2], d[rounds / 4], d[3 * rounds / 4]);
    }
    for (AutoCloseable arm : arms) arm.close();
  }
}
