"""Reference SwinUNet (the DFBK network f(x_t, y_0, t, c) -> x0_hat) in plain PyTorch.

Written from DESIGN.md ("SwinUNet backbone") as an independent check of
org.dfbk.core.nn.SwinUNet. Module attribute names equal the Java child names, so
``state_dict()`` keys equal the Java dotted parameter names (ParameterNames.of). Runs with
Debian's python3-torch 1.13 (/usr/bin/python3); float64 is used for golden outputs.

Spec fields are those of org.dfbk.core.spec.UNetSpec (camelCase keys of a dict).
The DFB and KG blocks are supplied by factories (see make_unet_golden.py), so this file only
fixes where they sit.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class GroupNorm(nn.Module):
    """torch GroupNorm with the parameter names of the Java GroupNormBlock (gamma, beta)."""

    def __init__(self, channels, groups, eps=1e-5):
        super().__init__()
        self.groups = groups
        self.eps = eps
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return F.group_norm(x, self.groups, self.gamma, self.beta, self.eps)


class TimestepEmbedding(nn.Module):
    def __init__(self, channels, embed_dim):
        super().__init__()
        self.channels = channels
        self.linear_1 = nn.Linear(channels, embed_dim)
        self.linear_2 = nn.Linear(embed_dim, embed_dim)

    def sinusoid(self, t):
        half = self.channels // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64, device=t.device) / half)
        args = t.to(torch.float64)[:, None] * freqs[None, :]
        return torch.cat([torch.cos(args), torch.sin(args)], dim=1).to(self.linear_1.weight.dtype)

    def forward(self, t):
        return self.linear_2(F.silu(self.linear_1(self.sinusoid(t))))


class ResBlock(nn.Module):
    """GN -> SiLU -> conv3x3; FiLM h = GN(h)*(1+scale)+shift; SiLU -> conv3x3; + skip."""

    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.cout = cout
        self.in_norm = GroupNorm(cin, groups)
        self.in_conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb_proj = nn.Linear(emb, 2 * cout)
        self.out_norm = GroupNorm(cout, groups)
        self.out_conv = nn.Conv2d(cout, cout, 3, padding=1)
        nn.init.zeros_(self.out_conv.weight)
        nn.init.zeros_(self.out_conv.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.in_conv(F.silu(self.in_norm(x)))
        e = self.emb_proj(F.silu(emb))
        scale, shift = e[:, :self.cout, None, None], e[:, self.cout:, None, None]
        h = self.out_norm(h) * (1 + scale) + shift
        h = self.out_conv(F.silu(h))
        return (x if self.skip is None else self.skip(x)) + h


def effective_window(size, window):
    if size <= window:
        return size
    if size % window == 0:
        return window
    if size < 2 * window:
        return size
    raise ValueError("window %d does not divide map %d" % (window, size))


def shift_attention_mask(size, w, s):
    """(nW, w*w, w*w) additive mask of the shifted windows, Swin's NHWC slicing."""
    img = torch.zeros(1, size, size, 1)
    cnt = 0
    for hs in (slice(0, -w), slice(-w, -s), slice(-s, None)):
        for ws in (slice(0, -w), slice(-w, -s), slice(-s, None)):
            img[:, hs, ws, :] = cnt
            cnt += 1
    win = img.view(1, size // w, w, size // w, w, 1).permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w)
    diff = win[:, None, :] - win[:, :, None]
    return torch.where(diff != 0, torch.tensor(-100.0), torch.tensor(0.0))


class WindowAttention(nn.Module):
    def __init__(self, dim, head_channels, w):
        super().__init__()
        self.heads = dim // head_channels
        self.w = w
        self.scale = head_channels ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * w - 1) ** 2, self.heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)
        ii, jj = torch.meshgrid(torch.arange(w), torch.arange(w), indexing="ij")
        coords = torch.stack([ii.flatten(), jj.flatten()])  # 2, T
        rel = coords[:, :, None] - coords[:, None, :] + (w - 1)  # 2, T, T
        self.register_buffer("index", rel[0] * (2 * w - 1) + rel[1], persistent=False)

    def forward(self, x, mask=None):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = q @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.index.reshape(-1)]
        attn = attn + bias.reshape(t, t, self.heads).permute(2, 0, 1)[None]
        if mask is not None:
            nw = mask.shape[0]
            attn = attn.view(b // nw, nw, self.heads, t, t) + mask[None, :, None].to(device=attn.device, dtype=attn.dtype)
            attn = attn.view(b, self.heads, t, t)
        out = attn.softmax(-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, t, d))


class SwinBlock(nn.Module):
    def __init__(self, dim, head_channels, size, w, shift, groups, mlp_ratio=4):
        super().__init__()
        self.size, self.w, self.shift = size, w, shift
        self.norm1 = GroupNorm(dim, groups)
        self.attn = WindowAttention(dim, head_channels, w)
        self.norm2 = GroupNorm(dim, groups)
        self.mlp_fc1 = nn.Conv2d(dim, mlp_ratio * dim, 1)
        self.mlp_fc2 = nn.Conv2d(mlp_ratio * dim, dim, 1)
        self.register_buffer("mask", shift_attention_mask(size, w, shift) if shift > 0 else None,
                             persistent=False)

    def forward(self, x):
        n, c, s, _ = x.shape
        w, p = self.w, s // self.w
        h = self.norm1(x).permute(0, 2, 3, 1)  # N, S, S, C
        if self.shift:
            h = torch.roll(h, (-self.shift, -self.shift), dims=(1, 2))
        win = h.reshape(n, p, w, p, w, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w, c)
        a = self.attn(win, self.mask)
        a = a.reshape(n, p, p, w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(n, s, s, c)
        if self.shift:
            a = torch.roll(a, (self.shift, self.shift), dims=(1, 2))
        z = x + a.permute(0, 3, 1, 2)
        return z + self.mlp_fc2(F.gelu(self.mlp_fc1(self.norm2(z))))


class SwinLayer(nn.Module):
    def __init__(self, ch, spec, size):
        super().__init__()
        d, w = spec["swinEmbedDim"], effective_window(size, spec["windowSize"])
        shift = w // 2 if (w == spec["windowSize"] and size > w) else 0
        self.embed = nn.Conv2d(ch, d, 1)
        self.depth = spec["swinDepth"]
        for i in range(self.depth):
            setattr(self, "block_%d" % i, SwinBlock(d, spec["headChannels"], size, w,
                                                     shift if i % 2 == 1 else 0,
                                                     spec["normGroups"]))
        self.unembed = nn.Conv2d(d, ch, 1)

    def forward(self, x):
        h = self.embed(x)
        for i in range(self.depth):
            h = getattr(self, "block_%d" % i)(h)
        return self.unembed(h)


class Upsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class Stage(nn.Module):
    """Named steps in order; kinds: 'plain' (h), 'time' (h, emb), 'text' (h, text, mask)."""

    def __init__(self):
        super().__init__()
        self.steps = []
        self.dfb = None

    def add(self, name, module, kind):
        self.add_module(name, module)
        self.steps.append((name, kind))
        return self

    def forward(self, h, emb, text, mask):
        for name, kind in self.steps:
            m = getattr(self, name)
            if kind == "time":
                h = m(h, emb)
            elif kind == "text":
                h = m(h, text, mask)
            else:
                h = m(h)
        return h


class SwinUNet(nn.Module):
    def __init__(self, spec, dfb_factory=None, kg_factory=None):
        super().__init__()
        self.spec = spec
        c0, mult, nres = spec["modelChannels"], spec["channelMult"], spec["numResBlocks"]
        g, e = spec["normGroups"], 4 * spec["modelChannels"]
        size, levels = spec["imageSize"], len(mult)
        attn = set(spec["attentionResolutions"])
        dfb_levels = set(spec["dfbLevels"]) if spec["dfbMode"] != "NONE" else set()
        kg_on = spec["kgMode"] != "NONE"
        kg_levels = set(spec["kgPlacement"]["levels"]) if kg_on else set()
        kg_middle = kg_on and spec["kgPlacement"]["middle"]
        self.time_embed = TimestepEmbedding(c0, e)

        def res(ci, co):
            return ResBlock(ci, co, e, g)

        self.n_in = 0
        skip_ch = []

        def encoder(stage, ch, level, last_of_level=False):
            if last_of_level and level in dfb_levels:
                stage.dfb = dfb_factory(ch, size >> level)
            self.add_module("input_%d" % self.n_in, stage)
            self.n_in += 1
            skip_ch.append(ch)

        ch = c0 * mult[0]
        encoder(Stage().add("conv", nn.Conv2d(spec["inChannels"], ch, 3, padding=1), "plain"),
                ch, 0)
        for l, m in enumerate(mult):
            for j in range(nres):
                st = Stage().add("res", res(ch, c0 * m), "time")
                ch = c0 * m
                if (size >> l) in attn and j == 0:
                    st.add("swin", SwinLayer(ch, spec, size >> l), "plain")
                if l in kg_levels and j == 0:
                    st.add("kg", kg_factory(ch), "text")
                encoder(st, ch, l, j == nres - 1)
            if l != levels - 1:
                encoder(Stage().add("down", nn.Conv2d(ch, ch, 3, stride=2, padding=1), "plain"),
                        ch, l + 1)
        mid = Stage().add("res_1", res(ch, ch), "time")
        mid.add("swin", SwinLayer(ch, spec, size >> (levels - 1)), "plain")
        if kg_middle:
            mid.add("kg", kg_factory(ch), "text")
        mid.add("res_2", res(ch, ch), "time")
        self.middle = mid
        self.n_out = 0
        for l in reversed(range(levels)):
            m = mult[l]
            for i in range(nres + 1):
                st = Stage().add("res", res(ch + skip_ch.pop(), c0 * m), "time")
                ch = c0 * m
                if (size >> l) in attn and i == 0:
                    st.add("swin", SwinLayer(ch, spec, size >> l), "plain")
                if l in kg_levels and i == 0:
                    st.add("kg", kg_factory(ch), "text")
                if l > 0 and i == nres:
                    st.add("up", Upsample(ch), "plain")
                self.add_module("output_%d" % self.n_out, st)
                self.n_out += 1
        self.out_norm = GroupNorm(ch, g)
        self.out_conv = nn.Conv2d(ch, spec["outChannels"], 3, padding=1)

    def forward(self, x, t, text=None, mask=None):
        emb = self.time_embed(t)
        skips, h = [], x
        for i in range(self.n_in):
            st = getattr(self, "input_%d" % i)
            h = st(h, emb, text, mask)
            skips.append(h if st.dfb is None else st.dfb(h))
        h = self.middle(h, emb, text, mask)
        for i in range(self.n_out):
            h = getattr(self, "output_%d" % i)(torch.cat([h, skips.pop()], dim=1), emb, text, mask)
        return self.out_conv(F.silu(self.out_norm(h)))
