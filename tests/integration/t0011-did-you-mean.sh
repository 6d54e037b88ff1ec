#!/bin/bash
# A mistyped command gets "did you mean ...?" (issue 13.7), as git does; a
# word near no command gets the pointer to the list instead. Exit 2 either way.
. "$(dirname "$0")/lib.sh"

test_expect_success 'typos of commands are suggested the command' '
	for pair in crate:create creat:create craete:create instal:install unistall:uninstall \
		    freez:freeze lsit:list rnu:run pyhton:python direnf:direnv; do
		expect_code 2 cvenv "${pair%%:*}" 2>err || return 1
		expect_grep "cvenv: error: unknown command '\''${pair%%:*}'\''" err || return 1
		expect_grep "cvenv: hint: did you mean '\''${pair#*:}'\''?" err || return 1
	done
'

test_expect_success 'a word near no command points to the list' '
	expect_code 2 cvenv frobnicate 2>err &&
	! grep -q "did you mean" err &&
	expect_grep "see '\''cvenv --help'\'' for the list of commands" err &&
	expect_code 2 cvenv x 2>err &&
	! grep -q "did you mean" err
'

test_expect_success 'arguments after a mistyped command change nothing, nothing is made' '
	expect_code 2 cvenv crate newenv 2>err &&
	expect_grep "did you mean '\''create'\''?" err &&
	! test -e newenv
'

test_expect_success 'cvenv help with a mistyped command suggests it too' '
	expect_code 2 cvenv help crate 2>err &&
	expect_grep "cvenv: error: unknown command '\''crate'\''" err &&
	expect_grep "cvenv: hint: did you mean '\''create'\''?" err &&
	expect_code 2 cvenv help frobnicate 2>err &&
	! grep -q "did you mean" err &&
	expect_grep "see '\''cvenv --help'\'' for the list of commands" err
'

test_done
