#!/bin/bash
# The link batch (os/linkbatch.c, issue 18): a warm install's cached files
# are linked into the stage together, by the plain loop, by two threads over
# disjoint directories (CVENV_LINK_THREADS=2) or through io_uring
# (CVENV_IO_URING=1). Every way makes the same env; a failure anywhere in
# the batch -- in the other thread's half too -- leaves the env untouched,
# no stage behind and no link to the cache left over.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages
export CVENV_CACHE_DIR="$TRASH/cache"

# io_uring usable: a build with liburing, on a kernel that allows it
test_lazy_prereq URING '
	{ ! test -r /proc/sys/kernel/io_uring_disabled ||
	  test "$(cat /proc/sys/kernel/io_uring_disabled)" = 0; } &&
	ldd "$CVENV_BIN" 2>/dev/null | grep -q liburing
'
test_lazy_prereq TRACE 'command -v strace && strace -f -o /dev/null true'

# traced TRACE [NAME=VALUE...] ARGS...: cvenv ARGS with those variables
# under strace -f (the caller's -e options in STRACE_E), its trace in TRACE.
# LeakSanitizer cannot run under ptrace.
traced() {
	local t=$1 vars=()
	shift
	while [ "${1#*=}" != "$1" ]; do vars+=("$1"); shift; done
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq $STRACE_E -o "$t" env "${vars[@]}" "$CVENV_BIN" "$@"
}
# link_pids TRACE: the threads that made successful link calls, one a line
link_pids() { grep -E ' link(at)?\(' "$1" | grep -v '= -1' | cut -d' ' -f1 | sort -u; }
links_made() { grep -E ' link(at)?\(' "$1" | grep -cv '= -1'; }
# tree ENV: ENV's site-packages and bin, each file with its hash (the
# launchers name ENV's python: compare envs made at one path)
tree() { (cd "$1" && find $SP bin -type f ! -name 'python*' ! -name 'activate*' \
	! -name 'Activate.ps1' | sort | xargs sha256sum); }
# nlinks: every cached file with its link count
nlinks() { find "$CVENV_CACHE_DIR" -type f -exec stat -c '%h %n' {} + | sort; }
# fresh: a new env at e, the last one moved aside
fresh() {
	{ ! test -e e || mv e "$(mktemp -d old.XXXXXX)/"; } &&
	cvenv create -q --without-pip -p "$py" e
}

test_expect_success 'setup: 16 wheels in the cache (aaa first, zzz last)' '
	mkdir wh &&
	for i in $(seq -w 1 16); do
		mkwheel wh p$i 1.0 --console p$i=p$i:main --file p$i/a.py=A --file p$i/b.py=B \
			--file p$i/sub/c.py=C >/dev/null &&
		mkwheel wh p$i 0.9 --file p$i/a.py=old >/dev/null &&
		echo "p$i==1.0" >>req.txt || return 1
	done &&
	mkwheel wh aaa 1.0 --file shared/x.py=A --file aaa/m.py=A >/dev/null &&
	mkwheel wh zzz 1.0 --file shared/x.py=Z --file zzz/m.py=Z >/dev/null &&
	{ echo aaa==1.0; cat req.txt; echo zzz==1.0; } >clash.txt &&
	cvenv create -q --without-pip -p "$py" warm &&
	cvenv install -q --venv warm -r req.txt --no-index -f wh &&
	cvenv create -q --without-pip -p "$py" warm2 &&
	cvenv install -q --venv warm2 aaa==1.0 --no-index -f wh &&
	cvenv create -q --without-pip -p "$py" warm3 &&
	cvenv install -q --venv warm3 zzz==1.0 --no-index -f wh &&
	fresh && cvenv install -q --venv e -r req.txt --no-index -f wh && tree e >expect &&
	test "$(wc -l <expect)" -ge 120
'

test_expect_success 'the plain loop, two threads and io_uring make the same env' '
	for way in "1 0" "2 0" "1 1"; do
		set -- $way &&
		fresh &&
		CVENV_LINK_THREADS=$1 CVENV_IO_URING=$2 cvenv install -q --venv e -r req.txt --no-index -f wh &&
		tree e >actual && diff -u expect actual &&
		test "$(stat -c %h e/$SP/p12/sub/c.py)" -ge 3 || return 1
	done
'

test_expect_success TRACE 'CVENV_LINK_THREADS=2: the links come from two threads; =1: from one' '
	fresh &&
	STRACE_E="-e trace=link,linkat" traced two CVENV_LINK_THREADS=2 \
		install -q --venv e -r req.txt --no-index -f wh &&
	tree e >actual && diff -u expect actual &&
	test "$(link_pids two | wc -l)" = 2 && test "$(links_made two)" -ge 100 &&
	fresh &&
	STRACE_E="-e trace=link,linkat" traced one CVENV_LINK_THREADS=1 CVENV_IO_URING=0 \
		install -q --venv e -r req.txt --no-index -f wh &&
	test "$(link_pids one | wc -l)" = 1 && test "$(links_made one)" -ge 100
'

test_lazy_prereq TWO_CPUS 'command -v taskset && test "$(taskset -c 0,1 nproc)" = 2'

test_expect_success 'setup: a wheel of 320 files in 16 directories (a batch worth a thread)' '
	args= &&
	for d in $(seq -w 1 16); do
		for f in $(seq -w 1 20); do args="$args --file big/d$d/f$f.py=X=$d$f"; done
	done &&
	mkwheel wh big 1.0 $args >/dev/null &&
	fresh && cvenv install -q --venv e big==1.0 --no-index -f wh &&
	test "$(find e/$SP/big -type f | wc -l)" -ge 320 && tree e >expect.big
'

# default TRACE CPUS ARGS...: cvenv ARGS traced, the link settings unset,
# on the CPUs CPUS (taskset's list) only
default() {
	local t=$1 cpus=$2
	shift 2
	(taskset -pc "$cpus" $BASHPID >/dev/null &&
	 STRACE_E="-e trace=link,linkat" traced "$t" CVENV_LINK_THREADS= CVENV_IO_URING= "$@")
}

test_expect_success TRACE,TWO_CPUS 'unset, a big batch on two CPUs is linked from two threads' '
	fresh &&
	default big 0,1 install -q --venv e big==1.0 --no-index -f wh &&
	tree e >actual && diff -u expect.big actual &&
	test "$(link_pids big | wc -l)" -ge 2 && test "$(links_made big)" -ge 320
'

# On two CPUs a batch of 16 links or more is also linked ahead, while the
# staging goes on (os_linkbatch_ahead): by one more thread, however far it
# gets before the rest is linked (tests/unit/test_linkbatch.c shows it
# linking while its caller stages).
test_expect_success TRACE,TWO_CPUS 'unset, a big batch on one CPU from one thread; on two, a small one by two at most' '
	fresh &&
	default one 0 install -q --venv e big==1.0 --no-index -f wh &&
	tree e >actual && diff -u expect.big actual &&
	test "$(link_pids one | wc -l)" = 1 && test "$(links_made one)" -ge 320 &&
	fresh &&
	default small 0,1 install -q --venv e -r req.txt --no-index -f wh &&
	tree e >actual && diff -u expect actual &&
	test "$(link_pids small | wc -l)" -le 2 && test "$(links_made small)" -ge 100
'

test_expect_success TRACE,URING 'CVENV_IO_URING=1: the links go through one io_uring' '
	fresh &&
	STRACE_E="-e trace=link,linkat,io_uring_setup,io_uring_enter" traced ring \
		CVENV_IO_URING=1 install -q --venv e -r req.txt --no-index -f wh &&
	tree e >actual && diff -u expect actual &&
	grep -E "io_uring_setup\(.*= [0-9]+$" ring &&
	test "$(grep -c io_uring_setup ring)" = 1 && grep -q io_uring_enter ring &&
	test "$(links_made ring)" -le 1
'

test_expect_success TRACE 'io_uring refused (ENOSYS, EPERM: disabled, a container): the plain loop' '
	for e in ENOSYS EPERM; do
		fresh &&
		STRACE_E="-e trace=link,linkat,io_uring_setup -e inject=io_uring_setup:error=$e" \
			traced nor CVENV_IO_URING=1 install -q --venv e -r req.txt --no-index -f wh &&
		tree e >actual && diff -u expect actual &&
		test "$(links_made nor)" -ge 100 || return 1
	done
'

# clash WAY...: installs clash.txt into u (an env with older p* installed)
# with the environment WAY; the install must fail on zzz, the last wheel,
# whose shared/x.py aaa, the first, also installs -- far apart in the
# batch, so with two threads the first half is linked by one while the
# other fails -- and leave u, the cache's link counts and .cvenv as they were.
clash() {
	{ test -e u || { cvenv create -q --without-pip -p "$py" u &&
		cvenv install -q --venv u p01==0.9 p15==0.9 --no-index -f wh; }; } &&
	snap u >u.snap && nlinks >links.before &&
	STRACE_E="-e trace=link,linkat,io_uring_enter" traced clash "$@" \
		install --venv u -r clash.txt --no-index -f wh 2>err
	test $? = 1 &&
	expect_grep "wheel 'wh/zzz-1.0-py3-none-any.whl' installs '$SP/shared/x.py' twice" err &&
	expect_unchanged u.snap u &&
	nlinks >links.after && diff -u links.before links.after &&
	test "$(ls u/.cvenv | grep -c stage)" = 0
}

test_expect_success TRACE 'a failure in the other thread'"'"'s half undoes the whole install' '
	clash CVENV_LINK_THREADS=2 &&
	test "$(link_pids clash | wc -l)" = 2 && test "$(links_made clash)" -ge 40
'

test_expect_success TRACE,URING 'a failure inside the io_uring batch undoes the whole install' '
	clash CVENV_IO_URING=1 && grep -q io_uring_enter clash
'

test_expect_success TRACE 'the same failure in the plain loop' '
	clash CVENV_LINK_THREADS=1 CVENV_IO_URING=0 && test "$(link_pids clash | wc -l)" = 1
'

test_expect_success 'a malformed CVENV_LINK_THREADS or CVENV_IO_URING is a usage error' '
	for v in 0 9 x 2x -1; do
		CVENV_LINK_THREADS=$v expect_code 2 cvenv install --venv e -r req.txt --no-index -f wh 2>err &&
		expect_grep "invalid CVENV_LINK_THREADS" err || return 1
	done &&
	CVENV_IO_URING=yes expect_code 2 cvenv install --venv e -r req.txt --no-index -f wh 2>err &&
	expect_grep "invalid CVENV_IO_URING" err &&
	CVENV_LINK_THREADS= CVENV_IO_URING= cvenv install -q --venv e -r req.txt --no-index -f wh
'

test_done
