#!/bin/bash
# cvenv lock, warm, against the local nginx index (tests/integration/
# lib-index.sh: the corpus repacked from Debian's Python libraries, PEP 691
# JSON with .metadata files): the Flask set and the big set (every project of
# the corpus), written as pylock.toml and as a hashed requirements.txt, in
# one hyperfine run per set.
#
# pip-compile (pip-tools) is the comparison: with PIPTOOLS_SRC naming a
# pip-tools source checkout (bench/lib-piptools.sh: run from a throwaway venv,
# never installed), the same requirements are timed, warm, with
#   pip-compile --generate-hashes -i URL --cache-dir DIR -o OUT IN
# against `cvenv lock --format requirements` (the same output), and the ratio
# printed; without it, that part is skipped with a message.
#
#   PIPTOOLS_SRC=/tmp/piptools bash bench/lock.sh [RUNS]       default 10
set -eu
RUNS=${1:-10}
# shellcheck source=lib-index-bench.sh
. "$(dirname "$0")/lib-index-bench.sh"
# shellcheck source=lib-piptools.sh
. "$(dirname "$0")/lib-piptools.sh"
corpus=$(index_corpus)
python3 "$TEST_DIR/index/mkindex.py" "$corpus" "$W/idx" >/dev/null
index_start bench "$W/idx" --max-age 600 >/dev/null
"$CVENV" create -q --without-pip -p "$PY" "$W/env"
echo flask >"$W/flask.in"
ls "$W/idx/simple" | grep -v '^index' | grep -vx pygobject >"$W/big.in"
echo "index: $INDEX_URL; big set: $(wc -l <"$W/big.in") requirements"
for set in flask big; do
	lk="$CVENV lock -q --venv $W/env -i $INDEX_URL --cache-dir $W/cache --upgrade $W/$set.in"
	$lk -o "$W/$set.toml" # warm the cache
	echo "== $set set: $(grep -c '^\[\[packages\]\]' "$W/$set.toml") packages locked"
	hyperfine -N --warmup 2 --runs "$RUNS" --style basic --export-json "$W/$set.cv.json" \
		-n "cvenv lock (pylock.toml, warm)" "$lk -o $W/$set.toml" \
		-n "cvenv lock --format requirements (warm)" "$lk --format requirements -o $W/$set.txt" \
		2>&1 | grep -E "^(Benchmark|  Time|  Range)"
	if [ -n "$PIPTOOLS" ]; then
		pc="$PIPTOOLS compile -q --generate-hashes -i $INDEX_URL --cache-dir $W/pc -o $W/$set.pc.txt $W/$set.in"
		$pc # warm its cache
		hyperfine -N --warmup 1 --runs 5 --style basic --export-json "$W/$set.pc.json" \
			-n "pip-compile --generate-hashes (warm)" "$pc" 2>&1 | grep -E "^(Benchmark|  Time|  Range)"
		python3 - "$W/$set.cv.json" "$W/$set.pc.json" <<'PY'
import json, sys
cv = json.load(open(sys.argv[1]))["results"][1]
pc = json.load(open(sys.argv[2]))["results"][0]
cpu = lambda r: r["user"] + r["system"]
print("  pip-compile / cvenv lock --format requirements: %.1fx wall (%.1f ms vs %.1f ms), "
      "%.1fx user+sys CPU (%.1f ms vs %.1f ms)" % (pc["mean"] / cv["mean"], pc["mean"] * 1e3,
      cv["mean"] * 1e3, cpu(pc) / cpu(cv), cpu(pc) * 1e3, cpu(cv) * 1e3))
PY
	else
		echo "  pip-compile: skipped (set PIPTOOLS_SRC to a pip-tools checkout; see bench/lib-piptools.sh)"
	fi
done
