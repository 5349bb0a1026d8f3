package org.dfbk.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Row names of `dfbk eval --ablation`: the shortest distinguishing path ending. */
class EvalSettingNamesTest {
  @Test
  void distinctFolderNamesAreKept() {
    assertEquals(List.of("dfb-eval", "kg-eval"),
        EvalCommand.settingNames(List.of(Path.of("r/dfb-eval"), Path.of("r/kg-eval")),
            "--ablation"));
  }

  @Test
  void aSharedLastFolderIsDropped() {
    assertEquals(List.of("dfb", "kg"),
        EvalCommand.settingNames(List.of(Path.of("r/t/dfb/eval"), Path.of("r/t/kg/eval")),
            "--ablation"));
  }

  @Test
  void sameSettingOfTwoTasksKeepsTheTask() {
    assertEquals(List.of("a/dfb", "b/dfb"),
        EvalCommand.settingNames(List.of(Path.of("r/a/dfb/eval"), Path.of("r/b/dfb/eval")),
            "--compare"));
  }
}
