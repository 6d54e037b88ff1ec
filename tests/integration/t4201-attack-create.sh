#!/bin/bash
# Attacks on cvenv create by a careless user or a hostile directory (issue 10,
# points 6, 14 and the full-disk / read-only cases): a failed create exits
# non-zero and leaves everything exactly as it was; nothing outside DIR is
# touched. See docs/security/create.md.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/create-lib.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY

# tree DIR: every path under DIR with its type, link target and content hash.
tree() {
	(cd "$1" && find . -printf '%y %p %l %m\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

test_expect_success "10.14: create '' is a usage error and makes nothing" '
	mkdir here && echo mine >here/user.txt && tree here >before &&
	(cd here && expect_code 2 cvenv create -p "$PY" --without-pip "" 2>../err) &&
	expect_grep "empty DIR" err &&
	tree here >after && diff -u before after
'

test_expect_success "10.14: create --clear '' keeps the user's files" '
	mkdir here2 && echo mine >here2/user.txt && tree here2 >before &&
	(cd here2 && expect_code 2 cvenv create -p "$PY" --without-pip --clear "" 2>../err) &&
	(cd here2 && expect_code 2 cvenv create -p "$PY" --clear ok "" 2>../err) &&
	tree here2 >after && diff -u before after
'

test_done
