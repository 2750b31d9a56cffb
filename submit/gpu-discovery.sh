#!/usr/bin/env bash
# gpu-discovery.sh  --  Spark's GPU discovery script: prints the GPUs this process can use as
#   {"name":"gpu","addresses":["0","1",...]}
# for spark.{worker,driver,executor}.resource.gpu.discoveryScript. The addresses are CUDA device
# ordinals, which a task hands to ND4J:
# - when CUDA_VISIBLE_DEVICES lists n devices, CUDA renumbers them 0..n-1, so those are printed;
# - otherwise nvidia-smi's indices (inside a container: the container's GPUs). They equal CUDA's
#   ordinals when the executors run with CUDA_DEVICE_ORDER=PCI_BUS_ID (submit/train-cluster.sh sets it).
# Prints an empty list when there is no nvidia-smi; exits non-zero (Spark reports it) when nvidia-smi fails.
set -euo pipefail

addresses=()
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  IFS=',' read -ra visible <<< "$CUDA_VISIBLE_DEVICES"
  for i in "${!visible[@]}"; do
    addresses+=("$i")
  done
elif command -v nvidia-smi >/dev/null 2>&1; then
  out="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
  while read -r id; do
    [[ -n "$id" ]] && addresses+=("$id")
  done <<< "$out"
fi
json=""
for id in "${addresses[@]+"${addresses[@]}"}"; do
  json+="${json:+,}\"$id\""
done
echo "{\"name\":\"gpu\",\"addresses\":[$json]}"
