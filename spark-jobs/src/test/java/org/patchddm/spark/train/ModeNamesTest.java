package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.patchddm.model.patch.TrainingMode;

class ModeNamesTest {

  @Test
  void everyModeHasANameThatParsesBack() {
    for (TrainingMode m : TrainingMode.values()) {
      assertEquals(m, ModeNames.parse(ModeNames.cliName(m.name())));
    }
    assertEquals(TrainingMode.PATCH_NO_COORDS, ModeNames.parse("PatchDDM-NoCoords"));
  }

  @Test
  void anUnknownNameListsTheNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModeNames.parse("patches"));
    assertTrue(e.getMessage().contains("patchddm-nocoords"), e.getMessage());
  }
}
