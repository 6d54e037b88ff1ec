#!/bin/bash
# cvenv direnv (issue 13.6): an .envrc that activates the project's env by
# direnv's own means, checked with the real direnv in bash: after `direnv
# allow`, `direnv exec DIR` runs the env's python with VIRTUAL_ENV set and
# PYTHONHOME unset; --write creates .envrc atomically and keeps an existing one.
. "$(dirname "$0")/lib.sh"

test_require_cmd direnv
py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no CPython 3.12 under $PYENV_ROOT"

# in_direnv DIR CMD...: CMD run by direnv with DIR's .envrc loaded
in_direnv() { local d=$1; shift; DIRENV_LOG_FORMAT= timeout 30 direnv exec "$d" "$@"; }
facts='import os, sys; print(sys.prefix); print(os.environ.get("VIRTUAL_ENV")); print(os.environ.get("PYTHONHOME"))'

test_expect_success 'setup: a project with .venv, and a directory for an outside env' '
	mkdir proj &&
	cvenv create -p "$py" --without-pip proj/.venv "outside env"
'

test_expect_success 'printed .envrc uses PATH_add, exports VIRTUAL_ENV, unsets PYTHONHOME' '
	(cd proj && cvenv direnv) >out &&
	expect_grep "PATH_add \"\$VIRTUAL_ENV/bin\"" out &&
	expect_grep "export VIRTUAL_ENV=" out &&
	expect_grep "unset PYTHONHOME" out &&
	test ! -e proj/.envrc
'

test_expect_success 'direnv allow, then direnv exec runs the env'\''s python in bash' '
	(cd proj && cvenv direnv --write) &&
	direnv allow proj &&
	PYTHONHOME=/nowhere in_direnv proj bash -c "python -c '\''$facts'\''" >out &&
	printf "%s\n" "$TRASH/proj/.venv" "$TRASH/proj/.venv" None >want &&
	diff -u want out
'

test_expect_success 'the project can move: the env is named relative to .envrc' '
	mv proj moved &&
	direnv allow moved &&
	in_direnv moved python -c "$facts" >out &&
	printf "%s\n" "$TRASH/moved/.venv" "$TRASH/moved/.venv" None >want &&
	diff -u want out &&
	mv moved proj
'

test_expect_success 'an existing .envrc is kept unless --force' '
	echo "# mine" >proj/.envrc &&
	(cd proj && expect_code 1 cvenv direnv --write) 2>err &&
	expect_grep "cannot write '\''.envrc'\'': File exists" err &&
	expect_grep "--force" err &&
	expect_equal "# mine" "$(cat proj/.envrc)" &&
	! ls proj/.envrc.* 2>/dev/null &&
	(cd proj && cvenv direnv --write --force) &&
	expect_grep PATH_add proj/.envrc
'

test_expect_success 'an env outside the directory, with a space in its name, by --venv' '
	mkdir other &&
	(cd other && cvenv direnv --write --venv "../outside env") &&
	direnv allow other &&
	in_direnv other python -c "$facts" >out &&
	printf "%s\n" "$TRASH/outside env" "$TRASH/outside env" None >want &&
	diff -u want out
'

test_expect_success '--force without --write, arguments, and no env are refused' '
	(cd proj && expect_code 2 cvenv direnv --force) &&
	(cd proj && expect_code 2 cvenv direnv x) &&
	mkdir none &&
	(cd none && expect_code 1 cvenv direnv --write) &&
	test ! -e none/.envrc
'

test_done
