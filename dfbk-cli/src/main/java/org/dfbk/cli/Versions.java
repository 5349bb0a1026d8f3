package org.dfbk.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Versions baked in at build time. */
public final class Versions implements IVersionProvider {
  private static final Properties PROPS = load();

  public static String dfbk() {
    return PROPS.getProperty("version", "unknown");
  }

  public static String djl() {
    return PROPS.getProperty("djl", "unknown");
  }

  public static String pytorch() {
    return PROPS.getProperty("pytorch", "unknown");
  }

  @Override
  public String[] getVersion() {
    return new String[] {"dfbk " + dfbk() + " (DJL " + djl() + ", PyTorch " + pytorch() + ")"};
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
