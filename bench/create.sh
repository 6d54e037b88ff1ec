#!/bin/sh
# Side-by-side: making an env without pip, with cvenv, the same interpreter's
# `python -m venv`, and Debian's virtualenv (--no-seed), in ONE hyperfine run;
# then the ratios, and the peak memory of each (GNU time: cvenv's own, and
# separately the bare interpreter's, which a cold cvenv runs once for its
# query but does not wait for while it exits). cvenv runs three ways, with a
# private cache directory:
#   warm   the interpreter's facts are cached: no Python process starts;
#   cold   the facts are not cached (the entries are removed before each run):
#          cvenv must ask the interpreter about itself, as on its first meeting
#          with an interpreter; the query script's bytecode, kept in the cache
#          by the interpreter the first time it ran, is reused;
#   nocache  CVENV_NO_CACHE=1: no cache at all, the query script is sent on
#          stdin and compiled on every run (the very first run on a machine).
# Beside them, bench/fsfloor.c: only the file-system calls a new env needs,
# with no program logic -- the floor under any create on this disk.
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

cc -O2 -static -o "$W/fsfloor" "$ROOT/bench/fsfloor.c" 2>/dev/null || cc -O2 -o "$W/fsfloor" "$ROOT/bench/fsfloor.c"
# Between runs the last run's env (and for a cold run the cached facts) is
# moved aside, not deleted (bench/set-aside.sh says why); all is deleted at
# the end.
SA="sh $ROOT/bench/set-aside.sh $W/trash"
VER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
export CVENV_CACHE_DIR="$W/cache"
"$CVENV" python find "$PY" >/dev/null # the query module and its bytecode
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/result.json" \
	--prepare "$SA $W/env" \
	-n "file-system floor (bench/fsfloor.c)" "$W/fsfloor $W/env $VER $PY" \
	--prepare "$SA $W/env" \
	-n "cvenv create --without-pip (warm)" "$CVENV create -p $PY --without-pip $W/env" \
	--prepare "sh -c '$SA $W/env $W/cache/interpreters/*.json'" \
	-n "cvenv create --without-pip (cold: facts not cached)" "$CVENV create -p $PY --without-pip $W/env" \
	--prepare "$SA $W/env" \
	-n "cvenv create --without-pip (CVENV_NO_CACHE=1)" "env CVENV_NO_CACHE=1 $CVENV create -p $PY --without-pip $W/env" \
	--prepare "$SA $W/env" \
	-n "python -m venv --without-pip" "$PY -m venv --without-pip $W/env" \
	--prepare "$SA $W/env" \
	-n "virtualenv --no-seed" "$VE --no-seed --no-periodic-update -p $PY $W/env"

python3 - "$W/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
by = dict((x["command"], x) for x in r)
floor = r[0]
cvenv = [x for x in r if x["command"].startswith("cvenv")]
others = [x for x in r[1:] if not x["command"].startswith("cvenv")]
print("\nmean times, and how many times faster each cvenv run is than the others:")
for x in r:
    print("  %-52s %8.1f ms" % (x["command"], x["mean"] * 1000))
for c in cvenv:
    print("  %s:" % c["command"])
    for x in others:
        print("      %6.2fx faster than %s" % (x["mean"] / c["mean"], x["command"]))
venv = by["python -m venv --without-pip"]
print("  the file-system floor: %.1f ms, %.2fx faster than python -m venv --without-pip;"
      % (floor["mean"] * 1000, venv["mean"] / floor["mean"]))
print("      warm cvenv spends %.1f ms above it" % ((cvenv[0]["mean"] - floor["mean"]) * 1000))
PY

peak() {
	$SA "$W/env"
	/usr/bin/time -f "%M" -o "$W/mem" "$@" >/dev/null 2>&1
	echo "$(cat "$W/mem") KiB"
}
echo
echo "peak resident memory (largest process of the run; a cold cvenv does not wait"
echo "for the interpreter it asked to be gone, so its figure is cvenv's own and the"
echo "interpreter's is the last line):"
echo "  cvenv create --without-pip    $(peak "$CVENV" create -p "$PY" --without-pip "$W/env")"
echo "  ... cold (facts not cached)   $(rm -f "$W"/cache/interpreters/*.json; peak "$CVENV" create -p "$PY" --without-pip "$W/env")"
echo "  ... CVENV_NO_CACHE=1          $(peak env CVENV_NO_CACHE=1 "$CVENV" create -p "$PY" --without-pip "$W/env")"
echo "  python -m venv --without-pip  $(peak "$PY" -m venv --without-pip "$W/env")"
echo "  virtualenv --no-seed          $(peak $VE --no-seed --no-periodic-update -p "$PY" "$W/env")"
echo "  (the interpreter alone: $(peak "$PY" -E -s -c pass))"
