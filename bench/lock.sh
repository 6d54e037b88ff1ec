#!/bin/bash
# cvenv lock, warm, against the local nginx index (tests/integration/
# lib-index.sh: the corpus repacked from Debian's Python libraries, PEP 691
# JSON with .metadata files): the Flask set and the big set (every project of
# the corpus), written as pylock.toml and as a hashed requirements.txt, in
# one hyperfine run per set.
#
# pip-compile (pip-tools) is the comparison the issue asks for, but it is
# not available on this machine: Debian 12 has no pip-tools package and PyPI
# is not reachable. With pip-tools installed (PIPCOMPILE=/path/pip-compile),
# the same requirements are timed with
#   pip-compile --generate-hashes -i URL --cache-dir DIR -o OUT IN
#
#   bash bench/lock.sh [RUNS]       default 10
set -eu
RUNS=${1:-10}
# shellcheck source=lib-index-bench.sh
. "$(dirname "$0")/lib-index-bench.sh"
corpus=$(index_corpus)
python3 "$TEST_DIR/index/mkindex.py" "$corpus" "$W/idx" >/dev/null
index_start bench "$W/idx" >/dev/null
"$CVENV" create -q --without-pip -p "$PY" "$W/env"
echo flask >"$W/flask.in"
ls "$W/idx/simple" | grep -v '^index' | grep -vx pygobject >"$W/big.in"
echo "index: $INDEX_URL; big set: $(wc -l <"$W/big.in") requirements"
for set in flask big; do
	lk="$CVENV lock -q --venv $W/env -i $INDEX_URL --cache-dir $W/cache --upgrade $W/$set.in"
	$lk -o "$W/$set.toml" # warm the cache
	echo "== $set set: $(grep -c '^\[\[packages\]\]' "$W/$set.toml") packages locked"
	hyperfine -N --warmup 2 --runs "$RUNS" --style basic \
		-n "cvenv lock (pylock.toml, warm)" "$lk -o $W/$set.toml" \
		-n "cvenv lock --format requirements (warm)" "$lk --format requirements -o $W/$set.txt" \
		2>&1 | grep -E "^(Benchmark|  Time)"
	if [ -n "${PIPCOMPILE:-}" ]; then
		"$PIPCOMPILE" -q --generate-hashes -i "$INDEX_URL" --cache-dir "$W/pc" -o "$W/$set.pc.txt" "$W/$set.in"
		hyperfine --warmup 1 --runs 3 --style basic -n "pip-compile (warm)" \
			"$PIPCOMPILE -q --generate-hashes -i $INDEX_URL --cache-dir $W/pc -o $W/$set.pc.txt $W/$set.in" \
			2>&1 | grep -E "^(Benchmark|  Time)"
	else
		echo "  pip-compile: not installed (no Debian 12 package, PyPI unreachable)"
	fi
done
