#!/usr/bin/python3
"""Writes dfbk-core's fused-ops TorchScript module: aten kernels that DJL 0.29's PyTorch engine
does not expose, run by org.dfbk.core.math.FusedOps with autograd on.

    /usr/bin/python3 scripts/ops/make_fused_ops.py [output]

Every method but adamw_ is one aten call, and adamw_ is a fixed sequence of in-place aten calls,
so the module carries no weights and no Python semantics of its own: the file only names kernels
(with their backward) for the Java side to invoke. Shapes, not
integer arguments, carry the group count and the roll shift, because DJL passes tensors only.
"""
import os
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "dfbk-core", "src",
                   "main", "resources", "org", "dfbk", "core", "math", "fused-ops.pt")


class FusedOps(torch.nn.Module):
    @torch.jit.export
    def silu(self, x: torch.Tensor) -> torch.Tensor:
        """x * sigmoid(x) as one kernel forward and one backward."""
        return torch._C._nn.silu(x)

    @torch.jit.export
    def group_norm(self, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
        """x: (N, G, C/G, L), the group count read from the shape; returns (N, C, L), eps 1e-5."""
        n, g, cg, rest = x.shape
        return torch.group_norm(x.reshape(n, g * cg, rest), g, gamma, beta, 1e-5, False)

    @torch.jit.export
    def group_norm_plain(self, x: torch.Tensor) -> torch.Tensor:
        """group_norm without the affine part."""
        n, g, cg, rest = x.shape
        return torch.group_norm(x.reshape(n, g * cg, rest), g, None, None, 1e-5, False)

    @torch.jit.export
    def roll2d(self, x: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
        """torch.roll of (N, C, H, W) by shift.size(0) along H and W (shift's values unused)."""
        s = shift.size(0)
        return torch.roll(x, [s, s], [2, 3])

    @torch.jit.export
    def upsample_nearest2x(self, x: torch.Tensor) -> torch.Tensor:
        """Nearest-neighbour 2x upsampling of (N, C, H, W)."""
        return torch._C._nn.upsample_nearest2d(x, [2 * x.size(2), 2 * x.size(3)])

    @torch.jit.export
    def adamw_(self, theta: torch.Tensor, g: torch.Tensor, m: torch.Tensor, v: torch.Tensor,
               clip: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """One AdamW update in place, in PyTorch's own formulation (torch.optim.AdamW,
        single-tensor path): g *= clip; m = lerp(m, g, 1-b1); v = lerp(v, g*g, 1-b2);
        theta *= 1 - lr*wd; theta += c4 * m / (sqrt(v) + c3), with
        c = [1-b1, 1-b2, 1-lr*wd, eps*sqrt(1-b2^k), -lr*sqrt(1-b2^k)/(1-b1^k)]. The gradient's
        buffer holds g*g, then the denominator: ten passes over memory and no allocation."""
        g.mul_(clip)
        m.lerp_(g, c[0])
        g.mul_(g)
        v.lerp_(g, c[1])
        theta.mul_(c[2])
        torch.sqrt(v, out=g)
        g.add_(c[3])
        torch.div(m, g, out=g)
        theta.addcmul_(g, c[4])
        return theta

    @torch.jit.export
    def share_(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Makes a use b's memory (a.set_(b)): a parameter's gradient pointed into one flat
        buffer, which backward then accumulates into in place."""
        return a.set_(b)

    @torch.jit.export
    def lerp_(self, a: torch.Tensor, b: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """a = a + w * (b - a) in place (an EMA update with w = 1 - decay): one pass."""
        return a.lerp_(b, w)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.silu(x)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    torch.jit.script(FusedOps()).save(out)
    print("wrote %s (torch %s)" % (os.path.normpath(out), torch.__version__))


if __name__ == "__main__":
    main()
