#!/bin/bash
# Attack: a planted journal. <env>/.cvenv/journal arrives with the env (a
# tarball, a CI cache) and the undo of an interrupted transaction acts on the
# paths it lists; a journal naming paths outside the env must be refused
# whole, before anything is touched, by every command that opens the env.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"

# plant ENV LINE: a journal whose one step is LINE, with a stage that holds
# "backups" for the paths the step names (what an undo would move back).
plant() {
	mkdir -p "$1/.cvenv/stage-evil/new" "$1/.cvenv/stage-evil/old/a/b" &&
	echo EVIL >"$1/.cvenv/stage-evil/outside" &&
	echo EVIL >"$1/.cvenv/stage-evil/old/a/b/x" &&
	printf 'cvenv-journal 1\nstage stage-evil\n%s\n' "$2" >"$1/.cvenv/journal"
}

# outside: the files outside the env, and the planted journal and stage.
outside() {
	cat d/outside x "$TRASH/abs-target" &&
	find d/v/.cvenv -print | grep -v "/lock$" | LC_ALL=C sort && cat d/v/.cvenv/journal
}

# refused CMD...: CMD fails with the refusal and its hint, and no undo ran.
refused() {
	expect_code 1 cvenv "$@" 2>err &&
	grep -q "^cvenv: error: refusing journal '.*d/v/.cvenv/journal' line 3: " err &&
	expect_grep "not written by cvenv" err &&
	! grep -q "rolling back" err
}

test_expect_success 'setup: an env in d/v, files outside it, a wheel' '
	mkdir d wh &&
	echo precious >d/outside && echo precious >x && echo precious >abs-target &&
	mkwheel wh demo 1.0 --file demo/extra.py=X=1 >/dev/null &&
	cvenv create --without-pip -p "$py" d/v
'

for line in 'add ../outside' 'replace ../outside' 'del ../../x' "del $TRASH/abs-target" \
	'add a/../../../x' 'del ./bin/python' 'add lib//x' 'move ../outside'; do
	test_expect_success "journal '$line': install, uninstall and create refuse it, touch nothing" '
		rm -rf d/v/.cvenv/stage-evil && plant d/v "$line" &&
		outside >before && snap d/v >env &&
		refused install --venv d/v wh/demo-1.0-py3-none-any.whl &&
		outside >after && diff -u before after && expect_unchanged env d/v &&
		refused uninstall --venv d/v demo &&
		outside >after && diff -u before after && expect_unchanged env d/v &&
		refused create -p "$py" d/v &&
		outside >after && diff -u before after &&
		test "$(cat d/outside x abs-target)" = "$(printf "precious\nprecious\nprecious")"
	'
done

test_expect_success 'once the journal is removed, the env works again' '
	rm -rf d/v/.cvenv/journal d/v/.cvenv/stage-evil &&
	cvenv install --venv d/v wh/demo-1.0-py3-none-any.whl &&
	cvenv uninstall --venv d/v demo &&
	test "$(cat d/outside x abs-target)" = "$(printf "precious\nprecious\nprecious")"
'

test_done
