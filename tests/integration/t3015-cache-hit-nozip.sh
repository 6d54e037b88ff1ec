#!/bin/bash
# A cache hit opens no zip (issue 18): a wheel whose entry is in the cache is
# installed, and pip seeded, from the entry's seal (which records what an
# install needs of the wheel), and the env is the same as when the wheel
# was read. The attacks on the entry are in t4020-attack-cache.sh.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
command -v strace >/dev/null || test_skip "no strace"
strace -f -o /dev/null true 2>/dev/null || test_skip "strace cannot trace here"
SP=lib/python3.12/site-packages
export CVENV_CACHE_DIR="$TRASH/cache"
W=wh/demo-1.0-py3-none-any.whl

# traced TRACE ARGS...: cvenv ARGS with its opens written to TRACE.
# LeakSanitizer cannot run under ptrace: a traced run of a sanitizer build
# (build-asan) leaves leak checking to the untraced runs.
traced() {
	t=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=open,openat -o "$t" "$CVENV_BIN" "$@"
}
# opened TRACE NAME: the traced run opened a file whose name ends in NAME
opened() { grep -E "open(at)?\(.*$2\"" "$1" | grep -v ENOENT; }
# tree ENV: every file of ENV's site-packages and bin with its content's hash
# (the launchers name ENV's python: compare envs made at one path)
tree() { (cd "$1" && find $SP bin -type f ! -name 'python*' ! -name 'activate*' \
	! -name 'Activate.ps1' | sort | xargs sha256sum); }

test_expect_success 'setup: the wheel read once (cold cache)' '
	mkdir wh && mkwheel wh demo 1.0 --console demo=demo:main --gui demog=demo.gui:run \
		--requires "dep>=1; extra == \"x\"" --requires-python ">=3.8" \
		--exec-file demo/run.sh=echo \
		--data "scripts/s=#!python\nprint(1)\n" >/dev/null &&
	cvenv create --without-pip -p "$py" e && cvenv install --venv e $W &&
	tree e >expect && rm -rf e
'

test_expect_success 'a warm install opens no zip and makes the same env' '
	cvenv create --without-pip -p "$py" e &&
	traced trace install --venv e $W &&
	opened trace sealed >/dev/null && ! opened trace .whl &&
	tree e >actual && diff -u expect actual &&
	test -x e/$SP/demo/run.sh && ! test -x e/$SP/demo/__init__.py && test -x e/bin/demog &&
	grep -qx "Requires-Python: >=3.8" e/$SP/demo-1.0.dist-info/METADATA
'

test_expect_success 'Requires-Python and Requires-Dist come from the seal' '
	cvenv create --without-pip -p "$py" deps &&
	mkwheel wh needs 1.0 --requires "demo==2.0" >/dev/null &&
	cvenv install --venv deps wh/needs-1.0-py3-none-any.whl --no-deps &&
	cvenv create --without-pip -p "$py" deps2 &&
	! cvenv install --venv deps2 wh/needs-1.0-py3-none-any.whl 2>err &&
	grep -q "demo==2.0" err
'

test_expect_success 'a seeded create opens no pip wheel once the cache is warm' '
	cvenv create -p "$py" seed1 >/dev/null &&
	traced trace2 create -p "$py" seed2 >/dev/null &&
	! opened trace2 .whl && seed2/bin/python -m pip --version >/dev/null
'

test_expect_success '--verify-cache reads the wheel (its RECORD is the reference)' '
	cvenv create --without-pip -p "$py" verify &&
	traced trace3 install --venv verify --verify-cache $W &&
	opened trace3 .whl >/dev/null
'

test_done
