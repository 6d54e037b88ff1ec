#!/bin/sh
# The whole test suite, as `make check` runs it:
#   1. unit and integration tests against the default build (-O2, linked
#      the usual way: the binary `make install` installs);
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer, with leak
#      checking (any leak or UB report makes the cvenv run, and so its test, fail),
#      but for the few files whose time goes to reference tools (ASAN_SKIP_TESTS);
#   3. a few integration files under valgrind (VALGRIND_TESTS; skipped if
#      absent), against the default build again;
#   4. a clang build (-Werror, the same warnings) and its unit tests, since
#      gcc and clang warn about different things, and the libFuzzer targets
#      built and each run over its corpus once (skipped without clang);
#   5. the opt-in static build (make LINK=static, in build-static): its unit
#      tests and a few integration files (STATIC_TESTS), which exercise its
#      lazy loading of libzip and libcurl; the tests that need LD_PRELOAD
#      or LD_DEBUG skip themselves there (prerequisite DYNAMIC).
# Every phase runs even when an earlier one failed, and the last line is the
# total: "check: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
RESULTS_FILE=$(mktemp)
export RESULTS_FILE
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
MAKE=${MAKE:-make}
# The files run once more under valgrind (memcheck, leaks): the CLI, create, install.
valgrind_default="t0000-cli.sh t1001-create-options.sh t1002-create-errors.sh t1004-create-nested.sh t3000-install-basic.sh"
# The files the sanitized phase leaves to the plain one: their time goes to
# the reference tools they compare with (python -m venv for every interpreter,
# pip installs and freezes), to the shells that source the activation scripts
# (cvenv's rendering of them runs under the sanitizers in the unit tests and
# t2005), or to the test index's own tooling, not to cvenv code the other
# files do not reach.
asan_skip_default="t1000-create-conformance.sh t1007-create-gitignore.sh \
t2001-activate-posix.sh t2002-activate-fish.sh t2003-activate-csh.sh t2004-activate-nu.sh \
t3005-install-realpip.sh t3014-install-pip-parity.sh t3100-index-infra.sh \
t3104-index-pip-parity.sh t4100-freeze-pip.sh"
# The files run against the static build: the CLI (its own checks of the
# static binary), create, and install (every wheel goes through lazylib).
static_default="t0000-cli.sh t1001-create-options.sh t3000-install-basic.sh"
status=0
failed_phases=

phase() {
	echo "== $1"
	name=$1
	shift
	"$@" || { status=1; failed_phases="$failed_phases
  $name"; }
}

phase "build" $MAKE -j2 all
phase "unit tests" $MAKE --no-print-directory -j2 unit
phase "integration tests" $MAKE --no-print-directory integration
phase "build (ASan+UBSan)" $MAKE -j2 BUILD=build-asan SANITIZE=1 OPT=-O1 all
phase "unit tests (ASan+UBSan)" $MAKE --no-print-directory -j2 BUILD=build-asan SANITIZE=1 OPT=-O1 unit
# The random kill runs (t4203, t4204) test what a kill leaves, not memory
# errors: 5 kills each under the sanitizers, 20 in the plain phase.
asan_tests=
for f in tests/integration/t[0-9]*.sh; do
	f=${f##*/}
	case " ${ASAN_SKIP_TESTS:-$asan_skip_default} " in *" $f "*) ;; *) asan_tests="$asan_tests $f" ;; esac
done
phase "integration tests (ASan+UBSan), all but: ${ASAN_SKIP_TESTS:-$asan_skip_default}" \
	env CVENV_FAULT_KILLS=5 \
	$MAKE --no-print-directory BUILD=build-asan SANITIZE=1 OPT=-O1 integration \
	INTEGRATION_TESTS="$asan_tests"
if command -v valgrind >/dev/null 2>&1; then
	phase "integration tests under valgrind: ${VALGRIND_TESTS:-$valgrind_default}" \
		$MAKE --no-print-directory valgrind VALGRIND_TESTS="${VALGRIND_TESTS:-$valgrind_default}"
else
	echo "== valgrind is not installed: skipping the valgrind phase"
fi
if command -v clang >/dev/null 2>&1; then
	phase "build (clang)" $MAKE -j2 CC=clang BUILD=build-clang all
	phase "unit tests (clang)" $MAKE --no-print-directory -j2 CC=clang BUILD=build-clang unit
	# the fuzz targets link only what their FUZZ_OBJ_<name> lists: build
	# them, so a new call from a fuzzed module fails here and not in a
	# later `make fuzz`, and replay each one's corpus once (-runs=0)
	phase "fuzz targets (clang, libFuzzer): build, replay the corpora" sh -c '
		'"$MAKE"' -j2 fuzz >/dev/null || exit 1
		for c in fuzz/corpus/*; do
			n=${c##*/}
			out=$(build-fuzz/fuzz_$n -runs=0 "$c" 2>&1) || {
				printf "%s\n" "$out" | grep -v "^INFO:" | tail -n 25
				echo "fuzz_$n: its corpus fails"
				exit 1
			}
		done'
else
	echo "== clang is not installed: skipping the clang build"
fi
phase "build (LINK=static)" $MAKE -j2 BUILD=build-static LINK=static all
phase "unit tests (LINK=static)" $MAKE --no-print-directory -j2 BUILD=build-static LINK=static unit
phase "integration tests (LINK=static): ${STATIC_TESTS:-$static_default}" \
	$MAKE --no-print-directory BUILD=build-static LINK=static integration \
	INTEGRATION_TESTS="${STATIC_TESTS:-$static_default}"

set -- $(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$RESULTS_FILE")
rm -f "$RESULTS_FILE"
[ "$2" -gt 0 ] && status=1
# a phase can fail with no test counted (a build, the fuzz replay, a test
# file that could not start): name it, so the total never reads as a pass
[ -n "$failed_phases" ] && echo "check: these phases failed:$failed_phases"
echo "check: $1 passed, $2 failed, $3 skipped"
exit $status
