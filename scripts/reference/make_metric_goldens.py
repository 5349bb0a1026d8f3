#!/usr/bin/python3
"""Writes the golden files of the image metrics, baselines and statistics.

Run with Debian's python (scikit-image 0.19.3, scipy 1.10, numpy 1.24):

    /usr/bin/python3 scripts/reference/make_metric_goldens.py

Output: dfbk-train/src/test/resources/golden/{metrics-2d,metrics-3d,metrics-ct,histmatch,stats}.json

Array layout: every image is stored flat in numpy C order together with its numpy shape. For a
2-D array of shape (H, W) the last axis is the fastest, so the Java grid is nx = W, ny = H; for a
3-D array (D, H, W) it is nx = W, ny = H, nz = D. Image values are float32 numbers (the Java API
takes float[]); every metric is computed in float64, as scikit-image does for float64 input.
"""
import json
import os

import numpy as np
from scipy import stats
from skimage.exposure import match_histograms
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "dfbk-train", "src", "test",
                   "resources", "golden")
PAD = 5  # (win_size - 1) // 2 for sigma 1.5, truncate 3.5


def ssim_full(a, b, data_range):
    return structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=data_range, full=True)


def crop(arr):
    return arr[tuple(slice(PAD, s - PAD) for s in arr.shape)]


def metric_case(name, a, b, mask, data_range):
    mssim, smap = ssim_full(a, b, data_range)
    diff = a - b
    masked_ssim = float(crop(smap)[crop(mask)].mean())
    return {
        "name": name,
        "shape": list(a.shape),
        "data_range": data_range,
        "a": a.ravel().tolist(),
        "b": b.ravel().tolist(),
        "mask": mask.ravel().astype(int).tolist(),
        "ssim": float(mssim),
        "psnr": float(peak_signal_noise_ratio(a, b, data_range=data_range)),
        "mae": float(np.abs(diff).mean()),
        "masked_ssim": masked_ssim,
        "masked_psnr": float(10 * np.log10(data_range ** 2 / np.mean(diff[mask] ** 2))),
        "masked_mae": float(np.abs(diff[mask]).mean()),
        # a few SSIM map values (flat C-order index -> value) to pin the map itself
        "ssim_map_samples": {str(i): float(smap.ravel()[i])
                             for i in np.linspace(0, smap.size - 1, 7).astype(int)},
    }


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def smooth_pair(rng, shape):
    """A structured target and a noisy, blurred, intensity-shifted prediction in [0, 1]."""
    grids = np.meshgrid(*[np.linspace(-1, 1, s) for s in shape], indexing="ij")
    r2 = sum(g ** 2 for g in grids)
    target = np.clip(0.8 * np.exp(-2.0 * r2) + 0.15 * np.sin(5 * grids[-1]) ** 2, 0, 1)
    target = target * (r2 < 0.9)
    noise = rng.normal(0, 0.05, shape)
    pred = np.clip(0.9 * target + 0.04 + noise, 0, 1) * (r2 < 0.95)
    mask = r2 < 0.9
    return f32(target), f32(pred), mask


def main():
    rng = np.random.default_rng(20231125)
    os.makedirs(OUT, exist_ok=True)

    cases2d = []
    a = f32(rng.random((23, 31)))
    b = f32(np.clip(a + rng.normal(0, 0.1, a.shape), 0, 1))
    m = rng.random(a.shape) > 0.3
    cases2d.append(metric_case("random-23x31", a, b, m, 1.0))
    t, p, m = smooth_pair(rng, (40, 33))
    cases2d.append(metric_case("phantom-40x33", t, p, m, 1.0))
    a = f32(rng.random((11, 12)) * 2 - 1)
    b = f32(rng.random((11, 12)) * 2 - 1)
    m = np.ones(a.shape, dtype=bool)
    cases2d.append(metric_case("minimum-11x12-range2", a, b, m, 2.0))
    write("metrics-2d.json", {"source": "scikit-image 0.19.3 structural_similarity("
                              "gaussian_weights=True, sigma=1.5, use_sample_covariance=False)",
                              "cases": cases2d})

    t, p, m = smooth_pair(rng, (13, 16, 19))
    cases3d = [metric_case("phantom-13x16x19", t, p, m, 1.0)]
    a = f32(rng.random((12, 11, 14)))
    b = f32(np.clip(a * 0.7 + rng.normal(0, 0.2, a.shape), 0, 1))
    m = rng.random(a.shape) > 0.5
    cases3d.append(metric_case("random-12x11x14", a, b, m, 1.0))
    write("metrics-3d.json", {"source": "scikit-image 0.19.3 structural_similarity (3-D)",
                              "cases": cases3d})

    # CT in HU: clip to [-1024, 3000], data_range 4024 (SynthRAD 2023 protocol).
    shape = (21, 24)
    yy, xx = np.meshgrid(np.linspace(-1, 1, shape[0]), np.linspace(-1, 1, shape[1]),
                         indexing="ij")
    r = np.sqrt(yy ** 2 + xx ** 2)
    ct = np.where(r < 0.6, 40.0, np.where(r < 0.75, 1500.0, -1000.0))
    ct = ct + rng.normal(0, 30, shape)
    ct[3, 4] = 3500.0   # metal above the clip range
    ct[0, 0] = -2000.0  # below the clip range
    pred = ct + rng.normal(0, 80, shape)
    pred[10, 10] = 3300.0
    ct = f32(ct)
    pred = f32(pred)
    mask = r < 0.8
    tc = np.clip(ct, -1024, 3000)
    pc = np.clip(pred, -1024, 3000)
    smap = ssim_full(tc + 1024, pc + 1024, 4024.0)[1]
    diff = tc - pc
    write("metrics-ct.json", {
        "source": "HU clipped to [-1024, 3000]; PSNR/SSIM data_range 4024 on HU + 1024; "
                  "MAE in HU",
        "shape": list(shape),
        "target_hu": ct.ravel().tolist(),
        "pred_hu": pred.ravel().tolist(),
        "mask": mask.ravel().astype(int).tolist(),
        "mae_hu": float(np.abs(diff).mean()),
        "psnr": float(peak_signal_noise_ratio(tc, pc, data_range=4024.0)),
        "ssim": float(ssim_full(tc + 1024, pc + 1024, 4024.0)[0]),
        "masked_mae_hu": float(np.abs(diff[mask]).mean()),
        "masked_psnr": float(10 * np.log10(4024.0 ** 2 / np.mean(diff[mask] ** 2))),
        "masked_ssim": float(crop(smap)[crop(mask)].mean()),
    })

    # Histogram matching: whole image, and over the foreground only.
    src = f32(np.round(rng.gamma(2.0, 0.1, (17, 19)), 3))  # rounded: ties in the source
    ref = f32(rng.beta(2, 5, (15, 22)))
    src_mask = rng.random(src.shape) > 0.25
    ref_mask = rng.random(ref.shape) > 0.4
    matched = match_histograms(src, ref)
    matched_fg = src.copy()
    matched_fg[src_mask] = match_histograms(src[src_mask], ref[ref_mask])
    write("histmatch.json", {
        "source": "scikit-image 0.19.3 exposure.match_histograms (float64 input)",
        "source_shape": list(src.shape), "reference_shape": list(ref.shape),
        "src": src.ravel().tolist(), "ref": ref.ravel().tolist(),
        "src_mask": src_mask.ravel().astype(int).tolist(),
        "ref_mask": ref_mask.ravel().astype(int).tolist(),
        "matched": matched.ravel().tolist(),
        "matched_foreground": matched_fg.ravel().tolist(),
    })

    # Statistics: summary with a t-interval, paired Wilcoxon signed-rank test.
    small_a = np.round(rng.normal(25.0, 1.0, 12), 4)
    small_b = np.round(small_a + rng.normal(0.3, 0.5, 12), 4)
    large_a = np.round(rng.normal(0.8, 0.05, 60), 3)
    large_b = np.round(large_a + rng.normal(0.01, 0.02, 60), 3)  # rounded: ties and zeros
    large_b[:3] = large_a[:3]
    exact_a = rng.normal(0.0, 1.0, 40)
    exact_b = exact_a + rng.normal(0.2, 1.0, 40)  # continuous: no ties, no zeros

    def summary(v):
        n = len(v)
        mean = float(np.mean(v))
        sd = float(np.std(v, ddof=1))
        half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
        return {"n": n, "mean": mean, "std": sd, "ci_low": mean - half, "ci_high": mean + half}

    def paired(x, y, mode):
        d = y - x
        res = stats.wilcoxon(x, y, zero_method="wilcox", correction=True, mode=mode)
        nz = d[d != 0]
        r = stats.rankdata(np.abs(nz))
        return {"a": x.tolist(), "b": y.tolist(), "mode": mode,
                "n_nonzero": int(len(nz)),
                "w_plus": float(r[nz > 0].sum()), "w_minus": float(r[nz < 0].sum()),
                "p_value": float(res.pvalue),
                "diff_summary": summary(d)}

    write("stats.json", {
        "source": "numpy std ddof=1, scipy.stats.t.ppf(0.975, n-1); scipy 1.10 "
                  "wilcoxon(zero_method='wilcox', correction=True) on b - a",
        "summary_input": small_a.tolist(),
        "summary": summary(small_a),
        "paired_exact": paired(small_a, small_b, "exact"),
        "paired_approx": paired(large_a, large_b, "approx"),
        "paired_exact_40": paired(exact_a, exact_b, "exact"),
    })


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f)
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
