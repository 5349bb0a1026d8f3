package org.dfbk.train.knowledge;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;

/** Builds a {@link TextEncoder} from the configured name (CLI {@code --text-encoder}). */
public final class TextEncoders {

  /** all-MiniLM-L6-v2, embedded (no download, no export folder). */
  public static final String MINILM = "minilm";
  /** The paper's BiomedCLIP text tower; needs an export folder. */
  public static final String BIOMEDCLIP = "biomedclip";
  /** The default encoder name. */
  public static final String DEFAULT = MINILM;

  private TextEncoders() {}

  /** The accepted names. */
  public static List<String> names() {
    return List.of(MINILM, BIOMEDCLIP);
  }

  /**
   * Creates the named encoder.
   *
   * @param name {@code "minilm"} (default when null or blank) or {@code "biomedclip"}
   * @param exportDirOrNull the folder written by {@code scripts/export_biomedclip_text.py}
   *     (CLI {@code --text-encoder-dir}); required for biomedclip, not allowed for minilm
   * @throws ConfigException for an unknown name, a missing or unexpected folder, or a bad export
   */
  public static TextEncoder create(String name, Path exportDirOrNull) {
    String n = name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case MINILM, MiniLmTextEncoder.NAME -> {
        if (exportDirOrNull != null) {
          throw new ConfigException("--text-encoder-dir " + exportDirOrNull + " is only used "
              + "with --text-encoder biomedclip; the minilm encoder is embedded: drop the folder "
              + "or choose biomedclip");
        }
        return MiniLmTextEncoder.load();
      }
      case BIOMEDCLIP -> {
        if (exportDirOrNull == null) {
          throw new ConfigException("--text-encoder biomedclip needs --text-encoder-dir DIR, a "
              + "folder written by " + BiomedClipTextEncoder.EXPORT_SCRIPT
              + " --out DIR (run it once where open_clip and internet are available)");
        }
        return BiomedClipTextEncoder.load(exportDirOrNull);
      }
      default -> throw new ConfigException("unknown text encoder '" + name + "'; expected one "
          + "of " + names());
    }
  }
}
