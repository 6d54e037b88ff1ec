#!/bin/bash
# An install into a new env (issue 18): its empty site-packages is replaced
# whole by the staged one (one step of two renames, not one rename per name
# installed). A failure at any point of the commit, or a failed undo left to
# the next run, gives back the empty site-packages; a site-packages that is
# not empty, or a single name, keeps the per-name moves.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
test_require_cmd cc
SP=lib/python3.12/site-packages
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
ino() { stat -c %i "$1"; }

test_expect_success 'setup: the fault shim, three wheels, a new env' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/fault_shim.c" -ldl &&
	mkdir wh &&
	mkwheel wh alpha 1.0 --console alpha=alpha:main --file alpha/m.py=M=1 >/dev/null &&
	mkwheel wh beta 1.0 --console beta=beta:main --file beta/m.py=M=2 >/dev/null &&
	mkwheel wh gamma 1.0 --file gamma/m.py=M=3 >/dev/null &&
	cvenv create --without-pip -p "$py" v && cp -a v v.pristine &&
	test -z "$(ls -A v/$SP)"
'

test_expect_success 'into an empty site-packages: replaced whole, everything installed' '
	rm -rf e && cp -a v.pristine e && before=$(ino e/$SP) &&
	cvenv install --venv e wh/alpha-1.0-py3-none-any.whl wh/beta-1.0-py3-none-any.whl &&
	test "$(ino e/$SP)" != "$before" &&
	e/bin/python -c "import alpha.m, beta.m" && e/bin/alpha && e/bin/beta &&
	test "$(ls e/.cvenv)" = lock &&
	test "$(stat -c %a e/$SP)" = "$(stat -c %a v.pristine/$SP)"
'

test_expect_success 'into a site-packages that is not empty: the per-name moves' '
	before=$(ino e/$SP) &&
	cvenv install --venv e wh/gamma-1.0-py3-none-any.whl &&
	test "$(ino e/$SP)" = "$before" &&
	e/bin/python -c "import alpha.m, beta.m, gamma.m"
'

test_expect_success 'a site-packages that is a link to an empty directory stays a link' '
	rm -rf l && cp -a v.pristine l && mkdir l/lib/sp-real && rmdir l/$SP &&
	ln -s ../sp-real l/$SP &&
	cvenv install --venv l wh/alpha-1.0-py3-none-any.whl wh/beta-1.0-py3-none-any.whl &&
	test -L l/$SP && test -d l/lib/sp-real/alpha && test -d l/lib/sp-real/beta &&
	l/bin/python -c "import alpha.m, beta.m"
'

test_expect_success DYNAMIC 'an I/O error at each move of the commit: the new env as it was' '
	cp -a v.pristine f && snap f >before &&
	for at in "/site-packages 0" "/site-packages 1" "/bin/ 0" "/bin/ 1"; do
		set -- $at
		FAULT_RENAME_PATH=$1 FAULT_RENAME_AFTER=$2 LD_PRELOAD=$PWD/shim.so \
			cvenv install --venv f wh/alpha-1.0-py3-none-any.whl \
			wh/beta-1.0-py3-none-any.whl 2>err
		test $? = 1 || { echo "fault at $at: not refused"; return 1; }
		expect_grep "Input/output error" err || return 1
		expect_unchanged before f || { echo "fault at $at"; return 1; }
		test -z "$(ls -A f/$SP)" && test "$(ls f/.cvenv)" = lock || return 1
	done
'

# Renames to paths in g: the journal (0), site-packages aside (1) and in (2),
# then the first launcher fails, and so does every rename after it: the
# undo cannot move the new site-packages back to the stage.
test_expect_success DYNAMIC 'when the undo fails too, the next run gives the empty site-packages back' '
	rm -rf g && cp -a v.pristine g && snap g >before &&
	FAULT_RENAME_PATH=/g/ FAULT_RENAME_AFTER=3 FAULT_RENAME_STICKY=1 LD_PRELOAD=$PWD/shim.so \
		expect_code 1 cvenv install --venv g wh/alpha-1.0-py3-none-any.whl \
		wh/beta-1.0-py3-none-any.whl 2>err &&
	grep -q "/g/bin/alpha.* into place: Input/output error" err &&
	expect_grep "the next cvenv command on this environment restores it" err &&
	test -n "$(ls -A g/$SP)" &&
	test -f g/.cvenv/journal &&
	cvenv uninstall --venv g no-such-dist 2>err &&
	expect_grep "rolling back an interrupted change" err &&
	expect_unchanged before g &&
	test -z "$(ls -A g/$SP)" && test "$(ls g/.cvenv)" = lock &&
	cvenv install --venv g wh/alpha-1.0-py3-none-any.whl wh/beta-1.0-py3-none-any.whl &&
	g/bin/python -c "import alpha.m, beta.m"
'

test_done
