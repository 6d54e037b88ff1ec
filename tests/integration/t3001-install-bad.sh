#!/bin/bash
# Bad wheels are refused with an error naming the problem, and the env is left
# exactly as it was (a full listing with modes and content hashes is compared).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"

test_expect_success 'setup: an env with one package installed' '
	cvenv create --without-pip -p "$py" v &&
	mkdir wh &&
	mkwheel wh good 1.0 --console good=good:main >/dev/null &&
	cvenv install --venv v wh/good-1.0-py3-none-any.whl
'

for bad in hash size traversal absolute symlink two-dist-info no-record unlisted truncate \
	corrupt dist-info-name no-wheel-file unknown-data; do
	test_expect_success "a wheel with '$bad' is refused and changes nothing" '
		mkdir -p b &&
		w=$(mkwheel b bad-'$bad' 1.0 --bad '$bad' --console bad=bad:main) &&
		snap v >before &&
		expect_code 1 cvenv install --venv v "$w" 2>err &&
		expect_grep "cvenv: error:" err &&
		expect_unchanged before v &&
		! test -e /tmp/cvenv-evil.py
	'
done

test_expect_success 'the errors name the problem' '
	w=$(mkwheel b hm 1.0 --bad hash) &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "hash mismatch for '\''hm/__init__.py'\''" err &&
	w=$(mkwheel b tr 1.0 --bad traversal) &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "unsafe member name '\''tr/../../evil.py'\''" err &&
	w=$(mkwheel b two 1.0 --bad two-dist-info) &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "more than one .dist-info" err &&
	w=$(mkwheel b nr 1.0 --bad no-record) &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "has no RECORD file" err
'

test_expect_success 'a newer Wheel-Version major is refused; a newer minor warns' '
	w=$(mkwheel b wv 1.0 --wheel-version 2.0) &&
	snap v >before &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "Wheel-Version 2.0" err &&
	expect_unchanged before v &&
	w=$(mkwheel b wm 1.0 --wheel-version 1.9) &&
	cvenv install --venv v "$w" 2>err &&
	expect_grep "warning: wheel" err &&
	cvenv uninstall --venv v wm
'

test_expect_success 'a bad wheel among good ones: none of them is installed' '
	g=$(mkwheel b fine 1.0) &&
	h=$(mkwheel b broken 1.0 --bad hash) &&
	snap v >before &&
	expect_code 1 cvenv install --venv v "$g" "$h" &&
	expect_unchanged before v
'

test_expect_success 'an upgrade that fails leaves the old version in place' '
	w=$(mkwheel b good 2.0 --bad hash --filename good-2.0-py3-none-any.whl) &&
	snap v >before &&
	expect_code 1 cvenv install --venv v "$w" &&
	expect_unchanged before v &&
	v/bin/good | grep -q "good 1.0"
'

test_expect_success 'a file that is not a wheel, or missing, is an error' '
	echo junk >junk-1.0-py3-none-any.whl &&
	expect_code 1 cvenv install --venv v junk-1.0-py3-none-any.whl 2>err &&
	expect_grep "cannot open wheel" err &&
	expect_code 1 cvenv install --venv v nothere-1.0-py3-none-any.whl 2>err &&
	expect_grep "cannot open wheel" err &&
	expect_code 1 cvenv install --venv v bad_name.whl 2>err &&
	expect_grep "invalid wheel file name" err
'

test_expect_success 'no env: a clear error' '
	expect_code 1 cvenv install --venv nope wh/good-1.0-py3-none-any.whl 2>err &&
	expect_grep "nope" err
'

test_expect_success 'two wheels of one name are refused among many, however spelled' '
	mkdir -p many b2 &&
	python3 - "$TEST_DIR/mkwheel.py" <<-\EOF &&
	import runpy, sys
	mk = sys.argv[1]
	for i in range(70):  # past the 64 slots of the first name table (plan.c)
	    sys.argv = ["mkwheel", "many", "n_%d" % i, "1.0", "--requires", "N.%d" % ((i + 37) % 70)]
	    try:
	        runpy.run_path(mk, run_name="__main__")
	    except SystemExit:
	        pass
	EOF
	mkwheel b dup_name 1.0 >/dev/null &&
	w2=$(mkwheel b2 dup_name 2.0 --meta-name Dup.Name) &&
	cvenv create --without-pip -p "$py" many-env &&
	snap many-env >before &&
	expect_code 1 cvenv install --venv many-env many/*.whl b/dup_name-1.0-py3-none-any.whl \
		"$w2" 2>err &&
	expect_grep "are both wheels of '\''Dup.Name'\''" err &&
	expect_unchanged before many-env &&
	cvenv install --venv many-env many/*.whl "$w2" &&
	test -f many-env/lib/python3.12/site-packages/n_69/__init__.py
'

test_done
