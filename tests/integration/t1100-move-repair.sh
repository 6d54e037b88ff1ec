#!/bin/bash
# Moved envs (issue 13.3): a moved env's launchers fail, every command on it
# says so with the fix, and `cvenv repair` makes it work where it is:
# launchers of cvenv and of pip, their RECORD rows, activation scripts,
# pyvenv.cfg; a second run changes nothing. Repair writes nothing outside the
# env and nothing through a link (docs/security/repair.md).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

# fsnap DIR: every path with its type, mode, inode, mtime and link target:
# a replaced or rewritten file shows (snap hashes every file: slow on pip).
fsnap() {
	(cd "$1" && find . -mindepth 1 -path ./.cvenv -prune -o -printf '%p %y %m %i %T@ %l\n' | LC_ALL=C sort)
}

# check_records ENV: every RECORD row of a file in bin/ has its hash and size.
check_records() {
	"$1/bin/python" - "$1" <<-\PY
	import base64, csv, glob, hashlib, os, sys
	env = os.path.realpath(sys.argv[1]); bad = 0; n = 0
	for rec in glob.glob(env + "/lib/*/site-packages/*.dist-info/RECORD"):
	    sp = os.path.dirname(os.path.dirname(rec))
	    for row in csv.reader(open(rec, newline="")):
	        p = os.path.normpath(os.path.join(sp, row[0]))
	        if os.path.dirname(p) != env + "/bin" or not row[1]:
	            continue
	        data = open(p, "rb").read(); n += 1
	        h = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
	        if row[1] != h or row[2] != str(len(data)):
	            print("stale RECORD row:", rec, row); bad += 1
	print(n, "launcher rows checked")
	sys.exit(1 if bad or not n else 0)
	PY
}

test_expect_success 'setup: wheels with console scripts' '
	mkdir wh && mkwheel wh demo 1.0 --console demo=demo:main >/dev/null &&
	mkwheel wh other 1.0 --console other=other:main >/dev/null
'

for v in 3.8 3.12 3.13; do
	py=$(python_for "$v")
	[ -z "$py" ] && test_skip "no Python $v on this machine"
	export py v
	test_expect_success "$v: a moved env fails, is detected, and works after repair" '
		rm -rf old new && cvenv create -p "$py" old &&
		cvenv install --venv old wh/demo-1.0-py3-none-any.whl &&
		env_pip old install -q wh/other-1.0-py3-none-any.whl &&
		old/bin/other >/dev/null && mv old new &&
		test_must_fail() { ! "$@"; } &&
		test_must_fail new/bin/pip --version 2>/dev/null &&
		test_must_fail new/bin/demo 2>/dev/null &&
		cvenv freeze --venv new >/dev/null 2>err &&
		expect_grep "was moved: it was made at '\''$PWD/old'\''" err &&
		expect_grep "cvenv repair $PWD/new" err &&
		cvenv list --venv new >/dev/null 2>err && expect_grep "was moved" err &&
		cvenv repair new 2>out && expect_grep "repaired" out &&
		new/bin/pip --version >out && expect_grep "$PWD/new/lib" out &&
		new/bin/demo >out && expect_grep "demo 1.0" out &&
		new/bin/other >out && expect_grep "other 1.0" out &&
		check_records new &&
		{ ! grep -q "^command" new/pyvenv.cfg ||
		  grep -q "^command = .* $PWD/new\$" new/pyvenv.cfg; } &&
		(. new/bin/activate && test "$VIRTUAL_ENV" = "$PWD/new" &&
		 test "$(command -v python)" = "$PWD/new/bin/python") &&
		cvenv freeze --venv new >/dev/null 2>err && ! grep -q "moved" err &&
		fsnap new >before && cvenv repair new 2>out &&
		expect_grep "needs no repair: nothing changed" out &&
		fsnap new >after && diff -u before after
	'
	test_unskip
done

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12 on this machine"
export py

test_expect_success 'activation in bash, zsh and fish warns in a moved env, not after repair' '
	rm -rf old new && cvenv create -p "$py" --without-pip old &&
	bash -c ". old/bin/activate" 2>err && test ! -s err &&
	mv old new &&
	bash -c ". new/bin/activate" 2>err && expect_grep "this environment was moved: it was made at '\''$PWD/old'\''" err &&
	zsh -f -c ". new/bin/activate" 2>err && expect_grep "was moved" err &&
	{ ! command -v fish >/dev/null ||
	  { fish -c "source new/bin/activate.fish" 2>err && expect_grep "was moved" err; }; } &&
	cvenv repair new 2>/dev/null &&
	bash -c ". new/bin/activate && test \"\$VIRTUAL_ENV\" = \"$PWD/new\"" 2>err && test ! -s err &&
	zsh -f -c ". new/bin/activate" 2>err && test ! -s err &&
	{ ! command -v fish >/dev/null ||
	  { fish -c "source new/bin/activate.fish" 2>err && test ! -s err; }; }
'

# moved_warns SHELL-COMMAND: activating from the moved env warns, names the
# place it was made, and still activates (VIRTUAL_ENV printed on stdout).
moved_warns() {
	"$@" >out 2>err &&
	expect_grep "cvenv: warning: this environment was moved: it was made at '$PWD/o'ld \$x'; run 'cvenv repair' on it" err &&
	test "$(cat out)" = "$PWD/o'ld \$x"
}
# quiet SHELL-COMMAND: activating warns of nothing, VIRTUAL_ENV is the env.
quiet() { "$@" >out 2>err && test ! -s err && test "$(cat out)" = "$PWD/n'ew"; }

test_lazy_prereq KSH93 'case $(ksh -c "echo \${.sh.version}" 2>/dev/null) in *93*) ;; *) false ;; esac'
test_lazy_prereq TCSH 'command -v tcsh'
test_lazy_prereq NU 'command -v nu'

test_expect_success 'activation in dash warns when the env moved (the recorded place has no env)' '
	rm -rf "o'\''ld \$x" "n'\''ew" && cvenv create -p "$py" --without-pip "o'\''ld \$x" &&
	dash -c ". \"./o'\''ld \\\$x/bin/activate\"" 2>err && test ! -s err &&
	mv "o'\''ld \$x" "n'\''ew" &&
	moved_warns dash -c ". \"./n'\''ew/bin/activate\"; echo \"\$VIRTUAL_ENV\"" &&
	cvenv repair "n'\''ew" 2>/dev/null &&
	quiet dash -c ". \"./n'\''ew/bin/activate\"; echo \"\$VIRTUAL_ENV\""
'

test_expect_success KSH93 'activation in ksh93 warns in a moved env, and in a copy it knows it was sourced from' '
	rm -rf "o'\''ld \$x" "n'\''ew" copy && cvenv create -p "$py" --without-pip "o'\''ld \$x" &&
	ksh -c ". \"./o'\''ld \\\$x/bin/activate\"" 2>err && test ! -s err &&
	cp -a "o'\''ld \$x" copy &&
	ksh -c ". ./copy/bin/activate" 2>err && expect_grep "was moved" err &&
	mv "o'\''ld \$x" "n'\''ew" &&
	moved_warns ksh -c ". \"./n'\''ew/bin/activate\"; echo \"\$VIRTUAL_ENV\"" &&
	cvenv repair "n'\''ew" 2>/dev/null &&
	quiet ksh -c ". \"./n'\''ew/bin/activate\"; echo \"\$VIRTUAL_ENV\""
'

test_expect_success TCSH 'activation in tcsh and csh warns when the env moved, not after repair' '
	rm -rf "o'\''ld \$x" "n'\''ew" && cvenv create -p "$py" --without-pip "o'\''ld \$x" &&
	mv "o'\''ld \$x" "n'\''ew" &&
	moved_warns tcsh -f -c "source \"n'\''ew/bin/activate.csh\"; printenv VIRTUAL_ENV" &&
	{ ! command -v csh >/dev/null ||
	  moved_warns csh -f -c "source \"n'\''ew/bin/activate.csh\"; printenv VIRTUAL_ENV"; } &&
	cvenv repair "n'\''ew" 2>/dev/null &&
	quiet tcsh -f -c "source \"n'\''ew/bin/activate.csh\"; printenv VIRTUAL_ENV"
'

test_expect_success NU 'activation in nushell warns in a moved env, not after repair nor after another env' '
	rm -rf "o'\''ld \$x" "n'\''ew" && cvenv create -p "$py" --without-pip "o'\''ld \$x" &&
	nu -n -c "overlay use r#'\''o'\''ld \$x/bin/activate.nu'\''#" 2>err && test ! -s err &&
	mv "o'\''ld \$x" "n'\''ew" &&
	moved_warns nu -n -c "overlay use r#'\''n'\''ew/bin/activate.nu'\''#; print \$env.VIRTUAL_ENV" &&
	cvenv repair "n'\''ew" 2>/dev/null &&
	quiet nu -n -c "overlay use r#'\''n'\''ew/bin/activate.nu'\''#; print \$env.VIRTUAL_ENV" &&
	rm -rf second && cvenv create -p "$py" --without-pip second &&
	quiet nu -n -c "overlay use second/bin/activate.nu; overlay use r#'\''n'\''ew/bin/activate.nu'\''#; print \$env.VIRTUAL_ENV"
'

test_expect_success 'a launcher that is a link out of the env is not written through' '
	rm -rf old new outside && mkdir outside && cvenv create -p "$py" --without-pip old &&
	printf "#!$PWD/old/bin/python\nprint(1)\n" >outside/evil && cp outside/evil outside/evil.orig &&
	ln -s "$PWD/outside/evil" old/bin/evil && mv old new &&
	cvenv repair new 2>out && expect_grep "symbolic links: left alone" out &&
	cmp outside/evil outside/evil.orig && test -L new/bin/evil
'

test_expect_success 'a bin that is a link out of the env is refused' '
	rm -rf old new outside && mkdir outside && cvenv create -p "$py" --without-pip old &&
	mv old/bin outside/bin && ln -s "$PWD/outside/bin" old/bin && mv old new &&
	snap outside >before &&
	test_must_fail() { ! "$@"; } && test_must_fail cvenv repair new 2>err &&
	expect_grep "is not a directory of the environment" err &&
	expect_unchanged before outside
'

test_expect_success 'an env that was not moved needs no repair' '
	rm -rf e && cvenv create -p "$py" --without-pip e && fsnap e >before &&
	cvenv repair e 2>out && expect_grep "needs no repair" out && fsnap e >after && diff -u before after
'

test_expect_success 'a base interpreter that moved: repair -p relinks the env' '
	rm -rf base e && mkdir base && ln -s "$(dirname "$(dirname "$py")")" base/py &&
	cvenv create -p "$PWD/base/py/bin/python3.12" e &&
	mv base/py base/py2 && test_must_fail() { ! "$@"; } &&
	test_must_fail e/bin/python -c "" 2>/dev/null &&
	cvenv repair -p "$PWD/base/py2/bin/python3.12" e &&
	e/bin/python -c "import sys; assert sys.prefix == \"$PWD/e\"" &&
	e/bin/pip --version >out && expect_grep "$PWD/e/lib" out
'

test_done
