#!/bin/sh
# Interpreter discovery and its cache, side by side in hyperfine runs:
#   1. `cvenv python list` cold (empty cache: every interpreter is run once)
#      vs warm (facts from the cache), with `uv python list --only-installed`
#      when uv is installed;
#   2. `cvenv python find 3.12` cold vs warm;
#   3. warm `cvenv create -p PY --without-pip` vs the same interpreter's
#      `python -m venv --without-pip`.
# Prints each group's mean times and the ratios.
#
#   sh bench/discovery.sh [PYTHON] [RUNS]    default: pyenv's 3.12, 30 runs
#   CVENV=path/to/cvenv sh bench/discovery.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
PY=${1:-${PYENV_ROOT:-$HOME/.pyenv}/versions/3.12.1/bin/python3}
RUNS=${2:-30}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
[ -x "$CVENV" ] || { echo "build cvenv first (make)" >&2; exit 1; }
[ -x "$PY" ] || PY=$(command -v python3)
export CVENV_CACHE_DIR="$W/cache"
unset CVENV_NO_CACHE CVENV_PYTHON

echo "machine: $(uname -srm), $(nproc) cpus, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "interpreters cvenv finds: $("$CVENV" python list | wc -l)"
echo

ratios() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = min(x["mean"] for x in r)
for x in r:
    print("  %-42s %9.2f ms  %7.1fx" % (x["command"], x["mean"] * 1000, x["mean"] / base))
PY
}

uv_cmd=
if command -v uv >/dev/null; then uv_cmd="uv python list --only-installed"; fi

"$CVENV" python list >/dev/null # warm the cache for the warm commands
# Each run's output is moved aside, not deleted (bench/set-aside.sh says why).
SA="sh $ROOT/bench/set-aside.sh $W/trash"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/list.json" \
	-n "cvenv python list (cold)" --prepare "$SA $W/cold" \
	"env CVENV_CACHE_DIR=$W/cold $CVENV python list" \
	-n "cvenv python list (warm)" "$CVENV python list" \
	${uv_cmd:+-n "$uv_cmd" "$uv_cmd"}
echo; echo "python list:"; ratios "$W/list.json"; echo

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/find.json" \
	-n "cvenv python find 3.12 (cold)" --prepare "$SA $W/cold" \
	"env CVENV_CACHE_DIR=$W/cold $CVENV python find 3.12" \
	-n "cvenv python find 3.12 (warm)" "$CVENV python find 3.12"
echo; echo "python find:"; ratios "$W/find.json"; echo

"$CVENV" python find "$PY" >/dev/null
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/create.json" --prepare "$SA $W/env" \
	-n "cvenv create --without-pip (warm)" "$CVENV create -p $PY --without-pip $W/env" \
	-n "python -m venv --without-pip" "$PY -m venv --without-pip $W/env"
echo; echo "create (interpreter $PY):"; ratios "$W/create.json"
