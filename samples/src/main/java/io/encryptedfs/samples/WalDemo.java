package io.encryptedfs.samples;

/** Placeholder; the demo lands with the core. */
public final class WalDemo {
  public static void main(String[] args) {
    System.out.println("encryptedfs demo: not yet");
  }
}
