package org.dfbk.core.nn;

/** Whether a DFB/KG block attends over the whole feature map or within non-overlapping windows. */
public enum AttentionScope {
  GLOBAL,
  WINDOW
}
