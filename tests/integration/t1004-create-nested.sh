#!/bin/bash
# No venv chains: -p naming a venv's python, or an active venv's python3 on
# PATH, means the base interpreter; home never points into a venv.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

for v in 3.7 3.12 debian3.11 pypy3; do
	py=$(python_for "$v")
	[ -z "$py" ] && test_skip "no Python $v on this machine"
	export py
	test_expect_success "$v: -p a venv's python resolves to the base interpreter" '
		rm -rf outer && "$py" -m venv --without-pip outer &&
		for p in outer/bin/python outer/bin/python3 "$PWD/outer" ; do
			rm -rf inner && cvenv create -p "$p" --without-pip inner || return 1
			home=$(sed -n "s/^home = //p" inner/pyvenv.cfg) &&
			case $home in "$PWD"/*) echo "home points into a venv: $home"; return 1 ;; esac
			test "$(inner/bin/python -c "import sys; print(sys.base_prefix)")" = \
			     "$("$py" -c "import sys; print(sys.base_prefix)")" || return 1
			target=$(readlink -f inner/bin/python) &&
			case $target in "$PWD"/*) echo "python links into a venv: $target"; return 1 ;; esac
		done
	'
	test_expect_success "$v: inside an active venv, the default python3 is its base" '
		rm -rf outer2 inner2 && "$py" -m venv --without-pip outer2 &&
		VIRTUAL_ENV=$PWD/outer2 PATH="$PWD/outer2/bin:$PATH" cvenv create --without-pip inner2 &&
		home=$(sed -n "s/^home = //p" inner2/pyvenv.cfg) &&
		case $home in "$PWD"/*) echo "home points into a venv: $home"; exit 1 ;; esac &&
		inner2/bin/python -c "import sys; assert sys.prefix.endswith(\"inner2\")"
	'
	test_unskip
done

test_expect_success 'a venv made with --copies, and a cvenv env, resolve to the base too' '
	py=$(python_for 3.9) && test -n "$py" &&
	"$py" -m venv --without-pip --copies cp &&
	cvenv create -p cp/bin/python --without-pip in1 &&
	expect_equal "$(sed -n "s/^home = //p" in1/pyvenv.cfg)" "$(dirname "$py")" &&
	cvenv create -p in1/bin/python --without-pip in2 &&
	expect_equal "$(sed -n "s/^home = //p" in2/pyvenv.cfg)" "$(dirname "$py")"
'

test_done
