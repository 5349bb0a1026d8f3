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
import swin_unet  # noqa: E402

OUT = os.path.join("dfbk-core", "src", "test", "resources", "golden")

BACKBONE = dict(imageSize=24, inChannels=2, outChannels=1, modelChannels=8, channelMult=[1, 2, 2],
                numResBlocks=1, attentionResolutions=[24, 12], normGroups=4, swinDepth=2,
                swinEmbedDim=16, headChannels=8, windowSize=4, dfbMode="NONE",
                dfbScope="GLOBAL", dfbLevels=[], kgMode="NONE",
                kgPlacement=dict(middle=False, levels=[]), textDim=0)


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
    data = dict(generator="scripts/reference/make_unet_golden.py, torch " + torch.__version__,
                spec=spec, weights=name + ".bin", parameterCount=offset, params=params,
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


def main():
    if "--counts" in sys.argv:
        for size in (192, 224):
            m = swin_unet.SwinUNet(paper(size))
            print(size, "backbone parameters", sum(p.numel() for p in m.parameters()))
        return
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(7)
    write_case("unet_backbone", BACKBONE, swin_unet.SwinUNet(BACKBONE),
               backbone_inputs(BACKBONE, gen))


if __name__ == "__main__":
    main()
