#!/usr/bin/env bash
# compare-torch.sh [pairs] [size] [reps]  --  ours against PyTorch 1.13, alternating, on this machine.
#
# Runs `submit/patchddm bench` and model/bench/torch_baseline.py one after the other, `pairs` times
# (default 3), each with 1 warm-up and `reps` timed repetitions (default 3) at size^3 (default 64),
# then prints, per measurement, every run's median and the median of those medians for both, as
# JSON lines on stdout. Alternating runs share the machine's state, which on a shared VM drifts by
# ±20 % within minutes; compare medians of medians, not single runs.
#
# Needs PyTorch (model/bench/install-torch.sh, as root, once). Raw lines go to $OUT_DIR
# (default: a new temporary folder, printed on stderr).
set -euo pipefail
pairs="${1:-3}"
size="${2:-64}"
reps="${3:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT_DIR:-$(mktemp -d -t patchddm-compare.XXXXXX)}"
mkdir -p "$out"
echo "compare-torch: $pairs pairs, ${size}^3, $reps reps; raw lines in $out" >&2
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "compare-torch: PyTorch is not installed; run model/bench/install-torch.sh (root) first" >&2
  exit 2
fi
for ((p = 1; p <= pairs; p++)); do
  echo "compare-torch: pair $p/$pairs: ours ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
  "$root/submit/patchddm" bench --size "$size" --what infer,train --reps "$reps" 2>/dev/null \
    | grep '^{' > "$out/ours-$p.jsonl"
  echo "compare-torch: pair $p/$pairs: PyTorch ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
  OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" /usr/bin/python3 "$root/model/bench/torch_baseline.py" \
    --size "$size" --reps "$reps" --what infer,train 2>/dev/null > "$out/torch-$p.jsonl"
done
/usr/bin/python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for impl in ("ours", "torch"):
    for f in sorted(glob.glob(os.path.join(out, impl + "-*.jsonl"))):
        for line in open(f):
            d = json.loads(line)
            if "median_s" in d:
                rows.setdefault((d["what"], impl), []).append((d["median_s"], d.get("peak_rss_mb")))
for what in ("infer_forward", "train_step"):
    res = {"what": what}
    for impl in ("ours", "torch"):
        runs = rows.get((what, impl), [])
        res[impl + "_medians_s"] = [round(m, 3) for m, _ in runs]
        res[impl + "_median_of_medians_s"] = round(statistics.median(m for m, _ in runs), 3) if runs else None
        res[impl + "_peak_rss_mb"] = [round(r) for _, r in runs if r is not None]
    if res["ours_median_of_medians_s"] and res["torch_median_of_medians_s"]:
        res["ours_over_torch"] = round(res["ours_median_of_medians_s"] / res["torch_median_of_medians_s"], 3)
    print(json.dumps(res))
PY
