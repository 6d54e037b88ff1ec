#!/bin/bash
# Zip bombs cost bounded disk (issue 17.1): a wheel whose member inflates past
# what its RECORD or its own zip headers say is stopped at that size, and one
# whose headers claim an absurd size or ratio is refused before anything is
# written. The env and the cache live on a 32 MiB tmpfs, so a bomb written in
# full (256 MiB) would fail with "No space left" instead of the refusal the
# tests expect: the tmpfs is the bound on peak extra disk.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
small="$TRASH/small"
mkdir -p "$small"
if [ -z "$skip_reason" ] && ! mount -t tmpfs -o size=32m tmpfs "$small" 2>/dev/null; then
	test_skip "cannot mount a tmpfs (needs root)"
fi
trap 'umount "$small" 2>/dev/null' EXIT

bomb() { mkdir -p "b/$1" && python3 "$TEST_DIR/hostile_wheel.py" "b/$1" "$1" 256; }

test_expect_success 'setup: an env on a 32 MiB tmpfs, and the bombs' '
	cvenv create --without-pip -p "$py" "$small/v" &&
	bomb record-lies >/dev/null && bomb header-lies >/dev/null && bomb absurd >/dev/null
'

for cache in --no-cache "--cache-dir $small/cache"; do
	test_expect_success "RECORD says 10 bytes, the zip 256 MiB: refused before writing ($cache)" '
		snap "$small/v" >before &&
		expect_code 1 cvenv install --venv "$small/v" '"$cache"' b/record-lies/*.whl 2>err &&
		expect_grep "size mismatch for '\''bomb/data.bin'\''" err &&
		expect_grep "RECORD says 10, the zip says 268435456" err &&
		! grep -q "No space left" err &&
		expect_unchanged before "$small/v"
	'

	test_expect_success "zip headers and RECORD say 10 bytes, it inflates to 256 MiB: stopped ($cache)" '
		snap "$small/v" >before &&
		expect_code 1 cvenv install --venv "$small/v" '"$cache"' b/header-lies/*.whl 2>err &&
		expect_grep "'\''bomb/data.bin'\'' in wheel" err &&
		expect_grep "is larger than its recorded size 10" err &&
		! grep -q "No space left" err &&
		expect_unchanged before "$small/v"
	'

	test_expect_success "zip headers claiming 2 GiB from 12 bytes: refused as a zip bomb ($cache)" '
		expect_code 1 cvenv install --venv "$small/v" '"$cache"' b/absurd/*.whl 2>err &&
		expect_grep "member '\''bomb/data.bin'\'' claiming 2147483648 bytes from 12" err
	'
done

test_expect_success 'nothing is left in the stage or the cache temp directories' '
	! ls -d "$small"/v/.cvenv/stage-* 2>/dev/null &&
	! ls -d "$small"/cache/wheels-v1/.tmp-* 2>/dev/null
'

umount "$small" 2>/dev/null
test_done
