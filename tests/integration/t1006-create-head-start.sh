#!/bin/bash
# The head start: when cvenv meets an interpreter for the first time, it
# builds the first env from a guess (the version in the interpreter's file
# name) while the interpreter answers the query. The env must be exactly the
# one made without it; a wrong guess is thrown away; an interrupt or a failed
# query meanwhile leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY

cold() { rm -rf "$XDG_CACHE_HOME/cvenv/interpreters"/*.json; }
no_leftovers() { ! ls -a "${1:-.}" | grep -q cvenv-; }

test_expect_success 'a cold create builds the env while the interpreter answers: the warm env, the venv env' '
	cold &&
	cvenv -v -v create -p "$PY" --without-pip cold1 2>err &&
	expect_grep "built while the interpreter answered" err &&
	cvenv -v -v create -p "$PY" --without-pip warm1 2>err &&
	! grep -q "querying" err &&
	env_tree cold1 | sed "s/cold1/X/" >t.cold && env_tree warm1 | sed "s/warm1/X/" >t.warm &&
	diff -u t.warm t.cold &&
	cfg_without_command cold1 >c.cold && cfg_without_command warm1 >c.warm && diff -u c.warm c.cold &&
	for f in activate activate.fish activate.csh Activate.ps1 activate.nu; do
		sed "s/cold1/X/g" "cold1/bin/$f" >a.cold && sed "s/warm1/X/g" "warm1/bin/$f" >a.warm &&
		diff -u a.warm a.cold || return 1
	done &&
	cold && compare_with_venv "$PY" --without-pip &&
	no_leftovers
'

test_expect_success 'a wrong guess (python3.9 that is 3.12) is thrown away; the env is right' '
	mkdir -p liar && ln -s "$PY" liar/python3.9 &&
	cold &&
	cvenv -v -v create -p liar/python3.9 --without-pip w 2>err &&
	! grep -q "built while" err &&
	test -d w/lib/python3.12/site-packages && ! test -e w/lib/python3.9 &&
	grep -q "^version = 3.12" w/pyvenv.cfg &&
	w/bin/python -c "import sys; assert sys.version_info[:2] == (3, 12) and sys.prefix != sys.base_prefix" &&
	liar/python3.9 -m venv --without-pip v &&
	env_tree v | sed "s|/v/|/X/|g" >t.v && env_tree w | sed "s|/w/|/X/|g" >t.w &&
	scm_ignore_beyond_venv v w t.w && diff -u t.v t.w &&
	no_leftovers
'

test_expect_success 'several DIRs: the first gets the head start, all are complete' '
	cold &&
	cvenv create -p "$PY" --without-pip m1 m2 sub/m3 &&
	for d in m1 m2 sub/m3; do
		"$d/bin/python" -c "import sys; assert sys.prefix != sys.base_prefix" || return 1
	done &&
	no_leftovers && no_leftovers sub
'

# slow/python3.12: the real interpreter after a second's sleep, so that a
# signal can arrive while the query runs (and the head start is built).
mkdir -p slow
printf '#!/bin/sh\nsleep 1\nexec "%s" "$@"\n' "$PY" >slow/python3.12
chmod +x slow/python3.12

for sig in INT TERM HUP; do
	test_expect_success "SIG$sig while the interpreter answers: exit 130, nothing left" '
		cold &&
		# started directly (not through the cvenv function) so $! is cvenv itself
		{ $CVENV_WRAPPER "$CVENV_BIN" create -p slow/python3.12 --without-pip "s$sig" 2>"err.$sig" & } &&
		pid=$! &&
		sleep 0.5 &&
		ls -a | grep -q "cvenv-" &&
		kill -'$sig' $pid &&
		{ wait $pid; rc=$?; } ;
		expect_equal 130 "$rc" &&
		expect_grep "interrupted" "err.$sig" &&
		! test -e "s$sig" && no_leftovers
	'
done

test_expect_success 'a failed query meanwhile: the error, and nothing left' '
	mkdir -p broken &&
	printf "#!/bin/sh\necho garbage\nexit 3\n" >broken/python3.12 && chmod +x broken/python3.12 &&
	expect_code 1 cvenv create -p broken/python3.12 --without-pip b 2>err &&
	expect_grep "does not look like a Python interpreter" err &&
	! test -e b && no_leftovers
'

test_expect_success 'a create refused after the query: the head start and the parents it made go' '
	cold &&
	mkdir nowheels &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels nowheels new/parents/env 2>err &&
	expect_grep "pip" err &&
	! test -e new && no_leftovers
'

test_done
