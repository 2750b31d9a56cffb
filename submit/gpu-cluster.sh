#!/usr/bin/env bash
# gpu-cluster.sh  --  sourced by train-cluster.sh and infer-cluster.sh; not run by itself.
#
# gpu_cluster_conf SCRIPT CLUSTER GPUS_PER_TASK fills the array `conf` with the spark-submit settings of
# Spark's GPU scheduling on CLUSTER (standalone, yarn or k8s) and sets `executors`, `tasks_per_executor`
# and `slots` (tasks that run at once). SCRIPT names the caller in error messages. It reads EXECUTORS,
# GPUS_PER_EXECUTOR, CPUS_PER_TASK, OFFHEAP_GB, MASTER, IMAGE, DISCOVERY and SPARK_EXTRA (whose --files
# it merges into the one list spark-submit keeps), and exports MASTER and DEPLOY_MODE where the cluster
# decides them.

gpu_cluster_conf() {
  local script="$1" cluster="$2" gpus_per_task="$3"
  local here gpus_per_executor cpus_per_task
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  executors="${EXECUTORS:-2}"
  gpus_per_executor="${GPUS_PER_EXECUTOR:-$gpus_per_task}"
  if (( gpus_per_executor % gpus_per_task != 0 )); then
    echo "$script: GPUS_PER_EXECUTOR=$gpus_per_executor is not a multiple of the $gpus_per_task GPUs per task" >&2
    return 1
  fi
  tasks_per_executor=$((gpus_per_executor / gpus_per_task))
  cpus_per_task="${CPUS_PER_TASK:-4}"
  slots=$((executors * tasks_per_executor))

  conf=(
    # Resource scheduling: the executor owns its GPUs, each task gets gpus_per_task of them
    # (TaskContext.resources().get("gpu")); CPU cores are sized so that GPUs, not cores, limit the tasks.
    --conf "spark.executor.resource.gpu.amount=$gpus_per_executor"
    --conf "spark.task.resource.gpu.amount=$gpus_per_task"
    --conf "spark.executor.cores=$((tasks_per_executor * cpus_per_task))"
    --conf "spark.task.cpus=$cpus_per_task"
    --conf "spark.executorEnv.OMP_NUM_THREADS=$cpus_per_task"
    # CUDA ordinals in nvidia-smi's order, so that the discovery script's addresses name the right devices.
    --conf "spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID"
    # A fixed set of executors: parameter averaging needs every slot each round, and inference keeps
    # one model per executor for the whole job.
    --conf "spark.dynamicAllocation.enabled=false"
    --conf "spark.executor.instances=$executors"
    # ND4J's native memory lives outside the heap: the container must hold it (off-heap limit + 4 GB).
    --conf "spark.executor.memoryOverhead=$((${OFFHEAP_GB:-48} + 4))g"
  )
  case "$cluster" in
    standalone)
      [[ -n "${MASTER:-}" ]] || { echo "$script: set MASTER=spark://HOST:7077" >&2; return 1; }
      conf+=(--conf "spark.cores.max=$((executors * tasks_per_executor * cpus_per_task))")
      ;;
    yarn)
      export MASTER=yarn DEPLOY_MODE="${DEPLOY_MODE:-cluster}"
      # YARN maps Spark's "gpu" to its yarn.io/gpu resource; the script travels with the application.
      # spark-submit keeps only the last --files: a list in SPARK_EXTRA is merged into ours.
      local files="$here/gpu-discovery.sh" extra=() words=() i
      read -r -a words <<< "${SPARK_EXTRA:-}"
      for ((i = 0; i < ${#words[@]}; i++)); do
        case "${words[$i]}" in
          --files) files+=",${words[$((i + 1))]:-}"; i=$((i + 1)) ;;
          --files=*) files+=",${words[$i]#--files=}" ;;
          *) extra+=("${words[$i]}") ;;
        esac
      done
      SPARK_EXTRA="${extra[*]:-}"
      conf+=(--files "$files"
             --conf "spark.executor.resource.gpu.discoveryScript=${DISCOVERY:-./gpu-discovery.sh}")
      ;;
    k8s)
      [[ -n "${MASTER:-}" && -n "${IMAGE:-}" ]] || { echo "$script: set MASTER=k8s://https://HOST:PORT and IMAGE" >&2; return 1; }
      export DEPLOY_MODE="${DEPLOY_MODE:-cluster}"
      conf+=(--conf "spark.kubernetes.container.image=$IMAGE"
             --conf "spark.executor.resource.gpu.vendor=nvidia.com"
             --conf "spark.executor.resource.gpu.discoveryScript=${DISCOVERY:-/opt/patchddm/submit/gpu-discovery.sh}")
      ;;
    *)
      echo "$script: unknown cluster '$cluster' (standalone, yarn or k8s)" >&2
      return 1
      ;;
  esac
}
