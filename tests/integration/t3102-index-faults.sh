#!/bin/bash
# Index servers that misbehave (index/faultserver.py): each failure is one
# clear error naming the URL (its password redacted) and the env is left as
# it was; transient failures (one 500, one 429 with Retry-After) are retried.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd curl
export CVENV_HTTP_TIMEOUT=2 CVENV_HTTP_RETRIES=1

test_expect_success 'setup: a small index and the fault server' '
	mkdir wh &&
	mkwheel wh app 1.0 --requires "lib>=1" >/dev/null &&
	mkwheel wh lib 1.0 >/dev/null &&
	mkwheel wh lib 2.0 >/dev/null &&
	index_tree wh idx >/dev/null &&
	fault_start fault "$PWD/idx" &&
	cvenv create -q --without-pip v && mkwheel wh keep 1.0 >/dev/null &&
	cvenv install -q --venv v wh/keep-1.0-py3-none-any.whl &&
	snap v >before
'

# fails MODE WHAT: installing app from $FAULT_URL/MODE/simple fails, the
# message names the URL (and WHAT), and v is unchanged.
fails() {
	index_load fault &&
	! cvenv install --venv v --cache-dir "$PWD/c-$1" -i "$FAULT_URL/$1/simple" app 2>err &&
	cat err &&
	expect_grep "cvenv: error:" err &&
	expect_grep "$FAULT_URL/$1/" err &&
	{ [ -z "${2:-}" ] || expect_grep "$2" err; } &&
	expect_unchanged before v
}
works() {
	index_load fault && rm -rf w && cvenv create -q --without-pip w &&
	cvenv install --venv w --cache-dir "$PWD/c-$1" -i "$FAULT_URL/$1/simple" app &&
	test -d w/lib/python*/site-packages/lib-2.0.dist-info
}

test_expect_success 'the ok mode works (the reference)' 'works ok'
test_expect_success '500 on every try: an error naming the URL' 'fails 500 500'
test_expect_success 'one 500 is retried' 'works 500once && grep -c "GET /500once/simple/app/ 500" "$FAULT_LOG"'
test_expect_success '429 with Retry-After is retried after the pause' '
	works 429 &&
	grep -q "GET /429/simple/app/ 429" "$FAULT_LOG" &&
	grep -q "GET /429/simple/app/ 200" "$FAULT_LOG"
'
test_expect_success '429 on every try: an error' 'fails 429always 429'
test_expect_success 'a truncated wheel download: an error' 'fails truncated'
test_expect_success 'a wheel and metadata with the wrong hash: an error' 'fails badhash'
test_expect_success 'redirects are followed' 'works redirect'
test_expect_success 'a redirect loop: an error' 'fails loop'
test_expect_success 'a server that stalls: a timeout' 'fails slow'
test_expect_success 'an unknown major api-version: an error' 'fails api2'
test_expect_success 'a project the index does not have: the resolver says so' '
	index_load fault &&
	! cvenv install --venv v -i "$FAULT_URL/ok/simple" nosuch 2>err &&
	expect_grep "nosuch" err && expect_unchanged before v
'
test_expect_success 'passwords in URLs are never printed' '
	index_load fault &&
	url=$(echo "$FAULT_URL" | sed "s|//|//bob:hunter2@|") &&
	! cvenv install --venv v --cache-dir "$PWD/c-pw" -i "$url/500/simple" app 2>err &&
	! grep -q hunter2 err && expect_grep "bob:****@" err &&
	expect_unchanged before v
'
test_expect_success 'a requirement with only an sdist: an error naming it' '
	mkdir sd && cp wh/*.whl sd/ && : >sd/only-1.0.tar.gz &&
	index_tree sd idx-sd >/dev/null &&
	! cvenv install --venv v -i "file://$PWD/idx-sd/simple" only 2>err &&
	expect_grep "only" err && expect_grep "source distribution" err &&
	expect_unchanged before v
'

test_expect_success 'a .metadata whose dependencies differ from the wheel: refused' '
	index_tree wh idx/lie --lie-metadata "app-1.0-py3-none-any.whl=Requires-Dist: keep" >/dev/null &&
	index_load fault &&
	! cvenv install --venv v --cache-dir "$PWD/c-lie" -i "$FAULT_URL/ok/lie/simple" app 2>err &&
	expect_grep "declares other dependencies" err && expect_unchanged before v
'

test_done
