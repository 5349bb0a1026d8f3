#!/usr/bin/python3
"""Writes the golden file of the structure metrics: MS-SSIM (2-D and 3-D), GMSD and the Haar
band errors.

Run with Debian's python (numpy 1.24, scipy 1.10, PyWavelets 1.1):

    /usr/bin/python3 scripts/reference/make_structure_goldens.py

Output: dfbk-train/src/test/resources/golden/structure-metrics.json

Each metric is written here from its paper, independently of the Java code:

- MS-SSIM (Wang, Simoncelli, Bovik 2003): Gaussian window (sigma 1.5, 11 taps) applied by direct
  'valid' convolution (scipy.signal.convolve), K1 0.01, K2 0.03, population covariance; 2x2(x2)
  block means between scales, an odd last row/column/plane dropped; weights 0.0448, 0.2856,
  0.3001, 0.2363, 0.1333; when the image is too small for five scales, the largest number of
  scales whose coarsest one still holds the window, with the weights renormalised; negative
  terms taken as 0.
- GMSD (Xue et al. 2014, the authors' MATLAB code): 2x2 block mean with zero padding, every
  second sample; Prewitt gradients with zero padding (scipy.ndimage.correlate, mode constant);
  T = 170 (R/255)^2; standard deviation with ddof 1; for a volume, the GMS maps of all axial
  slices pooled.
- Band errors: PyWavelets dwt2(x, 'haar', mode='periodization') of truth and prediction,
  ||B(pred) - B(truth)|| / ||B(truth)|| per band; for a volume, the sums over all axial slices.

The images are integer-valued (0..255, data range 255) and built from integer arithmetic that
the Java test repeats exactly (see pattern()), so the file holds parameters and results only.
Arrays are numpy C order: (H, W) for 2-D, (D, H, W) for 3-D.
"""
import json
import os

import numpy as np
import pywt
from scipy import ndimage, signal

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "dfbk-train", "src", "test",
                   "resources", "golden", "structure-metrics.json")
WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])
R = 255.0


def pattern(shape, seed):
    """Truth and prediction: rings, a checkerboard and hashed noise, all integer arithmetic."""
    idx = np.indices(shape).astype(np.int64)
    x = idx[-1]
    y = idx[-2]
    z = idx[-3] if len(shape) == 3 else np.zeros_like(x)
    flat = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    h1 = ((flat * 2654435761 + seed * 40503) % 2 ** 32) >> 24
    h2 = ((flat * 2246822519 + seed * 3266489917) % 2 ** 32) >> 24
    truth = ((x * x + 2 * y * y + 3 * z * z) // 50 % 4) * 50 + ((x // 8 + y // 8 + z // 8) % 2) * 30 \
        + h1 % 16
    pred = np.clip(truth + h2 % 41 - 20 + np.where(2 * x > shape[-1], 10, 0), 0, 255)
    return truth.astype(np.float64), pred.astype(np.float64)


def gaussian_window(ndim):
    g = np.exp(-0.5 * np.arange(-5, 6) ** 2 / 1.5 ** 2)
    g /= g.sum()
    w = g
    for _ in range(ndim - 1):
        w = np.multiply.outer(w, g)
    return w


def ssim_terms(a, b):
    w = gaussian_window(a.ndim)
    f = lambda v: signal.convolve(v, w, mode="valid", method="direct")
    c1 = (0.01 * R) ** 2
    c2 = (0.03 * R) ** 2
    ma, mb = f(a), f(b)
    va = f(a * a) - ma ** 2
    vb = f(b * b) - mb ** 2
    cov = f(a * b) - ma * mb
    cs = (2 * cov + c2) / (va + vb + c2)
    lum = (2 * ma * mb + c1) / (ma ** 2 + mb ** 2 + c1)
    return float((lum * cs).mean()), float(cs.mean())


def block_mean(a):
    a = a[tuple(slice(0, n - n % 2) for n in a.shape)]
    if a.ndim == 2:
        return (a[0::2, 0::2] + a[0::2, 1::2] + a[1::2, 0::2] + a[1::2, 1::2]) / 4
    return sum(a[i::2, j::2, k::2] for i in (0, 1) for j in (0, 1) for k in (0, 1)) / 8


def ms_ssim(a, b):
    scales = 1
    while scales < 5 and min(a.shape) // 2 ** scales >= 11:
        scales += 1
    w = WEIGHTS[:scales] / WEIGHTS[:scales].sum()
    value = 1.0
    for j in range(scales):
        s, cs = ssim_terms(a, b)
        term = max(s if j == scales - 1 else cs, 0.0)
        value *= term ** w[j]
        a, b = block_mean(a), block_mean(b)
    return value, scales


def gms_map(a, b):
    def half(v):
        h, w = v.shape
        p = np.zeros((h + h % 2, w + w % 2))
        p[:h, :w] = v
        return (p[0::2, 0::2] + p[0::2, 1::2] + p[1::2, 0::2] + p[1::2, 1::2]) / 4

    px = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]]) / 3.0

    def magnitude(v):
        gx = ndimage.correlate(v, px, mode="constant", cval=0.0)
        gy = ndimage.correlate(v, px.T, mode="constant", cval=0.0)
        return np.sqrt(gx ** 2 + gy ** 2)

    ma, mb = magnitude(half(a)), magnitude(half(b))
    t = 170.0 * (R / 255.0) ** 2
    return (2 * ma * mb + t) / (ma ** 2 + mb ** 2 + t)


def gmsd(a, b):
    if a.ndim == 2:
        return float(np.std(gms_map(a, b), ddof=1))
    pooled = np.concatenate([gms_map(a[k], b[k]).ravel() for k in range(a.shape[0])])
    return float(np.std(pooled, ddof=1))


def band_errors(a, b):
    slices = [(a, b)] if a.ndim == 2 else [(a[k], b[k]) for k in range(a.shape[0])]
    err = np.zeros(4)
    ref = np.zeros(4)
    for s, t in slices:
        ca, (ch, cv, cd) = pywt.dwt2(s, "haar", mode="periodization")
        pa, (ph, pv, pd) = pywt.dwt2(t, "haar", mode="periodization")
        for i, (u, v) in enumerate([(ca, pa), (ch, ph), (cv, pv), (cd, pd)]):
            ref[i] += np.sum(u ** 2)
            err[i] += np.sum((v - u) ** 2)
    return dict(zip(["ll", "lh", "hl", "hh"], np.sqrt(err / ref).tolist()))


def main():
    cases = []
    for name, shape, seed in [("2d-180x190", (180, 190), 1), ("2d-odd-61x53", (61, 53), 2),
                              ("3d-40x46x48", (40, 46, 48), 3), ("3d-odd-23x25x27", (23, 25, 27), 4)]:
        truth, pred = pattern(shape, seed)
        value, scales = ms_ssim(truth, pred)
        case = {"name": name, "shape": list(shape), "seed": seed, "data_range": R,
                "ms_ssim": value, "ms_ssim_scales": scales, "gmsd": gmsd(truth, pred),
                "band_errors": band_errors(truth, pred),
                "truth_sum": float(truth.sum()), "pred_sum": float(pred.sum())}
        cases.append(case)
        print(name, scales, value, case["gmsd"], case["band_errors"])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "scripts/reference/make_structure_goldens.py", "cases": cases}, f,
                  indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
