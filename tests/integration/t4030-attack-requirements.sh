#!/bin/bash
# Attacks through requirement files: a NUL byte hiding a --hash, and includes
# that multiply (each file read once per run; lines read are bounded).
# See docs/security/wheels.md.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"

test_expect_success 'setup' '
	mkdir house &&
	mkwheel house aa 1.0 >/dev/null &&
	cvenv create --without-pip -p "$py" v
'

test_expect_success 'a NUL byte before --hash is refused, naming file and line; nothing installed' '
	snap v >before &&
	printf "# pinned\naa==1.0 \\0--hash=sha256:%s\n" \
		0000000000000000000000000000000000000000000000000000000000000000 >r.txt &&
	expect_code 1 cvenv install --venv v -f house -r r.txt 2>err &&
	expect_grep "r.txt:2: the line contains a NUL byte" err &&
	expect_unchanged before v
'

test_expect_success 'a NUL byte in a constraint file is refused too' '
	snap v >before &&
	printf "aa<2 \\0--hash=sha256:00\n" >c.txt &&
	printf -- "-c c.txt\naa\n" >r.txt &&
	expect_code 1 cvenv install --venv v -f house -r r.txt 2>err &&
	expect_grep "c.txt:1: the line contains a NUL byte" err &&
	expect_unchanged before v
'

test_expect_success '22 files each including the next twice: read once each, fast' '
	i=0 && while [ $i -lt 21 ]; do
		printf -- "-r r%d.txt\n--requirement ./r%d.txt\n" $((i + 1)) $((i + 1)) >r$i.txt
		i=$((i + 1))
	done &&
	echo "aa==1.0" >r21.txt &&
	timeout 10 "$CVENV_BIN" install --venv v -f house -r r0.txt 2>err &&
	cvenv freeze --venv v >f &&
	echo "aa==1.0" >expect && diff -u expect f &&
	cvenv uninstall --venv v aa
'

test_expect_success 'an include loop is still an error' '
	echo "-r r0.txt" >r21.txt &&
	expect_code 1 timeout 10 "$CVENV_BIN" install --venv v -f house -r r0.txt 2>err &&
	expect_grep "includes itself" err
'

test_done
