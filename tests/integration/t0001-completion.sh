#!/bin/bash
# Shell completions are generated from the option tables: every option that a
# command's --help shows must be offered, in bash, zsh and fish, and the
# committed copies under docs/completions must match what the binary generates.
. "$(dirname "$0")/lib.sh"

commands_of() { cvenv --help | sed -n "s/^  \([a-z][a-z-]*\) .*/\1/p"; }
long_opts_of() { cvenv "$1" --help | grep -oE -- "--[a-z][a-z0-9-]*" | sort -u; }

test_expect_success 'the committed completion scripts are the generated ones' '
	cvenv completion bash | diff -u "$SRC_ROOT/docs/completions/cvenv.bash" - &&
	cvenv completion zsh | diff -u "$SRC_ROOT/docs/completions/_cvenv" - &&
	cvenv completion fish | diff -u "$SRC_ROOT/docs/completions/cvenv.fish" -
'

test_expect_success 'bash offers every command and every long option of each' '
	cvenv completion bash >comp.bash &&
	source comp.bash &&
	COMP_WORDS=(cvenv ""); COMP_CWORD=1; _cvenv &&
	for c in $(commands_of); do
		printf "%s\n" "${COMPREPLY[@]}" | grep -qx "$c" || { echo "command $c not offered"; return 1; }
	done &&
	for c in $(commands_of); do
		COMP_WORDS=(cvenv "$c" "--"); COMP_CWORD=2; _cvenv
		for o in $(long_opts_of "$c"); do
			printf "%s\n" "${COMPREPLY[@]}" | grep -qx -- "$o" || { echo "$c: $o not offered"; return 1; }
		done
	done
'

test_expect_success 'fish offers every long option of each command' '
	command -v fish >/dev/null || { echo "fish is not installed"; return 1; }
	cvenv completion fish >comp.fish &&
	for c in $(commands_of); do
		fish -c "source comp.fish; complete -C \"cvenv $c --\"" >offered || return 1
		for o in $(long_opts_of "$c"); do
			grep -q -- "^$o\b" offered || { echo "$c: $o not offered by fish"; cat offered; return 1; }
		done
	done
'

test_expect_success 'zsh loads the completion function' '
	command -v zsh >/dev/null || { echo "zsh is not installed"; return 1; }
	cvenv completion zsh >_cvenv &&
	zsh -f -c "autoload -U compinit; compinit -u; source ./_cvenv 2>&1; whence -w _cvenv" >out &&
	expect_grep "_cvenv: function" out
'

test_expect_success 'an unknown shell is a usage error' '
	expect_code 2 cvenv completion tcsh 2>err &&
	expect_grep "unknown shell '\''tcsh'\''" err
'

test_done
