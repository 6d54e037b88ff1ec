#!/bin/bash
# cvenv lock --format requirements against pip-compile --generate-hashes: the
# outputs pip-tools 7.3.0 wrote for the same requirements.in against the same
# index (index/piptools/, recorded as its README says) must come out the same,
# line for line -- pins, extras, the hash of every file of each pinned
# version (wheels of every tag and sdists, sorted), '# via' lines, the unsafe
# packages' warning -- but for the two header lines that name the tool and its
# command, with the index port replaced. Then pylock.toml: every wheel and the
# sdist of a version, and sync installing the one wheel that fits the env,
# checked against its own hash and size, never another file.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd nginx
test_require_cmd curl
py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no Python 3.11 (the fixtures were recorded with 3.11)"
FIX=$TEST_DIR/index/piptools

# norm FILE: FILE without the lines naming the tool and its command (header
# lines 2 and 5), any 127.0.0.1 port replaced
norm() { sed -e '2d;5d' -e 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' "$1"; }

# The fixtures hold the sha256 of corpus wheels built from this machine's
# Debian packages (byte-reproducible: same package versions, same bytes).
# Another set of versions would give other pins and hashes: then the
# comparison is skipped, saying which file is not the one recorded.
test_lazy_prereq RECORDED_CORPUS '
	sed -n "s/.*--hash=sha256:\([0-9a-f]*\).*/\1/p" "$FIX"/*.txt | sort -u >want &&
	(cd "$TRASH/idx/files" && sha256sum -- * | cut -c1-64) | sort -u >have &&
	comm -23 want have >missing && test ! -s missing
'

test_expect_success 'setup: the corpus and the extra MarkupSafe files, their index, an env' '
	corpus=$(index_corpus) &&
	mkdir w && cp "$corpus"/*.whl w/ &&
	python3 "$FIX/mkextra.py" w &&
	index_tree w idx >/dev/null &&
	index_start pc idx &&
	cvenv create -q --without-pip -p "$py" v
'

# lock_as_piptools SET FIXTURE [OPTION...]: cvenv lock on SET.in (as
# requirements.in, the name the fixture recorded) in directory FIXTURE,
# compared with FIXTURE.txt
lock_as_piptools() (
	set=$1 fix=$2 && shift 2 &&
	index_load pc &&
	mkdir "$fix" && cp "$FIX/$set.in" "$fix/requirements.in" && cd "$fix" &&
	cvenv lock --venv ../v -i "$INDEX_URL" --format requirements "$@" requirements.in &&
	norm "$FIX/$fix.txt" >want && norm requirements.txt >got &&
	diff -u want got
)

test_expect_success RECORDED_CORPUS 'the Flask set: as pip-compile, every file of MarkupSafe 2.1.2 hashed' '
	lock_as_piptools flask flask &&
	test $(grep -c "    --hash=sha256:" flask/requirements.txt) = 9
'

test_expect_success RECORDED_CORPUS 'the whole corpus: as pip-compile (extras kept, pip and setuptools left out)' '
	lock_as_piptools big big &&
	grep -q "^rfc3986\[idna2008\]==" big/requirements.txt &&
	! grep "^pip==" big/requirements.txt
'

test_expect_success RECORDED_CORPUS 'the whole corpus with --allow-unsafe: pip and setuptools pinned, as pip-compile' '
	lock_as_piptools big big-allow-unsafe --allow-unsafe &&
	grep -q "^pip==" big-allow-unsafe/requirements.txt
'

test_expect_success 'pylock.toml: every wheel of the version and its sdist, no other version' '
	index_load pc &&
	echo flask >requirements.in &&
	cvenv lock --venv v -i "$INDEX_URL" requirements.in &&
	sed -n "/^name = \"markupsafe\"/,/^\[\[packages/p" pylock.toml >ms &&
	for f in w/MarkupSafe-2.1.2*; do
		b=${f#w/} &&
		expect_grep "{ name = \"$b\", url = \"http://127.0.0.1:$INDEX_PORT/files/$b\", size = $(stat -c %s "$f"), hashes = { sha256 = \"$(sha256sum <"$f" | cut -c1-64)\" } }" ms || return 1
	done &&
	grep -q "^sdist = { name = \"MarkupSafe-2.1.2.tar.gz\"" ms &&
	test $(grep -c "MarkupSafe-2.1.2-.*\.whl" ms) = 3 &&
	! grep "2\.0\.0" ms
'

test_expect_success 'sync takes the wheel that fits the env, checked, and fetches no other' '
	index_load pc &&
	: >"$INDEX_LOG" &&
	cvenv create -q --without-pip -p "$py" s &&
	cvenv sync --venv s pylock.toml &&
	cvenv freeze --venv s >frozen &&
	grep -qx "MarkupSafe==2.1.2" frozen &&
	grep "GET /files/MarkupSafe" "$INDEX_LOG" >got &&
	cat got &&
	test $(wc -l <got) = 1 &&
	expect_grep "MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl " got
'

test_expect_success 'a wrong hash for that wheel: sync refuses, takes no other file, env untouched' '
	index_load pc &&
	h=$(sha256sum <w/MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl | cut -c1-64) &&
	sed "s/$h/$(echo "$h" | tr 0-9a-f 1-9a-f0)/" pylock.toml >bad.toml &&
	! cmp pylock.toml bad.toml &&
	cvenv create -q --without-pip -p "$py" t &&
	snap t >before &&
	: >"$INDEX_LOG" &&
	! cvenv sync --venv t bad.toml 2>err &&
	cat err &&
	expect_grep "MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl" err &&
	! grep -E "GET /files/MarkupSafe-2.1.2(-cp312|-cp311-cp311-win|\.tar)" "$INDEX_LOG" &&
	expect_unchanged before t
'

test_done
