#!/bin/bash
# Every interpreter run has a deadline (issue 10.7, 10.10): a -p that hangs
# is killed with its process group and named; a wrapper that leaves a
# background child holding stdout is answered at the answer's end, not at
# end of file; a hanging python3 on PATH is skipped with a warning by
# `python list` and by `create` without -p; a hanging musl loader costs the
# musllinux facts, not the command. Every command is bounded by `timeout`,
# so a regression fails instead of hanging the suite.
. "$(dirname "$0")/lib.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no CPython 3.12 under $PYENV_ROOT"

export PYENV_ROOT="$TRASH/pyenv"
mkdir -p "$PYENV_ROOT/versions" "$TRASH/hangbin"

# A program that never answers: it and a child of its own sleep, each
# writing its pid down so the test can see both were killed.
hanger() {
	cat >"$1" <<SH
#!/bin/sh
echo \$\$ >>"$TRASH/hung-pids"
sleep 1000 &
echo \$! >>"$TRASH/hung-pids"
wait
SH
	chmod +x "$1"
}
hanger "$TRASH/hangbin/python3"
hang="$TRASH/hangbin/python3"

# bounded SECS ARGS...: cvenv ARGS..., killed after SECS seconds (exit 124)
bounded() {
	local secs=$1 bin=$CVENV_BIN
	shift
	# shellcheck disable=SC2086
	timeout -k 5 "$secs" $CVENV_WRAPPER "$bin" "$@"
}

# every pid in hung-pids is gone (bounded: the kill is asynchronous)
hung_gone() {
	timeout 10 sh -c '
		while :; do
			busy=
			for p in $(cat "$1"); do
				[ -r "/proc/$p/stat" ] && ! grep -q "^[0-9]* ([^)]*) Z" "/proc/$p/stat" && busy=1
			done
			[ -z "$busy" ] && exit 0
			sleep 0.05
		done' sh "$TRASH/hung-pids"
}

test_expect_success 'create -p a program that never answers: error naming it, its group killed, nothing made' '
	rm -f hung-pids &&
	CVENV_QUERY_TIMEOUT=1 expect_code 1 bounded 30 create --without-pip -p "$hang" v 2>err &&
	expect_grep "error: interpreter '\''$hang'\'' did not answer within 1 s" err &&
	expect_grep "CVENV_QUERY_TIMEOUT" err &&
	! test -e v &&
	! ls -a | grep -q "^\.v\.cvenv-" &&
	test -s hung-pids &&
	hung_gone
'

test_expect_success 'python find of it: the same error, the deadline from CVENV_QUERY_TIMEOUT (0.5 s)' '
	CVENV_QUERY_TIMEOUT=0.5 expect_code 1 bounded 30 python find "$hang" 2>err &&
	expect_grep "did not answer within 0.5 s" err
'

test_expect_success 'a malformed CVENV_QUERY_TIMEOUT is a usage error' '
	CVENV_QUERY_TIMEOUT=soon expect_code 2 cvenv python find "$py" 2>err &&
	expect_grep "invalid CVENV_QUERY_TIMEOUT '\''soon'\''" err
'

# A wrapper that starts a background child holding stdout (a daemon, a
# cache warmer), then becomes the real interpreter: the answer is complete
# as soon as its JSON object ends. The deadline (60 s) is longer than the
# bound (30 s): only stopping at the answer's end passes.
cat >"$TRASH/wrap" <<SH
#!/bin/sh
sleep 1000 &
echo \$! >>"$TRASH/wrap-pids"
exec "$py" "\$@"
SH
chmod +x "$TRASH/wrap"

test_expect_success 'a wrapper leaving a child that holds stdout: answered at the JSON end' '
	CVENV_QUERY_TIMEOUT=60 bounded 30 --quiet python find "$TRASH/wrap" >out &&
	expect_equal "$(cat out)" "$TRASH/wrap" &&
	CVENV_QUERY_TIMEOUT=60 CVENV_NO_CACHE=1 bounded 30 create --without-pip -p "$TRASH/wrap" w &&
	w/bin/python -c "import sys; assert sys.version_info[:2] == (3, 12)"
'
[ -f "$TRASH/wrap-pids" ] && kill $(cat "$TRASH/wrap-pids") 2>/dev/null

# A hanging python3 first on PATH, real interpreters after it. (A deadline
# of 3 s: a cold PyPy in /usr/bin must answer within it, under ASan and load.)
mkdir -p "$TRASH/realbin"
ln -s "$py" "$TRASH/realbin/python3.12"
ln -s "$py" "$TRASH/realbin/python3"

test_expect_success 'python list: a hanging python3 on PATH is skipped with a warning, the rest listed' '
	rm -f hung-pids &&
	PATH="$TRASH/hangbin:$TRASH/realbin:/usr/bin:/bin" CVENV_QUERY_TIMEOUT=3 \
		bounded 60 python list >out 2>err &&
	expect_grep "warning: skipping interpreter '\''$hang'\'': it did not answer within 3 s" err &&
	test "$(grep -c "skipping interpreter '\''$hang'\''" err)" = 1 &&
	grep -q "^3\.12\." out &&
	! grep -qF "$hang" out &&
	hung_gone
'

test_expect_success 'python find 3.12 with it first on PATH: skipped, 3.12 found' '
	PATH="$TRASH/hangbin:$TRASH/realbin:/usr/bin:/bin" CVENV_QUERY_TIMEOUT=3 \
		bounded 60 python find 3.12 >out 2>err &&
	expect_grep "skipping interpreter" err &&
	grep -q "python3" out
'

test_expect_success 'create without -p: the hanging python3 is skipped, the next python3 used' '
	rm -f hung-pids &&
	PATH="$TRASH/hangbin:$TRASH/realbin:/usr/bin:/bin" CVENV_QUERY_TIMEOUT=3 \
		bounded 60 create --without-pip d 2>err &&
	expect_grep "warning: skipping interpreter '\''$hang'\''" err &&
	! grep -q "error:" err &&
	d/bin/python -c "import sys; assert sys.version_info[:2] == (3, 12)" &&
	hung_gone
'

# A musl interpreter (as t3008 builds one) whose loader never answers.
arch=$(uname -m)
case $arch in
x86_64 | aarch64) ;;
*) test_skip "the ELF rewrite handles 64-bit little-endian machines, not $arch" ;;
esac
mkdir -p "$TRASH/musl/lib" "$TRASH/musl/bin"
loader="$TRASH/musl/lib/ld-musl-$arch.so.1"
hanger "$loader"
musl_exe="$TRASH/musl/bin/python3.12"
python3 "$TEST_DIR/elf_set_interp.py" "$(readlink -f "$py")" "$musl_exe" "$loader"
cat >"$TRASH/muslpy" <<SH
#!/bin/bash
set -o pipefail
"$py" "\$@" | sed -e 's|"libc": \[[^]]*\]|"libc": null|' \
	-e 's|"executable": "[^"]*"|"executable": "$musl_exe"|'
SH
chmod +x "$TRASH/muslpy"

test_expect_success 'a musl loader that never answers: killed at the deadline, a warning, no musl facts' '
	rm -f hung-pids &&
	CVENV_QUERY_TIMEOUT=1 bounded 30 python find --format=json "$TRASH/muslpy" >facts.json 2>err &&
	expect_grep "warning: the musl loader '\''$loader'\''" err &&
	expect_grep "did not answer within 1 s" err &&
	"$py" -c "
import json
f = json.load(open(\"facts.json\"))
assert f[\"libc\"] is None, f
" &&
	hung_gone
'

test_done
