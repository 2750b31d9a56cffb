#!/usr/bin/env bash
# Alternating A/B of `patchddm bench` at 64^3 (paper network) between two built checkouts, N pairs.
# Build each first (submit/patchddm builds on its first run). Prints the bench JSON lines with side, pair and load.
# Usage: bench-ab.sh OLD_ROOT NEW_ROOT PAIRS
set -u
old=$1; new=$2; pairs=${3:-2}
for i in $(seq 1 "$pairs"); do
  for side in old new; do
    root=$old; [ "$side" = new ] && root=$new
    PATCHDDM_NO_BUILD=1 "$root/submit/patchddm" bench --size 64 --what train,infer --reps 3 --warmup 1 2>/dev/null \
      | grep '^{' | sed "s/^{/{\"side\":\"$side\",\"pair\":$i,\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",/"
  done
done
