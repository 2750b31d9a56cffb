#!/usr/bin/env python3
"""Single-process numpy reference for `patchddm bench-preprocess` (see BENCHMARKS.md).

Does per subject what the Spark job does, the way a nibabel + numpy script would:
read the five .nii.gz files (gzip + numpy.frombuffer, which is what nibabel does for .nii.gz),
SHA-256 of every input file, brain mask (nonzero in any sequence), per-sequence 1st/99th
percentile (numpy 'linear') over the brain, clip and scale to [0, 1], centred pad to 256^3,
labels and whole tumour, bounding box of the nonzero voxels, and (with --save) np.save of the
box-cropped float32 channels and uint8 labels (uncompressed: no zstd module is available here).

Prints one JSON line per subject and a summary line with the median seconds per subject.
Usage: numpy_preprocess_baseline.py COHORT_DIR [--save OUT_DIR] [--target 256,256,256]
"""
import argparse
import gzip
import hashlib
import json
import os
import resource
import statistics
import struct
import time

import numpy as np

SEQUENCES = ("t1", "t1ce", "t2", "flair")
DTYPES = {2: "u1", 4: "i2", 8: "i4", 16: "f4", 64: "f8", 256: "i1", 512: "u2", 768: "u4", 1024: "i8"}


def read_nifti(path):
    """(voxels as a numpy array in x-fastest order, sha256 hex) of a NIfTI-1 .nii/.nii.gz file."""
    with open(path, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    endian = "<" if struct.unpack("<i", data[:4])[0] == 348 else ">"
    dims = struct.unpack(endian + "8h", data[40:56])
    datatype = struct.unpack(endian + "h", data[70:72])[0]
    vox_offset = int(struct.unpack(endian + "f", data[108:112])[0])
    slope, inter = struct.unpack(endian + "2f", data[112:120])
    shape = tuple(int(d) for d in dims[1:1 + dims[0]])
    count = int(np.prod(shape))
    dt = np.dtype(endian + DTYPES[datatype])
    vox = np.frombuffer(data, dtype=dt, count=count, offset=vox_offset).reshape(shape, order="F")
    if slope not in (0.0, 1.0) or inter != 0.0:
        vox = vox * slope + inter
    return vox, digest


def pad(volume, target):
    out = np.zeros(target, dtype=volume.dtype)
    off = [(t - s) // 2 for s, t in zip(volume.shape, target)]
    out[off[0]:off[0] + volume.shape[0], off[1]:off[1] + volume.shape[1], off[2]:off[2] + volume.shape[2]] = volume
    return out


def bbox(mask):
    idx = [np.nonzero(mask.any(axis=tuple(a for a in range(3) if a != ax)))[0] for ax in range(3)]
    return tuple(slice(i[0], i[-1] + 1) for i in idx)


def process(subject_dir, target, save_dir):
    sid = os.path.basename(subject_dir.rstrip("/"))
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    vols, sums = [], {}
    for q in SEQUENCES:
        v, h = read_nifti(os.path.join(subject_dir, f"{sid}_{q}.nii.gz"))
        vols.append(v)
        sums[q] = h
    seg, sums["seg"] = read_nifti(os.path.join(subject_dir, f"{sid}_seg.nii.gz"))
    t_read = time.perf_counter()
    brain = np.zeros(vols[0].shape, dtype=bool)
    for v in vols:
        brain |= v != 0
    channels = []
    for v in vols:
        f = v.astype(np.float32)
        lo, hi = np.percentile(f[brain], [1.0, 99.0])
        f = ((np.clip(f, lo, hi) - lo) / (hi - lo)).astype(np.float32)
        f[~brain] = 0
        channels.append(pad(f, target))
    labels = pad(seg.astype(np.uint8), target)
    whole = (labels > 0).astype(np.uint8)
    nonzero = whole.astype(bool)
    for c in channels:
        nonzero |= c != 0
    box = bbox(nonzero)
    t_prep = time.perf_counter()
    if save_dir:
        out = os.path.join(save_dir, sid)
        os.makedirs(out, exist_ok=True)
        for q, c in zip(SEQUENCES, channels):
            np.save(os.path.join(out, q + ".npy"), np.ascontiguousarray(c[box]))
        np.save(os.path.join(out, "labels.npy"), np.ascontiguousarray(labels[box]))
        np.save(os.path.join(out, "whole_tumour.npy"), np.ascontiguousarray(whole[box]))
    t_end = time.perf_counter()
    return {"subject": sid, "read_s": round(t_read - t0, 3), "preprocess_s": round(t_prep - t_read, 3),
            "save_s": round(t_end - t_prep, 3), "total_s": round(t_end - t0, 3),
            "cpu_s": round(time.process_time() - cpu0, 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cohort")
    ap.add_argument("--save")
    ap.add_argument("--target", default="256,256,256")
    a = ap.parse_args()
    target = tuple(int(x) for x in a.target.split(","))
    subjects = sorted(d for d in os.listdir(a.cohort) if os.path.isdir(os.path.join(a.cohort, d)))
    rows = []
    for s in subjects:
        r = process(os.path.join(a.cohort, s), target, a.save)
        rows.append(r)
        print(json.dumps(r), flush=True)
    print(json.dumps({"bench": "numpy-baseline", "subjects": len(rows),
                      "median_total_s": statistics.median(r["total_s"] for r in rows),
                      "median_cpu_s": statistics.median(r["cpu_s"] for r in rows),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "load_avg_1m": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
