/**
 * Seeded digital head phantom: {@link org.dfbk.data.phantom.PhantomGenerator} builds a tissue
 * model ({@link org.dfbk.data.phantom.Tissue}) and renders T1, T2, FLAIR, PD and CT contrasts from
 * the tissue parameters ({@link org.dfbk.data.phantom.PhantomContrast}); {@code writeDataset}
 * writes it in the generic paired-folder layout {@code <out>/<subject>/<MODALITY>.nii.gz}.
 */
package org.dfbk.data.phantom;
