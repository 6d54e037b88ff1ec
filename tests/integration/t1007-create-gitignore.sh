#!/bin/bash
# .gitignore for every Python version (issue 13.4): cvenv create writes one
# holding "*" into every env, as virtualenv and uv do and venv does from 3.13
# on, unless --without-scm-ignore-files; git then never sees the env.
. "$(dirname "$0")/lib.sh"

test_require_cmd git
py313=$(python_for 3.13)

# untracked DIR: what `git status` in the repository around DIR lists
untracked() { git -C "$1" status --porcelain --untracked-files=all . ; }

test_expect_success 'setup: a git repository' '
	git init -q repo
'

for v in 3.7 3.12 debian3.11 pypy3 3.13; do
	py=$(python_for "$v")
	[ -z "$py" ] && test_skip "no Python $v on this machine"
	test_expect_success "$v: .gitignore holds *, git sees nothing of the env" '
		cvenv create -p "$py" --without-pip "repo/env-$v" &&
		grep -qx "\*" "repo/env-$v/.gitignore" &&
		expect_equal "" "$(untracked "repo/env-$v")"
	'
	test_expect_success "$v: not with --without-scm-ignore-files" '
		cvenv create -p "$py" --without-pip --without-scm-ignore-files "repo/bare-$v" &&
		! test -e "repo/bare-$v/.gitignore" &&
		untracked "repo/bare-$v" | grep -q "bare-$v/pyvenv.cfg" &&
		{ grep -q "^command = .* --without-scm-ignore-files " "repo/bare-$v/pyvenv.cfg" ||
		  ! grep -q "^command = " "repo/bare-$v/pyvenv.cfg"; }
	'
	test_unskip
done

test_expect_success '3.13: the same file python -m venv writes but for the name, same mode' '
	test -n "$py313" &&
	"$py313" -m venv --without-pip ref &&
	cvenv create -p "$py313" --without-pip mine &&
	sed "s/Created by venv;/Created by cvenv;/" ref/.gitignore >want &&
	diff -u want mine/.gitignore &&
	expect_equal "$(stat -c %a ref/.gitignore)" "$(stat -c %a mine/.gitignore)"
'

test_expect_success 'an existing env made before, without one, gets it on update' '
	py=$(python_for 3.12) && test -n "$py" &&
	"$py" -m venv --without-pip old &&
	! test -e old/.gitignore &&
	cvenv create -p "$py" --without-pip old &&
	grep -qx "\*" old/.gitignore
'

test_done
