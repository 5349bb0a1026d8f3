package org.dfbk.train.knowledge;

import java.util.List;
import java.util.Locale;

/**
 * The text knowledge of one translation task (paper Eq. 9–10: the text embedding c): an ordered
 * list of prompts, typically a description of the source modality, one of the target modality
 * and a task sentence, for example
 *
 * <pre>
 * Axial T1-weighted brain MR image: white matter brighter than grey matter, dark CSF.
 * Axial T2-weighted brain MR image: hyperintense CSF, grey matter brighter than white matter.
 * Translate the T1-weighted image into the T2-weighted image of the same slice.
 * </pre>
 *
 * <p>Prompts come from the run configuration; their text (exactly, including case and spaces)
 * is part of the knowledge-cache key.
 *
 * @param prompts one or more non-blank prompts, in order
 */
public record PromptSet(List<String> prompts) {

  /** Validates and copies the list. */
  public PromptSet {
    if (prompts == null || prompts.isEmpty()) {
      throw new IllegalArgumentException("a prompt set needs at least one prompt, found "
          + prompts);
    }
    for (int i = 0; i < prompts.size(); i++) {
      String p = prompts.get(i);
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException("prompt " + i + " is blank in " + prompts);
      }
    }
    prompts = List.copyOf(prompts);
  }

  /** A prompt set of the given prompts, in order. */
  public static PromptSet of(String... prompts) {
    return new PromptSet(List.of(prompts));
  }

  /**
   * The usual three prompts of a translation task: the two modality descriptions and the
   * sentence "Translate the {@code sourceName} image into the {@code targetName} image."
   */
  public static PromptSet forTranslation(String sourceDescription, String targetDescription,
      String sourceName, String targetName) {
    return of(sourceDescription, targetDescription, String.format(Locale.ROOT,
        "Translate the %s image into the %s image.", sourceName, targetName));
  }

  /** Number of prompts. */
  public int size() {
    return prompts.size();
  }
}
