#!/usr/bin/python3
"""Measures the activation memory a training step keeps for backward (fp32, batch 1) of the
reference SwinUNet, by summing the distinct storages autograd saves during the forward pass.

    /usr/bin/python3 scripts/reference/measure_unet_memory.py 192 "192,96,48,24,12,6"

Prints MiB per image and parameter count; docs/memory.md records the results.
"""
import sys
import os

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import swin_unet  # noqa: E402
from make_unet_golden import paper  # noqa: E402


def saved_bytes(model, spec, batch=1):
    seen = {}

    def pack(t):
        st = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
        key = (st.data_ptr(), st.nbytes())
        seen[key] = st.nbytes()
        return t

    s = spec["imageSize"]
    x = torch.randn(batch, 2, s, s, requires_grad=False)
    t = torch.zeros(batch, dtype=torch.int64)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(x, t)
    return sum(seen.values()), out


def main():
    size = int(sys.argv[1])
    spec = paper(size)
    if len(sys.argv) > 2:
        spec["attentionResolutions"] = [int(v) for v in sys.argv[2].split(",") if v]
    torch.set_num_threads(2)
    model = swin_unet.SwinUNet(spec)
    n = sum(p.numel() for p in model.parameters())
    b, _ = saved_bytes(model, spec)
    print("size %d attention %s params %d saved-for-backward %.1f MiB per image"
          % (size, spec["attentionResolutions"], n, b / 2**20))


if __name__ == "__main__":
    main()
