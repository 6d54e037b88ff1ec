#!/bin/bash
# cvenv freeze and cvenv list against the env's own pip freeze / pip list,
# byte for byte, on envs that pip filled (python -m venv with ensurepip, then
# pip install --no-index of wheels this test builds): odd names, capitals,
# versions that normalise, epochs, direct file installs, editables, egg-info.
# The envs are built once per interpreter and reused by every comparison.
. "$(dirname "$0")/lib.sh"

PYS=${FREEZE_PYS:-"3.7 3.9 3.11 debian3.11 3.12 3.13 pypy3"}
MK="$TEST_DIR/freeze/mkwheels.py"
SETUPTOOLS=$(ls /usr/share/python-wheels/setuptools-*.whl 2>/dev/null | head -n 1)
WHEEL=$(ls /usr/share/python-wheels/wheel-*.whl 2>/dev/null | head -n 1)

# fill ENV PYTHON: the fixture packages, installed by the env's own pip.
fill() {
	local env=$1 py=$2 pip="$1/bin/python -m pip"
	"$py" -m venv "$env" >/dev/null || return 1
	$pip --version >/dev/null 2>&1 || return 1
	export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_WARN_SCRIPT_LOCATION=1
	$pip install -q --no-index --find-links wh simple Foo_Bar.baz CamelCase zeta Alpha.Pkg epoch || return 1
	$pip install -q --no-index ./wh/direct-0.5-py3-none-any.whl || return 1
	# Editable installs need a build backend in the env: setuptools as the
	# env has it, else Debian's wheel of it.
	if ! "$env/bin/python" -c "import setuptools" 2>/dev/null; then
		$pip install -q --no-index "$SETUPTOOLS" "$WHEEL" || return 1
	fi
	# PEP 660 (a dist-info and a .pth) with setuptools 64+; older ones get
	# the legacy `setup.py develop` (an .egg-link), so both kinds are seen.
	cp -r wh/proj "proj-$env" || return 1
	"$env/bin/python" -c "import setuptools, sys; sys.exit(int(setuptools.__version__.split(\".\")[0]) < 64)" ||
		rm "proj-$env/pyproject.toml"
	# Debian's pypy setuptools cannot build it in the test's HOME: that env
	# is then compared without an editable, and says so in the log.
	if $pip install -q --no-index --no-build-isolation -e "./proj-$env"; then
		touch "$env.has-editable"
	else
		echo "note: no editable install in $env"
	fi
	# An old-style egg-info directory, as `setup.py install` leaves one, and
	# a dist-info: both with a directory name whose version is spelled
	# otherwise than METADATA's, which pip versions read differently.
	local site
	site=$(ls -d "$env"/lib/*/site-packages)
	mkdir -p "$site/Legacy_Thing-1.5-py3.x.egg-info" "$site/Skew-2.0.dist-info" &&
	printf 'Metadata-Version: 1.1\nName: Legacy-Thing\nVersion: 1.5.0\n' >"$site/Legacy_Thing-1.5-py3.x.egg-info/PKG-INFO" &&
	printf 'Metadata-Version: 2.1\nName: Skew\nVersion: 2.0.0-final\n' >"$site/Skew-2.0.dist-info/METADATA"
}

# same COMMAND ENV ARGS...: `pip COMMAND ARGS` (run by the env's python) and
# `cvenv COMMAND --venv ENV ARGS` agree byte for byte.
same() {
	local cmd=$1 env=$2
	shift 2
	"$env/bin/python" -m pip "$cmd" "$@" >pip.out 2>/dev/null || return 1
	cvenv "$cmd" --venv "$env" "$@" >cvenv.out || return 1
	cmp pip.out cvenv.out || { diff -u pip.out cvenv.out; return 1; }
}
same_freeze() { same freeze "$@"; }
same_list() { same list "$@"; }

test_expect_success 'setup: build the fixture wheels' '
	python3 "$MK" wh && test -f wh/simple-1.0-py3-none-any.whl
'

for v in $PYS; do
	py=$(python_for "$v")
	if [ -z "$py" ]; then
		test_skip "python $v is not installed"
	fi
	test_expect_success "setup: env for $v filled by pip" '
		fill "env-$v" "$py"
	'
	test_expect_success "freeze = pip freeze ($v)" '
		same_freeze "env-$v" &&
		{ ! test -f "env-$v.has-editable" || grep -q "^-e " cvenv.out; } && grep -q "^Foo_Bar.baz==2.0$" cvenv.out &&
		grep -q "^direct @ file://" cvenv.out
	'
	test_expect_success "freeze --all, --exclude-editable, --exclude, --local ($v)" '
		same_freeze "env-$v" --all && grep -q "^pip==" cvenv.out &&
		same_freeze "env-$v" --exclude-editable && ! grep -q "^-e" cvenv.out &&
		same_freeze "env-$v" --exclude simple --exclude foo-bar-baz &&
		same_freeze "env-$v" --local
	'
	test_expect_success "freeze -r keeps the files' order, comments and options ($v)" '
		printf "# top\n\n-i https://x/simple\nsimple==0.9\nfoo-bar-baz  # why\n-r other.txt\nnot-installed>=1\npip\n./wh/zeta-1.0.0b1-py3-none-any.whl\n-e git+https://x/y#egg=Edit_Me\n" >r1.txt &&
		printf "  camelcase\n--index-url=x\n-fwh\n# top\nhttps://x/Alpha.Pkg-3.0-py3-none-any.whl ; python_version < \"3\"\nfile:///x/s.tar.gz#egg=simple\n" >r2.txt &&
		same_freeze "env-$v" -r r1.txt -r r2.txt &&
		grep -q "^## The following requirements were added by pip freeze:$" cvenv.out &&
		same_freeze "env-$v" -r r2.txt --all --exclude-editable &&
		printf "simple\n-e ./no-such-dir\nzeta\n" >r3.txt &&
		{ "env-$v/bin/python" -m pip freeze -r r3.txt >pip.out 2>/dev/null; test $? -ne 0; } &&
		expect_code 1 cvenv freeze --venv "env-$v" -r r3.txt >cvenv.out 2>err &&
		cmp pip.out cvenv.out && expect_grep "not a valid editable requirement" err
	'
	tag=$(printf %s "$v" | tr -c "A-Za-z0-9" _)
	test_lazy_prereq "EDITABLE_$tag" "test -f '$TRASH/env-$v.has-editable'"
	test_expect_success "EDITABLE_$tag,GIT" "editable in a git checkout: no remote, https, scp-like, invalid, subdirectory ($v)" '
		export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
		p="proj-env-$v" &&
		(cd "$p" && git init -q && git add . && git commit -qm x) &&
		same_freeze "env-$v" && grep -q "^# Editable Git install with no remote" cvenv.out &&
		(cd "$p" && git remote add origin https://example.com/x/proj.git) &&
		same_freeze "env-$v" && grep -q "^-e git+https://example.com/x/proj.git@" cvenv.out &&
		(cd "$p" && git remote set-url origin git@example.com:x/proj.git) &&
		same_freeze "env-$v" && grep -q "^-e git+ssh://git@example.com/x/proj.git@" cvenv.out &&
		(cd "$p" && git remote set-url origin "bogus::x") &&
		same_freeze "env-$v" && grep -q "invalid URI" cvenv.out &&
		rm -rf "$p/.git" &&
		git init -q && git add "$p" && git commit -qm x && git remote add up "$PWD" &&
		same_freeze "env-$v" && grep -q "&subdirectory=$p$" cvenv.out &&
		same_freeze "env-$v" --exclude-editable &&
		rm -rf .git
	'
	test_expect_success "list = pip list, columns, freeze and json ($v)" '
		same_list "env-$v" &&
		{ ! test -f "env-$v.has-editable" || grep -q "Editable project location" cvenv.out; } &&
		same_list "env-$v" --format=freeze &&
		same_list "env-$v" --format=json &&
		same_list "env-$v" --format=json --exclude pip &&
		same_list "env-$v" -v && grep -q "Installer" cvenv.out &&
		same_list "env-$v" -v --format=json &&
		same_list "env-$v" -v --format=freeze &&
		same_list "env-$v" --editable &&
		same_list "env-$v" -e --format=json &&
		same_list "env-$v" --exclude-editable --local --format=freeze
	'
	test_unskip
done

test_lazy_prereq PY312 'test -n "$(python_for 3.12)"'
test_lazy_prereq PY313_PIP242 'py=$(python_for 3.13) && test -n "$py" && "$py" -m pip --version | grep -q "^pip 24.2 "'
test_lazy_prereq ENV312 'test -d "$TRASH/env-3.12"'

test_expect_success PY312 'an env with system site packages lists the base ones too (3.12)' '
	py=$(python_for 3.12) &&
	"$py" -m venv --system-site-packages --without-pip sys312 &&
	sys312/bin/python -m pip install -q --no-index --find-links wh simple &&
	test -d sys312/lib/python3.12/site-packages/simple-1.0.dist-info &&
	sys312/bin/python -m pip freeze --all >pip.out 2>/dev/null &&
	cvenv freeze --all --venv sys312 >cvenv.out &&
	cmp pip.out cvenv.out &&
	grep -q "^simple==1.0$" cvenv.out && grep -q "^pip==" cvenv.out
'

test_expect_success PY313_PIP242 'an env without pip is listed as the newest bundled pip (24.2, on 3.13) would' '
	py=$(python_for 3.13) &&
	"$py" -m venv --without-pip np313 &&
	site=np313/lib/python3.13/site-packages &&
	"$py" -m pip install -q --no-index --find-links wh --target "$site" simple zeta &&
	mkdir -p "$site/setuptools-99.0.dist-info" "$site/wheel-1.0.dist-info" &&
	printf "Name: setuptools\nVersion: 99.0\n" >"$site/setuptools-99.0.dist-info/METADATA" &&
	printf "Name: wheel\nVersion: 1.0\n" >"$site/wheel-1.0.dist-info/METADATA" &&
	"$py" -m pip freeze --path "$site" >pip.out 2>/dev/null &&
	cvenv freeze --venv np313 >cvenv.out &&
	cmp pip.out cvenv.out && grep -q "^setuptools==99.0$" cvenv.out
'

test_expect_success ENV312 'freeze finds the env from VIRTUAL_ENV, then ./.venv' '
	VIRTUAL_ENV=$PWD/env-3.12 cvenv freeze >a.out &&
	ln -s env-3.12 .venv && cvenv freeze >b.out && rm .venv &&
	cmp a.out b.out && grep -q "^simple==1.0$" a.out
'

test_expect_success 'freeze without an env is an error that says so' '
	mkdir -p empty && cd empty &&
	expect_code 1 cvenv freeze 2>err &&
	grep -q "cvenv: error:" err
'

test_expect_success 'list --format=bogus is a usage error' '
	expect_code 2 cvenv list --venv . --format=bogus 2>err &&
	expect_grep "invalid format '\''bogus'\''" err
'

test_done
