#!/bin/bash
# Attacks on cvenv create by a careless user or a hostile directory (issue 10,
# points 6, 14 and the full-disk / read-only cases): a failed create exits
# non-zero and leaves everything exactly as it was; nothing outside DIR is
# touched. See docs/security/create.md.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY

# tree DIR: every path under DIR with its type, link target and content hash.
tree() {
	(cd "$1" && find . -printf '%y %p %l %m\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

test_expect_success "10.14: create '' is a usage error and makes nothing" '
	mkdir here && echo mine >here/user.txt && tree here >before &&
	(cd here && expect_code 2 cvenv create -p "$PY" --without-pip "" 2>../err) &&
	expect_grep "empty DIR" err &&
	tree here >after && diff -u before after
'

test_expect_success "10.14: create --clear '' keeps the user's files" '
	mkdir here2 && echo mine >here2/user.txt && tree here2 >before &&
	(cd here2 && expect_code 2 cvenv create -p "$PY" --without-pip --clear "" 2>../err) &&
	(cd here2 && expect_code 2 cvenv create -p "$PY" --clear ok "" 2>../err) &&
	tree here2 >after && diff -u before after
'

# nothing_beside DIR: no build directory of cvenv's left beside DIR.
nothing_beside() {
	! ls -A "$(dirname "$1")" | grep -F ".$(basename "$1").cvenv-"
}

test_expect_success '10.6: a failed create in a non-empty directory takes back all it made' '
	mkdir proj && echo data >proj/notes.txt && echo "not a dir" >proj/bin &&
	tree proj >before &&
	expect_code 1 cvenv create -p "$PY" --without-pip proj 2>err &&
	expect_grep "proj/bin" err &&
	tree proj >after && diff -u before after && nothing_beside proj
'

test_expect_success '10.6: ... and keeps what was there before under the same names' '
	mkdir proj2 && mkdir -p proj2/include proj2/lib && echo mine >proj2/lib/keep &&
	ln -s elsewhere proj2/lib64 && echo "not a dir" >proj2/bin &&
	tree proj2 >before &&
	expect_code 1 cvenv create -p "$PY" --without-pip proj2 2>err &&
	tree proj2 >after && diff -u before after
'

test_expect_success 'a backup a killed update in place left is removed by the next create' '
	cvenv create -p "$PY" --without-pip killed && mkdir -p killed/.cvenv/create-AbC123 &&
	echo old >killed/.cvenv/create-AbC123/0 &&
	cvenv create -p "$PY" --without-pip killed &&
	test "$(ls -A killed/.cvenv)" = lock
'

test_expect_success 'setup: a pip wheel that fails to install' '
	mkdir badseeds &&
	python3 "$TEST_DIR/mkwheel.py" badseeds pip 99.0 --file pip/x.py=X --bad hash >/dev/null
'

test_expect_success '10.6: an update of an env in place whose pip fails: the env as it was' '
	cvenv create -p "$PY" --without-pip upd && echo "# mine" >>upd/bin/activate &&
	tree upd >before &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels badseeds upd 2>err &&
	tree upd >after && diff -u before after && nothing_beside upd
'

test_expect_success '10.6: a new env whose pip fails: nothing at DIR, nothing beside' '
	expect_code 1 cvenv create -p "$PY" --seed-wheels badseeds fresh 2>err &&
	! test -e fresh && nothing_beside fresh
'

test_expect_success '10.6: --clear of an env whose new pip fails: the old env as it was' '
	cvenv create -p "$PY" --without-pip clr && echo "# mine" >>clr/bin/activate &&
	tree clr >before &&
	expect_code 1 cvenv create -p "$PY" --clear --seed-wheels badseeds clr 2>err &&
	tree clr >after && diff -u before after && nothing_beside clr
'

test_expect_success '10.6: --clear through a link to an env whose new pip fails: as it was' '
	cvenv create -p "$PY" --without-pip real && ln -s real lnk && echo x >real/extra &&
	tree real >before &&
	expect_code 1 cvenv create -p "$PY" --clear --seed-wheels badseeds lnk 2>err &&
	tree real >after && diff -u before after && test -L lnk
'

test_expect_success '10.6: an empty directory whose create fails is given back empty' '
	mkdir empty &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels badseeds empty 2>err &&
	test -z "$(ls -A empty)"
'

test_done
