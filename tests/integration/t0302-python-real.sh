#!/bin/bash
# Every real interpreter on this machine (CPython 2.7 and 3.6 to 3.13 under
# pyenv, Debian's python3.11, PyPy3): `cvenv python list` shows each with the
# version and implementation the interpreter itself reports, and
# `cvenv python find` on each path and version gives that interpreter.
. "$(dirname "$0")/lib.sh"

# What an interpreter says about itself (works on 2.7 too).
self_report() {
	"$1" -c 'import sys, platform; v = sys.version_info; print("%s %d.%d.%d" % (platform.python_implementation().lower(), v[0], v[1], v[2]))'
}

names="2.7 3.6 $ALL_PYTHONS"
found=0
for n in $names; do [ -n "$(python_for "$n")" ] && found=$((found + 1)); done
[ "$found" -ge 5 ] || test_skip "fewer than five real interpreters on this machine"

test_expect_success 'python list shows every real interpreter with its own version and implementation' '
	cvenv python list --format=json >json &&
	for n in $names; do
		py=$(python_for "$n")
		if [ -z "$py" ]; then echo "# $n absent"; continue; fi
		want=$(self_report "$py") || return 1
		real=$(readlink -f "$py")
		got=$("$(python_for 3.12)" -c "
import json, os, sys
rows = json.load(open(\"json\"))
for r in rows:
    if os.path.realpath(r[\"path\"]) == sys.argv[1] or r[\"realpath\"] == sys.argv[1]:
        print(\"%s %s\" % (r[\"implementation\"], r[\"version\"]))
        break
" "$real")
		echo "$n: want [$want] got [$got]"
		expect_equal "$got" "$want" || return 1
	done
'

test_expect_success 'python find on each interpreter path gives back that interpreter' '
	for n in $names; do
		py=$(python_for "$n")
		[ -n "$py" ] || continue
		cvenv python find --format=json "$py" >one.json || return 1
		want=$(self_report "$py")
		got=$("$(python_for 3.12)" -c "import json; r = json.load(open(\"one.json\")); print(r[\"implementation\"], r[\"version\"])")
		expect_equal "$got" "$want" || return 1
	done
'

test_expect_success 'python find X.Y picks an interpreter of that version' '
	for n in 2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13; do
		[ -n "$(python_for "$n")" ] || continue
		p=$(cvenv python find "$n") || return 1
		v=$("$p" -c "import sys; print(\"%d.%d\" % sys.version_info[:2])")
		expect_equal "$v" "$n" || return 1
	done
'

test_expect_success 'pypy and Debian python are told apart by implementation' '
	pypy=$(python_for pypy3) deb=$(python_for debian3.11)
	if [ -n "$pypy" ]; then
		p=$(cvenv python find pypy) &&
		expect_equal "$(self_report "$p" | cut -d" " -f1)" pypy || return 1
	fi
	if [ -n "$deb" ]; then
		v=$(self_report "$deb" | cut -d" " -f2) &&
		p=$(cvenv python find "cpython@$v") &&
		expect_equal "$(readlink -f "$p")" "$(readlink -f "$deb")" || return 1
	fi
'

test_done
