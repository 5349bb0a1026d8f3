package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class ModelSummaryCliTest {
  private static Path config(String name) {
    return Paths.get("").toAbsolutePath().getParent().resolve("configs").resolve(name);
  }

  /** The 192-px paper config without KG text (text width fixed) keeps the pinned backbone size. */
  @Test
  void paperConfigSummaryReportsTheBackboneCount() {
    CliTest.Result r = CliTest.run("model", "summary", "--config",
        config("brats-t1-t2.yaml").toString(), "--json", "--text-dim", "768");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    String json = o.toString();
    assertTrue(json.contains("195604433"), "backbone parameters of the 192-px network: " + json);
    assertTrue(json.contains("275263345"), "total with DFB and KG (text width 768): " + json);
  }

  @Test
  void missingConfigIsUsageError() {
    CliTest.Result r = CliTest.run("model", "summary", "--config", "nope.yaml");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
  }
}
