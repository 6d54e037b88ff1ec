#!/bin/bash
# An upgrade's commit (core/pkg/txn.c): of the old version's files, those the
# new version has too are replaced, never removed, and the others removed,
# each once, however many there are (the lists are matched sorted, not
# scanned per file).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages

# no_output FILE: fails, showing FILE, unless it is empty (no warning, no error)
no_output() {
	if test -s "$1"; then
		cat "$1" >&2
		return 1
	fi
}
# many_args FIRST COUNT: --file arguments for many/mFIRST.py .. (COUNT of them)
many_args() {
	local i
	for ((i = $1; i < $1 + $2; i++)); do
		printf -- '--file\nmany/d%02d/m%04d.py=M = %d\n' $((i / 50)) $i $i
	done
}
# many_list FIRST COUNT: the paths many_args makes, sorted
many_list() {
	local i
	for ((i = $1; i < $1 + $2; i++)); do
		printf 'many/d%02d/m%04d.py\n' $((i / 50)) $i
	done | LC_ALL=C sort
}

test_expect_success 'setup: two versions sharing some paths, and a recorded bytecode file' '
	mkdir wh &&
	mkwheel wh keep 1.0 --file "keep/both.py=OLD = 1" --file "keep/gone.py=G = 1" \
		--file "keep/sub/gone2.py=G = 2" --file "keep/m.py=M = 1" \
		--file "keep/__pycache__/m.cpython-312.pyc=not really bytecode" >/dev/null &&
	mkwheel wh keep 2.0 --file "keep/both.py=NEW = 2" --file "keep/fresh.py=F = 1" >/dev/null &&
	mapfile -t a < <(many_args 0 400) && mkwheel wh many 1.0 "${a[@]}" >/dev/null &&
	mapfile -t a < <(many_args 200 400) && mkwheel wh many 2.0 "${a[@]}" >/dev/null &&
	cvenv create --without-pip -p "$py" v
'

test_expect_success 'an upgrade replaces the paths both versions have and removes the others' '
	cvenv install --venv v wh/keep-1.0-py3-none-any.whl &&
	test -f v/$SP/keep/__pycache__/m.cpython-312.pyc &&
	cvenv install --venv v wh/keep-2.0-py3-none-any.whl 2>err &&
	no_output err &&
	test "$(cat v/$SP/keep/both.py)" = "NEW = 2" &&
	test -f v/$SP/keep/__init__.py && test -f v/$SP/keep/fresh.py &&
	v/bin/python -c "import keep.both as b, keep.fresh; assert b.NEW == 2" &&
	! test -e v/$SP/keep/gone.py && ! test -e v/$SP/keep/sub &&
	! test -e v/$SP/keep/m.py && ! test -e v/$SP/keep/__pycache__/m.cpython-312.pyc &&
	! test -e v/$SP/keep-1.0.dist-info && test -d v/$SP/keep-2.0.dist-info
'

test_expect_success 'a downgrade and an uninstall remove a path listed twice once' '
	cvenv install --venv v wh/keep-1.0-py3-none-any.whl 2>err &&
	no_output err &&
	test "$(cat v/$SP/keep/both.py)" = "OLD = 1" && ! test -e v/$SP/keep/fresh.py &&
	test -f v/$SP/keep/__pycache__/m.cpython-312.pyc &&
	cvenv uninstall --venv v -y keep 2>err &&
	no_output err &&
	! test -e v/$SP/keep && ! test -e v/$SP/keep-1.0.dist-info
'

test_expect_success 'a 400-file upgrade keeps exactly the new version'\''s files' '
	cvenv install --venv v wh/many-1.0-py3-none-any.whl &&
	(cd v/$SP && find many -name "*.py" ! -name __init__.py | LC_ALL=C sort) >before &&
	many_list 0 400 >expect && diff -u expect before &&
	cvenv install --venv v wh/many-2.0-py3-none-any.whl 2>err &&
	no_output err &&
	(cd v/$SP && find many -name "*.py" ! -name __init__.py | LC_ALL=C sort) >after &&
	many_list 200 400 >expect && diff -u expect after &&
	test "$(cat v/$SP/many/d04/m0200.py)" = "M = 200" &&
	test "$(cat v/$SP/many/d11/m0599.py)" = "M = 599" &&
	! test -e v/$SP/many/d00 && ! test -e v/$SP/many/d03 &&
	cvenv install --venv v wh/many-1.0-py3-none-any.whl &&
	(cd v/$SP && find many -name "*.py" ! -name __init__.py | LC_ALL=C sort) >back &&
	many_list 0 400 >expect && diff -u expect back
'

test_done
