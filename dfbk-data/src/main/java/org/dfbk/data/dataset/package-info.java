/**
 * Dataset folder layouts and subject-level splits.
 *
 * <table>
 *   <caption>Layouts and their canonical modality names</caption>
 *   <tr><th>name</th><th>folder</th><th>modalities</th></tr>
 *   <tr><td>brats2023</td><td>{@code BraTS-GLI-XXXXX-YYY/BraTS-GLI-XXXXX-YYY-<suffix>.nii.gz}</td>
 *       <td>t1n → T1, t1c → T1C, t2w → T2, t2f → FLAIR, seg → SEG</td></tr>
 *   <tr><td>isles2015</td><td>{@code <case>/VSD.Brain.XX.O.MR_<seq>.<id>/….nii}</td>
 *       <td>MR_Flair → FLAIR, MR_T1 → T1, MR_T2 → T2, MR_DWI → DWI, OT → SEG</td></tr>
 *   <tr><td>synthrad2023</td><td>{@code 1B{A,B,C}NNN/{mr,ct,mask}.nii.gz}</td>
 *       <td>mr → MR, ct → CT, mask → MASK</td></tr>
 *   <tr><td>paired</td><td>{@code <subject>/<MODALITY>.nii[.gz]}</td>
 *       <td>file name without extension, upper-cased</td></tr>
 * </table>
 *
 * Modality names are matched case-insensitively by {@link org.dfbk.data.dataset.Subject#require}.
 * Splits ({@link org.dfbk.data.dataset.SubjectSplit}) assign whole subjects, never slices.
 */
package org.dfbk.data.dataset;
