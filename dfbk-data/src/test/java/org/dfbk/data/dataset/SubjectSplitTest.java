package org.dfbk.data.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubjectSplitTest {
  @TempDir Path dir;

  private static List<Subject> subjects(int n) {
    List<Subject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Subject(String.format(Locale.ROOT, "s%02d", i), Path.of("/data/s" + i),
          Map.of()));
    }
    return out;
  }

  @Test
  void fractionsGiveRoundedDisjointCoveringSplits() {
    SubjectSplit s = SubjectSplit.assign(subjects(10), SplitSpec.fractions(0.7, 0.15), 42);
    // round(10 * 0.7) = 7, round(10 * 0.15) = round(1.5) = 2, rest 1
    assertEquals(7, s.train().size());
    assertEquals(2, s.val().size());
    assertEquals(1, s.test().size());
    Set<String> all = new HashSet<>(s.train());
    all.addAll(s.val());
    all.addAll(s.test());
    assertEquals(10, all.size(), "splits overlap or miss subjects: " + s);
  }

  @Test
  void shuffleIsSeededAndIndependentOfInputOrder() {
    List<Subject> subjects = subjects(20);
    SubjectSplit a = SubjectSplit.assign(subjects, SplitSpec.fractions(0.5, 0.25), 3);
    List<Subject> reversed = new ArrayList<>(subjects);
    java.util.Collections.reverse(reversed);
    assertEquals(a, SubjectSplit.assign(reversed, SplitSpec.fractions(0.5, 0.25), 3));
    assertNotEquals(a, SubjectSplit.assign(subjects, SplitSpec.fractions(0.5, 0.25), 4));
  }

  @Test
  void listFilesDecideTheSplitAndIgnoreCommentsAndBlanks() throws IOException {
    Path train = Files.writeString(dir.resolve("train.txt"), "# training\ns03\n\n s01 \n");
    Path test = Files.writeString(dir.resolve("test.txt"), "s00\n");
    SubjectSplit s = SubjectSplit.assign(subjects(5), SplitSpec.lists(train, null, test), 0);
    assertEquals(List.of("s01", "s03"), s.train());
    assertEquals(List.of(), s.val());
    assertEquals(List.of("s00"), s.test());
    assertEquals(null, s.splitOf("s02"));
  }

  @Test
  void listWithUnknownIdNamesFileLineAndId() throws IOException {
    Path train = Files.writeString(dir.resolve("train.txt"), "s01\ns99\n");
    DataException e = assertThrows(DataException.class,
        () -> SubjectSplit.assign(subjects(3), SplitSpec.lists(train, null, null), 0));
    assertTrue(e.getMessage().contains("train.txt line 2") && e.getMessage().contains("s99"),
        e.getMessage());
  }

  @Test
  void subjectInTwoListsIsRejected() throws IOException {
    Path train = Files.writeString(dir.resolve("train.txt"), "s01\n");
    Path val = Files.writeString(dir.resolve("val.txt"), "s01\n");
    DataException e = assertThrows(DataException.class,
        () -> SubjectSplit.assign(subjects(3), SplitSpec.lists(train, val, null), 0));
    assertTrue(e.getMessage().contains("s01") && e.getMessage().contains("train")
        && e.getMessage().contains("val"), e.getMessage());
  }

  @Test
  void fractionsAboveOneAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> SplitSpec.fractions(0.8, 0.3));
    assertTrue(e.getMessage().contains("0.8") && e.getMessage().contains("0.3"), e.getMessage());
  }
}
