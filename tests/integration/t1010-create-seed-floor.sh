#!/bin/bash
# A seeded create with a warm cache, at its link floor (issue 18,
# BENCHMARKS.md "Seeded create at the floor"): pip is installed into the
# new env's build directory, which no other process sees and which goes
# whole if cvenv dies or fails, so its files are staged in place -- no
# stage to make, move from and remove, no shielded child, no process at
# all -- while an install into an existing env still stages beside it and
# commits from the child a kill of cvenv cannot stop.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages
export CVENV_CACHE_DIR="$TRASH/cache"
test_lazy_prereq TRACE 'command -v strace && strace -f -o /dev/null true'

# traced TRACE ARGS...: cvenv ARGS under strace -f, its process creations,
# renames and mkdirs in TRACE. LeakSanitizer cannot run under ptrace.
traced() {
	local t=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=fork,vfork,clone,clone3,rename,renameat,renameat2,mkdir,mkdirat \
		-o "$t" "$CVENV_BIN" "$@"
}
# children TRACE: the processes (not threads) the traced run started
children() { grep -E ' (fork|vfork|clone3?)\(' "$1" | grep -v CLONE_THREAD | grep -cv '= -1'; }

test_expect_success 'setup: a seeded env fills the cache' '
	cvenv create -q -p "$py" first && first/bin/pip --version &&
	mkdir wh && mkwheel wh tiny 1.0 --console tiny=tiny:main >/dev/null
'

# renames TRACE: the renames the traced run made (renameat2 aside: the
# publishing of a new env)
renames() { grep -E ' rename(at)?\(' "$1" | grep -cv '= -1'; }

test_expect_success TRACE 'a warm seeded create starts no process and moves nothing but the env' '
	traced t.create create -q -p "$py" e &&
	test "$(children t.create)" = 0 &&
	test "$(renames t.create)" = 0 &&
	test "$(grep -c "renameat2(.*\"$PWD/e\"" t.create)" = 1 &&
	! grep -E "mkdir(at)?\(.*/\.cvenv" t.create &&
	e/bin/pip --version | grep -q "$PWD/e/$SP" &&
	! test -e e/.cvenv
'

test_expect_success TRACE 'the same env as the first, whose cache was cold' '
	(cd first && find . -path ./bin -prune -o -print | sort) >first.tree &&
	(cd e && find . -path ./bin -prune -o -print | sort) >e.tree &&
	diff -u first.tree e.tree &&
	ls first/bin >first.bin && ls e/bin >e.bin && diff -u first.bin e.bin
'

test_expect_success TRACE 'an install into an existing env still commits from a shielded child' '
	traced t.install install -q --venv e --no-index -f wh tiny &&
	test "$(children t.install)" = 1 && test "$(renames t.install)" -ge 2 &&
	e/bin/tiny | grep -q "tiny 1.0"
'

test_done
