package org.dfbk.cli.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.data.transform.ModalityKind;

/**
 * How the choices of a config are written: lower case ({@code global}, {@code fp16},
 * {@code brats2023}), except the frequency-band modes {@code L}, {@code H}, {@code LH} and the
 * modality kinds {@code MR}, {@code CT}. Reading ignores the letter case.
 */
final class ConfigValues {
  private ConfigValues() {}

  /** The spelling of a choice in a config and in {@code dfbk config show}. */
  static String spell(Enum<?> e) {
    boolean band = (e instanceof DfbMode || e instanceof KgMode) && e.name().matches("L|H|LH");
    return band || e instanceof ModalityKind ? e.name() : e.name().toLowerCase(Locale.ROOT);
  }

  /** The allowed spellings of an enum type, comma-separated. */
  static String allowed(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(v -> spell((Enum<?>) v))
        .collect(Collectors.joining(", "));
  }
}
