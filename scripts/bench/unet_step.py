#!/usr/bin/python3
"""CPU training-step time of the reference SwinUNet at the configuration of
org.dfbk.core.nn.SwinUNetBenchmark (64 px, C0 64, DFB + KG, batch 4).

    /usr/bin/python3 scripts/bench/unet_step.py [threads] [steps]
"""
import os
import sys
import time

# One thread means one thread everywhere: Debian's torch does its matrix products in OpenBLAS,
# whose own thread pool ignores torch.set_num_threads (left alone it used the second core).
THREADS = sys.argv[1] if len(sys.argv) > 1 else "2"
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import swin_unet  # noqa: E402
from make_unet_golden import factories  # noqa: E402

SPEC = dict(imageSize=64, inChannels=2, outChannels=1, modelChannels=64, channelMult=[1, 2, 2, 4],
            numResBlocks=2, attentionResolutions=[32, 16, 8], normGroups=32, swinDepth=2,
            swinEmbedDim=128, headChannels=32, windowSize=8, dfbMode="LH", dfbScope="GLOBAL",
            dfbLevels=[2, 3], kgMode="LH", kgPlacement=dict(middle=True, levels=[3]), textDim=384)


def main():
    torch.set_num_threads(int(THREADS))
    torch.manual_seed(1)
    dfb, kg = factories(SPEC)
    model = swin_unet.SwinUNet(SPEC, dfb, kg)
    batch, warmup, total, best = 4, 2, 0.0, float("inf")
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for i in range(warmup + steps):
        x = torch.randn(batch, 2, 64, 64)
        t = torch.tensor([0, 1, 2, 3])
        text = torch.randn(batch, 16, 384)
        mask = torch.ones(batch, 16)
        target = torch.randn(batch, 1, 64, 64)
        t0 = time.perf_counter()
        loss = (model(x, t, text, mask) - target).pow(2).mean()
        loss.backward()
        dt = time.perf_counter() - t0
        model.zero_grad(set_to_none=False)
        if i >= warmup:
            total += dt
            best = min(best, dt)
    print("PyTorch %s reference SwinUNet mid-size training step, batch %d: mean %.3f s, best"
          " %.3f s (%d steps)" % (torch.__version__, batch, total / steps, best, steps))


if __name__ == "__main__":
    main()
