#!/usr/bin/python3
"""Writes the golden file of the SynthRAD 2023 image metrics (dfbk eval --protocol synthrad2023).

Run with Debian's python (scikit-image 0.19.3, scipy 1.10, numpy 1.24):

    /usr/bin/python3 scripts/reference/make_synthrad2023_golden.py

Output: dfbk-train/src/test/resources/golden/synthrad2023.json

The three functions below restate the rules of the challenge's functions/image_metrics.py
(class ImageMetrics) from its description: MAE over the mask, unclipped; PSNR after clipping to
[-1024, 3000] over the mask voxels with data range 4024; SSIM after clipping, with the voxels
outside the mask set to -1024 and everything shifted by +1024, by scikit-image's default
structural_similarity on the whole volume, its map averaged over the mask after cropping 3
voxels. The ssim function takes the mask array (the challenge's score_patient passes the mask
image; the array is what it means).

The CT pair is generated: a body (ellipsoid) of soft tissue with a bone shell and a metal insert
above 3000 HU, air outside the body and a -2000 HU outside-the-scan region below -1024; the
prediction is the truth smoothed, biased and noisy, with values beyond both clip bounds inside
the mask, so that the unclipped MAE differs from a clipped one. All values are multiples of
1/16 HU, exact in float32, so that the Java side receives the very numbers computed on here.

Two paths are recorded: "expected" on float64 arrays (what the Java implementation computes),
and "float32_path", the challenge's score_patient route that casts the images to float32 first,
with which scikit-image 0.19 computes SSIM in float32 arithmetic.
"""
import json
import os

import numpy as np
from scipy import ndimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "dfbk-train", "src", "test",
                   "resources", "golden", "synthrad2023.json")
LOW, HIGH = -1024.0, 3000.0
PAD = 3  # (7 - 1) // 2, scikit-image's crop for its default 7-voxel window


def inner(a):
    return a[tuple(slice(PAD, n - PAD) for n in a.shape)]


def official_mae(gt, pred, mask):
    m = (mask > 0).astype(np.float64)
    return float(np.sum(np.abs(gt * m - pred * m)) / m.sum())


def official_psnr(gt, pred, mask):
    sel = mask > 0
    g = np.minimum(np.maximum(gt, LOW), HIGH)[sel]
    p = np.minimum(np.maximum(pred, LOW), HIGH)[sel]
    return float(peak_signal_noise_ratio(g, p, data_range=HIGH - LOW))


def official_ssim(gt, pred, mask):
    sel = mask > 0
    g = np.where(sel, np.clip(gt, LOW, HIGH), LOW) - LOW
    p = np.where(sel, np.clip(pred, LOW, HIGH), LOW) - LOW
    _, smap = structural_similarity(g, p, data_range=HIGH - LOW, full=True)
    return float(inner(smap)[inner(sel)].mean(dtype=np.float64))


def sixteenth(x):
    return np.round(np.asarray(x, dtype=np.float64) * 16) / 16


def ct_pair(rng, shape):
    d, h, w = shape
    z, y, x = np.meshgrid(np.linspace(-1, 1, d), np.linspace(-1, 1, h), np.linspace(-1, 1, w),
                          indexing="ij")
    r = np.sqrt((x / 0.8) ** 2 + (y / 0.7) ** 2 + (z / 1.3) ** 2)
    body = r < 0.9
    gt = np.full(shape, -1000.0)
    gt[np.abs(x) > 0.95] = -2000.0  # outside the scan: below the lower clip bound
    gt[body] = 40.0 + 25.0 * np.sin(6 * x[body]) * np.cos(4 * y[body])
    shell = body & (r > 0.75)
    gt[shell] = 1200.0 + 600.0 * np.cos(5 * z[shell])
    metal = (np.abs(x - 0.2) < 0.12) & (np.abs(y) < 0.12) & body
    gt[metal] = 3600.0  # above the upper clip bound
    gt += rng.normal(0, 8, shape)
    pred = ndimage.gaussian_filter(gt, 0.8) * 0.97 + 15.0 + rng.normal(0, 30, shape)
    inside = np.argwhere(body)
    for k in rng.choice(len(inside), 12, replace=False):  # predictions beyond the clip range
        pred[tuple(inside[k])] = 3500.0 if k % 2 else -1600.0
    return sixteenth(gt), sixteenth(pred), body


def metrics(gt, pred, mask):
    return {"mae": official_mae(gt, pred, mask), "psnr": official_psnr(gt, pred, mask),
            "ssim": official_ssim(gt, pred, mask)}


def main():
    rng = np.random.default_rng(2023)
    shape = (12, 30, 26)
    gt, pred, mask = ct_pair(rng, shape)
    expected = metrics(gt, pred, mask)
    f32 = metrics(gt.astype(np.float32), pred.astype(np.float32), mask.astype(np.float32))
    sel = mask > 0
    clipped_mae = float(np.mean(np.abs(np.clip(gt, LOW, HIGH) - np.clip(pred, LOW, HIGH))[sel]))
    out = {
        "source": "scripts/reference/make_synthrad2023_golden.py, scikit-image 0.19.3",
        "shape": list(shape),
        "gt": gt.ravel().tolist(),
        "pred": pred.ravel().tolist(),
        "mask": mask.ravel().astype(int).tolist(),
        "expected": expected,
        "float32_path": f32,
        "clipped_mae": clipped_mae,
        "mask_voxels": int(sel.sum()),
        "beyond_clip_range": int(((gt < LOW) | (gt > HIGH) | (pred < LOW) | (pred > HIGH))[sel].sum()),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(json.dumps({k: out[k] for k in ("expected", "float32_path", "clipped_mae",
                                          "mask_voxels", "beyond_clip_range")}, indent=1))


if __name__ == "__main__":
    main()
