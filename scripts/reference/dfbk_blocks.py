"""Reference implementation of the DFBK blocks in plain PyTorch (written for torch 1.13).

It follows the paper (Algorithm 1, Eq. 1 and 5-11) and docs/design decisions of dfbk:

* Haar DWT/IWT: orthonormal single-level 2-D Haar, done here with a 2x2 stride-2 depthwise
  convolution (and its transpose for the inverse). Band order LL, LH, HL, HH where LH is low-pass
  along the width and high-pass along the height (PyWavelets cH), HL the opposite (cV), HH the
  diagonal (cD).
* Multi-head attention: softmax(Q K^T / sqrt(d)) V per head, linear projections with bias,
  self ("qkv", one linear to [Q | K | V]) or cross ("to_q", "to_k", "to_v"), then "proj_out".
  Key padding mask: 1 = token, 0 = pad; padded keys get zero weight.
* Differential attention (Differential Transformer): per head of width e, Q and K are split into
  two halves of width d = e/2; two softmax maps with scale 1/sqrt(d);
  (A1 - lambda * A2) V; lambda = exp(lq1.lk1) - exp(lq2.lk2) + lambda_init,
  lambda_init = 0.8 - 0.6 exp(-0.3 depth); per-head RMSNorm over e with a learnable weight of
  width e shared by the heads ("subln", eps 1e-5); times (1 - lambda_init); "proj_out".
* DFB / KG: z -> GroupNorm ("norm", parameters gamma/beta) -> DWT -> attention on LL and
  differential attention on H = concat(LH, HL, HH) -> IWT -> 1x1 conv "proj_out" -> + z.

Parameter names equal the dotted names of the Java blocks (org.dfbk.core.nn.ParameterNames).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------- Haar

def _haar_filters(dtype, device):
    s = 0.5
    ll = [[s, s], [s, s]]
    lh = [[s, s], [-s, -s]]   # rows: low along width, high along height
    hl = [[s, -s], [s, -s]]
    hh = [[s, -s], [-s, s]]
    return torch.tensor([ll, lh, hl, hh], dtype=dtype, device=device)  # (4, 2, 2)


def haar_dwt(x):
    """(N, C, H, W) -> LL, LH, HL, HH each (N, C, H/2, W/2)."""
    n, c, h, w = x.shape
    if h % 2 or w % 2:
        raise ValueError("odd size %dx%d" % (h, w))
    f = _haar_filters(x.dtype, x.device)
    weight = f.unsqueeze(1).repeat(c, 1, 1, 1)  # (4C, 1, 2, 2): channel-major, band-minor
    y = F.conv2d(x, weight, stride=2, groups=c)  # (N, 4C, H/2, W/2)
    y = y.view(n, c, 4, h // 2, w // 2)
    return y[:, :, 0], y[:, :, 1], y[:, :, 2], y[:, :, 3]


def haar_iwt(ll, lh, hl, hh):
    n, c, h, w = ll.shape
    f = _haar_filters(ll.dtype, ll.device)
    weight = f.unsqueeze(1).repeat(c, 1, 1, 1)
    y = torch.stack([ll, lh, hl, hh], dim=2).reshape(n, 4 * c, h, w)
    return F.conv_transpose2d(y, weight, stride=2, groups=c)


# ----------------------------------------------------------------------------- norms

class GroupNormRef(nn.Module):
    def __init__(self, channels, groups, eps=1e-5):
        super().__init__()
        self.groups = groups
        self.eps = eps
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        n, c = x.shape[:2]
        g = x.reshape(n, self.groups, -1)
        mean = g.mean(dim=-1, keepdim=True)
        var = ((g - mean) ** 2).mean(dim=-1, keepdim=True)
        y = ((g - mean) / torch.sqrt(var + self.eps)).reshape(x.shape)
        shape = [1, c] + [1] * (x.dim() - 2)
        return y * self.gamma.view(shape) + self.beta.view(shape)


class RMSNormRef(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


# ----------------------------------------------------------------------------- attention

def _key_bias(mask, dtype):
    """mask (N, Lk) 1 = token, 0 = pad -> additive (N, 1, 1, Lk)."""
    if mask is None:
        return None
    return torch.where(mask[:, None, None, :] > 0.5,
                       torch.zeros((), dtype=dtype, device=mask.device),
                       torch.full((), max(-1e9, torch.finfo(dtype).min), dtype=dtype,
                                  device=mask.device))


class MHARef(nn.Module):
    def __init__(self, dim, heads, context_dim=None):
        super().__init__()
        self.heads = heads
        self.cross = context_dim is not None
        if self.cross:
            self.to_q = nn.Linear(dim, dim)
            self.to_k = nn.Linear(context_dim, dim)
            self.to_v = nn.Linear(context_dim, dim)
        else:
            self.qkv = nn.Linear(dim, 3 * dim)
        self.proj_out = nn.Linear(dim, dim)

    def forward(self, x, context=None, mask=None):
        b, lq, dim = x.shape
        if self.cross:
            q, k, v = self.to_q(x), self.to_k(context), self.to_v(context)
        else:
            q, k, v = self.qkv(x).chunk(3, dim=-1)
        h = self.heads
        e = dim // h
        q = q.view(b, lq, h, e)
        k = k.view(b, k.shape[1], h, e)
        v = v.view(b, v.shape[1], h, e)
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / math.sqrt(e)
        bias = _key_bias(mask, x.dtype)
        if bias is not None:
            scores = scores + bias
        attn = scores.softmax(dim=-1)
        out = torch.einsum("bhqk,bkhe->bqhe", attn, v).reshape(b, lq, dim)
        return self.proj_out(out)


def lambda_init_for(depth):
    return 0.8 - 0.6 * math.exp(-0.3 * depth)


class DiffAttnRef(nn.Module):
    def __init__(self, dim, heads, context_dim=None, depth=0):
        super().__init__()
        self.heads = heads
        self.cross = context_dim is not None
        e = dim // heads
        assert e % 2 == 0
        self.half = e // 2
        if self.cross:
            self.to_q = nn.Linear(dim, dim)
            self.to_k = nn.Linear(context_dim, dim)
            self.to_v = nn.Linear(context_dim, dim)
        else:
            self.qkv = nn.Linear(dim, 3 * dim)
        self.lambda_init = lambda_init_for(depth)
        self.lambda_q1 = nn.Parameter(torch.randn(self.half) * 0.1)
        self.lambda_k1 = nn.Parameter(torch.randn(self.half) * 0.1)
        self.lambda_q2 = nn.Parameter(torch.randn(self.half) * 0.1)
        self.lambda_k2 = nn.Parameter(torch.randn(self.half) * 0.1)
        self.subln = RMSNormRef(e, eps=1e-5)
        self.proj_out = nn.Linear(dim, dim)

    def lam(self):
        return (torch.exp(torch.dot(self.lambda_q1, self.lambda_k1))
                - torch.exp(torch.dot(self.lambda_q2, self.lambda_k2)) + self.lambda_init)

    def forward(self, x, context=None, mask=None):
        b, lq, dim = x.shape
        if self.cross:
            q, k, v = self.to_q(x), self.to_k(context), self.to_v(context)
        else:
            q, k, v = self.qkv(x).chunk(3, dim=-1)
        h, d = self.heads, self.half
        lk = k.shape[1]
        q = q.view(b, lq, h, 2, d)
        k = k.view(b, lk, h, 2, d)
        v = v.view(b, lk, h, 2 * d)
        bias = _key_bias(mask, x.dtype)
        maps = []
        for i in range(2):
            s = torch.einsum("bqhd,bkhd->bhqk", q[:, :, :, i], k[:, :, :, i]) / math.sqrt(d)
            if bias is not None:
                s = s + bias
            maps.append(s.softmax(dim=-1))
        a = maps[0] - self.lam() * maps[1]                    # (b, h, lq, lk)
        heads_out = torch.einsum("bhqk,bkhe->bhqe", a, v)     # (b, h, lq, 2d)
        heads_out = self.subln(heads_out) * (1.0 - self.lambda_init)
        return self.proj_out(heads_out.permute(0, 2, 1, 3).reshape(b, lq, dim))


# ----------------------------------------------------------------------------- maps <-> tokens

def attend_map(block, fmap, window=0, context=None, mask=None):
    """Run a token attention over an (N, C, h, w) map, globally or in windows."""
    n, c, h, w = fmap.shape
    if window <= 0:
        t = fmap.flatten(2).transpose(1, 2)
        out = block(t, context, mask) if context is not None else block(t)
        return out.transpose(1, 2).reshape(n, c, h, w)
    wh, ww = min(window, h), min(window, w)
    if h % wh or w % ww:
        raise ValueError("window %d does not divide %dx%d" % (window, h, w))
    t = fmap.permute(0, 2, 3, 1)                                     # (n, h, w, c)
    t = t.reshape(n, h // wh, wh, w // ww, ww, c).permute(0, 1, 3, 2, 4, 5)
    t = t.reshape(-1, wh * ww, c)
    out = block(t)
    out = out.reshape(n, h // wh, w // ww, wh, ww, c).permute(0, 1, 3, 2, 4, 5)
    return out.reshape(n, h, w, c).permute(0, 3, 1, 2)


def default_groups(channels):
    for g in range(min(32, channels), 0, -1):
        if channels % g == 0:
            return g
    return 1


# ----------------------------------------------------------------------------- blocks

class DFBRef(nn.Module):
    def __init__(self, channels, head_channels=32, mode="LH", window=0, depth=0):
        super().__init__()
        self.mode = mode
        self.window = window
        c = channels
        self.norm = GroupNormRef(c, default_groups(c))
        if mode in ("L", "LH"):
            self.attn_low = MHARef(c, c // head_channels)
        if mode in ("H", "LH"):
            self.attn_high = DiffAttnRef(3 * c, 3 * c // head_channels, depth=depth)
        if mode == "NORMATTN":
            self.attn = MHARef(c, c // head_channels)
        self.proj_out = nn.Conv2d(c, c, 1)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, z):
        zn = self.norm(z)
        if self.mode == "NORMATTN":
            y = attend_map(self.attn, zn, self.window)
        else:
            ll, lh, hl, hh = haar_dwt(zn)
            high = torch.cat([lh, hl, hh], dim=1)
            if self.mode in ("L", "LH"):
                ll = attend_map(self.attn_low, ll, self.window)
            if self.mode in ("H", "LH"):
                high = attend_map(self.attn_high, high, self.window)
            lh, hl, hh = high.chunk(3, dim=1)
            y = haar_iwt(ll, lh, hl, hh)
        return z + self.proj_out(y)


class KGRef(nn.Module):
    def __init__(self, channels, text_dim, head_channels=32, mode="LH", depth=0):
        super().__init__()
        self.mode = mode
        c = channels
        self.norm = GroupNormRef(c, default_groups(c))
        if mode in ("L", "LH"):
            self.attn_low = MHARef(c, c // head_channels, context_dim=text_dim)
        if mode in ("H", "LH"):
            self.attn_high = DiffAttnRef(3 * c, 3 * c // head_channels, context_dim=text_dim,
                                         depth=depth)
        if mode == "CROSSATTN":
            self.attn = MHARef(c, c // head_channels, context_dim=text_dim)
        self.proj_out = nn.Conv2d(c, c, 1)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, z, text, mask=None):
        zn = self.norm(z)
        if self.mode == "CROSSATTN":
            y = attend_map(self.attn, zn, 0, text, mask)
        else:
            ll, lh, hl, hh = haar_dwt(zn)
            high = torch.cat([lh, hl, hh], dim=1)
            if self.mode in ("L", "LH"):
                ll = attend_map(self.attn_low, ll, 0, text, mask)
            if self.mode in ("H", "LH"):
                high = attend_map(self.attn_high, high, 0, text, mask)
            lh, hl, hh = high.chunk(3, dim=1)
            y = haar_iwt(ll, lh, hl, hh)
        return z + self.proj_out(y)
