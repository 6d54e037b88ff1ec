#!/bin/bash
# Attack: uninstall must not follow links out of the env (issue 10.2) and is
# all-or-nothing over every name it is given (issue 17.11). A package
# directory or a .dist-info that is a link to elsewhere loses the link, never
# the files behind it.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no Python 3.11 or 3.12"

test_expect_success 'setup: an env and wheels' '
	cvenv create --without-pip -p "$py" v &&
	sp=$(echo v/lib/python3.*/site-packages) && echo "$sp" >sp &&
	mkdir wh &&
	mkwheel wh pkg 1.0 --file pkg/a.py=A >/dev/null &&
	mkwheel wh dd 1.0 --file dd.py=D >/dev/null &&
	mkwheel wh aa 1.0 >/dev/null &&
	mkwheel wh bb 1.0 >/dev/null
'

test_expect_success 'a package directory linked outside: the link goes, the files stay' '
	sp=$(cat sp) &&
	cvenv install --venv v wh/pkg-1.0-py3-none-any.whl &&
	mkdir outside && echo keep >outside/a.py && echo keep >outside/__init__.py &&
	rm -r "$sp/pkg" && ln -s "$PWD/outside" "$sp/pkg" &&
	cvenv uninstall --venv v pkg &&
	test -f outside/a.py && test -f outside/__init__.py &&
	! test -e "$sp/pkg" && ! test -L "$sp/pkg" &&
	! test -e "$sp/pkg-1.0.dist-info"
'

test_expect_success 'a .dist-info linked outside: the link goes, the directory stays whole' '
	sp=$(cat sp) &&
	cvenv install --venv v wh/dd-1.0-py3-none-any.whl &&
	mv "$sp/dd-1.0.dist-info" outdi && echo keep >outdi/victim &&
	ln -s "$PWD/outdi" "$sp/dd-1.0.dist-info" &&
	cvenv uninstall --venv v dd &&
	test -f outdi/victim && test -f outdi/METADATA && test -f outdi/RECORD &&
	! test -e "$sp/dd-1.0.dist-info" && ! test -L "$sp/dd-1.0.dist-info" &&
	! test -e "$sp/dd.py"
'

test_expect_success 'uninstall aa bb where bb cannot be removed: aa stays, exit 1' '
	sp=$(cat sp) &&
	cvenv install --venv v wh/aa-1.0-py3-none-any.whl wh/bb-1.0-py3-none-any.whl &&
	rm "$sp/bb-1.0.dist-info/RECORD" &&
	snap v >before &&
	expect_code 1 cvenv uninstall --venv v aa bb 2>err &&
	expect_grep "cannot uninstall '\''bb'\''" err &&
	expect_unchanged before v
'

test_expect_success 'uninstall of several names is one transaction that removes them all' '
	sp=$(cat sp) &&
	cvenv install --venv v wh/pkg-1.0-py3-none-any.whl wh/dd-1.0-py3-none-any.whl &&
	cvenv uninstall --venv v pkg dd nothere 2>err &&
	expect_grep "skipping '\''nothere'\''" err &&
	! test -e "$sp/pkg" && ! test -e "$sp/dd.py"
'

test_done
