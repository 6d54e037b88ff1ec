#!/bin/bash
# create --relocatable (issue 13.3c): launchers run the python beside them and
# activation computes the env's path, so a copy works elsewhere without
# repair; a launcher pip installs later names the env's path, and `cvenv
# repair` makes it relative too.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12 on this machine"
export py

test_expect_success 'setup: a relocatable env with pip and a console script' '
	mkdir wh && mkwheel wh demo 1.0 --console demo=demo:main >/dev/null &&
	mkwheel wh other 1.0 --console other=other:main >/dev/null &&
	cvenv create --relocatable -p "$py" r1 &&
	grep -qx "relocatable = true" r1/pyvenv.cfg &&
	cvenv install --venv r1 wh/demo-1.0-py3-none-any.whl &&
	! grep -q "$PWD/r1" r1/bin/pip r1/bin/demo r1/bin/activate r1/bin/activate.fish
'

test_expect_success 'a copy elsewhere works without repair: launchers and activation' '
	cp -a r1 r2 && mv r1 r1.away &&
	r2/bin/pip --version >out && expect_grep "$PWD/r2/lib" out &&
	r2/bin/demo >out && expect_grep "demo 1.0" out &&
	bash -c ". r2/bin/activate && echo \$VIRTUAL_ENV && command -v python" >out 2>err &&
	test ! -s err && expect_equal "$PWD/r2
$PWD/r2/bin/python" "$(cat out)" &&
	zsh -f -c ". r2/bin/activate && echo \$VIRTUAL_ENV" >out 2>err &&
	test ! -s err && expect_equal "$PWD/r2" "$(cat out)" &&
	{ ! command -v fish >/dev/null ||
	  { fish -c "source r2/bin/activate.fish; echo \$VIRTUAL_ENV" >out 2>err &&
	    test ! -s err && expect_equal "$PWD/r2" "$(cat out)"; }; } &&
	cvenv freeze --venv r2 >/dev/null 2>err && test ! -s err &&
	cvenv repair r2 2>out && expect_grep "needs no repair" out &&
	mv r1.away r1
'

# The env below is made at made/ and kept at kept/: nothing is left where
# it was made, so a copy's activation cannot use the written path by mistake.
test_expect_success 'setup: a relocatable env no longer where it was made' '
	cvenv create --relocatable --without-pip -p "$py" made && mv made kept
'

test_lazy_prereq KSH93 'case $(ksh -c "echo \${.sh.version}" 2>/dev/null) in *93*) ;; *) false ;; esac'
test_lazy_prereq NU 'command -v nu'
test_lazy_prereq TCSH 'command -v tcsh'

test_expect_success 'a copy: ksh93 computes the path, dash says it cannot and changes nothing' '
	rm -rf r2 && cp -a kept r2 &&
	{ ! test_have_prereq KSH93 ||
	  { ksh -c ". r2/bin/activate && echo \$VIRTUAL_ENV && command -v python" >out 2>err &&
	    test ! -s err && expect_equal "$PWD/r2
$PWD/r2/bin/python" "$(cat out)"; }; } &&
	dash -c "p=\$PATH; . r2/bin/activate; echo \$? \"[\${VIRTUAL_ENV-unset}]\"; test \"\$PATH\" = \"\$p\"" >out 2>err &&
	expect_equal "1 [unset]" "$(cat out)" &&
	expect_grep "cvenv: error: this shell cannot tell which file it is sourcing" err
'

test_expect_success NU 'a copy: nushell computes the path from the file it parses, after another env, through a link' '
	rm -rf r2 && cp -a kept r2 &&
	nu -n -c "overlay use r2/bin/activate.nu; print \$env.VIRTUAL_ENV; print (which python | get 0.path)" >out 2>err &&
	test ! -s err && expect_equal "$PWD/r2
$PWD/r2/bin/python" "$(cat out)" &&
	! grep -q "$PWD/made" r2/bin/activate.nu &&
	rm -rf other links && cp -a kept other && mkdir links && ln -s "$PWD/r2/bin/activate.nu" links/activate.nu &&
	nu -n -c "overlay use other/bin/activate.nu; overlay use r2/bin/activate.nu; print \$env.VIRTUAL_ENV" >out 2>err &&
	test ! -s err && expect_equal "$PWD/r2" "$(cat out)" &&
	nu -n -c "overlay use links/activate.nu; print \$env.VIRTUAL_ENV" >out 2>err &&
	test ! -s err && expect_equal "$PWD/r2" "$(cat out)"
'

# csh and tcsh cannot tell which file they source ($0 is the shell, $_ is
# history of interactive shells only): activate.csh keeps the path written at
# creation, and a copy whose original is gone warns rather than pretending.
test_expect_success TCSH 'a copy whose original is gone: tcsh warns that the env moved' '
	rm -rf r2 && cp -a kept r2 &&
	tcsh -f -c "source r2/bin/activate.csh" 2>err &&
	expect_grep "was moved: it was made at '\''$PWD/made'\''" err
'
test_skip "csh and tcsh cannot tell which file they source: a relocatable env's activate.csh keeps the path written at creation"
test_expect_success 'a copy: tcsh computes the path' 'false'
test_unskip

test_expect_success 'a launcher pip installed: repair makes it relative, then copies work' '
	env_pip r1 install -q wh/other-1.0-py3-none-any.whl &&
	cp -a r1 r3 && rm -rf r1 &&
	! r3/bin/other 2>/dev/null &&
	cvenv freeze --venv r3 >/dev/null 2>err && expect_grep "was moved" err &&
	cvenv repair r3 2>out && expect_grep "1 launcher(s)" out &&
	r3/bin/other >out && expect_grep "other 1.0" out &&
	cp -a r3 r4 && rm -rf r3 && r4/bin/other >out && expect_grep "other 1.0" out &&
	cvenv repair r4 2>out && expect_grep "needs no repair" out
'

test_done
