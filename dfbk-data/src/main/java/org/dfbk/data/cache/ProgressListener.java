package org.dfbk.data.cache;

/** Receives progress of {@link SliceCache#prepare}: one call per finished subject. */
@FunctionalInterface
public interface ProgressListener {
  /** Does nothing. */
  ProgressListener NONE = (done, total, subject) -> {};

  /**
   * @param done subjects finished so far
   * @param total subjects to prepare
   * @param subject the subject just finished
   */
  void subjectDone(int done, int total, String subject);
}
