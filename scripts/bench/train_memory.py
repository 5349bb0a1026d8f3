#!/usr/bin/python3
"""Peak memory of a PyTorch process that does only training steps of the reference SwinUNet
(scripts/reference/swin_unet.py), as the reference for dfbk's trainer memory on CPU.

    /usr/bin/python3 scripts/bench/train_memory.py CONFIG [--threads 2] [--batch B] [--steps N]
        [--text-tokens 77] [--weight-decay 0.0] [--ema-rate 0.999]

CONFIG:
  cpu-backbone  configs/bench/cpu-backbone.yaml's network (64 px, C0 64, 1,2,2,4, Swin at
                32/16/8, DFB and KG off), default batch 4; dfbk: 20,611,001 parameters.
  paper192      UNetSpec.paper192() (192 px, C0 160, 1,1,2,2,4,4, Swin at 96..6, DFB LH global
                at levels 2-5, KG LH in the bottom layers, text width 768), default batch 1;
                PaperConfigTest pins 275,263,345 parameters.

One step as a diffusion training step at these sizes: batch B of random network inputs (2
channels: x_t scaled and y_0), a timestep index per sample (0..3, the configs' 4 steps), MSE of
the output against a random target, loss.backward(), torch.optim.AdamW(lr 5e-5, weight decay
0.0 as dfbk's train.weight_decay default).step(), zero_grad(set_to_none=False) so the gradients
stay allocated as dfbk's do. Nothing else runs in the process (no benchmark phases). With
--ema-rate r > 0 an exponential moving average of the weights is kept and updated after every
step (ema.lerp_(w, 1 - r)), as ResShift's own trainer keeps one (its configs: ema_rate 0.999) and
dfbk's does unless train.ema_rate is 0; the default is none.

Prints one JSON line: RSS (VmRSS) in MiB after `import torch`, after building the model, after
step 1's forward, backward and optimizer step, and after the last step; the peak (VmHWM) at the
end; seconds per step; and the analytic fp32 sizes of weights, gradients and AdamW moments.
"""
import argparse
import json
import os
import sys
import time

MIB = 2 ** 20


def proc_status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024 / MIB  # kB
    raise KeyError(key)


def rss():
    return round(proc_status("VmRSS"), 1)


def hwm():
    return round(proc_status("VmHWM"), 1)


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("config", choices=["cpu-backbone", "paper192"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, help="default: 4 (cpu-backbone), 1 (paper192)")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--text-tokens", type=int, default=77, help="text context length (KG on)")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--ema-rate", type=float, default=0.0, help="keep an EMA (0: none)")
    return p.parse_args()


ARGS = parse()
# As unet_step.py: Debian's torch does its matrix products in OpenBLAS, whose own thread pool
# ignores torch.set_num_threads, so the variables are set before torch is imported.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402

RSS_IMPORT = rss()

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import swin_unet  # noqa: E402
from make_unet_golden import factories, paper_full  # noqa: E402

# configs/bench/cpu-backbone.yaml's model: dfb mode none and kg mode none (UNetSpec's NONE).
CPU_BACKBONE = dict(imageSize=64, inChannels=2, outChannels=1, modelChannels=64,
                    channelMult=[1, 2, 2, 4], numResBlocks=2, attentionResolutions=[32, 16, 8],
                    normGroups=32, swinDepth=2, swinEmbedDim=128, headChannels=32, windowSize=8,
                    dfbMode="NONE", dfbScope="WINDOW", dfbLevels=[], kgMode="NONE",
                    kgPlacement=dict(middle=False, levels=[]), textDim=0)

CONFIGS = {
    "cpu-backbone": (CPU_BACKBONE, 4),
    "paper192": (paper_full(192), 1),  # UNetSpec.paper192(): textDim 768
}

DIFFUSION_STEPS = 4


def main():
    spec, default_batch = CONFIGS[ARGS.config]
    batch = ARGS.batch or default_batch
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(1)
    dfb, kg = factories(spec)
    model = swin_unet.SwinUNet(spec, dfb, kg)
    model.train()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=ARGS.weight_decay)
    ema = [p.detach().clone() for p in model.parameters()] if ARGS.ema_rate > 0 else None
    readings = dict(afterImportTorch=RSS_IMPORT, afterBuild=rss())
    s = spec["imageSize"]
    text_on = spec["kgMode"] != "NONE"
    times = []
    for i in range(ARGS.steps):
        t0 = time.perf_counter()
        x = torch.randn(batch, 2, s, s)  # (x_t scaled, y_0)
        t = torch.randint(0, DIFFUSION_STEPS, (batch,))
        target = torch.randn(batch, 1, s, s)
        args = [x, t]
        if text_on:
            args += [torch.randn(batch, ARGS.text_tokens, spec["textDim"]),
                     torch.ones(batch, ARGS.text_tokens)]
        out = model(*args)
        loss = (out - target).pow(2).mean()
        if i == 0:
            readings["step1AfterForward"] = rss()
        loss.backward()
        del out, loss
        if i == 0:
            readings["step1AfterBackward"] = rss()
        opt.step()
        if ema is not None:
            with torch.no_grad():
                for e, p in zip(ema, model.parameters()):
                    e.lerp_(p, 1 - ARGS.ema_rate)
        if i == 0:
            readings["step1AfterOptimizerStep"] = rss()
        opt.zero_grad(set_to_none=False)
        times.append(round(time.perf_counter() - t0, 2))
    readings["afterLastStep"] = rss()
    p_mib = 4 * params / MIB
    print(json.dumps(dict(
        config=ARGS.config, torch=torch.__version__, parameters=params, threads=ARGS.threads,
        batch=batch, steps=ARGS.steps, imageSize=s, emaRate=ARGS.ema_rate,
        textTokens=ARGS.text_tokens if text_on else 0,
        rssMiB=readings, peakHwmMiB=hwm(), stepSeconds=times,
        analyticMiB=dict(weights=round(p_mib, 1), gradients=round(p_mib, 1),
                         adamMoments=round(2 * p_mib, 1), ema=round(p_mib if ema else 0, 1),
                         total=round((5 if ema else 4) * p_mib, 1)))),
        flush=True)


if __name__ == "__main__":
    main()
