#!/bin/sh
# Side by side, in one hyperfine run each:
#  1. installing 100 local wheels (each a package with modules and a console
#     script) with `cvenv install -r req.txt --find-links wh`, cold (empty
#     cache) and warm (cache filled), vs the same requirements with
#     `pip install --no-index --find-links wh -r req.txt` in the env's pip;
#  2. making an env with pip: `cvenv create` (warm cache) vs the same
#     interpreter's `python -m venv` and Debian's virtualenv (default seeding).
# Each run starts after `sync`, so that writeback of the previous run does
# not land in the next one. Then the ratios.
#
#   sh bench/install.sh [PYTHON] [RUNS]    default: pyenv 3.12, 5 runs
# The create comparison uses CREATE_PY (default /usr/bin/python3.11): Debian's
# virtualenv seeds offline only for the Debian interpreter.
#   CVENV=path/to/cvenv sh bench/install.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
PY=${1:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
PY=${PY:-python3}
RUNS=${2:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench-install.XXXXXX")
trap 'rm -rf "$W"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
[ -x "$CVENV" ] || { echo "build cvenv first (make)" >&2; exit 1; }
if [ -x /usr/bin/virtualenv ]; then VE="/usr/bin/virtualenv"; else VE="python3 -m virtualenv"; fi

echo "machine: $(uname -srm), $(nproc) cpus"
echo "interpreter: $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"

mkdir "$W/wh"
i=0
while [ $i -lt 100 ]; do
	n=$(printf "pkg%03d" $i)
	python3 "$ROOT/tests/integration/mkwheel.py" "$W/wh" $n 1.0 --console $n=$n:main \
		--file "$n/a.py=A = 1" --file "$n/b.py=B = 2" --file "$n/sub/c.py=C = 3" >/dev/null
	echo "$n==1.0" >>"$W/req.txt"
	i=$((i + 1))
done
# Pristine envs, copied before each run (same path, so launchers are right).
"$PY" -m venv "$W/tpl-pip"
"$CVENV" create -p "$PY" --without-pip "$W/tpl-bare"
PIP="$W/env/bin/python -m pip install -q --no-index --disable-pip-version-check --find-links $W/wh -r $W/req.txt"
CV="$CVENV install --venv $W/env -r $W/req.txt --find-links $W/wh"

"$CVENV" install --venv "$W/tpl-bare" --cache-dir "$W/warm" -r "$W/req.txt" --find-links "$W/wh" # fills the warm cache
rm -rf "$W/tpl-bare/.cvenv" "$W/tpl-bare/lib"/*/site-packages/pkg* "$W/tpl-bare/bin"/pkg*

# The link floor (bench/linkfloor.c): a finished env's tree made again with
# mkdir/link/symlink only, beside the warm install in the same run.
cc -O2 -o "$W/linkfloor" "$ROOT/bench/linkfloor.c"
cp -a "$W/tpl-bare" "$W/done" && "$CVENV" install --venv "$W/done" --cache-dir "$W/warm" \
	-r "$W/req.txt" --find-links "$W/wh" >/dev/null && rm -rf "$W/done/.cvenv"

# Each run's env is moved aside, not deleted (bench/set-aside.sh says why).
SA="sh $ROOT/bench/set-aside.sh $W/trash"
hyperfine -N --runs "$RUNS" --export-json "$W/install.json" \
	-n "link floor (bench/linkfloor.c)" --prepare "sh -c '$SA $W/env && sync'" \
	"$W/linkfloor $W/done $W/env" \
	-n "cvenv install (cold cache)" --prepare "sh -c '$SA $W/env $W/cold && cp -a $W/tpl-bare $W/env && sync'" \
	"$CV --cache-dir $W/cold" \
	-n "cvenv install (warm cache)" --prepare "sh -c '$SA $W/env && cp -a $W/tpl-bare $W/env && sync'" \
	"$CV --cache-dir $W/warm" \
	-n "pip install --no-index" --prepare "sh -c '$SA $W/env && cp -a $W/tpl-pip $W/env && sync'" \
	"$PIP"

CPY=${CREATE_PY:-/usr/bin/python3.11}
[ -x "$CPY" ] || CPY=$PY
echo "create: $CPY, $($VE --version 2>/dev/null | cut -d' ' -f1-2)"
"$CVENV" create -p "$CPY" "$W/seeded" >/dev/null
hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$W/create.json" \
	--prepare "sh -c '$SA $W/env && sync'" \
	-n "link floor (bench/linkfloor.c)" "$W/linkfloor $W/seeded $W/env" \
	-n "cvenv create (pip seeded)" "$CVENV create -p $CPY $W/env" \
	-n "python -m venv" "$CPY -m venv $W/env" \
	-n "virtualenv (app-data seeding)" "$VE --no-periodic-update -p $CPY $W/env"

python3 - "$W/install.json" "$W/create.json" <<'PY'
import json, sys
for f, base in ((sys.argv[1], "pip install --no-index"), (sys.argv[2], None)):
    r = {x["command"]: x["mean"] for x in json.load(open(f))["results"]}
    print()
    if base:
        for k in r:
            if k != base:
                print("  %-30s %8.1f ms   pip is %5.1fx slower" % (k, r[k] * 1000, r[base] / r[k]))
        fl = r.get("link floor (bench/linkfloor.c)")
        if fl:
            print("  warm install / link floor: %.2fx" % (r["cvenv install (warm cache)"] / fl))
        print("  %-30s %8.1f ms" % (base, r[base] * 1000))
    else:
        c = r["cvenv create (pip seeded)"]
        for k in r:
            print("  %-30s %8.1f ms   %6.1fx cvenv" % (k, r[k] * 1000, r[k] / c))
PY
