package org.dfbk.data.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.junit.jupiter.api.Test;

/** The channel order and edge rule of the condition y_0. */
class ConditionLayoutTest {
  @Test
  void oneSourceWithoutContextIsTheSingleChannelOfThePaper() {
    ConditionLayout l = ConditionLayout.single("T1");
    assertEquals(1, l.channels());
    assertEquals(List.of("source:T1"), l.channelNames());
    assertEquals(0, l.offset(0));
  }

  @Test
  void channelsAreTheSourcesOwnSlicesThenNeighboursByDistance() {
    ConditionLayout l = new ConditionLayout(List.of("T1", "T2"), 2);
    assertEquals(10, l.channels());
    assertEquals(List.of("source:T1", "source:T2", "source:T1@-1", "source:T2@-1",
        "source:T1@+1", "source:T2@+1", "source:T1@-2", "source:T2@-2", "source:T1@+2",
        "source:T2@+2"), l.channelNames());
    int[] offsets = {0, 0, -1, -1, 1, 1, -2, -2, 2, 2};
    int[] sources = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    for (int c = 0; c < l.channels(); c++) {
      assertEquals(offsets[c], l.offset(c), "offset of channel " + c);
      assertEquals(sources[c], l.source(c), "source of channel " + c);
    }
    assertEquals(l, ConditionLayout.fromChannelNames(l.channelNames()));
  }

  @Test
  void neighboursBeyondTheVolumeRepeatTheEdgeSlice() {
    ConditionLayout l = new ConditionLayout(List.of("T1"), 2);
    // channels: 0 (own), -1, +1, -2, +2; a volume of 5 slices 0..4
    assertEquals(List.of(0, 0, 1, 0, 2), List.of(l.sliceIndex(0, 0, 5), l.sliceIndex(1, 0, 5),
        l.sliceIndex(2, 0, 5), l.sliceIndex(3, 0, 5), l.sliceIndex(4, 0, 5)));
    assertEquals(List.of(4, 3, 4, 2, 4), List.of(l.sliceIndex(0, 4, 5), l.sliceIndex(1, 4, 5),
        l.sliceIndex(2, 4, 5), l.sliceIndex(3, 4, 5), l.sliceIndex(4, 4, 5)));
    assertEquals(List.of(1, 0, 2, 0, 3), List.of(l.sliceIndex(0, 1, 5), l.sliceIndex(1, 1, 5),
        l.sliceIndex(2, 1, 5), l.sliceIndex(3, 1, 5), l.sliceIndex(4, 1, 5)));
  }

  @Test
  void rejectsRepeatedSourcesAndContextOutOfRange() {
    ConfigException twice = assertThrows(ConfigException.class,
        () -> new ConditionLayout(List.of("T1", "t1"), 0));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    assertThrows(ConfigException.class, () -> new ConditionLayout(List.of("T1"), -1));
    assertThrows(ConfigException.class,
        () -> new ConditionLayout(List.of("T1"), ConditionLayout.MAX_CONTEXT + 1));
    assertThrows(ConfigException.class, () -> new ConditionLayout(List.of(), 0));
    assertThrows(IllegalArgumentException.class,
        () -> ConditionLayout.fromChannelNames(List.of("source:T1@-1", "source:T1")));
  }
}
