#!/bin/bash
# What a lock for other targets and a universal lock cost: `cvenv lock`,
# warm, of the corpus's big set (bench/lock.sh's index) for the env's
# interpreter, for one --python-version, and for 2, 4 and 8 environments
# (--python-version x --python-platform), each resolved on its own and
# merged (core/lock/universal.h): the cost grows with the number of
# environments, the index pages and metadata being fetched once. The corpus's
# native wheels exist for cp311-linux_x86_64 only: the index gets copies of
# them under the other targets' tags (their names only matter to a lock).
#
#   bash bench/lock-targets.sh [RUNS]       default 5
set -eu
RUNS=${1:-5}
# shellcheck source=lib-index-bench.sh
. "$(dirname "$0")/lib-index-bench.sh"
corpus=$(index_corpus)
mkdir "$W/w"
for f in "$corpus"/*.whl; do
	b=${f##*/}
	ln "$f" "$W/w/$b" 2>/dev/null || cp "$f" "$W/w/$b"
	case $b in *-cp311-*linux_x86_64.whl) ;; *) continue ;; esac
	stem=${b%%-cp311-*}
	abi=${b#"$stem"-cp311-}
	abi=${abi%%-*}
	for py in cp311 cp312; do
		a=$([ "$abi" = abi3 ] && echo abi3 || echo "$py")
		for plat in manylinux_2_17_x86_64 manylinux_2_17_aarch64 win_amd64 macosx_11_0_arm64; do
			cp "$f" "$W/w/$stem-$py-$a-$plat.whl"
		done
	done
done
python3 "$TEST_DIR/index/mkindex.py" "$W/w" "$W/idx" >/dev/null
index_start bench "$W/idx" >/dev/null
"$CVENV" create -q --without-pip -p "$PY" "$W/env"
ls "$W/idx/simple" | grep -v '^index' | grep -vx pygobject >"$W/big.in"
echo "index: $INDEX_URL; big set: $(wc -l <"$W/big.in") requirements"
lk="$CVENV lock -q --venv $W/env -i $INDEX_URL --cache-dir $W/cache --upgrade $W/big.in"
t1="--python-version 3.12"
t2="--python-version 3.11 --python-version 3.12"
t4="$t2 --python-platform linux --python-platform windows"
t8="$t4 --python-platform macos --python-platform aarch64-unknown-linux-gnu"
for t in "" "$t1" "$t2" "$t4" "$t8"; do
	$lk $t -o "$W/warm.toml" # warm the cache
done
for t in 1 2 4 8; do
	eval "args=\$t$t"
	$lk $args -o "$W/u$t.toml"
	echo "  $t environment(s): $(grep -c '^\[\[packages\]\]' "$W/u$t.toml") entries"
done
hyperfine -N --warmup 1 --runs "$RUNS" --style basic \
	-n "lock, the env's interpreter" "$lk -o $W/a.toml" \
	-n "lock --python-version 3.12" "$lk $t1 -o $W/b.toml" \
	-n "universal, 2 environments" "$lk $t2 -o $W/c.toml" \
	-n "universal, 4 environments" "$lk $t4 -o $W/d.toml" \
	-n "universal, 8 environments" "$lk $t8 -o $W/e.toml" \
	2>&1 | grep -E "^(Benchmark|  Time)"
