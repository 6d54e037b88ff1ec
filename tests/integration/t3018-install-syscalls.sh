#!/bin/bash
# The system calls of a warm install (issues 18 and 11): with every wheel a
# cache hit, each wheel costs about what its files need -- one stat of the
# wheel, its index entry and seal read (one read each), one lstat per
# cached file, one mkdir per directory, one link per file, its launcher and
# RECORD written, one rename per entry it adds to bin (and to site-packages,
# unless that was empty and is replaced whole; existence checked from one
# listing of each directory once many are) -- and nothing
# per wheel that a run can do once (site-packages listed once, the commit's
# directories resolved once and kept open, INSTALLER and REQUESTED linked).
# The cost per wheel is the difference of two installs (10 and 40 wheels)
# divided by 30, so start-up and the fixed work cancel out.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
command -v strace >/dev/null || test_skip "no strace"
strace -f -o /dev/null true 2>/dev/null || test_skip "strace cannot trace here"
export CVENV_CACHE_DIR="$TRASH/cache"

# counts N: the system calls of a warm install of the first N wheels into a
# new env, one "name calls" line each (strace -c; a sanitizer build's leak
# check cannot run under ptrace; hard links, as on any file system: a
# reflink is four calls more per file)
counts() {
	head -n "$1" reqs.txt >"req$1.txt" &&
	rm -rf "e$1" && cp -a tpl "e$1" &&
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -c -o "c$1.raw" "$CVENV_BIN" install -q --venv "e$1" -r "req$1.txt" \
		--find-links wh --link-mode hardlink &&
	awk '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ { print $NF, $4 }' "c$1.raw" >"c$1"
}
# per FAMILY...: the calls of those names per wheel, from 10 to 40 wheels
per() {
	awk -v want=" $* " 'FNR == 1 { f++ }
		index(want, " " $1 " ") || (want == " all " && $1 != "total") { n[f] += $2 }
		END { printf "%.1f\n", (n[2] - n[1]) / 30 }' c10 c40
}
# at_most VALUE BOUND WHAT
at_most() {
	awk -v v="$1" -v b="$2" 'BEGIN { exit !(v <= b) }' ||
		{ echo "$3: $1 per wheel, more than $2" >&2; return 1; }
}

test_expect_success 'setup: 40 wheels, their cache entries filled' '
	mkdir wh &&
	python3 - "$TEST_DIR/mkwheel.py" >/dev/null <<-\EOF &&
	import importlib.util, sys
	spec = importlib.util.spec_from_file_location("mkwheel", sys.argv[1])
	mk = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(mk)
	names = ["pkg%02d" % i for i in range(40)]
	for n in names:  # one Python for the 40 wheels, mkwheel.main each
	    sys.argv = ["mkwheel", "wh", n, "1.0", "--console", "%s=%s:main" % (n, n),
	                "--file", n + "/a.py=A = 1", "--file", n + "/b.py=B = 2",
	                "--file", n + "/sub/c.py=C = 3"]
	    mk.main()
	with open("reqs.txt", "w") as f:
	    f.write("".join(n + "==1.0\n" for n in names))
	EOF
	cvenv create -q --without-pip -p "$py" tpl &&
	cp -a tpl warm && cvenv install -q --venv warm -r reqs.txt --find-links wh &&
	counts 10 && counts 40 &&
	test $(ls e40/lib/python3.12/site-packages | grep -c "^pkg[0-9]*$") = 40
'

# Each wheel: 7 files (4 of its own, METADATA, WHEEL, entry_points.txt), 3
# directories, a launcher; 3 entries moved in (its package, its .dist-info,
# its launcher). Before the syscall work (cc45383) a wheel cost 77 calls:
# 13 opens, 19 stats, and 8 calls for each of its 3 renames.
# Into a new env, whose site-packages is empty, the staged site-packages
# replaces it whole (two renames in all): a wheel's launcher is its only
# rename of its own (three before).
test_expect_success 'a warm install into a new env: one rename per wheel (its launcher)' '
	at_most $(per rename renameat renameat2) 1 renames
'

test_expect_success 'a warm install: the commit resolves no path per move' '
	at_most $(per rename renameat renameat2) 3 renames &&
	at_most $(per openat2) 0 "openat2 (a path resolved beneath a root)"
'

# Opens per wheel: its index entry, its seal, its launcher and RECORD, and
# its entry's files directory, held open while its links are made by the
# thread linking ahead; the run links what that thread had not reached,
# opening those wheels' directories again: how many depends on timing, at
# most one per wheel.
test_expect_success 'a warm install: opens, stats and directory reads per wheel are its own' '
	at_most $(per open openat openat2) 6 opens &&
	at_most $(per stat lstat fstat newfstatat statx fstatat64) 9 stats &&
	at_most $(per getdents getdents64) 0 "directory reads" &&
	at_most $(per getcwd) 0 getcwd &&
	at_most $(per read pread64) 2 "reads (its index entry and its seal, one read each)" &&
	at_most $(per mkdir mkdirat) 3 mkdirs
'

test_expect_success 'a warm install: at most 45 system calls per wheel of 7 files' '
	at_most $(per all) 45 "system calls"
'

test_done
