#!/bin/bash
# Compatibility tags: cvenv's list for each real interpreter, in order, is the
# list pip's own vendored packaging.tags.sys_tags() gives in that interpreter.
# Older packaging (before 22) did not yield cpXY-none-any; where the
# interpreter's pip omits it, so does the comparison.
. "$(dirname "$0")/lib.sh"

for v in $ALL_PYTHONS; do
	py=$(python_for "$v")
	if [ -z "$py" ]; then
		test_skip "no interpreter $v on this machine"
		test_expect_success "tags of $v match pip's packaging" 'true'
		test_unskip
		continue
	fi
	# Without pip in the interpreter there is nothing to compare with.
	n=PIP_$(printf %s "$v" | tr -c "A-Za-z0-9\n" _)
	test_lazy_prereq "$n" "\"$py\" -c 'from pip._vendor.packaging import tags'"
	test_expect_success "$n" "tags of $v match pip's packaging, in order" '
		"$py" -c "
from pip._vendor.packaging import tags
print(\"\\n\".join(str(t) for t in tags.sys_tags()))" >pip-tags &&
		test -s pip-tags &&
		cvenv debug-tags -p "$py" >cvenv-tags &&
		if ! grep -q "^cp[0-9]*-none-any$" pip-tags; then
			grep -v "^cp[0-9]*-none-any$" cvenv-tags >c && mv c cvenv-tags
		fi &&
		test $(wc -l <cvenv-tags) -gt 100 &&
		diff -u pip-tags cvenv-tags
	'
done

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"

test_expect_success 'an incompatible wheel is refused naming its tags and the interpreter' '
	cvenv create --without-pip -p "$py" v &&
	python3 "$TEST_DIR/mkwheel.py" . nat 1.0 --tag cp27-cp27mu-manylinux1_x86_64 >/dev/null &&
	expect_code 1 cvenv install --venv v nat-1.0-cp27-cp27mu-manylinux1_x86_64.whl 2>err &&
	expect_grep "cp27-cp27mu-manylinux1_x86_64" err &&
	expect_grep "is not compatible with cpython 3.12" err &&
	! ls v/lib/python3.12/site-packages | grep -q nat
'

test_expect_success 'a platform wheel of the interpreter is installed (best tag wins)' '
	python3 "$TEST_DIR/mkwheel.py" . plat 1.0 --platlib \
		--tag cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64 >/dev/null &&
	cvenv install --venv v plat-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl &&
	test -f v/lib/python3.12/site-packages/plat/__init__.py
'

test_expect_success 'Requires-Python is honoured' '
	python3 "$TEST_DIR/mkwheel.py" . newpy 1.0 --requires-python ">=3.13" >/dev/null &&
	expect_code 1 cvenv install --venv v newpy-1.0-py3-none-any.whl 2>err &&
	expect_grep "requires Python '\''>=3.13'\''" err &&
	python3 "$TEST_DIR/mkwheel.py" . oldok 1.0 --requires-python ">=3.8,<4" >/dev/null &&
	cvenv install --venv v oldok-1.0-py3-none-any.whl
'

test_done
