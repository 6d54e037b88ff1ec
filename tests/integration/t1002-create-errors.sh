#!/bin/bash
# Every refusal of cvenv create: a clear message naming the subject, a
# non-zero exit, and nothing made or changed.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/create-lib.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY

# nothing_here: the scratch dir holds only what the test made itself.
test_expect_success 'a target that is a file' '
	echo data >afile &&
	expect_code 1 cvenv create -p "$PY" --without-pip afile 2>err &&
	expect_grep "'\''$PWD/afile'\''" err && expect_grep "not a directory" err &&
	expect_equal "$(cat afile)" data && ! ls -a | grep -q cvenv-
'

test_expect_success 'a place that cannot be written' '
	expect_code 1 cvenv create -p "$PY" --without-pip /proc/cvenv-test-env 2>err &&
	expect_grep "/proc/cvenv-test-env" err && ! test -e /proc/cvenv-test-env
'

test_expect_success 'a path under a file' '
	echo x >f &&
	expect_code 1 cvenv create -p "$PY" --without-pip f/env 2>err &&
	expect_grep "f" err && expect_equal "$(cat f)" x
'

test_expect_success 'a missing interpreter' '
	expect_code 1 cvenv create -p /no/such/python --without-pip e1 2>err &&
	expect_grep "/no/such/python" err && ! test -e e1 &&
	expect_code 1 cvenv create -p python9.99 --without-pip e2 2>err &&
	expect_grep "python9.99" err && ! test -e e2
'

test_expect_success 'a program that is not Python' '
	printf "#!/bin/sh\necho hello\n" >notpy && chmod +x notpy &&
	expect_code 1 cvenv create -p ./notpy --without-pip e3 2>err &&
	expect_grep "notpy" err && expect_grep "Python" err && ! test -e e3 &&
	expect_code 1 cvenv create -p /bin/false --without-pip e4 2>err &&
	expect_grep "/bin/false" err && ! test -e e4
'

test_expect_success 'Python 2.7: a clear error that says what to use instead' '
	py27=$(python_for 2.7) && test -n "$py27" || exit 0
	expect_code 1 cvenv create -p "$py27" --without-pip e5 2>err &&
	expect_grep "Python 2.7" err && expect_grep "virtualenv" err && ! test -e e5
'

test_expect_success '--clear refuses a non-empty directory without pyvenv.cfg' '
	mkdir proj && echo precious >proj/data.txt &&
	expect_code 1 cvenv create -p "$PY" --without-pip --clear proj 2>err &&
	expect_grep "'\''$PWD/proj'\''" err && expect_grep "pyvenv.cfg" err &&
	expect_equal "$(ls -A proj)" data.txt && expect_equal "$(cat proj/data.txt)" precious
'

test_expect_success 'a ":" or a newline in the path is refused before anything is written' '
	expect_code 1 cvenv create -p "$PY" --without-pip "a:b" 2>err && ! test -e "a:b" &&
	expect_code 1 cvenv create -p "$PY" --without-pip "$(printf "new\nline")" 2>err &&
	! ls -a | grep -q -e cvenv- -e new
'

test_expect_success 'a failure leaves no parent directories behind' '
	expect_code 1 cvenv create -p "$PY" --without-pip "deep/er/x:y" 2>err &&
	! test -e deep
'

test_expect_success 'an interpreter without ensurepip: says so and how to fix it' '
	cat >noep <<-EOF &&
	#!/bin/sh
	# A real python whose query answer says it has no ensurepip, as Debian
	# without python3.X-venv.
	if [ "\$1" = -E ] && [ "\$3" = - ]; then
		exec "$PY" "\$@" | sed "s/\"ensurepip\": \"[^\"]*\"/\"ensurepip\": null/"
	fi
	exec "$PY" "\$@"
	EOF
	chmod +x noep &&
	expect_code 1 cvenv create -p ./noep e6 2>err &&
	expect_grep "ensurepip" err && expect_grep "without-pip" err && ! test -e e6
'

test_expect_success 'Debian python without ensurepip: the hint names the package' '
	deb=$(python_for debian3.11) && test -n "$deb" || exit 0
	sed "s|$PY|$deb|" noep >noep-deb && chmod +x noep-deb &&
	expect_code 1 cvenv create -p ./noep-deb e6 2>err &&
	expect_grep "apt-get install python3.11-venv" err && ! test -e e6
'

test_expect_success 'a failing pip seeding takes the new env away again' '
	cat >badep <<-EOF &&
	#!/bin/bash
	# A python whose ensurepip fails (exec -a: it is its own sys.executable,
	# so the env links to this script).
	case " \$* " in *" ensurepip "*) echo "ensurepip broke" >&2; exit 3 ;; esac
	exec -a "\$0" "$PY" "\$@"
	EOF
	chmod +x badep &&
	expect_code 1 cvenv create -p "$PWD/badep" e7 2>err &&
	expect_grep "ensurepip broke" err && ! test -e e7 && ! ls -a | grep -q cvenv-
'

test_expect_success 'a failing create takes away the parent directories it made' '
	expect_code 1 cvenv create -p "$PWD/badep" p1/p2/env 2>err &&
	! test -e p1 && ! ls -a | grep -q cvenv-
'

test_expect_success 'a failing pip seeding in an empty directory leaves it empty' '
	mkdir e9 &&
	expect_code 1 cvenv create -p "$PWD/badep" e9 2>err &&
	test -d e9 && expect_equal "$(ls -A e9)" ""
'

test_expect_success 'a failing pip seeding under --clear puts the old env back' '
	cvenv create -p "$PY" --without-pip e8 && echo x >e8/marker &&
	expect_code 1 cvenv create -p "$PWD/badep" --clear e8 2>err &&
	test -f e8/marker && test -f e8/pyvenv.cfg && ! ls -a | grep -q cvenv-
'

test_expect_success 'an interrupt (SIGINT) while pip goes in: exit 130, nothing left' '
	cat >intpy <<-EOF &&
	#!/bin/bash
	# A python during whose ensurepip the user presses Ctrl-C: cvenv (the
	# parent) gets SIGINT, the interpreter stops.
	case " \$* " in *" ensurepip "*) kill -INT \$PPID; exit 130 ;; esac
	exec -a "\$0" "$PY" "\$@"
	EOF
	chmod +x intpy &&
	expect_code 130 cvenv create -p "$PWD/intpy" e10 2>err &&
	expect_grep "interrupted" err && ! test -e e10 && ! ls -a | grep -q cvenv- &&
	cvenv create -p "$PY" --without-pip e11 && echo x >e11/marker &&
	expect_code 130 cvenv create -p "$PWD/intpy" --clear e11 2>err &&
	test -f e11/marker && test -f e11/pyvenv.cfg && ! ls -a | grep -q cvenv-
'

test_done
