#!/usr/bin/env bash
# infer-cluster.sh standalone|yarn|k8s --model RUN_DIR|CHECKPOINT --data DATASET|RAW_BRATS_DIR --out OUT_DIR [infer options]
#   --  submits `patchddm infer` to a GPU cluster with its resource settings, through submit/spark-submit.sh.
#
# One GPU per task; a FullRes model's tasks ask for two GPUs themselves (stage-level scheduling), so give
# its executors an even GPUS_PER_EXECUTOR. The (subject x member) work items spread over every GPU of the
# cluster, and each executor keeps its model for the whole job. The executors write the subjects' NIfTI
# files and the driver writes the tables and report.html, so OUT_DIR must be a directory that the driver
# and every executor see at the same path (a shared mount); the model and the data may be on HDFS.
#
#   MASTER=spark://master:7077 EXECUTORS=4 GPUS_PER_EXECUTOR=4 \
#     submit/infer-cluster.sh standalone --model hdfs:///runs/p1 --data hdfs:///brats/prep --out /shared/seg/p1 --ensemble 5
#   EXECUTORS=8 GPUS_PER_EXECUTOR=2 submit/infer-cluster.sh yarn --model hdfs:///runs/f1 --data hdfs:///brats/prep --out /shared/seg/f1
#
# Environment: as submit/train-cluster.sh (EXECUTORS, GPUS_PER_EXECUTOR, CPUS_PER_TASK, EXECUTOR_MEMORY,
# OFFHEAP_GB, MASTER, IMAGE, DISCOVERY and everything submit/spark-submit.sh reads).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
cluster="$1"
shift

# shellcheck source=submit/gpu-cluster.sh
source "$here/gpu-cluster.sh"
gpu_cluster_conf infer-cluster.sh "$cluster" 1 || exit 1

export EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-32g}" OFFHEAP="${OFFHEAP_GB:-48}G"
# spark-submit.sh splits SPARK_EXTRA on spaces: none of these values has one
export SPARK_EXTRA="${conf[*]} ${SPARK_EXTRA:-}"
exec "$here/spark-submit.sh" infer "$@"
