#!/usr/bin/python3
"""Writes golden values for org.dfbk.core.math.Ops (group norm, roll, resize) computed with
PyTorch's own operators (Debian python3-torch 1.13). Run as /usr/bin/python3 from the repo root:

    /usr/bin/python3 scripts/reference/make_ops_goldens.py
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("dfbk-core", "src", "test", "resources", "golden", "ops.json")


def main():
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(2, 6, 3, 4, generator=g, dtype=torch.float64) * 2.0 + 0.5
    gamma = torch.randn(6, generator=g, dtype=torch.float64)
    beta = torch.randn(6, generator=g, dtype=torch.float64)
    gn = F.group_norm(x, 3, gamma, beta, eps=1e-5)

    r = torch.arange(2 * 5 * 3, dtype=torch.float64).reshape(2, 5, 3)
    rolls = {}
    for shift in (-7, -1, 2, 5, 6):
        rolls[str(shift)] = torch.roll(r, shift, dims=1).tolist()

    img = torch.randn(1, 2, 5, 6, generator=g, dtype=torch.float64)
    bil = F.interpolate(img, size=(8, 9), mode="bilinear", align_corners=False)
    near = F.interpolate(img, size=(8, 9), mode="nearest")
    down = F.interpolate(img, size=(3, 4), mode="bilinear", align_corners=False)

    data = {
        "generator": "scripts/reference/make_ops_goldens.py, torch " + torch.__version__,
        "group_norm": {"x": x.tolist(), "groups": 3, "eps": 1e-5, "gamma": gamma.tolist(),
                       "beta": beta.tolist(), "out": gn.tolist()},
        "roll": {"x": r.tolist(), "axis": 1, "out": rolls},
        "resize": {"x": img.tolist(), "bilinear_8x9": bil.tolist(), "nearest_8x9": near.tolist(),
                   "bilinear_3x4": down.tolist()},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
