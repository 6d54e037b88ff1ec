#!/bin/bash
# cvenv sync: an env made to match a pylock.toml (PEP 751) or pinned
# requirements exactly, in one transaction; every wheel checked against the
# lock's size and hashes (a tampered lock or wheel is refused, the env left
# untouched); what cvenv cannot honour (sdist, vcs) refused by name; the
# no-op; uninstall -r.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py12=$(python_for 3.12)
py11=$(python_for 3.11)
py9=$(python_for 3.9)
[ -z "$py12" ] || [ -z "$py11" ] || [ -z "$py9" ] && test_skip "no Python 3.9, 3.11 and 3.12"
SP=lib/python3.12/site-packages

test_expect_success 'setup: a wheelhouse and a lock written by hand' '
	mkdir house &&
	mkwheel house base 1.0 >/dev/null &&
	mkwheel house base 2.0 >/dev/null &&
	mkwheel house app 1.0 --console app=app:main --requires "base>=1.0" >/dev/null &&
	mkwheel house extra 1.0 >/dev/null &&
	mkwheel house winonly 1.0 >/dev/null &&
	{
		printf "lock-version = \"1.0\"\ncreated-by = \"hand\"\nrequires-python = \">=3.8\"\n" &&
		lock_pkg app 1.0 app-1.0-py3-none-any.whl &&
		lock_pkg base 2.0 base-2.0-py3-none-any.whl &&
		lock_pkg winonly 1.0 winonly-1.0-py3-none-any.whl &&
		echo "marker = \"sys_platform == '\''win32'\''\""
	} >pylock.toml &&
	printf "app==1.0\nbase==2.0\n" >expect
'

test_expect_success 'sync into fresh envs on three interpreters: freeze gives the same set' '
	for py in "$py12" "$py11" "$py9"; do
		rm -rf e && cvenv create --without-pip -p "$py" e &&
		cvenv sync --venv e pylock.toml &&
		cvenv freeze --venv e >got &&
		diff -u expect got || return 1
	done
'

test_expect_success 'the package whose marker is false is not installed' '
	! test -e e/lib/python3.9/site-packages/winonly-1.0.dist-info
'

test_expect_success '--dry-run prints the plan and changes nothing' '
	cvenv create --without-pip -p "$py12" a &&
	cvenv install --venv a house/base-1.0-py3-none-any.whl house/extra-1.0-py3-none-any.whl &&
	snap a >before &&
	cvenv sync --venv a --dry-run pylock.toml >plan &&
	printf "install app 1.0\nchange base 1.0 -> 2.0\nremove extra 1.0\n" >want &&
	diff -u want plan &&
	expect_unchanged before a
'

test_expect_success 'sync installs, changes and removes in one step' '
	cvenv sync --venv a pylock.toml &&
	cvenv freeze --venv a >got &&
	diff -u expect got &&
	test -x a/bin/app &&
	! test -e a/$SP/extra-1.0.dist-info &&
	! test -e a/$SP/base-1.0.dist-info
'

test_expect_success 'a sync of an env that matches changes nothing' '
	snap a >before &&
	cvenv sync --venv a -v pylock.toml 2>err &&
	expect_grep "nothing to do" err &&
	cvenv sync --venv a --dry-run pylock.toml >plan &&
	expect_grep "nothing to do: the environment matches" plan &&
	expect_unchanged before a
'

test_expect_success '--keep NAME and --inexact spare what the lock does not list' '
	cvenv install --venv a house/extra-1.0-py3-none-any.whl &&
	cvenv sync --venv a --keep Extra pylock.toml &&
	test -e a/$SP/extra-1.0.dist-info &&
	cvenv sync --venv a --inexact pylock.toml &&
	test -e a/$SP/extra-1.0.dist-info &&
	cvenv sync --venv a pylock.toml &&
	! test -e a/$SP/extra-1.0.dist-info
'

test_expect_success 'with no file, ./pylock.toml is synced' '
	cvenv install --venv a house/base-1.0-py3-none-any.whl &&
	(cd a/.. && cvenv sync --venv a) &&
	cvenv freeze --venv a >got && diff -u expect got
'

test_expect_success 'a tampered hash in the lock: refused, the env untouched' '
	cvenv install --venv a house/base-1.0-py3-none-any.whl house/extra-1.0-py3-none-any.whl &&
	snap a >before &&
	good=$(sha256sum house/base-2.0-py3-none-any.whl | cut -c1-64) &&
	bad=$(printf "%s" "$good" | sed "s/^./0/;t;s/^/0/") &&
	test "$bad" != "$good" || bad=$(printf "%s" "$good" | sed "s/^./1/") &&
	sed "s/$good/$bad/" pylock.toml >tampered.toml &&
	expect_code 1 cvenv sync --venv a tampered.toml 2>err &&
	expect_grep "wheel '\''base-2.0-py3-none-any.whl'\'' does not match the lock: its sha256 is $good, the lock says $bad" err &&
	expect_grep "never installs another" err &&
	expect_unchanged before a &&
	! ls a/.cvenv | grep -q sync-
'

test_expect_success 'a wheel replaced after locking, or a wrong size: refused, the env untouched' '
	snap a >before &&
	mkdir other && cp -r house other/ && (cd other && cp house/base-1.0-py3-none-any.whl house/base-2.0-py3-none-any.whl) &&
	cp pylock.toml other/ &&
	expect_code 1 cvenv sync --venv a other/pylock.toml 2>err &&
	expect_grep "is $(stat -c %s house/base-1.0-py3-none-any.whl) bytes, but the lock says" err &&
	size=$(stat -c %s house/base-2.0-py3-none-any.whl) &&
	sed "s/size = $size,/size = 1$size,/" pylock.toml >size.toml &&
	expect_code 1 cvenv sync --venv a size.toml 2>err &&
	expect_grep "but the lock says 1$size" err &&
	expect_unchanged before a
'

test_expect_success 'sdist-only and VCS packages are refused by name, the env untouched' '
	snap a >before &&
	{
		cat pylock.toml &&
		printf "\n[[packages]]\nname = \"srconly\"\nversion = \"1.0\"\n" &&
		printf "sdist = { url = \"https://example.org/srconly-1.0.tar.gz\", hashes = { sha256 = \"00\" } }\n"
	} >sdist.toml &&
	expect_code 1 cvenv sync --venv a sdist.toml 2>err &&
	expect_grep "cannot install '\''srconly'\'' from the lock: it has only an sdist source, and cvenv installs wheels only" err &&
	{
		cat pylock.toml &&
		printf "\n[[packages]]\nname = \"fromgit\"\nvcs = { type = \"git\", url = \"https://example.org/x.git\", commit-id = \"abc\" }\n"
	} >vcs.toml &&
	expect_code 1 cvenv sync --venv a vcs.toml 2>err &&
	expect_grep "it has only a vcs source" err &&
	expect_unchanged before a
'

test_expect_success 'an unknown lock-version and a wheel for another Python are refused' '
	snap a >before &&
	sed "s/lock-version = \"1.0\"/lock-version = \"2.0\"/" pylock.toml >v2.toml &&
	expect_code 1 cvenv sync --venv a v2.toml 2>err &&
	expect_grep "lock-version '\''2.0'\'' is not supported" err &&
	sed "s/>=3.8/<3.10/" pylock.toml >py.toml &&
	expect_code 1 cvenv sync --venv a py.toml 2>err &&
	expect_grep "the lock requires Python '\''<3.10'\''" err &&
	expect_unchanged before a
'

test_expect_success 'http wheels are downloaded, checked against the lock, and installed' '
	(python3 "$TEST_DIR/index_client_server.py" "$PWD" port srvlog & echo $! >pid) &&
	timeout 20 sh -c "while ! test -s port; do sleep 0.05; done" &&
	B="http://127.0.0.1:$(cat port)" &&
	sed "s|path = \"house/|url = \"$B/house/|" pylock.toml >http.toml &&
	cvenv create --without-pip -p "$py12" h &&
	cvenv sync --venv h --cache-dir hc http.toml &&
	cvenv freeze --venv h >got && diff -u expect got &&
	expect_grep "GET /house/base-2.0-py3-none-any.whl 200" srvlog
'
trap 'test -s "$TRASH/pid" && kill "$(cat "$TRASH/pid")" 2>/dev/null' EXIT

test_expect_success 'an http wheel that does not match the lock is refused, the env untouched' '
	B="http://127.0.0.1:$(cat port)" &&
	cvenv install --venv h house/base-1.0-py3-none-any.whl &&
	snap h >before &&
	good=$(sha256sum house/base-2.0-py3-none-any.whl | cut -c1-64) &&
	bad=$(sha256sum house/base-1.0-py3-none-any.whl | cut -c1-64) &&
	sed "s/$good/$bad/" http.toml >badhttp.toml &&
	expect_code 1 cvenv sync --venv h --cache-dir hc2 badhttp.toml 2>err &&
	expect_grep "base-2.0-py3-none-any.whl" err &&
	expect_unchanged before h
'

test_expect_success 'locks in the shapes pip lock writes ([[packages.wheels]], file:// URLs) sync too' '
	{
		printf "lock-version = \"1.0\"\ncreated-by = \"pip\"\n" &&
		for w in app-1.0 base-2.0; do
			printf "\n[[packages]]\nname = \"%s\"\nversion = \"%s\"\n\n[[packages.wheels]]\nname = \"%s-py3-none-any.whl\"\nurl = \"file://%s/house/%s-py3-none-any.whl\"\n\n[packages.wheels.hashes]\nsha256 = \"%s\"\n" \
				"${w%-*}" "${w#*-}" "$w" "$PWD" "$w" "$(sha256sum house/$w-py3-none-any.whl | cut -c1-64)"
		done
	} >pip.toml &&
	cvenv create --without-pip -p "$py11" p &&
	cvenv sync --venv p pip.toml &&
	cvenv freeze --venv p >got && diff -u expect got
'

test_expect_success 'requirements files sync as pip-sync: extras removed, pins honoured' '
	cvenv install --venv a house/extra-1.0-py3-none-any.whl house/base-1.0-py3-none-any.whl &&
	printf "app==1.0\nbase==2.0\n" >req.txt &&
	cvenv sync --venv a --dry-run -f house req.txt >plan &&
	expect_grep "remove extra 1.0" plan &&
	cvenv sync --venv a -f house req.txt &&
	cvenv freeze --venv a >got && diff -u expect got
'

test_expect_success 'uninstall -r FILE removes what the file names' '
	printf "app==1.0\n# comment\n" >un.txt &&
	cvenv uninstall --venv a -r un.txt &&
	cvenv freeze --venv a >got &&
	echo "base==2.0" >want && diff -u want got
'
test_done
