#!/bin/bash
# Attack (issue 10.1, the file-system half): a planted journal whose paths
# are lexically fine but reach outside the env through a link inside it must
# not make the recovery remove or replace anything outside. The lexical half
# (.., absolute paths) is t4000's.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no Python 3.11 or 3.12"

# plant ENV KIND PATH: a journal with one step, and an empty stage
plant() {
	mkdir -p "$1/.cvenv/stage-evil/new" "$1/.cvenv/stage-evil/old" &&
	printf 'cvenv-journal 1\nstage stage-evil\n%s %s\n' "$2" "$3" >"$1/.cvenv/journal"
}

test_expect_success 'setup: an env with a link to a directory outside' '
	cvenv create --without-pip -p "$py" v &&
	sp=$(echo v/lib/python3.*/site-packages) && echo "${sp#v/}" >sp &&
	mkdir outside && echo keep >outside/victim &&
	ln -s "$PWD/outside" "$sp/lnk"
'

test_expect_success 'an "add" through a link: the recovery removes nothing outside' '
	plant v add "$(cat sp)/lnk/victim" &&
	cvenv uninstall --venv v nothere 2>err;
	test -f outside/victim && grep -q keep outside/victim
'

test_expect_success 'an "add" of the bin link target: nothing outside is removed' '
	ln -s "$PWD/outside" v/outlink &&
	plant v add "outlink/victim" &&
	cvenv uninstall --venv v nothere 2>err;
	test -f outside/victim
'

test_expect_success 'a "replace" through a link: nothing is written outside' '
	mkdir -p "v/.cvenv/stage-evil/old/$(cat sp)/lnk" &&
	plant v replace "$(cat sp)/lnk/victim" &&
	echo evil >"v/.cvenv/stage-evil/old/$(cat sp)/lnk/victim" &&
	cvenv uninstall --venv v nothere 2>err;
	grep -q keep outside/victim
'

test_done
