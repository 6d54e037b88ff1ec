#!/bin/bash
# Which env the commands that act on one use (issue 13.1, as uv finds it):
# --venv, else $VIRTUAL_ENV, else the nearest .venv in the current directory
# or any parent; -v says which and why; none found is an error with a hint.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && py=$(command -v python3)

test_expect_success 'setup: p/.venv, p/sub/dir, another env, a wheel' '
	mkdir -p p/sub/dir wh &&
	mkwheel wh demo 1.0 >/dev/null &&
	cvenv create --without-pip -p "$py" p/.venv &&
	cvenv create --without-pip -p "$py" other &&
	cvenv create --without-pip -p "$py" named
'

P=$(cd "$TRASH" && pwd -P)

test_expect_success 'from a nested directory: the .venv of a parent, said under -v' '
	(cd p/sub/dir && unset VIRTUAL_ENV && cvenv -v install ../../../wh/demo-1.0-py3-none-any.whl) 2>err &&
	expect_grep "using env '\''$P/p/.venv'\'' (found from $P/p/sub/dir)" err &&
	(cd p/sub/dir && unset VIRTUAL_ENV && cvenv list --format=freeze) >out &&
	expect_equal "$(cat out)" "demo==1.0"
'

test_expect_success 'the nearest .venv wins over one further up' '
	cvenv create --without-pip -p "$py" p/sub/.venv &&
	(cd p/sub/dir && unset VIRTUAL_ENV && cvenv -v list --format=freeze) >out 2>err &&
	expect_grep "using env '\''$P/p/sub/.venv'\'' (found from $P/p/sub/dir)" err &&
	expect_equal "$(cat out)" "" &&
	rm -rf p/sub/.venv
'

test_expect_success '$VIRTUAL_ENV beats the nearest .venv' '
	(cd p/sub/dir && VIRTUAL_ENV="$P/other" cvenv -v install ../../../wh/demo-1.0-py3-none-any.whl) 2>err &&
	expect_grep "using env '\''$P/other'\'' (\$VIRTUAL_ENV)" err &&
	cvenv list --format=freeze --venv other >out &&
	expect_equal "$(cat out)" "demo==1.0"
'

test_expect_success '--venv beats $VIRTUAL_ENV and the nearest .venv' '
	(cd p/sub/dir && VIRTUAL_ENV="$P/other" cvenv -v uninstall --venv ../../../named demo) 2>err &&
	expect_grep "using env '\''$P/named'\'' (--venv)" err &&
	expect_grep "skipping '\''demo'\'': it is not installed" err &&
	(cd p/sub/dir && unset VIRTUAL_ENV && cvenv uninstall demo) &&
	cvenv freeze --venv p/.venv >out &&
	expect_equal "$(cat out)" "" &&
	cvenv list --format=freeze --venv other >out &&
	expect_equal "$(cat out)" "demo==1.0"
'

test_expect_success 'without -v nothing is said' '
	(cd p/sub/dir && unset VIRTUAL_ENV && cvenv freeze) 2>err &&
	! test -s err
'

test_expect_success 'none found: a clear error, with the hint to create one' '
	lone=$(mktemp -d /tmp/cvenv-t0310-XXXXXX) && mkdir -p "$lone/a/b" &&
	(cd "$lone/a/b" && unset VIRTUAL_ENV && cvenv list) >out 2>err; code=$?; rm -rf "$lone" &&
	expect_equal "$code" 1 &&
	expect_grep "no virtual environment found: no --venv, no \$VIRTUAL_ENV and no '\''.venv'\'' in '\''$lone/a/b'\'' or any parent" err &&
	expect_grep "hint: create one with '\''cvenv create .venv'\''" err
'

test_expect_success '--venv naming no env is an error, not a fallback' '
	(cd p/sub/dir && expect_code 1 cvenv freeze --venv ../nowhere) 2>err &&
	expect_grep "cannot use environment '\''../nowhere'\''" err
'

test_expect_success 'every command that takes --venv documents the one option' '
	for c in install uninstall freeze list; do
		cvenv $c --help >h &&
		expect_grep "      --venv DIR            the environment to act on; default \$VIRTUAL_ENV," h || return 1
	done
'

test_done
