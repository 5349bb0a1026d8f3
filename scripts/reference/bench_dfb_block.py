#!/usr/bin/python3
"""Forward + backward time of one DFB block of the PyTorch reference (float32, CPU), the
counterpart of org.dfbk.core.bench.DfbBlockBench.

    /usr/bin/python3 scripts/reference/bench_dfb_block.py \
        [N C H W [repeats [warmups [threads [window]]]]]

Defaults: 4 64 96 96, 10 timed runs after 2 warm-ups, 2 threads, window 0 (global attention).
"""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dfbk_blocks as ref  # noqa: E402


def main():
    a = [int(v) for v in sys.argv[1:]]
    n, c, h, w = (a + [4, 64, 96, 96][len(a):])[:4] if len(a) < 4 else a[:4]
    repeats = a[4] if len(a) > 4 else 10
    warmups = a[5] if len(a) > 5 else 2
    threads = a[6] if len(a) > 6 else 2
    window = a[7] if len(a) > 7 else 0
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    block = ref.DFBRef(c, 32, "LH", window, 0)
    with torch.no_grad():
        block.proj_out.weight.normal_(0, 0.02)
    print("torch %s, threads %d, DFB LH %s, input %dx%dx%dx%d float32"
          % (torch.__version__, torch.get_num_threads(),
             "WINDOW %d" % window if window else "GLOBAL", n, c, h, w))
    times = []
    for i in range(warmups + repeats):
        z = torch.randn(n, c, h, w)
        block.zero_grad(set_to_none=True)
        t0 = time.perf_counter()
        block(z).sum().backward()
        t1 = time.perf_counter()
        if i >= warmups:
            times.append((t1 - t0) * 1000)
    print("forward+backward ms: median %.1f, min %.1f, max %.1f over %d runs (after %d warm-up)"
          % (statistics.median(times), min(times), max(times), repeats, warmups))
    print("all runs ms:", ["%.1f" % t for t in times])


if __name__ == "__main__":
    main()
