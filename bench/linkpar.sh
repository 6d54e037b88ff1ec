#!/bin/bash
# The link phase's experiment (issue 18): cvenv's ways of making an
# install's links -- the plain loop, two threads over disjoint runs of
# directories, one io_uring (os/linkbatch.c; forced with CVENV_LINK_THREADS
# and CVENV_IO_URING) -- side by side with the link floor made the same
# ways (bench/linkfloor.c: plain, -t 1, -t 2, -u), in ONE hyperfine run per
# workload:
#   install   warm `cvenv install` of 100 generated wheels (as bench/install.sh)
#   create    warm `cvenv create` seeded with pip (CREATE_PY, default
#             /usr/bin/python3.11)
#   big       warm `cvenv install --no-index --find-links` of the index
#             corpus (bench/index.sh's big set: ~86 distributions, ~5900
#             files; the same link phase without the index's requests)
# Each run's env is moved aside, never deleted (bench/set-aside.sh), then
# sync(1). Then the means, and each against its floor and the plain loop.
#
#   bash bench/linkpar.sh [RUNS] [WORKLOAD...]   default 20, all three
#   CVENV=path/to/cvenv bash bench/linkpar.sh
set -eu
RUNS=${1:-20}
shift || true
SETS=${*:-install create big}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
CVENV_BIN=$CVENV
PY=${PY:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
CPY=${CREATE_PY:-/usr/bin/python3.11}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench-linkpar.XXXXXX")
trap 'rm -rf "$W"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
[ -x "$CVENV" ] || { echo "build cvenv first (make)" >&2; exit 1; }
echo "machine: $(uname -srm), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
if cc -O2 -DHAVE_LIBURING -o "$W/linkfloor" "$ROOT/bench/linkfloor.c" -luring -lpthread 2>/dev/null; then
	FLOOR_U=1
else
	cc -O2 -o "$W/linkfloor" "$ROOT/bench/linkfloor.c" -lpthread
	FLOOR_U=
fi
SA="sh $ROOT/bench/set-aside.sh $W/trash"
LOOP="env CVENV_LINK_THREADS=1 CVENV_IO_URING=0 $CVENV"
THREADS="env CVENV_LINK_THREADS=2 CVENV_IO_URING=0 $CVENV"
URING="env CVENV_LINK_THREADS=1 CVENV_IO_URING=1 $CVENV"

# run NAME DONE PREPARE ARGS: hyperfine over the floors of DONE (a finished
# env) and cvenv ARGS three ways, PREPARE before each cvenv run.
run() {
	local name=$1 done=$2 prep=$3 args=$4
	local fprep="sh -c '$SA $W/env && sync'" cprep="sh -c '$SA $W/env && $prep && sync'"
	local u=()
	[ -z "$FLOOR_U" ] || u=(--prepare "$fprep" -n "floor -u (io_uring)" "$W/linkfloor -u $done $W/env")
	echo "== $name: $(cd "$done" && find . -type f | wc -l) files, $(cd "$done" && find . -type d | wc -l) directories"
	hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$W/$name.json" --style basic \
		--prepare "$fprep" -n "floor" "$W/linkfloor $done $W/env" \
		--prepare "$fprep" -n "floor -t 1" "$W/linkfloor -t 1 $done $W/env" \
		--prepare "$fprep" -n "floor -t 2" "$W/linkfloor -t 2 $done $W/env" \
		"${u[@]}" \
		--prepare "$cprep" -n "cvenv loop" "$LOOP $args" \
		--prepare "$cprep" -n "cvenv 2 threads" "$THREADS $args" \
		--prepare "$cprep" -n "cvenv io_uring" "$URING $args" 2>&1 | grep -E "^(Benchmark|  Time)"
	python3 - "$W/$name.json" <<-\PY
	import json, sys
	res = json.load(open(sys.argv[1]))["results"]
	r = {x["command"]: x for x in res}
	fl, loop = r["floor"]["mean"], r["cvenv loop"]["mean"]
	for k, x in r.items():
	    print("  %-22s %7.1f ms (user %5.1f, sys %5.1f)  %5.2fx floor  %5.2fx cvenv loop" % (
	        k, x["mean"] * 1000, x["user"] * 1000, x["system"] * 1000, x["mean"] / fl, x["mean"] / loop))
	PY
}

for set in $SETS; do
	case $set in
	install)
		mkdir "$W/wh"
		for i in $(seq -w 0 99); do
			python3 "$ROOT/tests/integration/mkwheel.py" "$W/wh" "pkg$i" 1.0 --console "pkg$i=pkg$i:main" \
				--file "pkg$i/a.py=A = 1" --file "pkg$i/b.py=B = 2" --file "pkg$i/sub/c.py=C = 3" >/dev/null
			echo "pkg$i==1.0" >>"$W/req.txt"
		done
		"$CVENV" create -q -p "$PY" --without-pip "$W/tpl"
		cp -a "$W/tpl" "$W/done"
		"$CVENV" install -q --venv "$W/done" --cache-dir "$W/warm" -r "$W/req.txt" --find-links "$W/wh"
		$SA "$W/done/.cvenv"
		run install "$W/done" "cp -a $W/tpl $W/env" \
			"install -q --venv $W/env --cache-dir $W/warm -r $W/req.txt --find-links $W/wh"
		;;
	create)
		CVENV_CACHE_DIR=$W/warm "$CVENV" create -q -p "$CPY" "$W/seeded"
		$SA "$W/seeded/.cvenv"
		run create "$W/seeded" "true" "create -q --cache-dir $W/warm -p $CPY $W/env"
		;;
	big)
		# shellcheck source=../tests/integration/lib-index.sh
		TRASH=$W TEST_DIR=$ROOT/tests/integration
		. "$TEST_DIR/lib-index.sh"
		corpus=$(index_corpus)
		BPY=$(ls -d "$HOME"/.pyenv/versions/3.11*/bin/python3 | head -n 1)
		ls "$corpus" | sed -n 's/^\([^-]*\)-.*\.whl$/\1/p' | grep -vix pygobject | sort -u >"$W/big.txt"
		"$CVENV" create -q -p "$BPY" --without-pip "$W/btpl"
		cp -a "$W/btpl" "$W/bdone"
		"$CVENV" install -q --venv "$W/bdone" --cache-dir "$W/warm" --no-index -f "$corpus" -r "$W/big.txt"
		$SA "$W/bdone/.cvenv"
		run big "$W/bdone" "cp -a $W/btpl $W/env" \
			"install -q --venv $W/env --cache-dir $W/warm --no-index -f $corpus -r $W/big.txt"
		;;
	*) echo "unknown workload '$set'" >&2; exit 2 ;;
	esac
done
