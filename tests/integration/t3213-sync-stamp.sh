#!/bin/bash
# The no-op sync's stamp (<env>/.cvenv/synced): a sync that finds nothing to
# do, in an env whose site-packages is not freshly changed, records what it
# depended on; the next sync with the same lock, options and env says so
# without parsing the lock. Every way the env or the lock can change since
# must bring back the full sync, and the stamp, being part of the env
# (untrusted), is never followed out of it nor able to make a sync change
# anything.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages

# settled: syncs until one writes the stamp (it waits until site-packages
# was last changed more than two seconds before); bounded
settled() {
	rm -f e/.cvenv/synced
	local n=0
	until test -f e/.cvenv/synced; do
		cvenv sync -q --venv e pylock.toml || return 1
		n=$((n + 1))
		[ "$n" -lt 100 ] || { echo "no stamp after $n syncs"; return 1; }
		sleep 0.2
	done
}

test_expect_success 'setup: a lock of two wheels, synced' '
	mkdir house &&
	mkwheel house base 1.0 >/dev/null &&
	mkwheel house app 1.0 >/dev/null &&
	{
		printf "lock-version = \"1.0\"\ncreated-by = \"hand\"\n" &&
		lock_pkg app 1.0 app-1.0-py3-none-any.whl &&
		lock_pkg base 1.0 base-1.0-py3-none-any.whl
	} >pylock.toml &&
	cvenv create --without-pip -p "$py" e &&
	cvenv sync -q --venv e pylock.toml &&
	test -d e/$SP/app-1.0.dist-info
'

test_expect_success 'a sync right after a change writes no stamp (the change may be within the same tick)' '
	cvenv sync -q --venv e pylock.toml &&
	cvenv uninstall -q --venv e base &&
	cvenv sync -q --venv e pylock.toml &&
	test -d e/$SP/base-1.0.dist-info &&
	cvenv sync -q --venv e pylock.toml &&
	! test -e e/.cvenv/synced
'

test_expect_success 'once site-packages has settled, a no-op sync stamps, and the next one uses it' '
	settled &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	expect_grep "(unchanged since the last sync)" err
'

test_expect_success 'a distribution removed behind cvenv'\''s back (as pip uninstall does) is put back' '
	settled &&
	rm -rf e/$SP/base-1.0.dist-info &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	! grep -q "unchanged since" err &&
	test -d e/$SP/base-1.0.dist-info
'

test_expect_success 'even with site-packages'\'' mtime set back to the stamped one (its ctime moved)' '
	settled &&
	old=$(stat -c %Y e/$SP) &&
	rm -rf e/$SP/app-1.0.dist-info &&
	touch -m -d "@$old" e/$SP &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	! grep -q "unchanged since" err &&
	test -d e/$SP/app-1.0.dist-info
'

test_expect_success 'another lock, or other options, are synced the long way' '
	settled &&
	echo "# edited" >>pylock.toml &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	! grep -q "unchanged since" err &&
	settled &&
	cvenv sync -v --venv e --inexact pylock.toml 2>err &&
	! grep -q "unchanged since" err &&
	cvenv sync -v --venv e --keep pip pylock.toml 2>err &&
	! grep -q "unchanged since" err
'

test_expect_success 'an extra distribution installed since is removed (the stamp does not hide it)' '
	settled &&
	mkwheel house stray 1.0 >/dev/null &&
	cvenv install -q --venv e house/stray-1.0-py3-none-any.whl &&
	cvenv sync -q --venv e pylock.toml &&
	! test -e e/$SP/stray-1.0.dist-info
'

test_expect_success 'a forged stamp is ignored, a stamp link is neither followed nor written through' '
	settled &&
	printf "garbage\n" >e/.cvenv/synced &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	! grep -q "unchanged since" err &&
	settled &&
	cp e/.cvenv/synced good &&
	echo outside >outside &&
	rm e/.cvenv/synced && ln -s "$PWD/good" e/.cvenv/synced &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	! grep -q "unchanged since" err &&
	test "$(cat outside)" = outside &&
	ln -sf "$PWD/outside" e/.cvenv/synced &&
	cvenv sync -q --venv e pylock.toml &&
	test "$(cat outside)" = outside
'

test_expect_success 'a stamp from another interpreter file does not match' '
	settled &&
	sed -i "s/^python \([0-9]*\) \([0-9]*\)/python \1 1\2/" e/.cvenv/synced &&
	cvenv sync -v --venv e pylock.toml 2>err &&
	! grep -q "unchanged since" err
'

test_done
