#!/bin/bash
# Installing from a package index, side by side with pip, in ONE hyperfine
# run per requirement set: the Flask set and the big set (every distribution
# of the corpus repacked from Debian's Python libraries, >= 80), served by
# nginx on 127.0.0.1 (tests/integration/lib-index.sh: PEP 691 JSON with
# .metadata files; the pages with Cache-Control: max-age=600, as PyPI serves
# its simple pages, so a warm run of either tool asks nothing). Into an empty
# env each time:
#   cvenv cold      empty cache (index pages, metadata, wheels, unpacked wheels)
#   cvenv warm      everything cached (pages fresh: no request at all)
#   cvenv dry-run   warm, --dry-run: resolution only
#   pip cold        pip install --no-cache-dir
#   pip warm        pip's cache filled by an earlier run
# pip is pyenv's 3.11 (pip 23.2), run from its own venv with --python; the
# envs are of the same interpreter. Then the ratios, and peak memory (GNU
# time) of cvenv cold and warm and pip cold for the big set. The ratios are
# given for the wall time and for the CPU time (user + sys), which a loaded
# machine disturbs less.
#
#   bash bench/index.sh [RUNS]       default 3
set -eu
RUNS=${1:-3}
# shellcheck source=lib-index-bench.sh
. "$(dirname "$0")/lib-index-bench.sh"
echo "interpreter: $PY; pip: $("$PY" -m pip --version | cut -d' ' -f2)"
corpus=$(index_corpus)
python3 "$TEST_DIR/index/mkindex.py" "$corpus" "$W/idx"
index_start bench "$W/idx" --max-age 600 >/dev/null
"$PY" -m venv "$W/pipenv"
echo flask >"$W/flask.txt"
ls "$W/idx/simple" | grep -v '^index' | grep -vx pygobject >"$W/big.txt"
echo "index: $INDEX_URL, $(ls "$corpus" | wc -l) wheels; big set: $(wc -l <"$W/big.txt") requirements"
echo

# Each run starts from a fresh env (and the cold runs from an empty cache):
# the last ones are moved aside, never deleted (bench/set-aside.sh says why:
# deleting before each run would time the deletions), then sync(1), so no
# run pays for the writeback of the one before.
SA="sh $ROOT/bench/set-aside.sh $W/trash"
newenv="$SA $W/env && $CVENV create -q --without-pip -p $PY $W/env && sync"
pip="env PIP_DISABLE_PIP_VERSION_CHECK=1 $W/pipenv/bin/python -m pip --python $W/env/bin/python install -q --no-compile --only-binary :all: -i $INDEX_URL"
for set in flask big; do
	req=$W/$set.txt
	cv="$CVENV install -q --venv $W/env -i $INDEX_URL -r $req"
	# warm the caches once
	sh -c "$newenv && $cv --cache-dir $W/cwarm" && sh -c "$newenv && $pip --cache-dir $W/pipcache -r $req"
	echo "== $set set"
	hyperfine -N --runs "$RUNS" --export-json "$W/$set.json" --style basic \
		--prepare "sh -c '$SA $W/ccold && $newenv'" -n "cvenv cold" "$cv --cache-dir $W/ccold" \
		--prepare "sh -c '$newenv'" -n "cvenv warm" "$cv --cache-dir $W/cwarm" \
		--prepare "sh -c '$newenv'" -n "cvenv dry-run" "$cv --cache-dir $W/cwarm --dry-run" \
		--prepare "sh -c '$newenv'" -n "pip cold" "$pip --no-cache-dir -r $req" \
		--prepare "sh -c '$newenv'" -n "pip warm" "$pip --cache-dir $W/pipcache -r $req" 2>&1 |
		grep -E "^(Benchmark|  Time)"
	python3 - "$W/$set.json" <<-\PY
	import json, sys
	res = json.load(open(sys.argv[1]))["results"]
	r = {x["command"]: x["mean"] for x in res}
	c = {x["command"]: x["user"] + x["system"] for x in res}
	print("  ratios (wall): cold pip/cvenv %.1fx, warm pip/cvenv %.1fx; dry-run %.1f ms" % (
	    r["pip cold"] / r["cvenv cold"], r["pip warm"] / r["cvenv warm"], r["cvenv dry-run"] * 1000))
	print("  ratios (CPU):  cold pip/cvenv %.1fx, warm pip/cvenv %.1fx; dry-run %.1f ms" % (
	    c["pip cold"] / c["cvenv cold"], c["pip warm"] / c["cvenv warm"], c["cvenv dry-run"] * 1000))
	PY
done

echo "== peak memory (big set, max RSS)"
rss() { /usr/bin/time -v sh -c "$1" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
sh -c "$newenv"; echo "  cvenv cold: $(rss "$SA $W/ccold; $CVENV install -q --venv $W/env -i $INDEX_URL -r $W/big.txt --cache-dir $W/ccold") KiB"
sh -c "$newenv"; echo "  cvenv warm: $(rss "$CVENV install -q --venv $W/env -i $INDEX_URL -r $W/big.txt --cache-dir $W/cwarm") KiB"
sh -c "$newenv"; echo "  pip cold:   $(rss "$pip --no-cache-dir -r $W/big.txt") KiB"
