package org.dfbk.spark;

import java.io.Serializable;

/**
 * One input file and where its translation goes, both as Hadoop file-system URIs.
 *
 * @param input the NIfTI file
 * @param output the prediction file ({@code *_std} beside it with K &gt; 1 samples)
 */
public record WorkItem(String input, String output) implements Serializable {}
