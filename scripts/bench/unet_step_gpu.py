#!/usr/bin/env python3
"""GPU training-step time of the PyTorch reference SwinUNet at the paper's 192-px configuration
(configs/bench/gpu-paper.yaml: C0 160, multipliers 1,1,2,2,4,4, Swin at 96..6, DFB LH global at
levels 2-5, KG LH in the bottom layers, MiniLM text width 384), batch 4, next to `dfbk bench`.

One step = forward, weighted-free MSE loss, backward, AdamW update (as `trainStepMs`), timed
with CUDA synchronisation; medians over the timed steps. fp16 is PyTorch's usual recipe
(autocast + GradScaler, fp32 weights), which is not the same recipe as dfbk's fp16 (float16
replica, float32 master weights): compare the two as "what each stack's own fp16 gives".

    python3 scripts/bench/unet_step_gpu.py [--batch 4] [--steps 20] [--warmup 5]
        [--precision fp32|fp16|both] [--text-tokens 68] [--cudnn-benchmark] [--json FILE]
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import swin_unet  # noqa: E402
from make_unet_golden import factories, paper_full  # noqa: E402


def spec(text_dim):
    s = paper_full(192)
    s["textDim"] = text_dim
    return s


def run(precision, args):
    dev = torch.device("cuda")
    torch.manual_seed(1)
    s = spec(args.text_dim)
    dfb, kg = factories(s)
    model = swin_unet.SwinUNet(s, dfb, kg).to(dev)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5)
    fp16 = precision == "fp16"
    scaler = torch.amp.GradScaler("cuda", enabled=fp16)
    b, n = args.batch, s["imageSize"]
    x = torch.randn(b, 2, n, n, device=dev)
    target = torch.randn(b, 1, n, n, device=dev)
    t = torch.arange(b, device=dev) % 4
    text = torch.randn(b, args.text_tokens, args.text_dim, device=dev)
    mask = torch.ones(b, args.text_tokens, device=dev)
    torch.cuda.reset_peak_memory_stats()
    times = []
    for i in range(args.warmup + args.steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.autocast("cuda", dtype=torch.float16, enabled=fp16):
            loss = (model(x, t, text, mask) - target).float().pow(2).mean()
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()
        torch.cuda.synchronize()
        if i >= args.warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    # 4-step inference per batch (forward only, as the sampler's four network calls).
    inf = []
    with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16, enabled=fp16):
        for i in range(args.warmup + args.steps):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            for k in range(4):
                model(x, torch.full((b,), 3 - k, device=dev), text, mask)
            torch.cuda.synchronize()
            if i >= args.warmup:
                inf.append((time.perf_counter() - t0) * 1e3)
    free, total = torch.cuda.mem_get_info()
    step = statistics.median(times)
    return dict(stack="pytorch-reference", torch=torch.__version__, device=torch.cuda.get_device_name(),
                precision=precision, batch=b, imageSize=n, parameters=params,
                trainStepMs=step, imagesPerS=b * 1e3 / step,
                forward4StepsMs=statistics.median(inf), inferenceMsPerSlice=statistics.median(inf) / b,
                maxAllocatedMiB=torch.cuda.max_memory_allocated() / 2**20,
                maxReservedMiB=torch.cuda.max_memory_reserved() / 2**20,
                deviceUsedMiB=(total - free) / 2**20)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--precision", choices=["fp32", "fp16", "both"], default="both")
    p.add_argument("--text-tokens", type=int, default=68)
    p.add_argument("--text-dim", type=int, default=384)
    p.add_argument("--cudnn-benchmark", action="store_true",
                   help="let cuDNN time its algorithms (dfbk: -Dai.djl.pytorch.cudnn_benchmark=true)")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("unet_step_gpu.py: no CUDA device visible to PyTorch " + torch.__version__)
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    results = []
    for prec in (["fp32", "fp16"] if args.precision == "both" else [args.precision]):
        r = run(prec, args)
        r["cudnnBenchmark"] = args.cudnn_benchmark
        results.append(r)
        print(json.dumps(r), flush=True)
        torch.cuda.empty_cache()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
