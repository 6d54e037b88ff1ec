#!/bin/bash
# An env whose site-packages or bin lives on another file system (a link to a
# tmpfs here) installs and uninstalls all-or-nothing (issue 17.13); a full
# disk or a read-only site-packages during install gives a clear error and
# leaves the env exactly as it was.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no Python 3.11 or 3.12"
if [ -z "$skip_reason" ]; then
	mkdir -p "$TRASH/mnt" "$TRASH/small"
	if ! mount -t tmpfs -o size=4m tmpfs "$TRASH/mnt" 2>/dev/null ||
		! mount -t tmpfs -o size=256k tmpfs "$TRASH/small" 2>/dev/null; then
		test_skip "cannot mount a tmpfs (needs root or CAP_SYS_ADMIN)"
	fi
	trap 'umount "$TRASH/mnt" "$TRASH/small" 2>/dev/null' EXIT
fi

test_expect_success 'setup: an env whose site-packages and bin are on a tmpfs' '
	cvenv create --without-pip -p "$py" v &&
	sp=$(echo v/lib/python3.*/site-packages) && echo "$sp" >sp &&
	mv "$sp" mnt/site-packages && ln -s "$PWD/mnt/site-packages" "$sp" &&
	mv v/bin mnt/bin && ln -s "$PWD/mnt/bin" v/bin &&
	mkdir wh &&
	mkwheel wh xa 1.0 --file xa/m.py=M --console xa=xa:main >/dev/null &&
	mkwheel wh xa 2.0 --file xa/m.py=N --console xa=xa:main >/dev/null &&
	x=$(head -c 100000 /dev/zero | tr "\0" x) &&
	mkwheel wh big 1.0 --file big/1=$x --file big/2=$x --file big/3=$x --file big/4=$x \
		--file big/5=$x --file big/6=$x >/dev/null
'

test_expect_success 'install, upgrade and uninstall across file systems' '
	sp=$(cat sp) &&
	cvenv install --venv v wh/xa-1.0-py3-none-any.whl &&
	test -f "$sp/xa/m.py" && test -x v/bin/xa &&
	cvenv install --venv v wh/xa-2.0-py3-none-any.whl &&
	grep -q N "$sp/xa/m.py" && test -d "$sp/xa-2.0.dist-info" && ! test -e "$sp/xa-1.0.dist-info" &&
	cvenv uninstall --venv v xa &&
	! test -e "$sp/xa" && ! test -e v/bin/xa &&
	! ls -a mnt/site-packages mnt/bin v/.cvenv | grep -q stage
'

test_expect_success 'a failed cross-device install leaves the env as it was' '
	cvenv install --venv v wh/xa-1.0-py3-none-any.whl &&
	snap v >before && snap mnt >before-mnt &&
	w=$(mkwheel wh bad 1.0 --bad hash) &&
	expect_code 1 cvenv install --venv v wh/xa-2.0-py3-none-any.whl "$w" 2>err &&
	expect_unchanged before v && expect_unchanged before-mnt mnt
'

test_expect_success 'a full disk during install: a clear error, the env as it was' '
	cvenv create --without-pip -p "$py" small/e &&
	snap small/e >before &&
	expect_code 1 cvenv install --no-cache --venv small/e wh/big-1.0-py3-none-any.whl 2>err &&
	expect_grep "No space left on device" err &&
	expect_unchanged before small/e
'

test_expect_success 'a read-only site-packages and bin: a clear error, the env as it was' '
	snap v >before && snap mnt >before-mnt &&
	mount -o remount,ro "$TRASH/mnt" &&
	expect_code 1 cvenv install --venv v wh/xa-2.0-py3-none-any.whl 2>err;
	rc=$?; mount -o remount,rw "$TRASH/mnt" && test $rc = 0 &&
	expect_grep "Read-only file system" err &&
	expect_unchanged before v && expect_unchanged before-mnt mnt
'

umount "$TRASH/mnt" "$TRASH/small" 2>/dev/null
trap - EXIT
test_done
