#!/usr/bin/env bash
# quickstart-quality.sh [--threshold D] [--workdir DIR] [--keep] [-- QUICKSTART_OPTIONS...]
# quickstart-quality.sh --evaluate DIR [--threshold D]
#   --  reruns the README's quickstart (submit/patchddm quickstart) into a fresh work directory and checks
#       its segmentation quality on the test split.
#
# Passes (exit 0) when both are at least the threshold (default 0.85, the quality goal of the quickstart):
#   - test_dice of the quickstart's closing JSON line: the mean test Dice of the full ensemble;
#   - the single-sample Dice: the mean over test subjects of metrics.csv's rows with ensemble_size 1 at the
#     same steps (member 1 alone; metrics.csv has every ensemble size 1..N from the same members).
# Prints the quickstart's JSON line, then one JSON line of its own:
#   {"what":"quickstart-quality","test_dice":…,"single_dice":…,"ensemble":…,"steps":…,"subjects":…,
#    "threshold":…,"pass":true|false,"workdir":"…"}
#
# Options:
#   --threshold D   the smallest acceptable Dice, in [0, 1] (default 0.85)
#   --workdir DIR   where the quickstart runs; must not exist or be empty (default: a new temporary
#                   directory, removed after a pass unless --keep; kept after a failure)
#   --keep          keep the work directory after a pass
#   --evaluate DIR  do not run anything: check an existing quickstart work directory (DIR/infer/metrics.csv;
#                   the closing JSON line from DIR/quickstart.log when this script wrote one, else the
#                   largest ensemble at the steps metrics.csv holds)
#   -- ...          everything after -- goes to the quickstart (e.g. -- --conf conf/local.conf --subjects 24)
#
# Exit codes: 0 pass, 1 a Dice below the threshold, 2 usage error, 3 the quickstart failed or its outputs
# are missing or unreadable. It takes as long as the quickstart (about 10 minutes on 2 quiet cores; README).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
me="quickstart-quality.sh"

usage_error() {
  echo "$me: $1 (see $me --help)" >&2
  exit 2
}

threshold=0.85
workdir=""
keep=0
evaluate=""
qs_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help)
      sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    --threshold|--workdir|--evaluate)
      [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs a value"
      case "$1" in
        --threshold) threshold="$2" ;;
        --workdir) workdir="$2" ;;
        --evaluate) evaluate="$2" ;;
      esac
      shift 2
      ;;
    --threshold=*) threshold="${1#*=}"; shift ;;
    --workdir=*) workdir="${1#*=}"; shift ;;
    --evaluate=*) evaluate="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    --) shift; qs_args=("$@"); break ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done

[[ "$threshold" =~ ^(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+)$ ]] \
  || usage_error "--threshold must be a number in [0, 1], got '$threshold'"
if [[ -n "$evaluate" ]]; then
  [[ -z "$workdir" && ${#qs_args[@]} -eq 0 && $keep -eq 0 ]] \
    || usage_error "--evaluate runs nothing: it takes no --workdir, --keep or quickstart options"
  [[ -d "$evaluate" ]] || usage_error "--evaluate $evaluate: no such directory"
fi
if [[ -n "$workdir" && -e "$workdir" ]]; then
  [[ -d "$workdir" && -z "$(ls -A "$workdir")" ]] \
    || usage_error "--workdir $workdir exists and is not an empty directory (the check needs a fresh run)"
fi

# The closing JSON line's numeric field $2 from the line $1 (empty when absent or not a number).
json_number() {
  sed -n "s/.*\"$2\":\(-\{0,1\}[0-9][0-9.eE+-]*\).*/\1/p" <<<"$1" | head -n 1
}

# Mean Dice of metrics.csv ($1) rows with steps $2 and ensemble_size $3, then the row count; columns
# subject,steps,ensemble_size,dice,hd95_mm. A non-numeric Dice (NaN) makes the mean "nan".
mean_dice() {
  awk -F, -v s="$2" -v e="$3" '
    NR == 1 { if ($2 != "steps" || $3 != "ensemble_size" || $4 != "dice") { print "bad-header"; exit } next }
    $2 == s && $3 == e {
      n++
      if ($4 ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) sum += $4; else bad = 1
    }
    END { if (n == 0) print "none 0"; else if (bad) print "nan " n; else printf "%.4f %d\n", sum / n, n }
  ' "$1"
}

check() {
  local dir="$1" line="$2"
  local csv="$dir/infer/metrics.csv"
  [[ -s "$csv" ]] || { echo "$me: $csv is missing or empty" >&2; return 3; }
  local steps ensemble test_dice
  if [[ -n "$line" ]]; then
    steps="$(json_number "$line" steps)"
    ensemble="$(json_number "$line" ensemble)"
    test_dice="$(json_number "$line" test_dice)"
  else
    # No JSON line: the largest ensemble at the largest steps value metrics.csv holds.
    steps="$(awk -F, 'NR > 1 && $2 + 0 > m { m = $2 + 0 } END { print m + 0 }' "$csv")"
    ensemble="$(awk -F, -v s="$steps" 'NR > 1 && $2 == s && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }' "$csv")"
    test_dice="$(mean_dice "$csv" "$steps" "$ensemble" | cut -d' ' -f1)"
  fi
  [[ -n "$steps" && -n "$ensemble" ]] || { echo "$me: no steps/ensemble in: $line" >&2; return 3; }
  local single n
  read -r single n < <(mean_dice "$csv" "$steps" 1)
  if [[ "$single" == bad-header ]]; then
    echo "$me: $csv: header is not subject,steps,ensemble_size,dice,hd95_mm" >&2
    return 3
  fi
  if [[ "$single" == none ]]; then
    echo "$me: $csv has no ensemble_size 1 rows at $steps steps" >&2
    return 3
  fi
  local verdict
  verdict="$(awk -v a="$test_dice" -v b="$single" -v t="$threshold" 'BEGIN {
    num = "^-?[0-9.]+([eE][-+]?[0-9]+)?$"
    ok_a = (a ~ num) && (a + 0 >= t + 0); ok_b = (b ~ num) && (b + 0 >= t + 0)
    print (ok_a ? "ok" : "low") " " (ok_b ? "ok" : "low") }')"
  local pass=true
  [[ "$verdict" == "ok ok" ]] || pass=false
  printf '{"what":"quickstart-quality","test_dice":%s,"single_dice":%s,"ensemble":%s,"steps":%s,"subjects":%s,"threshold":%s,"pass":%s,"workdir":"%s"}\n' \
    "${test_dice:-null}" "$single" "$ensemble" "$steps" "$n" "$threshold" "$pass" "$dir"
  if [[ "$verdict" == low* ]]; then
    echo "$me: FAIL: test Dice of the ensemble of $ensemble (${test_dice:-missing}) is below $threshold" >&2
  fi
  if [[ "$verdict" == *" low" ]]; then
    echo "$me: FAIL: single-sample test Dice ($single, $n subjects, $steps steps) is below $threshold" >&2
  fi
  [[ "$pass" == true ]] && return 0 || return 1
}

if [[ -n "$evaluate" ]]; then
  line=""
  if [[ -f "$evaluate/quickstart.log" ]]; then
    line="$(grep '^{"what":"quickstart"' "$evaluate/quickstart.log" | tail -n 1 || true)"
    [[ -n "$line" ]] && echo "$line"
  fi
  rc=0
  check "$evaluate" "$line" || rc=$?
  exit "$rc"
fi

if [[ -z "$workdir" ]]; then
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/quickstart-quality.XXXXXX")"
else
  mkdir -p "$workdir"
fi
workdir="$(cd "$workdir" && pwd)"
log="$workdir/quickstart.log"
echo "$me: running submit/patchddm quickstart --workdir $workdir ${qs_args[*]:-} (log: $log)" >&2

rc=0
"$root/submit/patchddm" quickstart --workdir "$workdir" "${qs_args[@]}" 2>&1 | tee "$log" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "$me: the quickstart failed with exit code $rc; its output is in $log" >&2
  exit 3
fi
line="$(grep '^{"what":"quickstart"' "$log" | tail -n 1 || true)"
if [[ -z "$line" ]]; then
  echo "$me: the quickstart printed no closing JSON line; its output is in $log" >&2
  exit 3
fi
echo "$line"
rc=0
check "$workdir" "$line" || rc=$?
if [[ $rc -eq 0 && $keep -eq 0 ]]; then
  rm -rf "$workdir"
elif [[ $rc -ne 0 ]]; then
  echo "$me: kept $workdir for inspection" >&2
fi
exit "$rc"
