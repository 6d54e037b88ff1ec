#!/bin/sh
# cvenv freeze vs pip freeze on an env of 100 packages, side by side in one
# hyperfine run. Setup (once): a venv with pip (python -m venv), 100 tiny
# generated wheels installed by pip --no-index. Prints hyperfine's table and
# the ratio.
#   bench/freeze.sh [PYTHON]     (default: python3.12 from pyenv, else python3)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV_BIN:-$ROOT/build/cvenv}
PY=${1:-$(ls "$HOME"/.pyenv/versions/3.12*/bin/python3 2>/dev/null | head -n 1)}
PY=${PY:-python3}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/cvenv-bench-freeze}
if [ ! -f "$WORK/ready" ]; then
	rm -rf "$WORK" && mkdir -p "$WORK"
	python3 "$ROOT/tests/integration/freeze/mkwheels.py" "$WORK/wh" --many 100
	"$PY" -m venv "$WORK/env"
	"$WORK/env/bin/python" -m pip install -q --no-index --disable-pip-version-check \
		"$WORK"/wh/*.whl
	touch "$WORK/ready"
fi
"$WORK/env/bin/pip" freeze >"$WORK/pip.out"
"$CVENV" freeze --venv "$WORK/env" >"$WORK/cvenv.out"
cmp "$WORK/pip.out" "$WORK/cvenv.out" && echo "outputs identical ($(wc -l <"$WORK/pip.out") lines)"
hyperfine -N --warmup 3 --export-json "$WORK/result.json" \
	-n "cvenv freeze" "$CVENV freeze --venv $WORK/env" \
	-n "pip freeze" "$WORK/env/bin/pip freeze"
python3 - "$WORK/result.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print("ratio pip freeze / cvenv freeze: %.0fx" % (r["pip freeze"] / r["cvenv freeze"]))
PY
