#!/bin/bash
# Attack: the env's own files (pyvenv.cfg, its interpreter links, activation
# scripts, lib64, .gitignore, .cvenv/) can be neither installed over nor
# uninstalled by a wheel (issue 17.6, 17.7); a distribution's own scripts
# whose names merely start with python, pypy or activate are its own, and go
# with it as pip removes them.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.13)
[ -z "$py" ] && test_skip "no Python 3.13 (its venv writes .gitignore)"

test_expect_success 'setup: an env' '
	cvenv create --without-pip -p "$py" v &&
	test -f v/.gitignore && test -L v/lib64 &&
	mkdir wh
'

for how in "--console python=evil:main" "--data scripts/python=#!python\nevil" \
	"--data data/pyvenv.cfg=home=/evil" "--data scripts/activate=evil" \
	"--data data/.cvenv/lock=evil" "--data data/lib64=evil" "--console python3.13=evil:main"; do
	test_expect_success "a wheel writing an env file ($how) is refused, naming it" '
		w=$(mkwheel wh evil 1.0 '"$how"') &&
		snap v >before &&
		expect_code 1 cvenv install --venv v "$w" 2>err &&
		expect_grep "the environment'\''s own file" err &&
		expect_unchanged before v
	'
done

test_expect_success 'RECORD lines naming env files: uninstall leaves them' '
	sp=$(echo v/lib/python3.13/site-packages) &&
	w=$(mkwheel wh victim 1.0) &&
	cvenv install --venv v "$w" &&
	for f in ../../../lib64 ../../../.cvenv/lock ../../../.gitignore ../../../pyvenv.cfg \
		../../../bin/python ../../../bin/activate; do
		echo "$f,," >>"$sp/victim-1.0.dist-info/RECORD" || return 1
	done &&
	cvenv uninstall --venv v victim 2>err &&
	test -L v/lib64 && test -f v/.cvenv/lock && test -f v/.gitignore && test -f v/pyvenv.cfg &&
	test -L v/bin/python && test -f v/bin/activate &&
	expect_grep "environment'\''s own file" err &&
	! test -e "$sp/victim"
'

test_expect_success 'scripts named like python-*, activate-* are the distribution'\''s: uninstall removes them' '
	w=$(mkwheel wh argc 2.0 --data "scripts/activate-global-python-argcomplete=#!python\nx" \
		--data "scripts/python-argcomplete-tcsh=#!/bin/sh\nx" --console pypy-tool=argc:main) &&
	cvenv install --venv v "$w" &&
	test -f v/bin/activate-global-python-argcomplete && test -f v/bin/python-argcomplete-tcsh &&
	test -f v/bin/pypy-tool &&
	cvenv uninstall --venv v argc 2>err &&
	! grep -q outside err &&
	! test -e v/bin/activate-global-python-argcomplete &&
	! test -e v/bin/python-argcomplete-tcsh && ! test -e v/bin/pypy-tool
'

test_done
