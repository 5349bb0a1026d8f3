#!/usr/bin/python3
"""How much of a translation's error is a wrong intensity scale, and how much wrong structure.

For each prediction/truth pair (NIfTI, same grid), both normalised as `dfbk eval` does (each
volume divided by the 99.5th percentile of its voxels > 0, clipped to [0, 1]), over the
foreground of the truth (voxels > 0):

  psnr         3-D PSNR over the whole volume (data range 1), as `dfbk eval`'s volume PSNR
  psnr_affine  the same after the least-squares affine map a * pred + b fitted inside the
               foreground (the best any global intensity recalibration could do)
  a, b         that map
  ratio        mean(pred) / mean(truth) inside the foreground
  r            Pearson correlation inside the foreground (structure, scale-free)
  mid_pred, mid_truth
               the mean of each image over the truth's voxels between its 40th and 60th
               foreground percentile (normal-appearing tissue: an intensity level check)

A large gain from psnr to psnr_affine says the network's structure is right and its intensity
level is off (a normalisation matter); a small gain with a low r says the structure is wrong.

Usage: intensity_gap.py PRED TRUTH [PRED TRUTH ...]
"""
import sys

import nibabel as nib
import numpy as np


def normalised(path):
    v = np.asarray(nib.load(path).dataobj, dtype=np.float64)
    fg = v[v > 0]
    p = np.percentile(fg, 99.5)
    return np.clip(v / p, 0, 1)


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return 10 * np.log10(1.0 / mse)


def main(args):
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__)
    for pred_path, truth_path in zip(args[0::2], args[1::2]):
        pred = normalised(pred_path)
        truth = normalised(truth_path)
        raw = np.asarray(nib.load(truth_path).dataobj, dtype=np.float64)
        mask = raw > 0
        x = pred[mask]
        y = truth[mask]
        a, b = np.polyfit(x, y, 1)
        fitted = pred.copy()
        fitted[mask] = np.clip(a * x + b, 0, 1)
        lo, hi = np.percentile(y, [40, 60])
        mid = (y >= lo) & (y <= hi)
        print(f"{pred_path}: psnr {psnr(pred, truth):.2f} psnr_affine {psnr(fitted, truth):.2f}"
              f" a {a:.3f} b {b:.3f} ratio {x.mean() / y.mean():.3f}"
              f" r {np.corrcoef(x, y)[0, 1]:.3f}"
              f" mid_pred {x[mid].mean():.3f} mid_truth {y[mid].mean():.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
