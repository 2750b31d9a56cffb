#!/usr/bin/env bash
# scheduled-preprocess.sh --input IN --output OUT [preprocess options]  --  `patchddm preprocess`
# for cron, a systemd timer or an orchestrator (docs/scheduling.md has the recipes).
#
# - Takes a lock (flock on LOCK_FILE) so that a run started while the previous one still works
#   does not pile up: it waits up to LOCK_WAIT seconds, then exits 1. The dataset's own lease
#   (patchddm.spark.lease) also keeps writers on other hosts apart.
# - Runs the command with LAUNCHER: "spark-submit" (submit/spark-submit.sh, the default: MASTER,
#   DEPLOY_MODE, EXECUTOR_MEMORY, ... as documented there), "local" (submit/patchddm), or the
#   path of any executable that takes a patchddm command line.
# - Keeps one log per run, LOG_DIR/preprocess-<UTC time>-<pid>.log (stdout and stderr), a link
#   LOG_DIR/latest.log, and the newest KEEP_LOGS logs.
# - Prints the run's JSON summary line (the last line of a preprocess run) on stdout.
# - Exit codes for the scheduler: 0 ok, 2 partial (some subjects failed; the others are
#   committed), 1 broken (usage or configuration error, bad input or output, lease held, Spark
#   job failed, interrupted, lock not obtained).
#
# Environment: LAUNCHER (spark-submit), LOG_DIR (./logs/preprocess), LOCK_FILE
# (LOG_DIR/preprocess.lock), LOCK_WAIT (0 seconds), KEEP_LOGS (60).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
log_dir="${LOG_DIR:-logs/preprocess}"
lock_file="${LOCK_FILE:-$log_dir/preprocess.lock}"
lock_wait="${LOCK_WAIT:-0}"
keep="${KEEP_LOGS:-60}"
case "${LAUNCHER:-spark-submit}" in
  spark-submit) launcher=("$here/spark-submit.sh") ;;
  local) launcher=("$here/patchddm") ;;
  *) launcher=("$LAUNCHER") ;;
esac

if ! mkdir -p "$log_dir"; then
  echo "scheduled-preprocess: cannot create the log directory $log_dir" >&2
  exit 1
fi
exec 9>>"$lock_file" || { echo "scheduled-preprocess: cannot open the lock file $lock_file" >&2; exit 1; }
if ! flock -w "$lock_wait" 9; then
  echo "scheduled-preprocess: another run holds $lock_file (waited ${lock_wait} s); not started" >&2
  exit 1
fi

log="$log_dir/preprocess-$(date -u +%Y%m%dT%H%M%SZ)-$$.log"
echo "scheduled-preprocess: $(date -u +%FT%TZ) ${launcher[*]} preprocess $*" >"$log"
"${launcher[@]}" preprocess "$@" >>"$log" 2>&1
rc=$?
ln -sfn "$(basename "$log")" "$log_dir/latest.log"
echo "scheduled-preprocess: $(date -u +%FT%TZ) exit code $rc" >>"$log"

# Only the newest $keep logs stay.
ls -1t "$log_dir"/preprocess-*.log 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -f

summary="$(grep -E '^\{"status":' "$log" | tail -n 1)"
[[ -n "$summary" ]] && echo "$summary"
case "$rc" in
  0) exit 0 ;;
  2) echo "scheduled-preprocess: partial: some subjects failed, the others are committed (log $log)" >&2; exit 2 ;;
  *) echo "scheduled-preprocess: broken: exit code $rc (log $log)" >&2
     tail -n 5 "$log" >&2
     exit 1 ;;
esac
