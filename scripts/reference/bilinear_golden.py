#!/usr/bin/python3
"""Golden values for org.dfbk.data.transform.Bilinear: PyTorch's bilinear interpolation with
align_corners=False (no antialias) on seeded random images, down- and up-sampling.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/reference/bilinear_golden.py
Writes dfbk-data/src/test/resources/org/dfbk/data/transform/bilinear-torch.json
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20231125)
cases = []
for (h, w, oh, ow) in [(5, 7, 3, 4), (4, 6, 9, 10), (13, 11, 16, 16), (20, 20, 7, 7), (6, 6, 6, 6)]:
    x = rng.standard_normal((h, w)).astype(np.float32)
    y = F.interpolate(torch.from_numpy(x)[None, None], size=(oh, ow), mode="bilinear",
                      align_corners=False)[0, 0].numpy()
    cases.append({"h": h, "w": w, "outH": oh, "outW": ow,
                  "input": x.astype(float).tolist(), "output": y.astype(float).tolist()})
out = os.path.join(os.path.dirname(__file__), "..", "..", "dfbk-data", "src", "test", "resources",
                   "org", "dfbk", "data", "transform", "bilinear-torch.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "mode": "bilinear, align_corners=False",
               "cases": cases}, f)
print("wrote", os.path.normpath(out))
