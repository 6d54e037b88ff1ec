#!/bin/bash
# A full disk and read-only directories during create (issue 10): a clear
# error naming the place, nothing left behind (no DIR, no build directory, no
# .cvenv), and an existing env exactly as it was. The full disk is a small
# tmpfs, the read-only places read-only tmpfs mounts (root ignores the mode
# bits): the file is skipped where mounting is not permitted.
. "$(dirname "$0")/lib.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
pipwhl=$(ls "$(dirname "$(dirname "$PY")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1)
[ -z "$pipwhl" ] && test_skip "no bundled pip wheel for 3.12"
if [ -z "$skip_reason" ]; then
	mkdir -p "$TRASH/probe"
	if mount -t tmpfs -o size=64k tmpfs "$TRASH/probe" 2>/dev/null; then
		umount "$TRASH/probe"
	else
		test_skip "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)"
	fi
fi
# mnt DIR OPTIONS: a tmpfs at DIR, listed in $TRASH/mounts (tests run in
# subshells) to be unmounted when the file ends.
mnt() {
	mkdir -p "$1" && mount -t tmpfs -o "$2" tmpfs "$1" && echo "$1" >>"$TRASH/mounts"
}
unmount_all() {
	local m
	[ -f "$TRASH/mounts" ] || return 0
	for m in $(cat "$TRASH/mounts"); do
		mountpoint -q "$m" && { umount "$m" || umount -l "$m"; }
	done
	rm -f "$TRASH/mounts"
}
trap unmount_all EXIT

tree() {
	(cd "$1" && find . -printf '%y %p %l %m\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

test_expect_success 'setup: seeds and a warm cache outside the small disks' '
	mkdir seeds && cp "$pipwhl" seeds/ &&
	cvenv create -p "$PY" --seed-wheels seeds --cache-dir "$TRASH/cache" warm
'
# cv ARGS: create with the seeds and the cache (on another file system: files
# are copied, so pip alone needs some 10 MB).
cv() { cvenv create -p "$PY" --seed-wheels seeds --cache-dir "$TRASH/cache" "$@"; }

test_expect_success 'full disk while seeding pip into a new env: a clear error, nothing left' '
	mnt "$TRASH/small" size=2m &&
	expect_code 1 cv small/env 2>err &&
	expect_grep "No space left on device" err &&
	test -z "$(ls -A small)"
'

test_expect_success 'full disk while making the env itself: a clear error, nothing left' '
	mnt "$TRASH/tiny" size=64k &&
	head -c 60000 /dev/zero >tiny/filler 2>/dev/null; ls tiny >before &&
	expect_code 1 cvenv create -p "$PY" --without-pip tiny/env 2>err &&
	expect_grep "No space left on device" err &&
	ls -A tiny >after && diff -u before after
'

test_expect_success 'full disk while updating or clearing an env: the env exactly as it was' '
	mnt "$TRASH/mid" size=2m &&
	cvenv create -p "$PY" --without-pip mid/env && echo "# mine" >>mid/env/bin/activate &&
	tree mid/env >before &&
	expect_code 1 cv mid/env 2>err && expect_grep "No space left on device" err &&
	tree mid/env >after && diff -u before after &&
	expect_code 1 cv --clear mid/env 2>err && expect_grep "No space left on device" err &&
	tree mid/env >after && diff -u before after &&
	test "$(ls -A mid)" = env
'

test_expect_success 'a read-only parent: a clear error, nothing made' '
	mnt "$TRASH/ro" size=1m,ro &&
	expect_code 1 cv ro/env 2>err &&
	expect_grep "ro/env" err && test -z "$(ls -A ro)"
'

test_expect_success 'an env on a read-only file system: a clear error, the env as it was' '
	mnt "$TRASH/rofs" size=1m &&
	cvenv create -p "$PY" --without-pip rofs/env && tree rofs/env >before &&
	mount -o remount,ro "$TRASH/rofs" &&
	expect_code 1 cv rofs/env 2>err && expect_grep "rofs/env" err &&
	expect_code 1 cv --clear rofs/env 2>err && expect_grep "rofs/env" err &&
	tree rofs/env >after && diff -u before after && test "$(ls -A rofs)" = env
'

test_expect_success 'cleanup: the mounts go' '
	unmount_all && ! mountpoint -q small && ! mountpoint -q rofs
'

test_done
