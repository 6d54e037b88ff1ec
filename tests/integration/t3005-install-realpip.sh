#!/bin/bash
# The real wheels on this machine -- each interpreter's bundled pip and
# setuptools, and Debian's /usr/share/python-wheels -- installed by cvenv, and
# the installed pip run: --version, installing a wheel, uninstalling itself.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

# bundled_wheels V PY: the pip and setuptools wheels that interpreter V brings
# (ensurepip's, or Debian's for Debian's and PyPy's); none for some builds.
bundled_wheels() {
	case $1 in
	debian*|pypy*) ls /usr/share/python-wheels/pip-*.whl /usr/share/python-wheels/setuptools-*.whl ;;
	*) "$2" -c "import ensurepip, os; d = os.path.join(os.path.dirname(ensurepip.__file__), \"_bundled\"); print(\" \".join(os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(\".whl\")))" 2>/dev/null ;;
	esac
}

test_expect_success 'setup: a wheel for pip to install' '
	mkdir wh && mkwheel wh tiny 1.0 --console tiny=tiny:main >/dev/null
'

for v in $ALL_PYTHONS; do
	py=$(python_for "$v")
	if [ -z "$py" ]; then
		test_skip "no interpreter $v on this machine"
	fi
	n=BUNDLED_$(printf %s "$v" | tr -c "A-Za-z0-9\n" _)
	test_lazy_prereq "$n" "test -n \"\$(bundled_wheels '$v' '$py')\""
	test_expect_success "$n" "$v: bundled pip (and setuptools) installed by cvenv work" '
		bundled=$(bundled_wheels "$v" "$py") &&
		# 3.8 bundles two pips: the newest one
		set -- $bundled; pips=$(printf "%s\n" "$@" | grep /pip- | sort -V | tail -1)
		others=$(printf "%s\n" "$@" | grep -v /pip-)
		env=v-$v &&
		cvenv create --without-pip -p "$py" $env &&
		cvenv install --venv $env $pips $others &&
		$env/bin/pip --version | grep -q "$PWD/$env/lib/" &&
		env_pip $env install wh/tiny-1.0-py3-none-any.whl &&
		$env/bin/tiny | grep -q "tiny 1.0" &&
		env_pip $env list --format=freeze >l && expect_grep "tiny==1.0" l &&
		if [ -n "$others" ]; then $env/bin/python -c "import setuptools"; fi &&
		env_pip $env uninstall -y pip &&
		! test -e $env/bin/pip && ! ls $env/lib/*/site-packages | grep -q "^pip"
	'
	test_unskip
done

test_done
