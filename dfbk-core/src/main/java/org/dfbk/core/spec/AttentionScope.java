package org.dfbk.core.spec;

/** Whether a DFB/KG block attends over the whole feature map or within non-overlapping windows. */
public enum AttentionScope {
  GLOBAL,
  WINDOW
}
