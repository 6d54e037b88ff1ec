#!/bin/bash
# Attacks on the unpacked-wheel cache (issue 10.3): a damaged, replaced or
# foreign cache entry never reaches an env. Each test damages the entry of a
# wheel already in the cache, installs the same wheel into a new env and
# expects the wheel's own bytes there (the entry rebuilt, never linked).
# See docs/security/cache.md.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages
GOOD=GOODGOODGOODGOOD
# (the same directory by both names: the attacks hold whichever one is read)
export XDG_CACHE_HOME="$TRASH/xdg" CVENV_CACHE_DIR="$TRASH/xdg/cvenv"

# entry WHEEL: the cache entry of WHEEL (keyed by its sha256)
entry() { ls -d "$CVENV_CACHE_DIR"/wheels-v*/"$(sha256sum <"$1" | cut -c1-64)"; }
# cached WHEEL MEMBER: the cached copy of MEMBER
cached() { find "$(entry "$1")" -path "*/$2" | head -1; }
# fresh NAME: a new env without pip
fresh() { cvenv create --without-pip -p "$py" "$1" >/dev/null; }
# installed_ok ENV: ENV has the wheel's own demo/v.py
installed_ok() {
	test -f "$1/$SP/demo/v.py" && ! test -L "$1/$SP/demo/v.py" &&
	test "$(cat "$1/$SP/demo/v.py")" = $GOOD
}
# rebuilt: the cache holds the wheel's bytes again
rebuilt() { test "$(cat "$(cached w/demo-1.0-py3-none-any.whl demo/v.py)")" = $GOOD; }
W=w/demo-1.0-py3-none-any.whl

test_expect_success 'setup: the wheel is in the cache' '
	mkdir w w2 && mkwheel w demo 1.0 --file demo/v.py=$GOOD >/dev/null &&
	mkwheel w2 demo 1.0 --file demo/v.py=OTHEROTHEROTHER! >/dev/null &&
	fresh e0 && cvenv install --venv e0 $W && installed_ok e0 &&
	test -n "$(cached $W demo/v.py)"
'

test_expect_success 'a truncated cache file is not installed' '
	f=$(cached $W demo/v.py) && chmod u+w "$f" && : >"$f" &&
	fresh e1 && cvenv install --venv e1 $W && installed_ok e1 && rebuilt
'

test_expect_success 'a cache file overwritten with the same size is not installed' '
	f=$(cached $W demo/v.py) && chmod u+w "$f" && printf EVILEVILEVILEVIL >"$f" &&
	fresh e2 && cvenv install --venv e2 --link-mode=copy $W && installed_ok e2 && rebuilt
'

test_expect_success 'a cache file replaced by a symlink to a file outside is not installed' '
	printf EVILEVILEVILEVIL >outside &&
	f=$(cached $W demo/v.py) && rm -f "$f" && ln -s "$TRASH/outside" "$f" &&
	fresh e3 && cvenv install --venv e3 $W && installed_ok e3 && rebuilt &&
	test "$(cat outside)" = EVILEVILEVILEVIL
'

# A directory of the entry replaced by a link to a copy outside, v.py
# rewritten there with the same size and mtime: each row's lstat reaches a
# file through the link, but not the inode the seal names.
test_expect_success 'a cache directory replaced by a symlink to a copy outside is not installed' '
	d=$(dirname "$(cached $W demo/v.py)") && mkdir outdir && cp -p "$d"/* outdir/ &&
	chmod u+w outdir/v.py && printf EVILEVILEVILEVIL >outdir/v.py && touch -r "$d/v.py" outdir/v.py &&
	chmod u+w "$d" "$(dirname "$d")" && rm -rf "$d" && ln -s "$TRASH/outdir" "$d" &&
	fresh e3d && cvenv install --venv e3d $W 2>err && grep -q "is damaged" err &&
	installed_ok e3d && rebuilt && test "$(cat outdir/v.py)" = EVILEVILEVILEVIL
'

test_expect_success 'an extra file in an entry: never installed, removed by --verify-cache' '
	d=$(dirname "$(cached $W demo/v.py)") && chmod u+w "$d" && echo evil >"$d/evil.py" &&
	fresh e4 && cvenv install --venv e4 --verify-cache $W && installed_ok e4 &&
	! test -e e4/$SP/demo/evil.py && ! test -e "$d/evil.py"
'

test_expect_success 'an entry without its seal is fully re-checked' '
	f=$(cached $W demo/v.py) && touch -r "$f" stamp && chmod u+w "$f" &&
	printf EVILEVILEVILEVIL >"$f" && touch -r stamp "$f" && chmod a-w "$f" &&
	rm -f "$(entry $W)/sealed" &&
	fresh e5 && cvenv install --venv e5 $W && installed_ok e5 && rebuilt
'

test_expect_success '--verify-cache re-hashes a sealed entry (an overwrite with the mtime put back)' '
	f=$(cached $W demo/v.py) && touch -r "$f" stamp && chmod u+w "$f" &&
	printf EVILEVILEVILEVIL >"$f" && touch -r stamp "$f" && chmod a-w "$f" &&
	fresh e6 && cvenv install --venv e6 --verify-cache $W && installed_ok e6 && rebuilt
'

test_expect_success 'a foreign entry under another key is not installed' '
	fresh e7 && cvenv install --venv e7 w2/demo-1.0-py3-none-any.whl &&
	b=$(entry w2/demo-1.0-py3-none-any.whl) && a=$(entry $W) &&
	chmod -R u+w "$a" && rm -rf "$a" && cp -a "$b" "$a" &&
	fresh e8 && cvenv install --venv e8 $W && installed_ok e8 && rebuilt
'

test_expect_success 'a damaged entry is rebuilt once: the next install finds it sealed' '
	f=$(cached $W demo/v.py) && chmod u+w "$f" && : >"$f" &&
	fresh e9 && cvenv install --venv e9 $W && i=$(stat -c %i "$(cached $W demo/v.py)") &&
	fresh e10 && cvenv install --venv e10 $W && installed_ok e10 &&
	test "$(stat -c %i "$(cached $W demo/v.py)")" = "$i" &&
	test -z "$(find "$(entry $W)/files" "$(entry $W)/sealed" -type f -perm /222)"
'

# Seals of 80 files each: more rows than a thread is started for
# (CHECK_AHEAD_MIN in wheelcache.c), so with two CPUs they are lstat-ed in
# chunks of 32 on a second thread as the plan opens each seal, the rest on
# both threads before the staging (wheelcache_check_ahead). A damaged file
# in the first or the last chunk, in either wheel, is found all the same.
test_expect_success 'setup: two wheels of 80 files in the cache' '
	mkdir big && for p in one two; do
		set -- && i=0 && while [ $i -lt 80 ]; do
			set -- "$@" --file "$p/f$i.py=$p$i$GOOD" && i=$((i + 1))
		done && mkwheel big $p 1.0 "$@" >/dev/null || return 1
	done &&
	fresh b0 && cvenv install --venv b0 big/one-1.0-py3-none-any.whl big/two-1.0-py3-none-any.whl
'
# big_ok ENV: every file of both wheels in ENV has its own bytes
big_ok() {
	for p in one two; do
		i=0 && while [ $i -lt 80 ]; do
			test "$(cat "$1/$SP/$p/f$i.py")" = "$p$i$GOOD" || return 1
			i=$((i + 1))
		done
	done
}
for victim in one/f0.py one/f79.py two/f0.py two/f79.py; do
	export victim
	test_expect_success "checked ahead on two threads: a damaged $victim is not installed" '
		p=${victim%%/*} && e=b-$p-$(basename $victim .py) &&
		f=$(cached big/$p-1.0-py3-none-any.whl $victim) && chmod u+w "$f" &&
		printf "EVIL%s" "$GOOD" >"$f" && fresh "$e" &&
		cvenv install --venv "$e" big/one-1.0-py3-none-any.whl big/two-1.0-py3-none-any.whl \
			2>err &&
		grep -q "cache entry of .*$p-1.0-py3-none-any.whl. is damaged" err && big_ok "$e"
	'
done

# Twelve wheels of 7 files (4 modules, __init__.py, METADATA, WHEEL): the
# thread starts only at the tenth seal (64 rows queued), so the first
# wheels' checks wait in the queue and the last are pushed to a running
# thread. A damage in the first wheel and in the last
# is found all the same.
test_expect_success 'setup: twelve wheels of 7 files in the cache' '
	mkdir small && : >small/req && i=10 && while [ $i -lt 22 ]; do
		set -- && k=0 && while [ $k -lt 4 ]; do
			set -- "$@" --file "s$i/m$k.py=s$i$k$GOOD" && k=$((k + 1))
		done && mkwheel small s$i 1.0 "$@" >/dev/null && echo "s$i==1.0" >>small/req &&
		i=$((i + 1)) || return 1
	done &&
	fresh s0 && cvenv install --venv s0 -r small/req --find-links small &&
	test "$(find "$(entry small/s10-1.0-py3-none-any.whl)/files" -type f ! -name RECORD | wc -l)" = 7
'
for victim in s10/m0.py s21/m3.py; do
	export victim
	test_expect_success "checked while planning: a damaged $victim is not installed" '
		p=${victim%%/*} && e=q-$p &&
		f=$(cached small/$p-1.0-py3-none-any.whl $victim) && chmod u+w "$f" &&
		printf "EVIL%s" "$GOOD" >"$f" && fresh "$e" &&
		cvenv install --venv "$e" -r small/req --find-links small 2>err &&
		grep -q "cache entry of .*$p-1.0-py3-none-any.whl. is damaged" err &&
		test "$(cat "$e/$SP/$victim")" = "${victim%%/*}$(basename $victim .py | tr -d m)$GOOD"
	'
done

# A seeded create opens pip's sealed entry before it makes the env, and its
# files are checked on a second thread while the env's directories, links
# and scripts are written (seed_open_ahead): a damaged file is found all the
# same, and the env gets pip's own bytes.
test_expect_success 'a seeded create: a damaged cached pip file is not installed' '
	cvenv create -p "$py" seeded0 >/dev/null &&
	pipwhl=$("$py" -c "import ensurepip, glob, os; print(sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), \"_bundled\", \"pip-*.whl\")))[-1])") &&
	f=$(cached "$pipwhl" pip/__init__.py) && test -n "$f" && chmod u+w "$f" &&
	good=$(cat "$f") && printf "raise SystemExit(\"EVIL\")\n" >"$f" &&
	cvenv create -p "$py" seeded1 2>err >/dev/null &&
	grep -q "cache entry of .*pip-.*is damaged" err &&
	test "$(cat seeded1/$SP/pip/__init__.py)" = "$good" &&
	seeded1/bin/python -m pip --version >/dev/null
'

test_done
