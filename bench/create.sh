#!/bin/sh
# Side-by-side: making an env without pip, with cvenv, the same interpreter's
# `python -m venv`, and Debian's virtualenv (--no-seed), in ONE hyperfine run;
# then the ratios, and the peak memory of each (GNU time; for cvenv it
# includes the one interpreter query it runs). cvenv runs twice: warm (the
# interpreter's facts cached: no Python process starts) and cold
# (CVENV_NO_CACHE=1: cvenv must ask the interpreter about itself).
#
#   sh bench/create.sh [PYTHON] [RUNS]      default: /usr/bin/python3.11, 30
#   CVENV=path/to/cvenv sh bench/create.sh
set -eu
PY=${1:-/usr/bin/python3.11}
RUNS=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
[ -x "$CVENV" ] || { echo "build cvenv first (make)" >&2; exit 1; }
if [ -x /usr/bin/virtualenv ]; then VE="/usr/bin/virtualenv"; else VE="python3 -m virtualenv"; fi

echo "machine: $(uname -srm), $(nproc) cpus, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "interpreter: $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"
echo "virtualenv: $($VE --version 2>/dev/null | cut -d' ' -f1-2)"
echo

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/result.json" \
	--prepare "rm -rf $W/env" \
	-n "cvenv create --without-pip" "$CVENV create -p $PY --without-pip $W/env" \
	-n "cvenv create --without-pip (cold: CVENV_NO_CACHE=1)" "env CVENV_NO_CACHE=1 $CVENV create -p $PY --without-pip $W/env" \
	-n "python -m venv --without-pip" "$PY -m venv --without-pip $W/env" \
	-n "virtualenv --no-seed" "$VE --no-seed --no-periodic-update -p $PY $W/env"

python3 - "$W/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["mean"]
print("\nmean times and ratios to cvenv:")
for x in r:
    print("  %-52s %8.1f ms  %6.2fx" % (x["command"], x["mean"] * 1000, x["mean"] / base))
PY

peak() {
	rm -rf "$W/env"
	/usr/bin/time -f "%M" -o "$W/mem" "$@" >/dev/null 2>&1
	echo "$(cat "$W/mem") KiB"
}
echo
echo "peak resident memory (largest process of the run):"
echo "  cvenv create --without-pip    $(peak "$CVENV" create -p "$PY" --without-pip "$W/env")"
echo "  ... cold (CVENV_NO_CACHE=1)   $(peak env CVENV_NO_CACHE=1 "$CVENV" create -p "$PY" --without-pip "$W/env")"
echo "  python -m venv --without-pip  $(peak "$PY" -m venv --without-pip "$W/env")"
echo "  virtualenv --no-seed          $(peak $VE --no-seed --no-periodic-update -p "$PY" "$W/env")"
echo "  (the interpreter alone: $(peak "$PY" -E -s -c pass))"
