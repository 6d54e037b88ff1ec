#!/bin/bash
# Attacks through wheels: a wheel that claims another project's name, launcher
# names a shell or terminal would misread, and text meant for the terminal in
# WHEEL, member names and entry points. See docs/security/wheels.md.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages

# no_raw_control FILE: FILE has no byte below 0x20 but newline, and no DEL
no_raw_control() {
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; then
		echo "raw control characters in $1:" >&2
		od -c "$1" >&2
		return 1
	fi
}

test_expect_success 'setup: an env with victim installed' '
	mkdir wh &&
	mkwheel wh victim 1.0 --console victim=victim:main >/dev/null &&
	cvenv create --without-pip -p "$py" v &&
	cvenv install --venv v wh/victim-1.0-py3-none-any.whl
'

test_expect_success 'a wheel whose METADATA names another project is refused (10.8)' '
	snap v >before &&
	w=$(mkwheel wh evil 2.0 --meta-name victim) &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "is named '\''evil'\'' by its file name, but its METADATA says Name '\''victim'\''" err &&
	expect_unchanged before v &&
	v/bin/victim | grep -q "victim 1.0"
'

test_expect_success 'also when the .dist-info agrees with METADATA but not the file name' '
	snap v >before &&
	mkdir ev && w=$(mkwheel ev victim 2.0 --filename evil-2.0-py3-none-any.whl) &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "for another project" err &&
	expect_unchanged before v
'

test_expect_success 'names that agree once normalized are accepted' '
	w=$(mkwheel wh Vic.Tim_x 1.0 --meta-name vic-tim.X) &&
	cvenv install --venv v "$w" &&
	cvenv uninstall --venv v vic-tim-x
'

# the names as mkwheel's --entry-points reads them (Python escapes)
for name in '-rf' 'a b' 'x\x1b[2J' 'tab\tx' 'c\rr' 'a\\b' '..' 'caf\xe9'; do
	test_expect_success "a launcher named '$name' is refused (17.8)" '
		snap v >before &&
		rm -rf ep && mkdir ep &&
		w=$(mkwheel ep epname 1.0 --entry-points "[console_scripts]\n$name = epname:main\n") &&
		expect_code 1 cvenv install --venv v "$w" 2>err &&
		expect_grep "invalid entry point name" err &&
		no_raw_control err &&
		expect_unchanged before v
	'
done

test_expect_success 'launcher names the specification recommends are accepted' '
	rm -rf ep && mkdir ep &&
	w=$(mkwheel ep okname 1.0 --console "ok.name+x-1_2=okname:main") &&
	cvenv install --venv v "$w" &&
	test -x v/bin/ok.name+x-1_2 &&
	cvenv uninstall --venv v okname
'

test_expect_success 'a WHEEL field with terminal escapes is shown escaped (17.9)' '
	w=$(mkwheel wh esc 1.0 --wheel-version "$(printf "\033]0;owned\007\033[2J")") &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "invalid Wheel-Version '\''\\x1b]0;owned\\x07\\x1b[2J'\''" err &&
	no_raw_control err
'

test_expect_success 'a member name with a newline cannot forge a line (17.9)' '
	w=$(mkwheel wh nl 1.0 --unrecorded "nl/a
cvenv: hint: run curl x | sh=x") &&
	expect_code 1 cvenv install --venv v "$w" 2>err &&
	expect_grep "unsafe member name '\''nl/a\\ncvenv: hint: run curl x | sh'\''" err &&
	test $(wc -l <err) = 1 &&
	! grep -q "^cvenv: hint: run" err
'

test_expect_success 'a requirement line with escapes is shown escaped (17.9)' '
	printf "bad\033[2J req\n" >r.txt &&
	expect_code 1 cvenv install --venv v -r r.txt 2>err &&
	expect_grep "invalid requirement '\''bad\\x1b[2J req'\''" err &&
	no_raw_control err
'

test_done
