#!/bin/bash
# The command line itself: help, version, usage errors and their exit codes.
. "$(dirname "$0")/lib.sh"

test_expect_success '--version prints the version' '
	cvenv --version >out &&
	grep -E "^cvenv [0-9]+\.[0-9]+\.[0-9]+" out
'

test_expect_success '--help lists every command of the table' '
	cvenv --help >out &&
	expect_grep "usage: cvenv" out &&
	expect_grep "  help " out
'

test_expect_success 'no command is a usage error (exit 2)' '
	expect_code 2 cvenv 2>err &&
	expect_grep "usage: cvenv" err
'

test_expect_success 'an unknown command is a usage error that names it' '
	expect_code 2 cvenv frobnicate 2>err &&
	expect_grep "cvenv: error: unknown command '\''frobnicate'\''" err
'

test_expect_success 'an unknown global option is a usage error that names it' '
	expect_code 2 cvenv --frob 2>err &&
	expect_grep "unknown option '\''--frob'\''" err
'

test_expect_success 'every command has --help, exits 0 and prints its usage' '
	for c in $(cvenv --help | sed -n "s/^  \([a-z][a-z-]*\) .*/\1/p"); do
		cvenv $c --help >out || return 1
		grep -q "^usage: cvenv $c" out || { echo "no usage for $c"; cat out; return 1; }
	done
'

test_expect_success 'an unknown command option is a usage error (exit 2) naming it' '
	for c in $(cvenv --help | sed -n "s/^  \([a-z][a-z-]*\) .*/\1/p"); do
		expect_code 2 cvenv $c --no-such-option 2>err || return 1
		expect_grep "unknown option '\''--no-such-option'\''" err || return 1
	done
'

test_expect_success 'the committed man page is what the option tables generate' '
	cvenv help --man >man.1 &&
	diff -u "$SRC_ROOT/docs/cvenv.1" man.1
'

test_expect_success DYNAMIC,READELF 'the default build names every library it calls: NEEDED on cvenv, libzip on its plugin' '
	readelf -d "$CVENV_BIN" >dyn &&
	for lib in libnettle libjansson libz libc; do
		grep -q "(NEEDED).*\[$lib\.so" dyn || { echo "no NEEDED entry for $lib"; cat dyn; return 1; }
	done &&
	! grep -E "\(NEEDED\).*\[(libzip|libcrypto)\.so" dyn &&
	readelf -d "$(dirname "$CVENV_BIN")/cvenv-zip.so" >plugin &&
	grep -q "(NEEDED).*\[libzip\.so\.[0-9]*\]" plugin
'

test_expect_success DYNAMIC 'installed layout: cvenv opens libzip through <prefix>/libexec/cvenv/cvenv-zip.so, alone by its SONAME' '
	py=$(command -v python3) &&
	whl=$(ls /usr/share/python-wheels/wheel-*.whl "$(dirname "$(dirname "$(python_for 3.12)")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1) &&
	test -n "$whl" &&
	mkdir -p pfx/bin pfx/libexec/cvenv alone &&
	cp "$CVENV_BIN" pfx/bin/cvenv && cp "$(dirname "$CVENV_BIN")/cvenv-zip.so" pfx/libexec/cvenv/ &&
	cp "$CVENV_BIN" alone/cvenv &&
	cvenv create --without-pip -p "$py" pz &&
	LD_DEBUG=files pfx/bin/cvenv install -q --venv pz --no-cache "$whl" 2>files &&
	test -n "$(ls pz/lib/python*/site-packages)" &&
	grep -q "file=$PWD/pfx/bin/../libexec/cvenv/cvenv-zip.so .*dynamically loaded" files &&
	grep -q "file=libzip\.so\.[0-9]* .*needed by $PWD/pfx/bin/../libexec/cvenv/cvenv-zip.so" files &&
	cvenv create --without-pip -p "$py" az &&
	LD_DEBUG=files alone/cvenv install -q --venv az --no-cache "$whl" 2>files &&
	test -n "$(ls az/lib/python*/site-packages)" &&
	! grep -q "cvenv-zip\.so" files &&
	grep -q "file=libzip\.so\.[0-9]* .*dynamically loaded" files
'

test_expect_success DYNAMIC 'a plugin that cannot be loaded fails the install, naming it' '
	py=$(command -v python3) &&
	whl=$(ls /usr/share/python-wheels/wheel-*.whl "$(dirname "$(dirname "$(python_for 3.12)")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1) &&
	mkdir -p bad/bin bad/libexec/cvenv &&
	cp "$CVENV_BIN" bad/bin/cvenv && echo "not a library" >bad/libexec/cvenv/cvenv-zip.so &&
	cvenv create --without-pip -p "$py" bz &&
	expect_code 1 bad/bin/cvenv install --venv bz --no-cache "$whl" 2>err &&
	expect_grep "through '\''$PWD/bad/bin/../libexec/cvenv/cvenv-zip.so'\'': " err &&
	test -z "$(ls bz/lib/python*/site-packages)"
'

test_expect_success DYNAMIC 'the default build loads neither libcrypto nor libzip until a wheel is opened' '
	LD_DEBUG=libs "$CVENV_BIN" --version 2>libs >/dev/null &&
	grep -q "find library=libnettle" libs &&
	! grep -E "find library=(libcrypto|libzip)" libs
'

test_expect_success !DYNAMIC,STRACE 'the static build (LINK=static) opens no shared object until a wheel needs one' '
	py=$(command -v python3) &&
	cvenv python find "$py" >/dev/null &&
	strace -f -qq -e trace=open,openat -o trace.create "$CVENV_BIN" create --without-pip -p "$py" s &&
	test -f s/pyvenv.cfg &&
	! grep "\.so" trace.create &&
	whl=$(ls /usr/share/python-wheels/wheel-*.whl "$(dirname "$(dirname "$(python_for 3.12)")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1) &&
	test -n "$whl" &&
	strace -f -qq -e trace=open,openat -o trace.install "$CVENV_BIN" install --venv s --no-cache "$whl" &&
	grep -q "libzip\.so" trace.install &&
	! grep -q "libnettle\.so" trace.install &&
	s/bin/python -c "import sys; assert sys.prefix != sys.base_prefix"
'

test_expect_success 'a libzip that cannot be loaded fails the install with the reason' '
	py=$(command -v python3) &&
	cvenv create --without-pip -p "$py" z &&
	whl=$(ls /usr/share/python-wheels/wheel-*.whl "$(dirname "$(dirname "$(python_for 3.12)")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1) &&
	test -n "$whl" &&
	soname=$(grep -ao "libzip\.so\.[0-9]*" "$CVENV_BIN" | head -1) &&
	mkdir badlib && echo "not a library" >"badlib/$soname" &&
	LD_LIBRARY_PATH=$PWD/badlib expect_code 1 cvenv install --venv z --no-cache "$whl" 2>err &&
	expect_grep "cvenv: error: cannot open wheel '\''$whl'\'': cannot load the library '\''$soname'\''" err &&
	! grep -q "fatal" err &&
	test -z "$(ls z/lib/python*/site-packages)"
'

test_expect_success DEV_FULL 'a full stdout fails loudly' '
	expect_code 1 cvenv --help >/dev/full 2>err &&
	expect_grep "cannot write to standard output" err
'

test_done
