#!/bin/bash
# Names that no shell can carry in an activation script are refused before
# anything is made, with an error naming the subject and the character; the
# scripts cvenv writes are all there, plain files, mode 0644.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-activate.sh"

# refused DIR MESSAGE [create options...]: create fails with exit 1 and
# MESSAGE, and leaves nothing behind.
refused() {
	local dir=$1 msg=$2
	shift 2
	expect_code 1 cvenv create --without-pip -p "$BASE_PY" "$@" "$dir" 2>"$TRASH/err" &&
	expect_grep "$msg" "$TRASH/err" &&
	test ! -e "$dir" &&
	test -z "$(ls -A)" || { ls -A; return 1; }
}

test_expect_success 'a path with ":" is refused (it would split PATH)' '
	rm -rf t && mkdir t && cd t &&
	refused "a:b" "cvenv: error: environment path '\''$TRASH/t/a:b'\'' contains '\'':'\'', which would split PATH in two"
'

test_expect_success 'a path with a newline is refused, the newline shown as \n' '
	rm -rf t && mkdir t && cd t &&
	refused "$(printf "a\nb")" "environment path '\''$TRASH/t/a\\nb'\'' contains a newline, which no shell can carry"
'

test_expect_success 'a path with another control character is refused, shown in hex' '
	rm -rf t && mkdir t && cd t &&
	refused "$(printf "esc\033[31m")" "contains the control character 0x1b, which no shell can carry" &&
	refused "$(printf "tab\there")" "contains the control character 0x09" &&
	refused "$(printf "del\177")" "contains the control character 0x7f"
'

test_expect_success 'a path that is not UTF-8 is refused' '
	rm -rf t && mkdir t && cd t &&
	refused "$(printf "caf\351")" "contains the byte 0xe9, which is not valid UTF-8"
'

test_expect_success 'a prompt with a newline or control character is refused' '
	rm -rf t && mkdir t && cd t &&
	refused v "prompt '\''two\\nlines'\'' contains a newline" --prompt "$(printf "two\nlines")" &&
	refused v "prompt '\''bell\\x07'\'' contains the control character 0x07" --prompt "$(printf "bell\a")"
'

test_expect_success 'a ":" in a prompt is fine' '
	make_env v "a:b" &&
	grep -qxF "VIRTUAL_ENV_PROMPT='\''a:b'\''" v/bin/activate
'

test_expect_success 'every activation script is written, a plain file of mode 0644' '
	make_env w &&
	for f in activate activate.fish activate.csh Activate.ps1 activate.nu; do
		test -f "w/bin/$f" && test ! -L "w/bin/$f" || { echo "missing $f"; return 1; }
		test "$(stat -c %a "w/bin/$f")" = 644 || { echo "mode of $f"; return 1; }
		! grep -n "__CVENV_" "w/bin/$f" || return 1
	done
'

test_expect_success 'the env path is written once, as one quoted literal, per script' '
	make_env "x y" &&
	test "$(grep -cF "'\''$TRASH/x y'\''" "x y/bin/activate")" = 1 &&
	test "$(grep -cF "'\''$TRASH/x y'\''" "x y/bin/activate.fish")" = 1 &&
	test "$(grep -cF "'\''$TRASH/x y'\''" "x y/bin/activate.csh")" = 1 &&
	test "$(grep -cF "'\''$TRASH/x y'\''" "x y/bin/Activate.ps1")" = 1 &&
	test "$(grep -cF "'\''$TRASH/x y'\''" "x y/bin/activate.nu")" = 1
'

test_done
