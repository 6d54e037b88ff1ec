#!/bin/bash
# cvenv create makes, for every interpreter on the machine, the env that the
# interpreter's own `python -m venv` makes: same paths and links, same
# pyvenv.cfg, and the same sys/sysconfig answers inside.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

for v in 3.6 $ALL_PYTHONS; do
	py=$(python_for "$v")
	if [ -z "$py" ]; then
		test_skip "no Python $v on this machine"
	fi
	export py
	test_expect_success "$v: same env as its own venv (--without-pip)" '
		compare_with_venv "$py" --without-pip
	'
	test_expect_success "$v: same env with --system-site-packages" '
		compare_with_venv "$py" --without-pip --system-site-packages &&
		grep -q "^include-system-site-packages = true" mine/env/pyvenv.cfg
	'
	test_expect_success "$v: same env with --prompt" '
		compare_with_venv "$py" --without-pip --prompt "my proj'\''s"
	'
	test_unskip
done

for v in 3.12 debian3.11 3.8; do
	py=$(python_for "$v")
	[ -z "$py" ] && test_skip "no Python $v on this machine"
	export py
	test_expect_success "$v: same env with --copies" '
		compare_with_venv "$py" --without-pip --copies &&
		test -f mine/env/bin/python && ! test -L mine/env/bin/python &&
		cmp "$py" mine/env/bin/python
	'
	test_unskip
done

test_expect_success 'system site-packages are on sys.path only with --system-site-packages' '
	py=$(python_for 3.12) && test -n "$py" &&
	base=$("$py" -c "import sysconfig; print(sysconfig.get_paths()[\"purelib\"])") &&
	cvenv create -p "$py" --without-pip plain &&
	cvenv create -p "$py" --without-pip --system-site-packages sys &&
	plain/bin/python -c "import sys; sys.exit(\"$base\" in sys.path)" &&
	sys/bin/python -c "import sys; sys.exit(\"$base\" not in sys.path)"
'

test_expect_success '3.13 writes .gitignore, not with --without-scm-ignore-files' '
	py=$(python_for 3.13) && test -n "$py" &&
	compare_with_venv "$py" --without-pip --without-scm-ignore-files &&
	! test -e mine/env/.gitignore &&
	cvenv create -p "$py" --without-pip g &&
	grep -qx "\*" g/.gitignore
'

test_done
