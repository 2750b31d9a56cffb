#!/usr/bin/env bash
# train-cluster.sh standalone|yarn|k8s --data DATASET --out RUN_DIR [--mode patchddm|fullres|halfres] [train options]
#   --  submits `patchddm train` to a GPU cluster with its resource settings, through submit/spark-submit.sh.
#
# One training slot (Spark task) per GPU for patchddm and halfres; two GPUs per task for fullres (its
# encoder and decoder halves sit on two devices). The number of slots is set explicitly, since Spark's
# default parallelism counts CPU cores, not GPUs.
#
#   MASTER=spark://master:7077 EXECUTORS=4 GPUS_PER_EXECUTOR=4 \
#     submit/train-cluster.sh standalone --data hdfs:///brats/prep --out hdfs:///runs/p1 --conf conf/paper.conf
#   EXECUTORS=8 GPUS_PER_EXECUTOR=2 submit/train-cluster.sh yarn --data hdfs:///brats/prep --out hdfs:///runs/f1 --mode fullres
#   MASTER=k8s://https://api.example:6443 IMAGE=registry.example/patchddm:0.1 PATCHDDM_JAR=local:///opt/patchddm/patchddm.jar \
#     EXECUTORS=4 submit/train-cluster.sh k8s --data hdfs://nn:8020/brats/prep --out hdfs://nn:8020/runs/h1 --mode halfres
#
# Environment: EXECUTORS (2), GPUS_PER_EXECUTOR (1; must be a multiple of the GPUs per task), CPUS_PER_TASK (4),
# EXECUTOR_MEMORY (32g), OFFHEAP_GB (ND4J off-heap limit per JVM, 48), MASTER (standalone: spark://HOST:7077;
# k8s: k8s://https://HOST:PORT; yarn: from HADOOP_CONF_DIR), IMAGE (k8s: a container image with Java 17,
# the shaded jar built with -Pcuda and this directory at /opt/patchddm), DISCOVERY (the discovery script's
# path on the executors; default: shipped with --files on YARN, /opt/patchddm/submit/gpu-discovery.sh on k8s),
# plus everything submit/spark-submit.sh reads. Standalone Workers must announce their GPUs themselves, in
# conf/spark-env.sh:
#   SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=4 -Dspark.worker.resource.gpu.discoveryScript=/opt/patchddm/submit/gpu-discovery.sh"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
cluster="$1"
shift

mode=patchddm
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == "--mode" && $((i + 1)) -lt ${#args[@]} ]] && mode="${args[$((i + 1))]}"
  [[ "${args[$i]}" == --mode=* ]] && mode="${args[$i]#--mode=}"
done
case "$mode" in
  patchddm|halfres) gpus_per_task=1 ;;
  fullres) gpus_per_task=2 ;;
  *) echo "train-cluster.sh: unknown --mode '$mode' (patchddm, fullres or halfres)" >&2; exit 1 ;;
esac

# shellcheck source=submit/gpu-cluster.sh
source "$here/gpu-cluster.sh"
gpu_cluster_conf train-cluster.sh "$cluster" "$gpus_per_task" || exit 1

export EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-32g}" OFFHEAP="${OFFHEAP_GB:-48}G"
# spark-submit.sh splits SPARK_EXTRA on spaces: none of these values has one
export SPARK_EXTRA="${conf[*]} ${SPARK_EXTRA:-}"
exec "$here/spark-submit.sh" train "$@" --set patchddm.spark.train.engine=spark --set "patchddm.spark.train.slots=$slots"
