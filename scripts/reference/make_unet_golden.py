#!/usr/bin/python3
"""Writes the SwinUNet golden files for org.dfbk.core.nn.SwinUNetGoldenTest.

    /usr/bin/python3 scripts/reference/make_unet_golden.py            # golden files
    /usr/bin/python3 scripts/reference/make_unet_golden.py --counts   # paper parameter counts

For each case: <name>.json (spec, inputs, parameter names/shapes/offsets, output x0_hat computed
in float64) and <name>.bin (all parameters, float32 little-endian, in state_dict order) under
dfbk-core/src/test/resources/golden/. Every parameter, including the zero-initialised last convs
of the ResBlocks, gets a non-zero random value so that every path contributes to the output.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dfbk_blocks  # noqa: E402
import swin_unet  # noqa: E402

OUT = os.path.join("dfbk-core", "src", "test", "resources", "golden")

BACKBONE = dict(imageSize=24, inChannels=2, outChannels=1, modelChannels=8, channelMult=[1, 2, 2],
                numResBlocks=1, attentionResolutions=[24, 12], normGroups=4, swinDepth=2,
                swinEmbedDim=16, headChannels=8, windowSize=4, dfbMode="NONE",
                dfbScope="GLOBAL", dfbLevels=[], kgMode="NONE",
                kgPlacement=dict(middle=False, levels=[]), textDim=0)


FULL = dict(BACKBONE, dfbMode="LH", dfbScope="GLOBAL", dfbLevels=[1, 2], kgMode="LH",
            kgPlacement=dict(middle=True, levels=[2]), textDim=12)
FULL_WINDOW = dict(FULL, dfbScope="WINDOW", dfbLevels=[0, 2], kgMode="CROSSATTN",
                   kgPlacement=dict(middle=True, levels=[]))


def factories(spec):
    """DFB/KG factories with the Java network's choices: depth = creation order, the spec's
    GroupNorm groups, windows of windowSize when dfbScope is WINDOW."""
    counters = dict(dfb=0, kg=0)
    window = spec["windowSize"] if spec["dfbScope"] == "WINDOW" else 0

    def dfb(ch, size):
        blk = dfbk_blocks.DFBRef(ch, spec["headChannels"], spec["dfbMode"], window,
                                 counters["dfb"])
        counters["dfb"] += 1
        blk.norm.groups = spec["normGroups"]
        return blk

    def kg(ch):
        blk = dfbk_blocks.KGRef(ch, spec["textDim"], spec["headChannels"], spec["kgMode"],
                                counters["kg"])
        counters["kg"] += 1
        blk.norm.groups = spec["normGroups"]
        return blk

    return dfb, kg


def paper(size):
    mult = [1, 1, 2, 2, 4, 4] if size == 192 else [1, 1, 2, 2, 4]
    # Swin layers as UNetSpec.paper192()/paper224(): every level but 192 at 192 px, all at 224.
    first = 1 if size == 192 else 0
    return dict(imageSize=size, inChannels=2, outChannels=1, modelChannels=160, channelMult=mult,
                numResBlocks=2,
                attentionResolutions=[size >> l for l in range(first, len(mult))],
                normGroups=32, swinDepth=2, swinEmbedDim=256, headChannels=32,
                windowSize=8 if size == 192 else 14, dfbMode="NONE", dfbScope="GLOBAL",
                dfbLevels=[], kgMode="NONE", kgPlacement=dict(middle=False, levels=[]), textDim=0)


def paper_full(size):
    """UNetSpec.paper192()/paper224() with their DFB and KG blocks."""
    deepest = 5 if size == 192 else 4
    return dict(paper(size), dfbMode="LH", dfbScope="GLOBAL",
                dfbLevels=list(range(2, deepest + 1)), kgMode="LH",
                kgPlacement=dict(middle=True, levels=[deepest]), textDim=768)


def randomize(model, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".gamma"):
                v = 1.0 + 0.1 * torch.randn(p.shape, generator=gen)
            elif name.endswith(".beta") or name.endswith(".bias"):
                v = 0.1 * torch.randn(p.shape, generator=gen)
            elif name.endswith("relative_position_bias_table"):
                v = 0.5 * torch.randn(p.shape, generator=gen)
            else:
                fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else p.shape[0]
                v = torch.randn(p.shape, generator=gen) / np.sqrt(fan_in)
            p.copy_(v.to(torch.float32).to(p.dtype))


def profiled_flops(spec, model, text_tokens=77):
    """FLOPs of one image's forward pass as torch's profiler counts them for convolutions and
    matrix products (conv2d, addmm, mm, bmm): the independent check of ModelSummary."""
    from torch.profiler import profile, ProfilerActivity
    s = spec["imageSize"]
    args = [torch.randn(1, spec["inChannels"], s, s, dtype=torch.float64), torch.tensor([1])]
    if spec["kgMode"] != "NONE":
        args += [torch.randn(1, text_tokens, spec["textDim"], dtype=torch.float64),
                 torch.ones(1, text_tokens, dtype=torch.float64)]
    with torch.no_grad(), profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        model(*args)
    return sum(e.flops for e in prof.key_averages()
               if e.key in ("aten::conv2d", "aten::addmm", "aten::mm", "aten::bmm"))


def write_case(name, spec, model, inputs):
    gen = torch.Generator().manual_seed(20241125)
    randomize(model, gen)
    model32 = model.float()
    params, blobs, offset = [], [], 0
    for pname, p in model32.state_dict().items():
        a = p.detach().cpu().numpy().astype("<f4")
        params.append(dict(name=pname, shape=list(a.shape), offset=offset))
        offset += a.size
        blobs.append(a.ravel())
    model64 = model32.double()
    with torch.no_grad():
        args = [inputs["x"].double(), inputs["t"]]
        if "text" in inputs:
            args += [inputs["text"].double(), inputs["mask"].double()]
        out = model64(*args)
    flops = profiled_flops(spec, model64)
    data = dict(generator="scripts/reference/make_unet_golden.py, torch " + torch.__version__,
                spec=spec, weights=name + ".bin", parameterCount=offset, params=params,
                forwardFlopsPerImage77Tokens=flops,
                inputs={k: v.tolist() for k, v in inputs.items()},
                output=out.tolist())
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(data, f)
    np.concatenate(blobs).astype("<f4").tofile(os.path.join(OUT, name + ".bin"))
    print("wrote", name, "params", offset, "output |max|", float(out.abs().max()))


def backbone_inputs(spec, gen):
    s = spec["imageSize"]
    x = torch.randn(2, spec["inChannels"], s, s, generator=gen).to(torch.float32)
    return dict(x=x, t=torch.tensor([0, 3], dtype=torch.int64))


def text_inputs(spec, gen):
    d = backbone_inputs(spec, gen)
    d["text"] = torch.randn(2, 5, spec["textDim"], generator=gen).to(torch.float32)
    d["mask"] = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float32)
    return d


def main():
    if "--counts" in sys.argv:
        for size in (192, 224):
            m = swin_unet.SwinUNet(paper(size))
            print(size, "backbone parameters", sum(p.numel() for p in m.parameters()))
            spec = paper_full(size)
            dfb, kg = factories(spec)
            m = swin_unet.SwinUNet(spec, dfb, kg)
            parts = dict(backbone=0, dfb=0, kg=0)
            for name, p in m.named_parameters():
                part = "dfb" if ".dfb." in name else "kg" if ".kg." in name else "backbone"
                parts[part] += p.numel()
            print(size, "full parameters", sum(parts.values()), parts)
        return
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(7)
    write_case("unet_backbone", BACKBONE, swin_unet.SwinUNet(BACKBONE),
               backbone_inputs(BACKBONE, gen))
    for name, spec in (("unet_dfb_kg", FULL), ("unet_dfb_window", FULL_WINDOW)):
        dfb, kg = factories(spec)
        write_case(name, spec, swin_unet.SwinUNet(spec, dfb, kg), text_inputs(spec, gen))


if __name__ == "__main__":
    main()
