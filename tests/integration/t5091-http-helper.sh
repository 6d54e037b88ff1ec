#!/bin/bash
# The HTTP helper (cvenv-http, os/httpclient.c): cvenv itself does not link
# libcurl, its helper does; the helper is started only when a request is
# made (a run served from the cache never starts it); a helper that dies or
# breaks the protocol is one clear error naming the URL, the env untouched.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

HELPER=$(dirname "$CVENV_BIN")/cvenv-http
# the default build has the helper; LINK=static runs libcurl in cvenv
test_lazy_prereq HELPER 'test -x "$(dirname "$CVENV_BIN")/cvenv-http"'
export CVENV_HTTP_TIMEOUT=10 CVENV_HTTP_RETRIES=1

test_expect_success HELPER,READELF 'cvenv has no libcurl NEEDED entry; its helper has' '
	readelf -d "$CVENV_BIN" >dyn &&
	grep "NEEDED.*libnettle" dyn &&
	! grep -i "NEEDED.*libcurl" dyn &&
	readelf -d "$HELPER" >hdyn &&
	grep "NEEDED.*libcurl" hdyn
'

test_expect_success HELPER 'the helper refuses to run by hand' '
	expect_code 2 "$HELPER" </dev/null 2>err &&
	expect_grep "not started by cvenv" err
'

test_expect_success HELPER 'setup: an index, an env, a helper that logs its runs' '
	mkdir wh &&
	mkwheel wh app 1.0 --requires "lib>=1" >/dev/null &&
	mkwheel wh lib 1.0 >/dev/null &&
	index_tree wh idx >/dev/null &&
	fault_start fault "$PWD/idx" &&
	cvenv create -q --without-pip v &&
	snap v >before &&
	printf "#!/bin/sh\\necho \$\$ >>\"%s/runs\"\\nexec \"%s\" \"\$@\"\\n" "$PWD" "$HELPER" >helper &&
	chmod +x helper
'

test_expect_success HELPER 'an index install starts the helper once; cached runs never start it' '
	index_load fault &&
	CVENV_HTTP_HELPER=$PWD/helper cvenv install --venv v --cache-dir "$PWD/c" \
		-i "$FAULT_URL/ok/simple" app &&
	test -d v/lib/python*/site-packages/lib-1.0.dist-info &&
	test "$(wc -l <runs)" = 1 &&
	rm runs &&
	cvenv create -q --without-pip w &&
	CVENV_HTTP_HELPER=$PWD/helper cvenv install --venv w --cache-dir "$PWD/c" --offline \
		-i "$FAULT_URL/ok/simple" app &&
	test -d w/lib/python*/site-packages/app-1.0.dist-info &&
	CVENV_HTTP_HELPER=$PWD/helper cvenv install --venv w --cache-dir "$PWD/c" --offline \
		--dry-run -i "$FAULT_URL/ok/simple" app lib &&
	CVENV_HTTP_HELPER=$PWD/helper cvenv install -q --venv w wh/lib-1.0-py3-none-any.whl &&
	CVENV_HTTP_HELPER=$PWD/helper cvenv freeze --venv w >/dev/null &&
	test ! -e runs &&
	cvenv uninstall -q --venv v app lib && expect_unchanged before v
'

# libzip calls mktime for every zip member, and glibc's mktime stats
# /etc/localtime each time while TZ is unset: an index install sets TZ to
# what an unset TZ means for its own process (os_tz_pin), and the programs
# it starts meanwhile (the helper, interpreters) get the user's environment.
test_expect_success HELPER 'the helper gets the environment without the TZ cvenv pins; a user TZ is kept' '
	index_load fault &&
	printf "#!/bin/sh\\nenv >\"%s/helper.env\"\\nexec \"%s\" \"\$@\"\\n" "$PWD" "$HELPER" >envhelper &&
	chmod +x envhelper &&
	cvenv create -q --without-pip tz1 &&
	(unset TZ; CVENV_HTTP_HELPER=$PWD/envhelper cvenv install -q --venv tz1 \
		--cache-dir "$PWD/ctz1" -i "$FAULT_URL/ok/simple" app) &&
	grep -q "^CVENV_HTTP_HELPER=" helper.env && ! grep -q "^TZ=" helper.env &&
	cvenv create -q --without-pip tz2 &&
	TZ=Europe/Paris CVENV_HTTP_HELPER=$PWD/envhelper cvenv install -q --venv tz2 \
		--cache-dir "$PWD/ctz2" -i "$FAULT_URL/ok/simple" app &&
	grep -qx "TZ=Europe/Paris" helper.env
'

test_expect_success HELPER,STRACE 'a cold index install of a 300-member wheel stats /etc/localtime a few times, not per member' '
	index_load fault &&
	set -- && i=0 &&
	while [ $i -lt 300 ]; do set -- "$@" --file "big/m$i.py=x = $i" && i=$((i + 1)); done &&
	mkdir many && mkwheel many big 1.0 "$@" >/dev/null &&
	index_tree many idxmany >/dev/null &&
	cvenv create -q --without-pip tz3 &&
	# LeakSanitizer cannot run under ptrace: off for this one traced run
	(unset TZ; ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=stat,newfstatat,statx -o trace.tz \
		"$CVENV_BIN" install -q --venv tz3 --cache-dir "$PWD/ctz3" \
		--index-url "file://$PWD/idxmany/simple" big) &&
	test -d tz3/lib/python*/site-packages/big-1.0.dist-info &&
	n=$(grep -c "/etc/localtime" trace.tz || :) &&
	echo "$n stats of /etc/localtime" &&
	test "$n" -lt 20
'

test_expect_success HELPER 'a helper killed in the middle of a transfer: an error naming the URL, the env untouched' '
	index_load fault &&
	rm -f runs &&
	{ (CVENV_HTTP_HELPER=$PWD/helper cvenv install --venv v --cache-dir "$PWD/c2" \
		-i "$FAULT_URL/slow/simple" app 2>err; echo $? >rc) & } &&
	timeout 20 sh -c "until grep -q \"GET /slow/simple/app/\" \"$FAULT_LOG\" && test -s runs; do sleep 0.05; done" &&
	kill -9 "$(cat runs)" &&
	timeout 20 sh -c "until test -s rc; do sleep 0.05; done" &&
	cat err &&
	test "$(cat rc)" = 1 &&
	expect_grep "cvenv: error:" err &&
	expect_grep "$FAULT_URL/slow/simple/app/" err &&
	expect_grep "the HTTP helper died (it was killed by signal 9)" err &&
	expect_unchanged before v
'

test_expect_success HELPER 'Ctrl-C in the middle of a transfer stops it at once: exit 130, the env untouched' '
	index_load fault &&
	rm -f cvpid rc && : >"$FAULT_LOG" &&
	{ (sh -c "echo \$\$ >cvpid; exec \"\$0\" \"\$@\"" "$CVENV_BIN" install --venv v \
		--cache-dir "$PWD/c7" -i "$FAULT_URL/slow/simple" app 2>err; echo $? >rc) & } &&
	timeout 20 sh -c "until grep -q \"GET /slow/simple/app/\" \"$FAULT_LOG\" && test -s cvpid; do sleep 0.05; done" &&
	kill -INT "$(cat cvpid)" &&
	# before the helper, the transfer ran on to its timeout (20 s here)
	timeout 8 sh -c "until test -s rc; do sleep 0.05; done" &&
	cat err &&
	test "$(cat rc)" = 130 &&
	expect_grep "$FAULT_URL/slow/simple/app/" err &&
	expect_grep "interrupted" err &&
	expect_unchanged before v
'

test_expect_success HELPER 'cvenv killed (kill -9) in the middle of a transfer: the helper goes too' '
	index_load fault &&
	rm -f cvpid runs rc && : >"$FAULT_LOG" &&
	{ (CVENV_HTTP_HELPER=$PWD/helper sh -c "echo \$\$ >cvpid; exec \"\$0\" \"\$@\"" "$CVENV_BIN" \
		install --venv v --cache-dir "$PWD/c8" -i "$FAULT_URL/slow/simple" app 2>err; echo $? >rc) & } &&
	timeout 20 sh -c "until grep -q \"GET /slow/simple/app/\" \"$FAULT_LOG\" && test -s runs && test -s cvpid; do sleep 0.05; done" &&
	helper=$(cat runs) && kill -9 "$(cat cvpid)" &&
	timeout 10 sh -c "until test -s rc; do sleep 0.05; done" &&
	# gone, or a zombie (its new parent, init in a container, may never reap it)
	timeout 10 sh -c "until ! test -d /proc/$helper || grep -q \"^$helper (.*) Z\" /proc/$helper/stat; do sleep 0.05; done" &&
	expect_unchanged before v
'

test_expect_success HELPER 'a helper that breaks the protocol: an error naming the URL, the env untouched' '
	index_load fault &&
	cat >bad-helper <<-\PY &&
	#!/usr/bin/python3
	import socket
	s = socket.socket(fileno=3)
	s.recv(65536)  # the options
	s.recv(65536)  # the first request
	s.send(b"\1\0\0\0\0\0\0\0garbage")
	s.recv(65536)  # until cvenv closes
	PY
	chmod +x bad-helper &&
	CVENV_HTTP_HELPER=$PWD/bad-helper expect_code 1 cvenv install --venv v \
		--cache-dir "$PWD/c3" -i "$FAULT_URL/ok/simple" app 2>err &&
	expect_grep "cvenv: error:" err &&
	expect_grep "$FAULT_URL/ok/simple/app/" err &&
	expect_grep "the HTTP helper sent a malformed message" err &&
	expect_unchanged before v
'

test_expect_success HELPER 'a helper that cannot start: an error naming it and the URL' '
	index_load fault &&
	CVENV_HTTP_HELPER=$PWD/no-such-helper expect_code 1 cvenv install --venv v \
		--cache-dir "$PWD/c4" -i "$FAULT_URL/ok/simple" app 2>err &&
	expect_grep "cvenv: error:" err &&
	expect_grep "$FAULT_URL/ok/simple/app/" err &&
	grep "cannot start the HTTP helper .*no-such-helper.*No such file" err &&
	expect_unchanged before v
'

test_expect_success HELPER 'installed layout: cvenv finds <prefix>/libexec/cvenv/cvenv-http' '
	index_load fault &&
	mkdir -p pfx/bin pfx/libexec/cvenv alone &&
	cp "$CVENV_BIN" pfx/bin/cvenv && cp "$HELPER" pfx/libexec/cvenv/cvenv-http &&
	cp "$CVENV_BIN" alone/cvenv &&
	pfx/bin/cvenv install --venv v --cache-dir "$PWD/c5" --dry-run -i "$FAULT_URL/ok/simple" app >out &&
	expect_grep "Would install app 1.0" out &&
	expect_code 1 alone/cvenv install --venv v --cache-dir "$PWD/c6" --dry-run \
		-i "$FAULT_URL/ok/simple" app 2>err &&
	grep "cannot start the HTTP helper .*alone/../libexec/cvenv/cvenv-http" err
'

test_done
