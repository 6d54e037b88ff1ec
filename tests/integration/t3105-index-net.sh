#!/bin/bash
# The network side of the index client that t3101-t3104 leave out: HTTP/2
# multiplexing on one connection (nginx over TLS with http2), the connect and
# stall timeouts (--timeout, --connect-timeout, PIP_DEFAULT_TIMEOUT,
# UV_HTTP_TIMEOUT, UV_HTTP_CONNECT_TIMEOUT) against servers that never
# answer, negative caching of a project the index does not have, and remote
# direct URL requirements ("name @ https://...whl#sha256=...") compared with
# pip. Every failure leaves the env as it was.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd curl
test_require_cmd nginx
export CVENV_HTTP_RETRIES=0

# cvenv, bounded: a run that would hang fails the test instead
cvenv_t() {
	# shellcheck disable=SC2086
	timeout 20 $CVENV_WRAPPER "$CVENV_BIN" "$@"
}
# quick_snap DIR: every path under DIR (its lock file left out) with type,
# mode, size and mtime: one process, so cheap enough for every test here
quick_snap() {
	find "$1" -path "$1/.cvenv" -prune -o -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort
}
unchanged() {
	quick_snap v >after && diff -u before after
}
sha() { sha256sum "$1" | cut -d" " -f1; }

test_expect_success 'setup: a small index, nginx and the fault server' '
	mkdir wh &&
	mkwheel wh app 1.0 --requires "lib1" --requires "lib2" --requires "lib3" \
		--requires "lib4" --requires "lib5" --requires "lib6" >/dev/null &&
	for i in 1 2 3 4 5 6; do mkwheel wh lib$i 1.0 >/dev/null || return 1; done &&
	index_tree wh idx >/dev/null &&
	fault_start fault "$PWD/idx" &&
	cvenv create -q --without-pip v && mkwheel wh keep 1.0 >/dev/null &&
	cvenv install -q --venv v wh/keep-1.0-py3-none-any.whl &&
	quick_snap v >before
'

# times_out MODE [cvenv options]: installing app from the fault server's MODE
# fails within 20 s, naming the URL, and v is unchanged.
times_out() {
	local mode=$1
	shift
	index_load fault &&
	expect_code 1 cvenv_t install --venv v --cache-dir "$PWD/c-$mode" \
		-i "$FAULT_URL/$mode/simple" "$@" app 2>err &&
	cat err &&
	expect_grep "cvenv: error:" err &&
	expect_grep "$FAULT_URL/$mode/" err &&
	unchanged
}

test_expect_success 'a server that accepts and never answers: --timeout ends it' '
	times_out hang --timeout 1 &&
	expect_grep "nothing received for 1 s" err
'
test_expect_success 'the same bound from PIP_DEFAULT_TIMEOUT' '
	PIP_DEFAULT_TIMEOUT=1 times_out hang && expect_grep "nothing received for 1 s" err
'
test_expect_success 'a download that stalls mid-body: UV_HTTP_TIMEOUT ends it' '
	UV_HTTP_TIMEOUT=1 times_out stall &&
	expect_grep "$FAULT_URL/stall/files/app-1.0-py3-none-any.whl" err &&
	expect_grep "nothing received for 1 s" err
'
test_expect_success 'a TLS server that never completes the handshake: --connect-timeout ends it' '
	index_load fault &&
	url="https://127.0.0.1:$FAULT_SILENT_PORT/simple" &&
	expect_code 1 cvenv_t install --venv v --cache-dir "$PWD/c-conn" \
		--connect-timeout 1 -i "$url" app 2>err &&
	cat err &&
	expect_grep "$url/app/" err && expect_grep "no connection within 1 s" err &&
	UV_HTTP_CONNECT_TIMEOUT=1 expect_code 1 cvenv_t install --venv v \
		--cache-dir "$PWD/c-conn" -i "$url" app 2>err &&
	expect_grep "no connection within 1 s" err &&
	unchanged
'
# HTTP/2: every request of one install (6 dependencies: pages, .metadata
# files and wheels, up to 16 at once) went over one TLS connection as
# HTTP/2 streams; nginx logs each request's connection serial number, its
# request count on that connection and the protocol.
test_expect_success 'HTTP/2: one install multiplexes all its requests on one connection' '
	index_start h2 idx --http2 &&
	cvenv create -q --without-pip w2 &&
	: >"$INDEX_LOG" &&
	cvenv install -q --venv w2 --cache-dir "$PWD/c-h2" --cert "$INDEX_CERT" -i "$INDEX_URL" app &&
	test -d w2/lib/python*/site-packages/lib6-1.0.dist-info &&
	n=$(wc -l <"$INDEX_LOG") && test "$n" -ge 19 &&
	test "$(grep -c " proto=HTTP/2.0$" "$INDEX_LOG")" = "$n" &&
	sed -n "s/.* conn=\([0-9]*\)\/.*/\1/p" "$INDEX_LOG" | sort -u >conns &&
	test "$(wc -l <conns)" = 1 &&
	grep -q " conn=$(cat conns)/$n " "$INDEX_LOG"
'

# A 404 is cached as a negative entry: --offline then says the project does
# not exist (not that it is missing from the cache), and an online run asks
# again, so a project published since is found.
test_expect_success 'a project that 404s: cached, --offline says it does not exist' '
	index_load fault &&
	! cvenv install --venv v --cache-dir "$PWD/c-404" -i "$FAULT_URL/ok/simple" nosuch 2>err &&
	expect_grep "no index has a project named '\''nosuch'\''" err &&
	test "$(grep -c "GET /ok/simple/nosuch/ 404" "$FAULT_LOG")" = 1 &&
	! cvenv install --venv v --cache-dir "$PWD/c-404" --offline -i "$FAULT_URL/ok/simple" nosuch 2>err &&
	cat err &&
	expect_grep "no index has a project named '\''nosuch'\''" err &&
	! grep -q "not in the cache" err &&
	test "$(grep -c "GET /ok/simple/nosuch/" "$FAULT_LOG")" = 1 &&
	unchanged
'
test_expect_success 'a later online run revalidates it: a project published since is found' '
	index_load fault &&
	mkwheel wh nosuch 1.0 >/dev/null && index_tree wh idx >/dev/null &&
	cvenv create -q --without-pip w404 &&
	cvenv install -q --venv w404 --cache-dir "$PWD/c-404" -i "$FAULT_URL/ok/simple" nosuch &&
	test -d w404/lib/python*/site-packages/nosuch-1.0.dist-info &&
	grep -q "GET /ok/simple/nosuch/ 200" "$FAULT_LOG"
'

# Remote direct URLs, pip as the reference: pip 23.2 (Python 3.11's bundled
# pip, in an env cvenv seeds) and cvenv each install "lib1 @ https://...whl"
# (with the hash fragment, and without) from the TLS nginx; direct_url.json
# and the freeze line must be the same.
py=$(python_for 3.11)
test_lazy_prereq PIP311 'test -n "$py"'

# direct_ref ENV: lib1's direct_url.json and its freeze line (pip's own
# freeze for pip envs would be the same: checked once below)
direct_ref() {
	cat "$1"/lib/python*/site-packages/lib1-1.0.dist-info/direct_url.json && echo &&
	cvenv freeze --venv "$1" | grep "^lib1 @ "
}

test_expect_success 'setup: pip seeded in an env of Python 3.11, nginx over http' '
	index_start plain idx &&
	if test -n "$py"; then cvenv create -q -p "$py" pipref; fi
'

test_expect_success PIP311 'name @ http URL with #sha256: fetched, verified, recorded as pip does' '
	index_load plain &&
	u="${INDEX_URL%/simple}/files/lib1-1.0-py3-none-any.whl" &&
	h=$(sha wh/lib1-1.0-py3-none-any.whl) &&
	PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 pipref/bin/python -m pip install -q \
		--no-index "lib1 @ $u#sha256=$h" &&
	cvenv create -q --without-pip -p "$py" cv1 &&
	: >"$INDEX_LOG" &&
	cvenv install -q --venv cv1 --cache-dir "$PWD/c-url" --no-index \
		"lib1 @ $u#sha256=$h" &&
	grep -q "GET /files/lib1-1.0-py3-none-any.whl " "$INDEX_LOG" &&
	test -f "c-url/wheel-files-v1/$h/lib1-1.0-py3-none-any.whl" &&
	direct_ref pipref >pip.ref && direct_ref cv1 >cv.ref &&
	cat cv.ref && diff -u pip.ref cv.ref &&
	PIP_DISABLE_PIP_VERSION_CHECK=1 pipref/bin/python -m pip freeze | grep "^lib1 @ " >pip.freeze &&
	grep "^lib1 @ " cv.ref | diff -u pip.freeze -
'
# pip 23.2 records the wheel's sha256 even when the URL has no fragment: the
# same direct_url.json as above (checked against pip when this test was
# written; one pip run less here). A --hash in the file turns on
# hash-checking mode, where a URL requirement counts as pinned (as in pip).
test_expect_success PIP311 'without a fragment, from a requirements file with --hash: the same record' '
	index_load plain &&
	u="${INDEX_URL%/simple}/files/lib1-1.0-py3-none-any.whl" &&
	echo "lib1 @ $u --hash=sha256:$(sha wh/lib1-1.0-py3-none-any.whl)" >url.txt &&
	cvenv create -q --without-pip -p "$py" cv2 &&
	cvenv install -q --venv cv2 --cache-dir "$PWD/c-url2" -r url.txt &&
	direct_ref cv2 >cv2.ref && diff -u pip.ref cv2.ref &&
	echo "lib1 @ $u --hash=sha256:$(echo x | sha256sum | cut -d" " -f1)" >badh.txt &&
	expect_code 1 cvenv install --venv cv2 --cache-dir "$PWD/c-url2" -r badh.txt 2>err &&
	expect_grep "which no --hash of '\''lib1'\'' gives" err
'
test_expect_success 'a bare URL argument, its dependencies from the index' '
	index_load plain &&
	cvenv create -q --without-pip w3 &&
	cvenv install -q --venv w3 --cache-dir "$PWD/c-url" -i "$INDEX_URL" \
		"${INDEX_URL%/simple}/files/app-1.0-py3-none-any.whl" &&
	test -d w3/lib/python*/site-packages/lib6-1.0.dist-info &&
	grep -q "\"hash\": \"sha256=$(sha wh/app-1.0-py3-none-any.whl)\".*\"url\": \"${INDEX_URL%/simple}/files/app-1.0-py3-none-any.whl\"" \
		w3/lib/python*/site-packages/app-1.0.dist-info/direct_url.json
'
test_expect_success 'credentials in a direct URL: sent, never recorded or printed' '
	index_load plain &&
	u="${INDEX_URL%/simple}/files/lib1-1.0-py3-none-any.whl" &&
	cvenv create -q --without-pip w4 &&
	cvenv install -q --venv w4 --cache-dir "$PWD/c-pw" --no-index \
		"lib1 @ $(echo "$u" | sed "s|//|//bob:hunter2@|")" &&
	grep -q "auth=\"bob\"" "$INDEX_LOG" &&
	! grep -rq hunter2 w4 && cvenv freeze --venv w4 >frz && ! grep -q hunter2 frz &&
	grep -qx "lib1 @ $u#sha256=$(sha wh/lib1-1.0-py3-none-any.whl)" frz
'
test_expect_success 'a wrong hash: a clear error naming the URL, env untouched' '
	index_load plain &&
	u="${INDEX_URL%/simple}/files/lib1-1.0-py3-none-any.whl" &&
	bad=$(echo x | sha256sum | cut -d" " -f1) &&
	expect_code 1 cvenv_t install --venv v --cache-dir "$PWD/c-bad" \
		--no-index "lib1 @ $u#sha256=$bad" 2>err &&
	cat err &&
	expect_grep "cannot download '\''$u'\''" err && expect_grep "hash mismatch" err &&
	expect_grep "$bad" err &&
	! ls c-bad/wheel-files-v1/*/lib1* 2>/dev/null &&
	unchanged
'
# The guarantees of docs/security/index.md "Index client: network limits and direct URLs", attacked.
test_expect_success 'a direct URL is http or https only: ftp and others are refused' '
	expect_code 1 cvenv_t install --venv v --no-index "lib1 @ ftp://127.0.0.1/lib1-1.0-py3-none-any.whl" 2>err &&
	expect_grep "only http, https and file URLs" err &&
	unchanged
'
test_expect_success 'a direct URL that redirects to file:// or loops, or is too big: refused' '
	index_load fault &&
	for mode in tofile loop huge; do
		expect_code 1 cvenv_t install --venv v --cache-dir "$PWD/c-$mode" --no-index \
			"lib1 @ $FAULT_URL/$mode/files/lib1-1.0-py3-none-any.whl" 2>err &&
		cat err && expect_grep "$FAULT_URL/$mode/files/lib1-1.0-py3-none-any.whl" err &&
		unchanged || return 1
	done &&
	# two transfers (the range probe for METADATA, then the whole file),
	# each ended after 10 redirects
	grep -c "GET /loop/files/lib1-1.0-py3-none-any.whl 302" "$FAULT_LOG" >loops &&
	test "$(cat loops)" -le 22
'

test_expect_success 'a timeout that is not a number: a usage error' '
	expect_code 2 cvenv install --venv v --timeout soon app 2>err &&
	expect_grep "timeout" err
'

test_done
