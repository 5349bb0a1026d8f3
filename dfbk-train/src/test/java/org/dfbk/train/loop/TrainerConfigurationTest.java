package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigurationTest {
  private static TrainerBuilder builder(TrainerConfig c, List<TrainingModel> models, Path dir,
      BatchSource source) {
    return Trainer.builder().setConfig(c)
        .setObjective(new DiffusionObjective(ResShiftSchedule.paperDefault(), c.loss()))
        .setReplicas(models).setBatchSource(source).setRunDirectory(dir);
  }

  @Test
  void fp16IsRefusedOnCpu(@TempDir Path dir) {
    TrainerConfig c = TrainerFixtures.smallConfig().precision(Precision.FP16).build();
    try (NDManager m = NDManager.newBaseManager()) {
      ConfigException e = assertThrows(ConfigException.class, () -> builder(c,
          List.of(TrainerFixtures.tinyModel(m, 1, 4)), dir, TrainerFixtures.smoothPairs(1, 4))
          .build());
      assertTrue(e.getMessage().contains("fp16 needs a GPU"), e.getMessage());
    }
  }

  @Test
  void batchMustSplitEvenlyOverReplicasAndMicroBatches(@TempDir Path dir) {
    TrainerConfig c = TrainerFixtures.smallConfig().batchSize(4).accumulationSteps(3).build();
    try (NDManager m = NDManager.newBaseManager()) {
      ConfigException e = assertThrows(ConfigException.class, () -> builder(c,
          List.of(TrainerFixtures.tinyModel(m, 1, 4)), dir, TrainerFixtures.smoothPairs(1, 4))
          .build());
      assertTrue(e.getMessage().contains("TrainerConfig.batchSize 4")
          && e.getMessage().contains("1 × 3"),
          e.getMessage());
    }
  }

  @Test
  void replicasOfDifferentModelsAreRejected(@TempDir Path dir) {
    TrainerConfig c = TrainerFixtures.smallConfig().build();
    try (NDManager m = NDManager.newBaseManager()) {
      ConfigException e = assertThrows(ConfigException.class, () -> builder(c,
          List.of(TrainerFixtures.tinyModel(m, 1, 4), TrainerFixtures.tinyModel(m, 1, 8)), dir,
          TrainerFixtures.smoothPairs(1, 4)).build());
      assertTrue(e.getMessage().contains("has shape"), e.getMessage());
    }
  }

  @Test
  void aBatchOfTheWrongSizeNamesTheStep(@TempDir Path dir) {
    TrainerConfig c = TrainerFixtures.smallConfig().batchSize(4).build();
    try (NDManager m = NDManager.newBaseManager()) {
      try (Trainer t = builder(c, List.of(TrainerFixtures.tinyModel(m, 1, 4)), dir,
          TrainerFixtures.smoothPairs(1, 2)).build()) {
        DataException e = assertThrows(DataException.class, t::fit);
        assertTrue(e.getMessage().contains("B = 4") && e.getMessage().contains("step 0"),
            e.getMessage());
      }
    }
  }

  @Test
  void errorsNameTheBuilderSetting() {
    ConfigException val = assertThrows(ConfigException.class,
        () -> TrainerFixtures.smallConfig().validateEvery(-1).build());
    assertTrue(val.getMessage().startsWith("TrainerConfig.validateEvery must be")
        && val.getMessage().contains("found -1"), val.getMessage());
    ConfigException loss = assertThrows(ConfigException.class,
        () -> TrainerFixtures.smallConfig().loss(null).build());
    assertTrue(loss.getMessage().startsWith("TrainerConfig.loss must be weighted or mse"),
        loss.getMessage());
    ConfigException eps = assertThrows(ConfigException.class,
        () -> TrainerFixtures.smallConfig().epsilon(0).build());
    assertTrue(eps.getMessage().startsWith("TrainerConfig.epsilon must be a number > 0"),
        eps.getMessage());
  }

  @Test
  void missingBuilderPartsAreListed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().build());
    assertTrue(e.getMessage().contains("setBatchSource"), e.getMessage());
  }
}
