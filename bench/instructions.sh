#!/bin/sh
# Instruction counts (valgrind's callgrind: exact and stable from run to run,
# unlike times on a shared machine) of the three warm paths:
#  1. a seeded create (`cvenv create` with pip, the cache warm);
#  2. a warm install of 100 generated wheels (made as bench/install.sh makes
#     them) into a bare env;
#  3. a freeze of that env;
# per run and per installed file (files the command added to the env), and
# the part spent below main() (the rest is the dynamic loader's start-up:
# loading and relocating the shared libraries). Under valgrind nettle hashes
# without SHA-NI; where the CPU has it, a second line counts each SHA-256
# block as nettle's SHA-NI function runs it natively.
#
#   sh bench/instructions.sh [PYTHON]      default: pyenv 3.12
#   CVENV=path/to/cvenv sh bench/instructions.sh
#   KEEP=1 sh bench/instructions.sh        keeps its directory (printed at the
#                                          end) to profile one command again
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
PY=${1:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench-instr.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$W"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
export CVENV_CACHE_DIR="$W/cache"

# cg CMD...: runs CMD under callgrind, its profile left in $W/cg, its
# summary in $W/log. An install's commit runs in a child sharing the
# parent's memory (os_run_shielded), which valgrind makes a fork: that child
# writes a profile and a count of its own, which start from the parent's
# counts at the fork, so its own part is the inclusive count of
# shield_child, where it starts. Before 2026-12-06 the bench took the
# parent's count alone, without the commit.
cg() {
	rm -f "$W"/cg.*
	valgrind --tool=callgrind --callgrind-out-file="$W/cg.%p" "$@" >/dev/null 2>"$W/log"
	ppid=$(sed -n '1s/^==\([0-9]*\)==.*/\1/p' "$W/log")
	mv "$W/cg.$ppid" "$W/cg"
}
# instr: the instruction count of the last cg run, its children's own
# parts included
instr() {
	n=$(sed -n "s/^==$ppid== Collected : *\([0-9]*\).*/\1/p" "$W/log")
	for f in "$W"/cg.*; do
		[ -f "$f" ] || continue
		c=$(callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
			sed -n 's/^ *\([0-9,]*\) .*:shield_child \[.*/\1/p' | head -n 1 | tr -d ,)
		n=$((n + ${c:-0}))
	done
	echo "$n"
}
# below_main: the inclusive count of main() in the last profile ($W/cg)
below_main() {
	callgrind_annotate --inclusive=yes "$W/cg" 2>/dev/null |
		sed -n 's/^ *\([0-9,]*\) .*:main \[.*/\1/p' | head -n 1 | tr -d ,
}
# self FUNCTION: the instructions callgrind counted in FUNCTION itself in
# the last profile (0 when it did not run)
self() {
	callgrind_annotate --threshold=100 "$W/cg" 2>/dev/null |
		sed -n "s/^ *\([0-9,]*\) .*:$1 \[.*/\1/p" | head -n 1 | tr -d , | grep . || echo 0
}
# valgrind hides SHA-NI from the program, so nettle hashes the launchers
# with its generic compression function (about 3,000 instructions a 64-byte
# block). Where nettle runs its SHA-NI function instead (it says so with
# NETTLE_FAT_VERBOSE=1: "using sha_ni instructions", natively, and "not
# using" under valgrind), ni_block is that function's length in
# instructions (straight-line code, one block a call), read from libnettle
# (the dynamic build) or from cvenv itself (the static build, which links
# nettle in); 0 where it does not apply.
ni_block=0
lib=$(ldd "$CVENV" 2>/dev/null | sed -n 's/.*libnettle[^ ]* => \([^ ]*\).*/\1/p')
if [ -n "$lib" ]; then nmflags=-D; else lib=$CVENV nmflags=; fi
if NETTLE_FAT_VERBOSE=1 "$CVENV" --version 2>&1 | grep -q '^libnettle: using sha_ni' &&
	command -v objdump >/dev/null; then
	addr=$(nm $nmflags "$lib" 2>/dev/null |
		sed -n 's/^\([0-9a-f]*\) T _nettle_sha256_compress_sha_ni.*/\1/p' | head -n 1)
	[ -n "$addr" ] && ni_block=$(objdump -d "$lib" --start-address=0x$addr 2>/dev/null |
		awk '/^ +[0-9a-f]+:/ { n++; if ($0 ~ /\tret/) { print n; exit } }')
fi
# report NAME COUNT FILES: the count, per run and per file, and the same
# with the SHA-256 blocks counted as SHA-NI runs them (when ni_block is known)
report() {
	m=$(below_main)
	printf '%-34s %12s instructions  %6s files  %8s per file  (below main: %s, %s per file)\n' \
		"$1" "$2" "$3" $(($2 / ($3 > 0 ? $3 : 1))) "${m:-?}" $((${m:-0} / ($3 > 0 ? $3 : 1)))
	generic=$(self _nettle_sha256_compress_x86_64) blocks=$(self _nettle_sha256_compress)
	if [ "${ni_block:-0}" -gt 0 ] && [ "$generic" -gt 0 ] && [ "$blocks" -gt 0 ]; then
		native=$(($2 - generic + blocks * ni_block))
		printf '%-34s %12s instructions  %6s files  %8s per file  (%s SHA-256 blocks at %s, not %s)\n' \
			"  with SHA-NI as run natively" "$native" "$3" $((native / ($3 > 0 ? $3 : 1))) \
			"$blocks" "$ni_block" $((generic / blocks))
	fi
}
# files DIR: regular files and links under DIR
files() { find "$1" \( -type f -o -type l \) | wc -l; }
# measure NAME FILES CMD...: prints the count, per run and per file
measure() {
	name=$1 n=$2
	shift 2
	cg "$@"
	report "$name" "$(instr)" "$n"
}

mkdir "$W/wh"
# the 100 wheels of bench/install.sh, made in one Python process
/usr/bin/python3 - "$ROOT/tests/integration" "$W" >/dev/null <<-\EOF
	import runpy, sys
	lib, w = sys.argv[1], sys.argv[2]
	with open(f"{w}/req.txt", "w") as req:
	    for i in range(100):
	        n = "pkg%03d" % i
	        sys.argv = ["mkwheel", f"{w}/wh", n, "1.0", "--console", f"{n}={n}:main",
	                    "--file", f"{n}/a.py=A = 1", "--file", f"{n}/b.py=B = 2",
	                    "--file", f"{n}/sub/c.py=C = 3"]
	        try:
	            runpy.run_path(f"{lib}/mkwheel.py", run_name="__main__")
	        except SystemExit:
	            pass
	        req.write(f"{n}==1.0\n")
	EOF
echo "cvenv: $CVENV; interpreter: $PY"
# warm everything: the interpreter cache, the seed wheels, the 100 wheels
"$CVENV" create -p "$PY" "$W/warmup" >/dev/null
"$CVENV" create -p "$PY" --without-pip "$W/bare" >/dev/null
"$CVENV" install --venv "$W/bare" -r "$W/req.txt" --find-links "$W/wh" >/dev/null
"$CVENV" create -p "$PY" --without-pip "$W/env" >/dev/null
before=$(files "$W/env")

cg "$CVENV" create -p "$PY" "$W/seeded"
report "seeded create (warm)" "$(instr)" "$(files "$W/seeded")"
cg "$CVENV" install --venv "$W/env" -r "$W/req.txt" --find-links "$W/wh"
n=$(($(files "$W/env") - before))
report "warm install, 100 wheels" "$(instr)" "$n"
measure "freeze (100 wheels)" "$n" "$CVENV" freeze --venv "$W/env"
if [ -n "${KEEP:-}" ]; then echo "kept: $W"; fi
