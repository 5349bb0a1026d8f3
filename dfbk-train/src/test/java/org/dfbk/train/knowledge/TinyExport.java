package org.dfbk.train.knowledge;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The tiny TorchScript text tower made by scripts/make_tiny_torchscript_bert.py. */
final class TinyExport {
  private TinyExport() {}

  /** The export folder among the test resources. */
  static Path dir() {
    URL url = TinyExport.class.getResource("tiny-bert/text_encoder.json");
    if (url == null) {
      throw new IllegalStateException("test resource tiny-bert/text_encoder.json is missing; "
          + "run /usr/bin/python3 scripts/make_tiny_torchscript_bert.py --out "
          + "dfbk-train/src/test/resources/org/dfbk/train/knowledge/tiny-bert");
    }
    try {
      return Paths.get(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
