#!/usr/bin/env bash
# spark-submit.sh <command> [options]  --  submits a patchddm command to a Spark cluster.
#
# Wraps spark-submit with the shaded jar (build it once with: mvn -DskipTests package) and the
# Java 17 flags Spark and ND4J need on the driver and on every executor. Everything after the
# command name is passed to the command, e.g.
#
#   MASTER=yarn DEPLOY_MODE=cluster EXECUTOR_MEMORY=4g NUM_EXECUTORS=16 \
#     submit/spark-submit.sh preprocess --input hdfs:///brats/raw --output hdfs:///brats/prep --conf conf/paper.conf
#
# Environment (all optional): SPARK_SUBMIT (default: spark-submit on PATH), MASTER (default: the
# cluster's spark-defaults), DEPLOY_MODE, EXECUTOR_MEMORY (4g), EXECUTOR_CORES, NUM_EXECUTORS,
# DRIVER_MEMORY (4g), OFFHEAP (ND4J off-heap limit per JVM, 6G), SPARK_EXTRA (more spark-submit args),
# PATCHDDM_JAR (the jar; a URI such as local:///opt/patchddm/patchddm.jar is passed on unchecked).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${PATCHDDM_JAR:-$root/spark-jobs/target/patchddm-spark-jobs-0.1.0-SNAPSHOT-spark.jar}"
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [[ "$jar" != *://* && ! -f "$jar" ]]; then
  echo "spark-submit.sh: $jar is missing; build it with: mvn -DskipTests package" >&2
  exit 1
fi

jvm="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
         java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
         sun.security.action sun.util.calendar; do
  jvm+=" --add-opens=java.base/$p=ALL-UNNAMED"
done
jvm+=" -Dorg.bytedeco.javacpp.maxbytes=${OFFHEAP:-6G} -Dorg.bytedeco.javacpp.maxphysicalbytes=${OFFHEAP:-6G}"

# Fixed 1 MB glibc mmap threshold for the driver (client mode: this process's environment) and
# every executor: ND4J's freed large arrays are then returned to the OS (NativeMemory.java).
mmap="${MALLOC_MMAP_THRESHOLD_:-1048576}"
export MALLOC_MMAP_THRESHOLD_="$mmap"

args=(--class org.patchddm.cli.PatchDdm
      --driver-memory "${DRIVER_MEMORY:-4g}"
      --executor-memory "${EXECUTOR_MEMORY:-4g}"
      --conf "spark.driver.extraJavaOptions=$jvm"
      --conf "spark.executor.extraJavaOptions=$jvm"
      --conf "spark.executorEnv.OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}"
      --conf "spark.executorEnv.MALLOC_MMAP_THRESHOLD_=$mmap"
      --conf "spark.yarn.appMasterEnv.MALLOC_MMAP_THRESHOLD_=$mmap"
      --conf "spark.kubernetes.driverEnv.MALLOC_MMAP_THRESHOLD_=$mmap")
[[ -n "${MASTER:-}" ]] && args+=(--master "$MASTER")
[[ -n "${DEPLOY_MODE:-}" ]] && args+=(--deploy-mode "$DEPLOY_MODE")
[[ -n "${EXECUTOR_CORES:-}" ]] && args+=(--executor-cores "$EXECUTOR_CORES")
[[ -n "${NUM_EXECUTORS:-}" ]] && args+=(--num-executors "$NUM_EXECUTORS")

# shellcheck disable=SC2086
exec "${SPARK_SUBMIT:-spark-submit}" "${args[@]}" ${SPARK_EXTRA:-} "$jar" "$@"
