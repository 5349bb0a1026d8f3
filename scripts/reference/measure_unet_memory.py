#!/usr/bin/python3
"""Measures the activation memory a training step keeps for backward (fp32, batch 1) of the
reference SwinUNet, by summing the distinct storages autograd saves during the forward pass.

    /usr/bin/python3 scripts/reference/measure_unet_memory.py 192 [attention sides] [--full]

"--full" adds the DFB and KG blocks of UNetSpec.paper192()/paper224() (text of 77 tokens).

Prints MiB per image (parameters excluded) and the parameter count; docs/memory.md records
the results next to org.dfbk.core.nn.ModelSummary's estimates.
"""
import sys
import os

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import swin_unet  # noqa: E402
from make_unet_golden import factories, paper, paper_full  # noqa: E402


def saved_bytes(model, spec, batch=1):
    """Bytes of the distinct non-parameter storages autograd saves (weights that convolutions
    and linears save are the parameters themselves, counted with the training state)."""
    seen = {}
    params = {p.data_ptr() for p in model.parameters()}

    def pack(t):
        st = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
        if st.data_ptr() not in params:
            seen[(st.data_ptr(), st.nbytes())] = st.nbytes()
        return t

    s = spec["imageSize"]
    x = torch.randn(batch, 2, s, s, requires_grad=False)
    t = torch.zeros(batch, dtype=torch.int64)
    args = [x, t]
    if spec["kgMode"] != "NONE":
        args += [torch.randn(batch, 77, spec["textDim"]), torch.ones(batch, 77)]
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(*args)
    return sum(seen.values()), out


def main():
    args = [a for a in sys.argv[1:] if a != "--full"]
    size = int(args[0])
    spec = paper_full(size) if "--full" in sys.argv else paper(size)
    if len(args) > 1:
        spec["attentionResolutions"] = [int(v) for v in args[1].split(",") if v]
    torch.set_num_threads(2)
    dfb, kg = factories(spec)
    model = swin_unet.SwinUNet(spec, dfb, kg)
    n = sum(p.numel() for p in model.parameters())
    b, _ = saved_bytes(model, spec)
    print("size %d attention %s params %d saved-for-backward %.1f MiB per image"
          % (size, spec["attentionResolutions"], n, b / 2**20))


if __name__ == "__main__":
    main()
