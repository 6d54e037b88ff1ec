#!/bin/sh
# Install time against a wheel's member count (issue 17.3): wheels of N empty
# members (bench/manywheel.py, 100 per directory) installed into a fresh env
# with `cvenv install --no-cache` and with pip (`pip --python ENV install
# --no-deps --no-index --no-cache-dir`, pip of the same interpreter). One run
# each (RUNS to change), wall and CPU seconds and peak RSS from /usr/bin/time.
# Both write the same files, so put TMPDIR on a tmpfs to time the programs
# rather than the disk: ext4 on a busy machine spends most of a 100k-file
# install allocating inodes.
#
#   sh bench/members.sh [PYTHON] [COUNTS]   default: pyenv 3.12, "1000 10000 40000 100000"
#   CVENV=path/to/cvenv sh bench/members.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
PY=${1:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
COUNTS=${2:-1000 10000 40000 100000}
RUNS=${RUNS:-1}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench-members.XXXXXX")
trap 'rm -rf "$W"' EXIT
[ -x "$CVENV" ] || { echo "build cvenv first (make)" >&2; exit 1; }

echo "machine: $(uname -srm), $(nproc) cpus; $(df -T "$W" | awk 'NR==2 {print $2}') at $W"
echo "interpreter: $PY, $("$PY" -m pip --version | cut -d' ' -f1-2)"
printf '%8s %-6s %9s %9s %9s %10s\n' members tool wall_s user_s sys_s peak_KiB
for n in $COUNTS; do
	whl=$(python3 "$ROOT/bench/manywheel.py" "$W" "$n")
	r=0
	while [ $r -lt "$RUNS" ]; do
		r=$((r + 1))
		rm -rf "$W/c" "$W/p"
		"$CVENV" create --without-pip -p "$PY" "$W/c" >/dev/null
		"$CVENV" create --without-pip -p "$PY" "$W/p" >/dev/null
		sync
		/usr/bin/time -f "%e %U %S %M" -o "$W/t" "$CVENV" install --venv "$W/c" --no-cache "$whl"
		printf '%8s %-6s %9s %9s %9s %10s\n' "$n" cvenv $(cat "$W/t")
		sync
		PIP_DISABLE_PIP_VERSION_CHECK=1 /usr/bin/time -f "%e %U %S %M" -o "$W/t" \
			"$PY" -m pip --python "$W/p/bin/python" install -q --no-deps --no-index \
			--no-cache-dir "$whl"
		printf '%8s %-6s %9s %9s %9s %10s\n' "$n" pip $(cat "$W/t")
	done
	rm -f "$whl"
done
