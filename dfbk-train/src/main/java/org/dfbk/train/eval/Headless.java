package org.dfbk.train.eval;

/**
 * Makes AWT headless unless the JVM was started with an explicit {@code java.awt.headless}
 * setting: the figures only draw into {@code BufferedImage}s, and AWT otherwise tries to connect
 * to the X server named by {@code DISPLAY} (and fails when that one is unreachable, as on a
 * cluster node reached over ssh). Called from the static initialiser of each class that draws.
 */
final class Headless {
  private Headless() {}

  static void ensure() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }
}
