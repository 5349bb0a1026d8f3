#!/usr/bin/python3
"""Writes golden files for the DFB and KG blocks (and their attention children) from the
independent reference in dfbk_blocks.py: inputs, every parameter by dotted name, outputs.

Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 scripts/reference/make_block_goldens.py

Weights are random (seeded) and the output projections non-zero, so the attention math is
exercised. Everything is float64.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dfbk_blocks as ref  # noqa: E402

OUT_DIR = os.path.join("dfbk-core", "src", "test", "resources", "golden")


def randomize(module, gen, scale=0.3):
    for name, p in module.named_parameters():
        with torch.no_grad():
            if name.endswith("gamma") or name.endswith("subln.weight"):
                p.copy_(1.0 + scale * torch.randn(p.shape, generator=gen, dtype=p.dtype))
            elif "lambda_" in name:
                p.copy_(0.3 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
            else:
                p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=p.dtype))


def check_haar_against_pywt():
    try:
        import numpy as np
        import pywt
    except ImportError:
        return
    x = np.random.RandomState(0).randn(6, 8)
    ca, (ch, cv, cd) = pywt.dwt2(x, "haar", mode="periodization")
    bands = ref.haar_dwt(torch.tensor(x)[None, None])
    for ours, theirs in zip(bands, (ca, ch, cv, cd)):
        assert np.allclose(ours[0, 0].numpy(), theirs, atol=1e-12)
    back = ref.haar_iwt(*bands)
    assert torch.allclose(back[0, 0], torch.tensor(x), atol=1e-12)


def write(name, config, module, inputs, output):
    data = {
        "generator": "scripts/reference/make_block_goldens.py, torch " + torch.__version__,
        "config": config,
        "inputs": {k: v.tolist() for k, v in inputs.items()},
        "params": {k: v.detach().tolist() for k, v in module.named_parameters()},
        "output": output.detach().tolist(),
    }
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        json.dump(data, f)
    print("wrote", path, os.path.getsize(path), "bytes")


def dfb_case(name, gen, n, c, hc, h, w, mode, window, depth):
    torch.manual_seed(0)
    m = ref.DFBRef(c, hc, mode, window, depth).double()
    randomize(m, gen)
    z = torch.randn(n, c, h, w, generator=gen, dtype=torch.float64)
    out = m(z)
    config = {"block": "dfb", "channels": c, "headChannels": hc, "mode": mode,
              "scope": "WINDOW" if window > 0 else "GLOBAL", "windowSize": window,
              "depth": depth}
    write(name, config, m, {"z": z}, out)


def kg_case(name, gen, n, c, hc, h, w, text_len, text_dim, mode, depth, lengths):
    torch.manual_seed(0)
    m = ref.KGRef(c, text_dim, hc, mode, depth).double()
    randomize(m, gen)
    z = torch.randn(n, c, h, w, generator=gen, dtype=torch.float64)
    text = torch.randn(n, text_len, text_dim, generator=gen, dtype=torch.float64)
    mask = torch.zeros(n, text_len, dtype=torch.float64)
    for i, length in enumerate(lengths):
        mask[i, :length] = 1.0
        # padded tokens carry garbage that must not matter
        text[i, length:] = 100.0 * torch.randn(text_len - length, text_dim, generator=gen,
                                               dtype=torch.float64)
    out = m(z, text, mask)
    config = {"block": "kg", "channels": c, "headChannels": hc, "mode": mode,
              "textDim": text_dim, "depth": depth}
    write(name, config, m, {"z": z, "text": text, "mask": mask}, out)


def main():
    torch.set_default_dtype(torch.float64)
    check_haar_against_pywt()
    os.makedirs(OUT_DIR, exist_ok=True)
    gen = torch.Generator().manual_seed(20241125)
    dfb_case("dfb_lh_global", gen, 2, 16, 8, 8, 8, "LH", 0, 1)
    dfb_case("dfb_lh_window", gen, 1, 8, 4, 8, 12, "LH", 2, 3)
    dfb_case("dfb_l_global", gen, 2, 8, 4, 4, 6, "L", 0, 0)
    dfb_case("dfb_h_global", gen, 2, 8, 4, 6, 4, "H", 0, 2)
    dfb_case("dfb_normattn_window", gen, 1, 8, 4, 8, 8, "NORMATTN", 4, 0)
    kg_case("kg_lh", gen, 2, 16, 8, 8, 8, 5, 12, "LH", 2, [5, 3])
    kg_case("kg_l", gen, 2, 8, 4, 4, 4, 4, 6, "L", 0, [2, 4])
    kg_case("kg_h", gen, 1, 8, 4, 4, 6, 3, 6, "H", 4, [2])
    kg_case("kg_crossattn", gen, 2, 8, 4, 4, 4, 4, 6, "CROSSATTN", 0, [4, 1])


if __name__ == "__main__":
    main()
