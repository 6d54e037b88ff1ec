#!/bin/bash
# The index client and its HTTP cache (core/index, os/http), driven through
# the hidden `cvenv debug-index` against index_client_server.py on 127.0.0.1: HTML
# and JSON pages, PEP 658 metadata, range requests, downloads checked
# against the index's hashes, revalidation and --offline, credentials,
# retries, and hostile responses (redirect to file://, endless bodies, wrong
# hashes, wrong Content-Type).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

test_require_cmd python3

sha() { sha256sum "$1" | cut -d" " -f1; }

test_expect_success 'setup: an index tree and its server' '
	mkdir -p srv/simple/demo srv/simple/other srv/files wh &&
	mkwheel wh demo 1.0 --requires "six>=1" >/dev/null &&
	mkwheel wh demo 2.0 --requires "six>=2" --requires-python ">=3.8" >/dev/null &&
	mkwheel wh other 1.0 >/dev/null &&
	cp wh/*.whl srv/files/ &&
	unzip -p wh/demo-2.0-py3-none-any.whl demo-2.0.dist-info/METADATA >srv/files/demo-2.0-py3-none-any.whl.metadata &&
	h1=$(sha wh/demo-1.0-py3-none-any.whl) && h2=$(sha wh/demo-2.0-py3-none-any.whl) &&
	hm=$(sha srv/files/demo-2.0-py3-none-any.whl.metadata) && ho=$(sha wh/other-1.0-py3-none-any.whl) &&
	cat >srv/simple/demo/index.html <<-HTML &&
	<html><body>
	<a href="../../files/demo-1.0-py3-none-any.whl#sha256=$h1">demo-1.0-py3-none-any.whl</a>
	<a href="../../files/demo-2.0-py3-none-any.whl#sha256=$h2" data-requires-python="&gt;=3.8"
	   data-core-metadata="sha256=$hm">demo-2.0-py3-none-any.whl</a>
	</body></html>
	HTML
	cat >srv/simple/demo/index.json <<-JSON &&
	{"meta": {"api-version": "1.1"}, "name": "demo", "files": [
	 {"filename": "demo-1.0-py3-none-any.whl", "url": "../../files/demo-1.0-py3-none-any.whl",
	  "hashes": {"sha256": "$h1"}, "yanked": "broken", "size": 1}]}
	JSON
	cat >srv/simple/other/index.html <<-HTML &&
	<a href="../../files/other-1.0-py3-none-any.whl#sha256=$ho">other-1.0-py3-none-any.whl</a>
	<a href="../../files/demo-1.0-py3-none-any.whl#sha256=$h2">demo-1.0-py3-none-any.whl</a>
	HTML
	(python3 "$TEST_DIR/index_client_server.py" "$PWD/srv" port log & echo $! >pid) &&
	timeout 20 sh -c "while ! test -s port; do sleep 0.05; done" &&
	echo "http://127.0.0.1:$(cat port)" >base
'
# the server goes when the file ends, whatever happens (test_done removes
# the scratch directory first, so the pid is kept here)
server_pid=$(cat pid 2>/dev/null)
trap 'test -n "$server_pid" && kill "$server_pid" 2>/dev/null' EXIT
B=$(cat base 2>/dev/null)

test_expect_success 'JSON is preferred through Accept; yanked and size come through' '
	cvenv debug-index --cache-dir c1 -i "$B/simple" demo >out &&
	expect_grep "demo-1.0-py3-none-any.whl $B/files/demo-1.0-py3-none-any.whl sha256:$(sha wh/demo-1.0-py3-none-any.whl) yanked=broken size=1" out &&
	test "$(grep -c whl out)" = 1
'

test_expect_success 'HTML page (no JSON form): hashes, requires-python, core metadata; unknown project is not found' '
	rm srv/simple/demo/index.json &&
	cvenv debug-index --cache-dir c1 -i "$B/simple" Demo nothing-here >out &&
	expect_grep "demo-2.0-py3-none-any.whl $B/files/demo-2.0-py3-none-any.whl sha256:$(sha wh/demo-2.0-py3-none-any.whl) requires-python=>=3.8 core-metadata" out &&
	expect_grep "project nothing-here not-found" out
'

test_expect_success 'PEP 658: METADATA from the .metadata file, hash-checked, no wheel fetched' '
	: >log &&
	cvenv debug-index --cache-dir c2 -i "$B/simple" demo --metadata demo-2.0-py3-none-any.whl >out &&
	expect_grep "Requires-Dist: six>=2" out &&
	expect_grep "GET /files/demo-2.0-py3-none-any.whl.metadata 200" log &&
	! grep -q "GET /files/demo-2.0-py3-none-any.whl " log
'

test_expect_success 'no .metadata: METADATA read with range requests, not the whole wheel' '
	: >log &&
	cvenv debug-index --cache-dir c3 -i "$B/simple" demo --metadata demo-1.0-py3-none-any.whl >out &&
	expect_grep "Requires-Dist: six>=1" out &&
	grep "GET /files/demo-1.0-py3-none-any.whl 206 range=bytes=-65536" log &&
	! grep "GET /files/demo-1.0-py3-none-any.whl 200" log
'

test_expect_success 'a server without range support: the whole wheel, kept for the download' '
	sed "s#\.\./\.\./files/#../../norange/files/#" srv/simple/demo/index.html >srv/simple/other/index.html &&
	: >log &&
	cvenv debug-index --cache-dir c4 -i "$B/simple" other --metadata demo-1.0-py3-none-any.whl \
		--download demo-1.0-py3-none-any.whl >out &&
	expect_grep "Requires-Dist: six>=1" out &&
	expect_grep "downloaded $PWD/c4/wheel-files-v1/$(sha wh/demo-1.0-py3-none-any.whl)/demo-1.0-py3-none-any.whl" out &&
	test "$(grep -c "GET /norange/files/demo-1.0-py3-none-any.whl 200" log)" -le 2
'

test_expect_success 'a tampered .metadata fails with the hash mismatch, naming the URL' '
	cp srv/files/demo-2.0-py3-none-any.whl.metadata md.keep &&
	echo "Requires-Dist: evil" >>srv/files/demo-2.0-py3-none-any.whl.metadata &&
	expect_code 1 cvenv debug-index --no-cache -i "$B/simple" demo --metadata demo-2.0-py3-none-any.whl >out 2>err;
	r=$?; mv md.keep srv/files/demo-2.0-py3-none-any.whl.metadata && test $r = 0 &&
	expect_grep "cvenv: error: cannot get the metadata of '"'"'$B/files/demo-2.0-py3-none-any.whl'"'"': hash mismatch" err &&
	! grep -q evil out
'

test_expect_success 'a download whose hash differs from the index fails and leaves nothing in the cache' '
	cp wh/other-1.0-py3-none-any.whl srv/files/demo-1.0-py3-none-any.whl &&
	expect_code 1 cvenv debug-index --cache-dir c5 -i "$B/simple" demo --download demo-1.0-py3-none-any.whl 2>err;
	r=$?; cp wh/demo-1.0-py3-none-any.whl srv/files/ && test $r = 0 &&
	expect_grep "hash mismatch" err &&
	test -z "$(find c5/wheel-files-v1 -type f 2>/dev/null)"
'

test_expect_success 'a wheel whose dependencies differ from the .metadata it was chosen by is refused' '
	mkdir -p srv/simple/liar srv/liar &&
	cp wh/demo-2.0-py3-none-any.whl srv/liar/ &&
	sed "s/six>=2/six>=3/" srv/files/demo-2.0-py3-none-any.whl.metadata >srv/liar/demo-2.0-py3-none-any.whl.metadata &&
	printf "<a href=\"../../liar/demo-2.0-py3-none-any.whl#sha256=%s\" data-core-metadata=\"sha256=%s\">x</a>\n" \
		"$(sha wh/demo-2.0-py3-none-any.whl)" "$(sha srv/liar/demo-2.0-py3-none-any.whl.metadata)" >srv/simple/liar/index.html &&
	expect_code 1 cvenv debug-index --no-cache -i "$B/simple" liar --metadata demo-2.0-py3-none-any.whl \
		--download demo-2.0-py3-none-any.whl >out 2>err &&
	expect_grep "Requires-Dist: six>=3" out &&
	expect_grep "cvenv: error: the wheel '"'"'$B/liar/demo-2.0-py3-none-any.whl'"'"' declares other dependencies (Requires-Dist) than the metadata the index served for it" err &&
	sed "s/six>=3/six>=2/" srv/liar/demo-2.0-py3-none-any.whl.metadata >m && mv m srv/liar/demo-2.0-py3-none-any.whl.metadata &&
	printf "<a href=\"../../liar/demo-2.0-py3-none-any.whl\" data-core-metadata=\"true\">x</a>\n" >srv/simple/liar/index.html &&
	cvenv debug-index --no-cache -i "$B/simple" liar --metadata demo-2.0-py3-none-any.whl \
		--download demo-2.0-py3-none-any.whl >out
'

test_expect_success 'the cache: revalidated with If-None-Match (304); --offline needs no server and names a missing project' '
	cvenv debug-index --cache-dir c6 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >first &&
	: >log &&
	cvenv debug-index --cache-dir c6 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >second &&
	expect_grep "GET /simple/demo/ 304" log &&
	! grep -q "/files/" log &&
	cmp first second &&
	: >log &&
	cvenv debug-index --offline --cache-dir c6 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >third &&
	cmp first third && test ! -s log &&
	expect_code 1 cvenv debug-index --offline --cache-dir c6 -i "$B/simple" other 2>err &&
	expect_grep "the project '"'"'other'"'"' is not in the cache (--offline)" err
'

test_expect_success 'Cache-Control max-age: a fresh page is used without asking; --refresh revalidates it' '
	cvenv debug-index --cache-dir c7 -i "$B/fresh/simple" demo >first &&
	: >log &&
	cvenv debug-index --cache-dir c7 -i "$B/fresh/simple" demo >second &&
	test ! -s log && cmp first second &&
	cvenv debug-index --refresh --cache-dir c7 -i "$B/fresh/simple" demo >third &&
	expect_grep "GET /fresh/simple/demo/ 304" log &&
	cmp first third
'

test_expect_success 'runs sharing a cold cache at once: all succeed, one whole entry each' '
	for i in 1 2 3 4; do
		(cvenv debug-index --cache-dir cc -i "$B/simple" demo --metadata demo-1.0-py3-none-any.whl \
			--download demo-1.0-py3-none-any.whl >par$i 2>&1; echo $? >rc$i) &
	done; wait &&
	for i in 1 2 3 4; do test "$(cat rc$i)" = 0 && cmp par1 par$i || return 1; done &&
	test "$(find cc/wheel-files-v1 -type f ! -name ".*.checked" | wc -l)" = 1 &&
	test "$(find cc/http-v1 -type f ! -name "*.files" | wc -l)" = 2 &&
	test "$(find cc/http-v1 -type f -name "*.files" | wc -l)" = 1 &&
	cmp wh/demo-1.0-py3-none-any.whl cc/wheel-files-v1/*/demo-1.0-py3-none-any.whl
'

test_expect_success 'a download temp file a day old is swept, a fresh one is left' '
	mkdir -p c8/wheel-files-v1 &&
	echo dead >c8/wheel-files-v1/.tmp-0123456789abcdef &&
	touch -d "2 days ago" c8/wheel-files-v1/.tmp-0123456789abcdef &&
	echo live >c8/wheel-files-v1/.tmp-fedcba9876543210 &&
	cvenv debug-index --cache-dir c8 -i "$B/simple" demo --download demo-1.0-py3-none-any.whl >out &&
	! test -e c8/wheel-files-v1/.tmp-0123456789abcdef &&
	test -e c8/wheel-files-v1/.tmp-fedcba9876543210
'

test_expect_success 'a torn or altered cache entry is ignored with a warning and fetched again' '
	f=$(find c6/http-v1/pages -type f ! -name "*.files" | head -1) &&
	printf x >>"$f" &&
	cvenv debug-index --cache-dir c6 -i "$B/simple" demo >out 2>err &&
	expect_grep "ignoring the HTTP cache entry" err &&
	expect_grep "demo-2.0-py3-none-any.whl" out
'

test_expect_success 'a page revalidated (304) without max-age is not rewritten' '
	f=$(find c6/http-v1/pages -type f ! -name "*.files" | head -1) &&
	before=$(stat -c %i.%Y "$f") &&
	: >log &&
	cvenv debug-index --cache-dir c6 -i "$B/simple" demo >out &&
	expect_grep "GET /simple/demo/ 304" log &&
	test "$(stat -c %i.%Y "$f")" = "$before"
'

# The compact form of a parsed page (<page entry>.files) is read instead of
# parsing the page again, only while it was made from the page's very body.
test_expect_success 'the compact form of a page is read again, not rewritten' '
	f=$(find c6/http-v1/pages -name "*.files") &&
	test "$(echo "$f" | wc -l)" = 1 && test -f "$f" &&
	before=$(stat -c %i.%Y "$f") &&
	cvenv debug-index --cache-dir c6 -i "$B/simple" demo >out &&
	expect_grep "demo-2.0-py3-none-any.whl" out &&
	test "$(stat -c %i.%Y "$f")" = "$before"
'

test_expect_success 'a compact form made from another page body is not used (and is made again)' '
	f=$(find c6/http-v1/pages -name "*.files") &&
	sed "1,/^\$/d" "$f" >body &&
	sed -i "s/^source 64:.*/source 64:$(printf %064d 0)/; s/demo-2\.0-py3/demo-9.9-py3/g" body &&
	grep -q demo-9.9-py3 body &&
	{ sed -n "1,/^\$/p" "$f" | sed "s/^body-sha256 .*/body-sha256 $(sha256sum <body | cut -c1-64)/" &&
	  cat body; } >forged &&
	mv forged "$f" &&
	cvenv debug-index --cache-dir c6 -i "$B/simple" demo >out 2>err &&
	! grep -q "ignoring" err &&
	expect_grep "demo-2.0-py3-none-any.whl" out &&
	! grep -q "demo-9.9" out &&
	! grep -q "demo-9.9" "$f"
'

# The wheel store's check stamps: a stored wheel is hashed once, then
# trusted while its identity (inode, size, mtime, ctime) is unchanged.
stored() { echo "c9/wheel-files-v1/$(sha wh/demo-2.0-py3-none-any.whl)/demo-2.0-py3-none-any.whl"; }

test_expect_success 'a stored wheel is hashed when stored, then trusted by its stamp' '
	cvenv -v debug-index --cache-dir c9 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >first 2>err &&
	expect_grep " 1 wheels hashed" err &&
	test -f "$(dirname "$(stored)")/.demo-2.0-py3-none-any.whl.checked" &&
	cvenv -v debug-index --cache-dir c9 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >second 2>err &&
	expect_grep " 0 wheels hashed" err &&
	cmp first second
'

test_expect_success 'a stored wheel altered in place (same size, mtime put back) is hashed again and fetched again' '
	w=$(stored) && touch -r "$w" ref &&
	size=$(wc -c <"$w") &&
	printf X | dd of="$w" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null &&
	touch -r ref "$w" && test "$(wc -c <"$w")" = "$size" &&
	cvenv -v debug-index --cache-dir c9 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >third 2>err &&
	expect_grep "removing the cached wheel" err &&
	expect_grep "hash mismatch" err &&
	cmp first third &&
	test "$(sha "$w")" = "$(sha wh/demo-2.0-py3-none-any.whl)"
'

test_expect_success 'a malformed stamp is ignored: the wheel is hashed again' '
	w=$(stored) &&
	printf "cvenv-wheel-checked-v1\nid 1 2 3\n" >"$(dirname "$w")/.demo-2.0-py3-none-any.whl.checked" &&
	cvenv -v debug-index --cache-dir c9 -i "$B/simple" demo --download demo-2.0-py3-none-any.whl >fourth 2>err &&
	expect_grep " 1 wheels hashed" err &&
	! grep -q warning err &&
	cmp first fourth
'

test_expect_success 'a wheel stamped as agreeing with its metadata is refused when the cached metadata differs' '
	h=$(sha wh/demo-2.0-py3-none-any.whl) &&
	printf "<a href=\"../../liar/demo-2.0-py3-none-any.whl#sha256=%s\" data-core-metadata=\"true\">x</a>\n" \
		"$h" >srv/simple/liar/index.html &&
	cp srv/files/demo-2.0-py3-none-any.whl.metadata srv/liar/demo-2.0-py3-none-any.whl.metadata &&
	cvenv debug-index --cache-dir c10 -i "$B/simple" liar --metadata demo-2.0-py3-none-any.whl \
		--download demo-2.0-py3-none-any.whl >out &&
	expect_grep "requires-dist " c10/wheel-files-v1/$h/.demo-2.0-py3-none-any.whl.checked &&
	# the metadata cache entry of another run that was served a lie
	sed "s/six>=2/six>=3/" srv/files/demo-2.0-py3-none-any.whl.metadata >srv/liar/demo-2.0-py3-none-any.whl.metadata &&
	cvenv debug-index --cache-dir c11 -i "$B/simple" liar --metadata demo-2.0-py3-none-any.whl >out &&
	cp c11/http-v1/metadata/$h.entry c10/http-v1/metadata/$h.entry &&
	expect_code 1 cvenv debug-index --cache-dir c10 -i "$B/simple" liar --metadata demo-2.0-py3-none-any.whl \
		--download demo-2.0-py3-none-any.whl >out 2>err &&
	expect_grep "Requires-Dist: six>=3" out &&
	expect_grep "declares other dependencies" err
'

test_expect_success 'credentials: sent on the first request, from the URL or the netrc file, never printed' '
	: >log &&
	cvenv debug-index --no-cache -i "http://user:secret@127.0.0.1:$(cat port)/private/simple" demo >out &&
	! grep -q "401" log &&
	expect_grep "GET /private/simple/demo/ 200 range=- auth=yes" log &&
	! grep -q secret out &&
	printf "machine 127.0.0.1 login user password secret\n" >netrc &&
	NETRC=$PWD/netrc cvenv debug-index --no-cache -i "$B/private/simple" demo >out &&
	expect_code 1 cvenv debug-index --no-cache -i "http://user:wrong@127.0.0.1:$(cat port)/private/simple" demo 2>err &&
	expect_grep "cvenv: error: cannot fetch the index page '"'"'http://user:****@127.0.0.1:$(cat port)/private/simple/demo/'"'"': HTTP status 401" err &&
	! grep -q wrong err
'

test_expect_success 'files an index links absolutely on its own host get its credentials' '
	mkdir -p srv/simple/abs &&
	printf "<a href=\"http://127.0.0.1:%s/private/files/demo-1.0-py3-none-any.whl\">x</a>\n" "$(cat port)" >srv/simple/abs/index.html &&
	: >log &&
	cvenv debug-index --no-cache -i "http://user:secret@127.0.0.1:$(cat port)/private/simple" abs \
		--download demo-1.0-py3-none-any.whl >out &&
	expect_grep "http://user:****@127.0.0.1:$(cat port)/private/files/demo-1.0-py3-none-any.whl" out &&
	expect_grep "GET /private/files/demo-1.0-py3-none-any.whl 200 range=- auth=yes" log
'

test_expect_success 'credentials are not sent to another host a redirect names' '
	: >log &&
	expect_code 1 cvenv debug-index --no-cache -i "http://user:secret@127.0.0.1:$(cat port)/redirect-host/simple" demo 2>err &&
	expect_grep "/private/simple/demo/ 401 range=- auth=no" log
'

test_expect_success 'retries: a 503 with Retry-After is retried and then succeeds' '
	: >log &&
	cvenv debug-index --no-cache -i "$B/flaky/simple" demo >out &&
	expect_grep "GET /flaky/simple/demo/ 503" log &&
	expect_grep "GET /flaky/simple/demo/ 200" log
'

test_expect_success 'a server that stays down: retried with backoff, then one message naming the URL' '
	: >log &&
	expect_code 1 cvenv debug-index --no-cache -i "$B/down/simple" demo 2>err &&
	test "$(grep -c "GET /down/simple/demo/ 503" log)" = 4 &&
	expect_grep "cvenv: error: cannot fetch the index page '"'"'$B/down/simple/demo/'"'"': HTTP status 503 (after 4 attempts)" err &&
	test "$(wc -l <err)" = 1
'

test_expect_success 'hostile responses: redirect to file://, an endless page, a wrong Content-Type' '
	expect_code 1 cvenv debug-index --no-cache -i "$B/redirect-file/simple" demo 2>err &&
	expect_grep "cannot fetch the index page '"'"'$B/redirect-file/simple/demo/'"'"'" err &&
	! grep -q root: err &&
	expect_code 1 timeout 60 "$CVENV_BIN" debug-index --no-cache -i "$B/huge/simple" demo 2>err &&
	expect_grep "larger than" err &&
	expect_code 1 cvenv debug-index --no-cache -i "$B/textplain/simple" demo 2>err &&
	expect_grep "unexpected Content-Type '"'"'text/plain'"'"'" err
'

test_expect_success 'a progress line only on a terminal, and not with -q' '
	cvenv debug-index --no-cache -i "$B/simple" demo >out 2>err &&
	test ! -s err &&
	if command -v script >/dev/null; then
		timeout 60 script -qec "$CVENV_BIN debug-index --no-cache -i $B/simple demo" /dev/null >tty &&
		grep -q "requests, 0 from the cache" tty &&
		timeout 60 script -qec "$CVENV_BIN -q debug-index --no-cache -i $B/simple demo" /dev/null >tty &&
		! grep -q "requests," tty
	fi
'

test_expect_success 'proxies come from http_proxy (and no_proxy exempts)' '
	: >log &&
	http_proxy=http://127.0.0.1:$(cat port) no_proxy= NO_PROXY= \
		cvenv debug-index --no-cache -i http://index.invalid/simple demo >out &&
	expect_grep "PROXY http://index.invalid/simple/demo/" log &&
	expect_grep "demo-2.0-py3-none-any.whl http://index.invalid/files/" out &&
	http_proxy=http://127.0.0.1:1 no_proxy=127.0.0.1 cvenv debug-index --no-cache -i "$B/simple" demo >out
'

test_lazy_prereq OPENSSL 'command -v openssl'

test_expect_success OPENSSL 'TLS: a self-signed server is refused, then trusted through --cert, PIP_CERT, SSL_CERT_FILE and SSL_CERT_DIR' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null &&
	cat key.pem cert.pem >both.pem &&
	(python3 "$TEST_DIR/index_client_server.py" "$PWD/srv" tport tlog both.pem & echo $! >tpid) &&
	timeout 20 sh -c "while ! test -s tport; do sleep 0.05; done" &&
	T=https://127.0.0.1:$(cat tport) &&
	SSL_CERT_FILE= SSL_CERT_DIR= PIP_CERT= expect_code 1 cvenv debug-index --no-cache -i "$T/simple" demo 2>err &&
	expect_grep "cannot fetch the index page '"'"'$T/simple/demo/'"'"'" err &&
	grep -qi "certificate" err &&
	cvenv debug-index --no-cache --cert cert.pem -i "$T/simple" demo >out &&
	expect_grep demo-2.0-py3-none-any.whl out &&
	PIP_CERT=$PWD/cert.pem cvenv debug-index --no-cache -i "$T/simple" demo >out &&
	SSL_CERT_FILE=$PWD/cert.pem cvenv debug-index --no-cache -i "$T/simple" demo >out &&
	mkdir cadir && cp cert.pem cadir/ && openssl rehash cadir 2>/dev/null &&
	SSL_CERT_DIR=$PWD/cadir cvenv debug-index --no-cache -i "$T/simple" demo >out;
	r=$?; kill "$(cat tpid)"; test $r = 0
'

test_expect_success OPENSSL 'TLS: a server that requires a client certificate gets the one --client-cert names' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=client \
		-keyout ckey.pem -out ccert.pem 2>/dev/null &&
	cat ckey.pem ccert.pem >client.pem &&
	(python3 "$TEST_DIR/index_client_server.py" "$PWD/srv" cport clog both.pem ccert.pem & echo $! >cpid) &&
	timeout 20 sh -c "while ! test -s cport; do sleep 0.05; done" &&
	T=https://127.0.0.1:$(cat cport) &&
	expect_code 1 cvenv debug-index --no-cache --cert cert.pem -i "$T/simple" demo 2>err &&
	cvenv debug-index --no-cache --cert cert.pem --client-cert client.pem -i "$T/simple" demo >out;
	r=$?; kill "$(cat cpid)"; test $r = 0 &&
	expect_grep demo-2.0-py3-none-any.whl out
'

test_expect_success 'find-links: a directory and a file:// index' '
	cvenv debug-index --no-index -f wh demo >out &&
	expect_grep "demo-1.0-py3-none-any.whl file://$PWD/wh/demo-1.0-py3-none-any.whl" out &&
	! grep -q other- out &&
	cvenv debug-index --no-cache -i "file://$PWD/srv/simple" demo --download demo-1.0-py3-none-any.whl >out &&
	expect_grep "downloaded $PWD/srv/files/demo-1.0-py3-none-any.whl" out
'

test_done
