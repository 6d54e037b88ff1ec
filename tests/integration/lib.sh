# Test library for integration tests, in the spirit of git's t/test-lib.sh.
#
# A test file sources this, declares tests with test_expect_success, and ends
# with test_done. Each file runs in its own scratch directory with HOME and the
# XDG directories pointed inside it, and with VIRTUAL_ENV, PYTHONPATH,
# PYTHONHOME, PIP_* and CVENV_* (but CVENV_BIN and CVENV_WRAPPER) cleared, so no
# test sees the developer's environment or another test's files.
#
#   test_expect_success 'what it checks' '
#           cvenv create v &&
#           test -f v/pyvenv.cfg
#   '
#
# A test that needs something this machine or build may lack names it first,
# as git's test library does (prerequisites, comma-separated; !NAME asks for
# its absence):
#
#   test_expect_success STRACE,DYNAMIC 'what it checks' '...'
#
# and is skipped -- counted, and reported with the missing prerequisite --
# when one is not satisfied. A body cannot skip itself: a body runs in a
# subshell, and `exit 0` there reports a pass. Prerequisites: see
# test_set_prereq and test_lazy_prereq below, and the ones defined at the end
# of this file.
#
# Helpers: cvenv (the binary under test, under $CVENV_WRAPPER if set),
# test_skip REASON (skip the following tests of the file), test_require_cmd
# CMD (the same when CMD is missing), python_for VERSION (a real interpreter
# path or empty), expect_code, expect_grep, expect_equal.

set -u
TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(cd "$TEST_DIR/../.." && pwd)
: "${CVENV_BIN:?set CVENV_BIN to the cvenv binary under test}"
: "${CVENV_WRAPPER:=}"
: "${TEST_VERBOSE:=}"
ORIG_PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
REAL_HOME=$HOME

SCRATCH_ROOT=${TEST_SCRATCH_ROOT:-${TMPDIR:-/tmp}/cvenv-tests.$(id -u)}
TRASH="$SCRATCH_ROOT/$TEST_NAME.$$"
rm -rf "$TRASH"
mkdir -p "$TRASH/home"
cd "$TRASH" || exit 1

export HOME="$TRASH/home"
export XDG_CACHE_HOME="$HOME/.cache" XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export PYENV_ROOT="$ORIG_PYENV_ROOT"
unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONPATH PYTHONHOME PYTHONSTARTUP PYTHONUSERBASE \
	PYTHONNOUSERSITE PYTHONDONTWRITEBYTECODE CONDA_PREFIX PS1 _OLD_VIRTUAL_PATH \
	_OLD_VIRTUAL_PS1 _OLD_VIRTUAL_PYTHONHOME 2>/dev/null
for v in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p; s/^\(CVENV_[A-Za-z0-9_]*\)=.*/\1/p'); do
	case $v in CVENV_BIN|CVENV_WRAPPER) ;; *) unset "$v" ;; esac
done
export LC_ALL=C.UTF-8 NO_COLOR=1

test_count=0 test_passed=0 test_failed=0 test_skipped=0
skip_reason= skip_reasons= in_test_body=

# The binary under test, whichever build it is: a test that needs the dynamic
# loader (LD_PRELOAD, LD_DEBUG) declares the DYNAMIC prerequisite, so that
# against the opt-in static build (make LINK=static) it is skipped, not run
# with its fault injection silently ignored.
cvenv() {
	# shellcheck disable=SC2086
	$CVENV_WRAPPER "$CVENV_BIN" "$@"
}

say() { printf '%s\n' "$*"; }

# Prerequisites. test_set_prereq NAME: NAME is satisfied (set at the top of a
# file, after the check). test_lazy_prereq NAME SCRIPT: NAME is satisfied when
# SCRIPT succeeds, run (in a subshell, in a directory of its own, output
# discarded) the first time a test asks for NAME. test_have_prereq LIST: true
# when every prerequisite of the comma-separated LIST is satisfied; those that
# are not are left in $missing_prereq.
satisfied_prereq=" " evaluated_prereq=" " missing_prereq=
test_set_prereq() { satisfied_prereq="$satisfied_prereq$1 "; }
test_lazy_prereq() { eval "lazy_prereq_$1=\$2"; }
test_have_prereq() {
	local p name negate script ok
	missing_prereq=
	# names cannot hold spaces; splitting on them keeps IFS as the scripts expect
	for p in $(printf '%s' "$1" | tr , ' '); do
		name=${p#!}
		negate=
		[ "$name" != "$p" ] && negate=1
		case $evaluated_prereq in
		*" $name "*) ;;
		*)
			script=$(eval "printf '%s' \"\${lazy_prereq_$name-}\"")
			if [ -n "$script" ]; then
				mkdir -p "$TRASH/.prereq-$name"
				if (cd "$TRASH/.prereq-$name" && eval "$script") >/dev/null 2>&1; then
					test_set_prereq "$name"
				fi
				rm -rf "$TRASH/.prereq-$name"
			fi
			evaluated_prereq="$evaluated_prereq$name "
			;;
		esac
		ok=
		case $satisfied_prereq in *" $name "*) ok=1 ;; esac
		# satisfied: NAME is and is wanted, or is not and !NAME was asked
		if [ "${ok:-0}" = "${negate:-0}" ]; then
			missing_prereq=${missing_prereq:+$missing_prereq,}$p
		fi
	done
	[ -z "$missing_prereq" ]
}

# test_skipped_one DESCRIPTION REASON: reports a skipped test and keeps REASON
# (once) for the file's summary line.
test_skipped_one() {
	test_skipped=$((test_skipped + 1))
	say "ok $test_count # skip $1 ($2)"
	case "; $skip_reasons; " in
	*"; $2; "*) ;;
	*) skip_reasons=${skip_reasons:+$skip_reasons; }$2 ;;
	esac
}

# test_expect_success [PREREQ] DESCRIPTION SCRIPT: runs SCRIPT in a subshell
# (so a test cannot change the next one's directory or variables); passes when
# it exits 0. Skipped when PREREQ is not satisfied.
test_expect_success() {
	local prereq=
	if [ $# -eq 3 ]; then
		prereq=$1
		shift
	elif [ $# -ne 2 ]; then
		echo "BUG: test_expect_success takes [PREREQ] DESCRIPTION SCRIPT, got $# arguments" >&2
		exit 1
	fi
	test_count=$((test_count + 1))
	if [ -n "$skip_reason" ]; then
		test_skipped_one "$1" "$skip_reason"
		return 0
	fi
	if [ -n "$prereq" ] && ! test_have_prereq "$prereq"; then
		test_skipped_one "$1" "missing $missing_prereq"
		return 0
	fi
	local log="$TRASH/.test-$test_count.log"
	( in_test_body=1 && cd "$TRASH" && eval "$2" ) >"$log" 2>&1
	local rc=$?
	if [ $rc -eq 0 ]; then
		test_passed=$((test_passed + 1))
		say "ok $test_count - $1"
		[ -n "$TEST_VERBOSE" ] && sed 's/^/#   /' "$log"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		say "#   in $TEST_NAME.sh, exit status $rc; script:"
		printf '%s\n' "$2" | sed 's/^/#     /'
		say "#   output:"
		tail -n 40 "$log" | sed 's/^/#   > /'
	fi
	return 0
}

# test_skip REASON: the rest of this file's tests are skipped with REASON.
# Only outside a test body: inside one, it would skip nothing (the body is a
# subshell), so there it fails the test and says what to use instead.
test_skip() {
	if [ -n "$in_test_body" ]; then
		echo "BUG: test_skip/test_require_cmd inside a test body skips nothing: give the test a prerequisite" >&2
		exit 1
	fi
	skip_reason=$1
}
test_unskip() { skip_reason=; }

# test_require_cmd CMD: the rest of this file's tests are skipped unless CMD
# is installed (per test: the prerequisites below, or test_lazy_prereq).
test_require_cmd() {
	command -v "$1" >/dev/null 2>&1 || test_skip "$1 is not installed"
}

# Fails (returns 1) unless COMMAND... exits with CODE. Output is shown.
expect_code() {
	local want=$1
	shift
	"$@"
	local got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expected exit code $want, got $got from: $*" >&2
		return 1
	fi
}

# Fails unless FILE contains the fixed string TEXT.
expect_grep() {
	if ! grep -qF -- "$1" "$2"; then
		echo "expected '$1' in $2, which has:" >&2
		cat "$2" >&2
		return 1
	fi
}

expect_equal() {
	if [ "$1" != "$2" ]; then
		printf 'expected: [%s]\n     got: [%s]\n' "$1" "$2" >&2
		return 1
	fi
}

# The real interpreters of this machine, by short name.
# Prints the path of the interpreter, or nothing when it is absent.
python_for() {
	case $1 in
	pypy3) command -v pypy3 ;;
	debian3.11) [ -x /usr/bin/python3.11 ] && echo /usr/bin/python3.11 ;;
	*)
		local d
		for d in "$PYENV_ROOT"/versions/"$1"*; do
			[ -x "$d/bin/python${1%%.*}" ] && { echo "$d/bin/python${1%%.*}"; return 0; }
		done
		;;
	esac
	return 0
}

# The list of real interpreters that venv conformance is checked against.
ALL_PYTHONS="3.7 3.8 3.9 3.10 3.11 3.12 3.13 debian3.11 pypy3"

# wrapper DIR NAME REAL: a program DIR/NAME that logs each run to $TRASH/runs
# and execs REAL (written beside and renamed in: it may replace a running one).
# runs: how many runs the wrappers logged.
wrapper() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho "$0" >>"%s/runs"\nexec "%s" "$@"\n' "$TRASH" "$3" >"$1/$2.new"
	chmod +x "$1/$2.new"
	mv "$1/$2.new" "$1/$2"
}
runs() { if [ -f "$TRASH/runs" ]; then wc -l <"$TRASH/runs" | tr -d " "; else echo 0; fi; }

# Prerequisites any test file may name.
test_lazy_prereq CC 'command -v cc'
test_lazy_prereq STRACE 'command -v strace'
test_lazy_prereq FLOCK 'command -v flock'
test_lazy_prereq GIT 'command -v git'
test_lazy_prereq READELF 'command -v readelf'
# /dev/full exists and fails writes with ENOSPC.
test_lazy_prereq DEV_FULL 'test -w /dev/full'
# The binary under test runs through the dynamic loader, so LD_PRELOAD (the
# fault shim) and LD_DEBUG reach it: every build but the opt-in LINK=static.
test_lazy_prereq DYNAMIC 'LD_DEBUG=libs "$CVENV_BIN" --version 2>&1 >/dev/null | grep -q "find library="'

test_done() {
	say "# $TEST_NAME: $test_passed passed, $test_failed failed, $test_skipped skipped${skip_reasons:+ ($skip_reasons)}"
	if [ -n "${RESULTS_FILE:-}" ]; then
		echo "$test_passed $test_failed $test_skipped" >>"$RESULTS_FILE"
	fi
	if [ "$test_failed" -eq 0 ] && [ -z "${KEEP_TRASH:-}" ]; then
		cd / && rm -rf "$TRASH"
	fi
	[ "$test_failed" -eq 0 ]
	exit $?
}
