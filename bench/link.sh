#!/bin/sh
# What the link choice costs: the default build (LINK=dynamic, every library
# a NEEDED entry) against the opt-in LINK=static (a static PIE that dlopen()s
# libzip and libcurl on first use), on a warm `cvenv create --without-pip`
# (no wheel opened, so the static build maps no shared object at all) and on
# `cvenv install` of one small wheel (both builds then load libzip and
# its libcrypto). In one hyperfine run, then page faults and task-clock from
# `perf stat`, and instructions from callgrind (user space, start-up
# included: the one figure that does not move with the machine's load).
#
#   sh bench/link.sh [PYTHON] [RUNS]     default: /usr/bin/python3.11, 50
#   DYNAMIC=build/cvenv STATIC=build-static/cvenv sh bench/link.sh
set -eu
PY=${1:-/usr/bin/python3.11}
RUNS=${2:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DYNAMIC=${DYNAMIC:-$ROOT/build/cvenv}
STATIC=${STATIC:-$ROOT/build-static/cvenv}
for b in "$DYNAMIC" "$STATIC"; do
	[ -x "$b" ] || { echo "missing $b: make && make LINK=static BUILD=build-static" >&2; exit 1; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
SA="sh $ROOT/bench/set-aside.sh $W/trash"
export CVENV_CACHE_DIR="$W/cache"
"$DYNAMIC" python find "$PY" >/dev/null
python3 "$ROOT/tests/integration/mkwheel.py" "$W" demo 1.0 --file demo/a.py=A=1 >/dev/null
WHL="$W/demo-1.0-py3-none-any.whl"
"$DYNAMIC" create -p "$PY" --without-pip "$W/base"

echo "machine: $(uname -srm), $(nproc) cpus; interpreter: $PY"
hyperfine -N --warmup 5 --runs "$RUNS" \
	--prepare "$SA $W/env" -n "create, dynamic (default)" "$DYNAMIC create -p $PY --without-pip $W/env" \
	--prepare "$SA $W/env" -n "create, static (LINK=static)" "$STATIC create -p $PY --without-pip $W/env" \
	--prepare "sh -c '$SA $W/ie && cp -a $W/base $W/ie'" \
	-n "install, dynamic (default)" "$DYNAMIC install --venv $W/ie --no-cache $WHL" \
	--prepare "sh -c '$SA $W/ie && cp -a $W/base $W/ie'" \
	-n "install, static (LINK=static)" "$STATIC install --venv $W/ie --no-cache $WHL"

echo
echo "perf stat, warm create --without-pip, mean of $RUNS runs (cvenv alone, each into a new directory):"
for b in "$DYNAMIC" "$STATIC"; do
	i=0
	: >"$W/perf.all"
	while [ $i -lt "$RUNS" ]; do
		perf stat -e page-faults,task-clock -x, -o "$W/perf" "$b" create -p "$PY" --without-pip "$W/pe.$i" >/dev/null
		cat "$W/perf" >>"$W/perf.all"
		i=$((i + 1))
	done
	$SA $W/pe.*
	printf '  %-40s %s\n' "$b" "$(awk -F, '/page-faults/ {pf+=$1; n++} /task-clock/ {tc+=$1} END {printf "%.1f page faults, %.3f ms task-clock", pf/n, tc/n}' "$W/perf.all")"
done

if command -v valgrind >/dev/null 2>&1; then
	echo
	echo "callgrind, instructions executed (whole process, start-up included):"
	for b in "$DYNAMIC" "$STATIC"; do
		$SA "$W/env"
		valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$b" create -p "$PY" --without-pip "$W/env" 2>"$W/cg.err" >/dev/null
		printf '  create  %-40s %s\n' "$b" "$(sed -n 's/^summary: //p' "$W/cg")"
		$SA "$W/ie" && cp -a "$W/base" "$W/ie"
		valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$b" install --venv "$W/ie" --no-cache "$WHL" 2>"$W/cg.err" >/dev/null
		printf '  install %-40s %s\n' "$b" "$(sed -n 's/^summary: //p' "$W/cg")"
	done
fi
