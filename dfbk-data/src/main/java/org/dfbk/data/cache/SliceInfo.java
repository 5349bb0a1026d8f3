package org.dfbk.data.cache;

import org.dfbk.data.transform.SliceTransform;

/**
 * Provenance of one cached slice pair.
 *
 * @param subject subject id
 * @param split "train", "val" or "test"
 * @param transform slice index, axis, crop/pad box, resize and both normalisations
 */
public record SliceInfo(String subject, String split, SliceTransform transform) {}
