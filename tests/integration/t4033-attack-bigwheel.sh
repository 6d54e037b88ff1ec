#!/bin/bash
# A big wheel costs bounded memory (issues 17.2 and 14.5): whole-file hashes
# (the cache key, --hash) stream the file, so installing a wheel with a
# 64 MiB member peaks at less than 32 MiB above installing a tiny one: with
# the cache, without it, and with --hash. Peak RSS from /usr/bin/time.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
[ -x /usr/bin/time ] || test_skip "no /usr/bin/time"
[ -n "$CVENV_WRAPPER" ] && test_skip "peak RSS would be the wrapper's"

# peak_kib ENV ARGS...: installs into a new ENV, prints the peak RSS in KiB.
peak_kib() {
	local env=$1
	shift
	cvenv create --without-pip -p "$py" "$env" &&
	/usr/bin/time -f %M -o "$env.rss" "$CVENV_BIN" install --venv "$env" "$@" >&2 &&
	tail -n 1 "$env.rss"
}

# within_32mib KIB: KIB is less than 32 MiB above the tiny wheel's peak.
within_32mib() {
	echo "peak $1 KiB, tiny wheel $(cat base) KiB" &&
	test "$1" -lt $(($(cat base) + 32768))
}

test_expect_success 'setup: a tiny wheel, a wheel with a 64 MiB member, the baseline' '
	mkdir wh big &&
	mkwheel wh tiny 1.0 >/dev/null &&
	python3 "$TEST_DIR/hostile_wheel.py" big big 64 >/dev/null &&
	peak_kib e0 --cache-dir c0 wh/tiny-1.0-py3-none-any.whl >base
'

test_expect_success 'with the cache: peak RSS within 32 MiB of the tiny wheel' '
	kib=$(peak_kib e1 --cache-dir c1 big/bomb-1.0-py3-none-any.whl) &&
	within_32mib "$kib" &&
	test "$(stat -c %s e1/lib/python3.12/site-packages/bomb/data.bin)" -eq $((64 << 20))
'

test_expect_success 'without the cache: peak RSS within 32 MiB of the tiny wheel' '
	kib=$(peak_kib e2 --no-cache big/bomb-1.0-py3-none-any.whl) &&
	within_32mib "$kib"
'

test_expect_success 'with --hash: peak RSS within 32 MiB of the tiny wheel, and the hash checked' '
	good=$(sha256sum big/bomb-1.0-py3-none-any.whl | cut -d" " -f1) &&
	echo "bomb==1.0 --hash=sha256:$good" >ok.txt &&
	echo "bomb==1.0 --hash=sha256:$(echo "$good" | tr 0-9a-f 1-9a-f0)" >bad.txt &&
	cvenv create --without-pip -p "$py" e4 &&
	expect_code 1 cvenv install --venv e4 --no-cache -r bad.txt -f big 2>err &&
	expect_grep "does not match any --hash" err &&
	kib=$(peak_kib e3 --no-cache -r ok.txt -f big) &&
	within_32mib "$kib"
'

test_done
