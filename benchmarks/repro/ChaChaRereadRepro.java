import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.*;
/** Reproduces: reading the same CHACHA20-POLY1305 block twice in a row fails on JDK 17. */
public class ChaChaRereadRepro {
  public static void main(String[] a) throws Exception {
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      Path dir = Files.createTempDirectory("repro");
      Map<String,Object> env = new HashMap<>();
      javax.crypto.spec.SecretKeySpec k = new javax.crypto.spec.SecretKeySpec(new byte[32], "AES");
      env.put("key.provider", new io.encryptedfs.keystore.KeyProvider() {
        public javax.crypto.SecretKey masterKey(String s) { return k; }
        public Set<String> aliases() { return Set.of("master"); }
        public void close() {} });
      env.put("key.alias", "master"); env.put("algorithm", alg); env.put("block.size", "4096"); env.put("create", "true");
      try (FileSystem fs = io.encryptedfs.EncryptedFileSystems.newFileSystem(dir, env)) {
        Path p = fs.getPath("/f.bin");
        Files.write(p, new byte[3 * 4096]);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
          ByteBuffer b = ByteBuffer.allocate(4096);
          for (int i = 0; i < 2; i++) {
            b.clear();
            try { ch.read(b, 0); System.out.println(alg + " read #" + (i + 1) + " of block 0: ok"); }
            catch (Exception e) { System.out.println(alg + " read #" + (i + 1) + " of block 0: " + e + " cause=" ); }
          }
        }
      }
    }
  }
}
