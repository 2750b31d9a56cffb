#!/usr/bin/python3
"""PyTorch reference timing for the PatchDDM U-Net, on this machine.

Issue 3 compares `patchddm bench` with "the authors' PyTorch 1.13 code on the same machine". This
script rebuilds the same network in PyTorch (written here from ../shared/docs/PAPER-FACTS.md and
model/src/main/java/org/patchddm/model/net/UNet.java, not taken from the authors' code), checks
that it has the paper's parameter count, and times it the way `patchddm bench` does:

  train_step    = forward + MSE loss + backward + AdamW update, batch 1
  infer_forward = one forward pass under torch.no_grad()

one warm-up, then --reps timed repetitions; one JSON line per measurement, with the same field
names as `patchddm bench`. PyTorch comes from Debian (python3-torch 1.13.1, built with oneDNN
2.6.3); `model/bench/install-torch.sh` installs it. Not part of the test suite.

  /usr/bin/python3 model/bench/torch_baseline.py --size 64 --reps 3 --threads 2
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


def sinusoid(t, dim, max_period=10000.0):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.gn1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv3d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, cout)
        self.gn2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv3d(cout, cout, 3, padding=1)
        self.skip = nn.Conv3d(cin, cout, 1) if cin != cout else None

    def forward(self, x, e):
        h = self.conv1(F.silu(self.gn1(x)))
        h = h + self.emb(e)[:, :, None, None, None]
        h = self.conv2(F.silu(self.gn2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class PatchDDMUNet(nn.Module):
    """Same vertex order and widths as UNet.java with SkipMerge.AVERAGE."""

    def __init__(self, in_ch=8, out_ch=1, ch=29, mult=(1, 3, 4, 4, 4, 4, 4), blocks=2, groups=29):
        super().__init__()
        self.ch = ch
        e = 4 * ch
        self.temb = nn.Sequential(nn.Linear(ch, e), nn.SiLU(), nn.Linear(e, e))
        self.in_conv = nn.Conv3d(in_ch, ch, 3, padding=1)
        widths = [ch]
        self.enc = nn.ModuleList()
        c = ch
        for level, m in enumerate(mult):
            for _ in range(blocks):
                self.enc.append(ResBlock(c, ch * m, e, groups))
                c = ch * m
                widths.append(c)
            if level != len(mult) - 1:
                self.enc.append(nn.Conv3d(c, c, 3, stride=2, padding=1))
                widths.append(c)
        self.mid = nn.ModuleList([ResBlock(c, c, e, groups), ResBlock(c, c, e, groups)])
        self.dec = nn.ModuleList()
        self.plan = []  # per decoder module: 'res' (pops a skip) or 'up'
        for level in reversed(range(len(mult))):
            for b in range(blocks + 1):
                skip = widths.pop()
                assert skip == c, (skip, c)
                out = widths[-1] if widths else ch
                self.dec.append(ResBlock(c, out, e, groups))
                self.plan.append('res')
                c = out
                if level > 0 and b == blocks:
                    self.dec.append(nn.Conv3d(c, c, 3, padding=1))
                    self.plan.append('up')
        self.out_norm = nn.GroupNorm(groups, c)
        self.out_conv = nn.Conv3d(c, out_ch, 3, padding=1)

    def forward(self, x, t):
        e = F.silu(self.temb(sinusoid(t, self.ch)))
        h = self.in_conv(x)
        skips = [h]
        for m in self.enc:
            h = m(h, e) if isinstance(m, ResBlock) else m(h)
            skips.append(h)
        for m in self.mid:
            h = m(h, e)
        for m, kind in zip(self.dec, self.plan):
            if kind == 'res':
                h = m((h + skips.pop()) / 2, e)
            else:
                h = m(F.interpolate(h, scale_factor=2, mode='nearest'))
        return self.out_conv(F.silu(self.out_norm(h)))


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--size', type=int, default=64)
    p.add_argument('--channels', type=int, default=29)
    p.add_argument('--mult', default='1,3,4,4,4,4,4')
    p.add_argument('--in-channels', type=int, default=8)
    p.add_argument('--batch', type=int, default=1)
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--what', default='params,infer,train')
    p.add_argument('--no-mkldnn', action='store_true', help='PyTorch native kernels only')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.backends.mkldnn.enabled = not a.no_mkldnn
    torch.manual_seed(0)
    mult = tuple(int(v) for v in a.mult.split(','))
    net = PatchDDMUNet(a.in_channels, 1, a.channels, mult, 2, a.channels)
    params = sum(p.numel() for p in net.parameters())
    base = {'impl': 'pytorch-' + torch.__version__, 'mkldnn': torch.backends.mkldnn.enabled,
            'threads': a.threads, 'size': a.size, 'channels': a.channels, 'mult': a.mult,
            'params': params, 'batch': a.batch}
    what = a.what.split(',')
    if 'params' in what:
        print(json.dumps(dict(base, what='params')), flush=True)
    x = torch.randn(a.batch, a.in_channels, a.size, a.size, a.size)
    t = torch.randint(0, 1000, (a.batch,))
    for kind in ('infer', 'train'):
        if kind not in what:
            continue
        if kind == 'train':
            net.train()
            opt = torch.optim.AdamW(net.parameters(), lr=1e-5, weight_decay=0.0)
            target = torch.randn(a.batch, 1, a.size, a.size, a.size)

            def once():
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(net(x, t), target)
                loss.backward()
                opt.step()
        else:
            net.eval()

            def once():
                with torch.no_grad():
                    net(x, t)
        times = []
        for rep in range(a.reps + 1):
            start = time.perf_counter()
            once()
            took = time.perf_counter() - start
            if rep > 0:
                times.append(took)
            print(f'# {kind} rep {rep}{" (warm-up)" if rep == 0 else ""}: {took:.3f} s',
                  file=sys.stderr, flush=True)
        print(json.dumps(dict(base, what='train_step' if kind == 'train' else 'infer_forward',
                              median_s=statistics.median(times), min_s=min(times),
                              max_s=max(times), peak_rss_mb=round(peak_rss_mb()))), flush=True)


if __name__ == '__main__':
    main()
