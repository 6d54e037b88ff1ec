#!/bin/sh
# A big upgrade: a wheel of N empty members (bench/manywheel.py) replaced by
# its next version, also N members, of which the first half are paths the
# old version has too (replaced) and the other half new ones (the old
# version's other half is removed). The commit matches every path the old
# version leaves against the staged ones. Per direction (1.0 -> 2.0, then
# 2.0 -> 1.0, RUNS times) the task-clock and page faults of `cvenv install`
# (perf stat) and its user and system seconds (/usr/bin/time), then the
# instructions of one more upgrade (callgrind, exact where times are noisy),
# with the share of the costliest functions.
#
#   sh bench/upgrade.sh [PYTHON] [N]      default: pyenv 3.12, 5000
#   CVENV=path/to/cvenv RUNS=5 sh bench/upgrade.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
PY=${1:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
N=${2:-5000}
RUNS=${RUNS:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench-upgrade.XXXXXX")
trap 'rm -rf "$W"' EXIT
[ -x "$CVENV" ] || { echo "build cvenv first (make)" >&2; exit 1; }
export CVENV_CACHE_DIR="$W/cache"

old=$(python3 "$ROOT/bench/manywheel.py" "$W" "$N" 1.0 0)
new=$(python3 "$ROOT/bench/manywheel.py" "$W" "$N" 2.0 $((N / 2)))
"$CVENV" create --without-pip -p "$PY" "$W/env" >/dev/null
"$CVENV" install -q --venv "$W/env" "$new" # fills the cache: the runs are warm
"$CVENV" install -q --venv "$W/env" "$old"
echo "cvenv: $CVENV; $N members a version, $((N - N / 2)) paths in both"
r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	for whl in "$new" "$old"; do
		perf stat -x, -e task-clock,page-faults -o "$W/stat" \
			/usr/bin/time -f "%U %S" -o "$W/time" \
			"$CVENV" install -q --venv "$W/env" "$whl"
		printf 'upgrade to %-33s %8s ms task-clock (user %s s, sys %s s) %6s page faults\n' \
			"${whl##*/}" "$(awk -F, '$3 == "task-clock" {printf "%.1f", $1}' "$W/stat")" \
			$(cat "$W/time") "$(awk -F, '$3 == "page-faults" {print $1}' "$W/stat")"
	done
done
valgrind --tool=callgrind --callgrind-out-file="$W/cg" \
	"$CVENV" install -q --venv "$W/env" "$new" 2>"$W/log"
printf 'upgrade to %s: %s instructions (callgrind)\n' "${new##*/}" \
	"$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$W/log" | tail -n 1)"
callgrind_annotate "$W/cg" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '2,11p'
