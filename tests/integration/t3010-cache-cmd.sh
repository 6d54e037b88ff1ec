#!/bin/bash
# cvenv cache dir | clean | prune (issue 13.8): sizes printed, only cvenv's
# parts removed, unpacked wheels an env links to kept, facts of interpreters
# that are gone dropped, a fill in progress and links out of the cache left
# alone.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12 on this machine"
export py
C=$PWD/c
export CVENV_CACHE_DIR=$C

test_expect_success 'cache dir: the directory, as every command decides it' '
	cvenv cache dir >out && expect_equal "$C" "$(cat out)" &&
	cvenv cache dir --cache-dir other >out && expect_equal "$PWD/other" "$(cat out)" &&
	XDG_CACHE_HOME=/x CVENV_CACHE_DIR= cvenv cache dir >out && expect_equal /x/cvenv "$(cat out)" &&
	expect_code 2 cvenv cache 2>err && expect_grep "needs a command" err &&
	expect_code 2 cvenv cache frob 2>err && expect_grep "unknown cache command" err
'

test_expect_success 'setup: two envs share the cache, one is removed' '
	mkdir wh && mkwheel wh demo 1.0 --console demo=demo:main >/dev/null &&
	mkwheel wh other 1.0 --console other=other:main >/dev/null &&
	cvenv create -p "$py" --without-pip e1 && cvenv create -p "$py" --without-pip e2 &&
	cvenv install --venv e1 --link-mode hardlink wh/demo-1.0-py3-none-any.whl &&
	cvenv install --venv e2 --link-mode hardlink wh/other-1.0-py3-none-any.whl &&
	test $(ls "$C/wheels-v2" | wc -l) = 2 && rm -rf e2
'

test_expect_success 'prune: the wheel no env links to goes, the linked one stays' '
	ls "$C/interpreters" >interps.before &&
	printf "{\"cvenv_interp_cache\": 1, \"path\": \"/nonexistent/python3\"}" \
		>"$C/interpreters/0000000000000000.json" &&
	cvenv -v cache prune 2>out && expect_grep "pruned" out && expect_grep " bytes)" out &&
	grep -q "2 entries" out &&
	test $(ls "$C/wheels-v2" | wc -l) = 1 &&
	test ! -e "$C/interpreters/0000000000000000.json" &&
	ls "$C/interpreters" >interps.after && diff -u interps.before interps.after &&
	e1/bin/demo >out && expect_grep "demo 1.0" out &&
	cvenv cache prune 2>out && expect_grep "0 entries, 0 bytes freed" out
'

test_expect_success 'a fill in progress and links out of the cache are left alone' '
	mkdir -p outside/keep && echo precious >outside/keep/file &&
	ln -s "$PWD/outside/keep" "$C/wheels-v2/evil" &&
	ln -s "$PWD/outside" "$C/interpreters/evil" &&
	mkdir "$C/wheels-v2/.tmp-live" && mkfifo fifo &&
	{ timeout 60 flock -x "$C/wheels-v2/.tmp-live/owner" sh -c "touch locked; read x <fifo" & } &&
	timeout 30 sh -c "while [ ! -e locked ]; do :; done" &&
	cvenv cache prune 2>out && test -d "$C/wheels-v2/.tmp-live" &&
	cvenv cache clean 2>out && test -d "$C/wheels-v2/.tmp-live" &&
	echo go >fifo && wait &&
	test "$(cat outside/keep/file)" = precious && test ! -e "$C/wheels-v2/evil"
'

test_expect_success 'clean: cvenv parts emptied, foreign files kept, size printed' '
	echo mine >"$C/notes.txt" && cvenv create -p "$py" --without-pip e3 &&
	cvenv install --venv e3 wh/other-1.0-py3-none-any.whl &&
	cvenv cache clean 2>out && expect_grep "cleaned" out && expect_grep "freed" out &&
	test -z "$(ls "$C/wheels-v2")" && test -z "$(ls "$C/interpreters")" &&
	test "$(cat "$C/notes.txt")" = mine &&
	e3/bin/other >out && expect_grep "other 1.0" out &&
	cvenv create -p "$py" --without-pip e4
'

test_done
