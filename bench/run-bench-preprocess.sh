#!/usr/bin/env bash
# Runs `patchddm bench-preprocess` from the compiled worktree (no jar needed).
# Usage: bench/run-bench-preprocess.sh [extra JVM opts via JAVA_OPTS] -- --subjects 4
# Build first: mvn -B -q -o -pl spark-jobs -am compile dependency:build-classpath \
#   -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cp_file="${CP_FILE:-$root/target/bench-cp.txt}"
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
export SPARK_LOCAL_IP=127.0.0.1
exec java ${JAVA_OPTS:--Xmx4g} $opens -cp "$root/spark-jobs/target/classes:$(cat "$cp_file")" \
  org.patchddm.cli.PatchDdm bench-preprocess "$@"
