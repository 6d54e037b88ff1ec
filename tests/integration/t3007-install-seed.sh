#!/bin/bash
# Native pip seeding on every real interpreter: the same packages, versions
# and launchers as `python -m venv` gives, and the seeded pip works: --version,
# installing a wheel offline, uninstalling itself. Also --seed-wheels.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

test_expect_success 'setup' '
	mkdir wh && mkwheel wh tiny 1.0 --console tiny=tiny:main >/dev/null
'

for v in $ALL_PYTHONS; do
	py=$(python_for "$v")
	[ -z "$py" ] && test_skip "no interpreter $v on this machine"
	# venv makes envs with pip only where the interpreter has ensurepip.
	n=ENSUREPIP_$(printf %s "$v" | tr -c "A-Za-z0-9\n" _)
	test_lazy_prereq "$n" "\"$py\" -c 'import ensurepip'"
	test_expect_success "$n" "$v: seeded like venv, and the seeded pip works" '
		"$py" -m venv ref-$v >/dev/null &&
		cvenv create -p "$py" env-$v &&
		env_pip ref-$v list --format=freeze >list.ref &&
		env_pip env-$v list --format=freeze >list.mine &&
		diff -u list.ref list.mine &&
		ls ref-$v/bin | grep -vi activate >bin.ref && ls env-$v/bin | grep -vi activate >bin.mine &&
		diff -u bin.ref bin.mine &&
		env-$v/bin/pip --version | grep -q "$PWD/env-$v/lib" &&
		env_pip env-$v install wh/tiny-1.0-py3-none-any.whl &&
		env-$v/bin/tiny | grep -q "tiny 1.0" &&
		env_pip env-$v uninstall -y pip &&
		! test -e env-$v/bin/pip
	'
	test_unskip
done

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"

test_expect_success '--seed-wheels takes pip from a directory (the newest there)' '
	mkdir seeds &&
	cp /usr/share/python-wheels/pip-*.whl seeds/ 2>/dev/null ||
		cp "$(dirname "$(dirname "$py")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl seeds/ &&
	want=$(ls seeds | sed -n "s/^pip-\([^-]*\)-.*/\1/p" | sort -V | tail -1) &&
	cvenv create -p "$py" --seed-wheels seeds s &&
	s/bin/pip --version | grep -q "^pip $want "
'

test_expect_success 'seeding leaves no cvenv state in the new env' '
	cvenv create -p "$py" clean &&
	! test -e clean/.cvenv
'

test_expect_success 'seeding with --no-cache and --link-mode=copy works too' '
	cvenv create -p "$py" --no-cache nc && nc/bin/pip --version &&
	cvenv create -p "$py" --link-mode=copy cp && cp/bin/pip --version
'

test_done
