#!/bin/sh
# cvenv sync: a no-op sync of an env that matches a 100-package pylock.toml
# (against `cvenv --version`, the start-up floor), and a sync of those 100
# packages into an empty env against pip installing the same wheels
# (--no-index --no-deps, what pip-sync runs) and, with PIPTOOLS_SRC naming a
# pip-tools checkout (bench/lib-piptools.sh: run from a throwaway venv, never
# installed), against pip-sync itself on the same pins (requirements.txt,
# --no-index -f the wheelhouse, --python-executable the env's python), in
# hyperfine runs; the ratios in wall and user+sys CPU time at the end.
#   PIPTOOLS_SRC=/tmp/piptools [FULL_RUNS=10] bench/sync.sh [PYTHON]
#                              (default: python3.12 from pyenv, else python3)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV_BIN:-$ROOT/build/cvenv}
PY=${1:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
PY=${PY:-python3}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/cvenv-bench-sync}
if [ ! -f "$WORK/ready" ]; then
	rm -rf "$WORK" && mkdir -p "$WORK"
	python3 "$ROOT/tests/integration/freeze/mkwheels.py" "$WORK/wh" --many 100
	# the lock, in the shape cvenv's writer gives (path, size, sha256)
	python3 - "$WORK" <<'PY'
import hashlib, os, sys
work = sys.argv[1]
out = ['lock-version = "1.0"', 'created-by = "bench"']
names = []
for f in sorted(os.listdir(work + "/wh")):
    if not f.endswith(".whl"):
        continue
    name, version = f.split("-")[:2]
    names.append(name)
    data = open(work + "/wh/" + f, "rb").read()
    out += ["", "[[packages]]", 'name = "%s"' % name, 'version = "%s"' % version,
            'wheels = [{ path = "wh/%s", size = %d, hashes = { sha256 = "%s" } }]'
            % (f, len(data), hashlib.sha256(data).hexdigest())]
open(work + "/pylock.toml", "w").write("\n".join(out) + "\n")
open(work + "/wh/names.txt", "w").write("\n".join(names) + "\n")
open(work + "/wh/pins.txt", "w").write("".join(
    "%s==%s\n" % tuple(f.split("-")[:2]) for f in sorted(os.listdir(work + "/wh")) if f.endswith(".whl")))
PY
	"$PY" -m venv "$WORK/pipenv"
	cp -a "$WORK/pipenv" "$WORK/pipenv-tpl"
	"$CVENV" create -q --without-pip -p "$PY" "$WORK/env"
	"$CVENV" sync -q --venv "$WORK/env" "$WORK/pylock.toml"
	touch "$WORK/ready"
fi
W=$WORK
# shellcheck source=lib-piptools.sh
. "$ROOT/bench/lib-piptools.sh"
echo "load: $(uptime)"
echo "packages in the lock: $(grep -c '^\[\[packages\]\]' "$WORK/pylock.toml")"
hyperfine -N --warmup 5 --runs 50 --export-json "$WORK/noop.json" \
	-n "cvenv sync (no-op)" "$CVENV sync --venv $WORK/env $WORK/pylock.toml" \
	-n "cvenv --version" "$CVENV --version"
pipsync=
if [ -n "$PIPTOOLS" ]; then
	pipsync="$PIPTOOLS sync -q --python-executable $WORK/pipenv/bin/python --no-index -f $WORK/wh $WORK/wh/pins.txt"
fi
# Each run starts from a fresh env: the last one is moved aside, never
# deleted (bench/set-aside.sh says why: deleting would time the deletions),
# pip's from a copy of a venv with nothing installed; then sync(1), so no
# run pays for the writeback of the one before.
SA="sh $ROOT/bench/set-aside.sh $WORK/trash"
unpip="sh -c '$SA $WORK/pipenv && cp -a $WORK/pipenv-tpl $WORK/pipenv && sync'"
set --
[ -z "$pipsync" ] || set -- --prepare "$unpip" -n "pip-sync (same pins)" "$pipsync"
hyperfine --warmup 1 --runs "${FULL_RUNS:-10}" --export-json "$WORK/full.json" \
	--prepare "sh -c '$SA $WORK/e && $CVENV create -q --without-pip -p $PY $WORK/e && sync'" \
	-n "cvenv sync (100 into empty)" "$CVENV sync --venv $WORK/e $WORK/pylock.toml" \
	--prepare "$unpip" \
	-n "pip install (same wheels)" "$WORK/pipenv/bin/python -m pip install -q --no-index --no-deps --disable-pip-version-check $WORK/wh/*.whl" \
	"$@"
[ -n "$PIPTOOLS" ] || echo "pip-sync: skipped (set PIPTOOLS_SRC to a pip-tools checkout; see bench/lib-piptools.sh)"
python3 - "$WORK/noop.json" "$WORK/full.json" <<'PY'
import json, sys
noop = json.load(open(sys.argv[1]))["results"]
full = json.load(open(sys.argv[2]))["results"]
cpu = lambda r: (r["user"] + r["system"]) * 1e3
for r in noop + full:
    print("%-30s wall %9.1f ms (min %8.1f)  user+sys %8.1f ms" % (r["command"], r["mean"] * 1e3, r["min"] * 1e3, cpu(r)))
cv = full[0]
for other in full[1:]:
    print("%s / cvenv sync: %.1fx wall, %.1fx user+sys CPU" % (other["command"], other["mean"] / cv["mean"], cpu(other) / cpu(cv)))
PY
rm -rf "$WORK/trash"
