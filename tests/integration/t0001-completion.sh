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

# 13.7: values, not only option names. A project with an env holding pip,
# a wheel and a file that is none. The completions run `cvenv` from PATH.
mkdir -p "$TRASH/bin"
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$CVENV_WRAPPER" "$CVENV_BIN" >"$TRASH/bin/cvenv"
chmod +x "$TRASH/bin/cvenv"
export PATH="$TRASH/bin:$PATH"
test_expect_success 'setup: an env with pip, a wheel file and another file' '
	py=$(python_for 3.12) && test -n "$py" &&
	cvenv create -p "$py" .venv &&
	touch a-1.0-py3-none-any.whl notawheel.txt &&
	cvenv python list | awk "{print \$1}" >pythons &&
	test -s pythons
'

# bash_offers WORD...: what bash offers for the words, one per line
bash_offers() {
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	_cvenv
	printf "%s\n" "${COMPREPLY[@]}"
}

test_expect_success 'bash: --format, --link-mode, -p values; wheels for install, packages for uninstall' '
	cvenv completion bash >comp.bash && source comp.bash &&
	expect_equal "columns freeze json" "$(bash_offers cvenv list --format "" | xargs)" &&
	expect_equal "json" "$(bash_offers cvenv list --format = j | xargs)" &&
	expect_equal "text json" "$(bash_offers cvenv python list --format "" | xargs)" &&
	expect_equal "clone hardlink copy" "$(bash_offers cvenv create --link-mode "" | xargs)" &&
	expect_equal "hardlink" "$(bash_offers cvenv install --link-mode h | xargs)" &&
	bash_offers cvenv create -p "" >offered &&
	grep -qx "$(head -n 1 pythons)" offered &&
	bash_offers cvenv install "" >offered &&
	grep -qx a-1.0-py3-none-any.whl offered && ! grep -q notawheel offered &&
	expect_equal "pip" "$(bash_offers cvenv uninstall "" | xargs)" &&
	expect_equal "pip" "$(cd / && bash_offers cvenv uninstall --venv "$TRASH/.venv" "" | xargs)"
'

test_expect_success 'fish: the same values' '
	command -v fish >/dev/null || { echo "fish is not installed"; return 1; }
	cvenv completion fish >comp.fish &&
	fc() { fish -c "source comp.fish; complete -C \"$1\"" | cut -f1; } &&
	expect_equal "--format=columns --format=freeze --format=json" "$(fc "cvenv list --format=" | xargs)" &&
	expect_equal "clone copy hardlink" "$(fc "cvenv install --link-mode " | xargs)" &&
	fc "cvenv create -p " >offered &&
	grep -qx "$(head -n 1 pythons)" offered &&
	expect_equal "a-1.0-py3-none-any.whl" "$(fc "cvenv install " | head -n 1)" &&
	expect_equal "pip" "$(fc "cvenv uninstall " | xargs)"
'

test_expect_success 'zsh: the specs name the values; the helpers list interpreters and packages' '
	command -v zsh >/dev/null || { echo "zsh is not installed"; return 1; }
	cvenv completion zsh >_cvenv &&
	grep -q -- "--format=\[.*\]:value:(columns freeze json)" _cvenv &&
	grep -q -- "-p\[.*\]:interpreter:_cvenv_pythons" _cvenv &&
	grep -q "wheel file:_files -g \"\*.whl\"" _cvenv &&
	grep -q "package:_cvenv_packages" _cvenv &&
	zsh -f -c "compadd() { print -l \${(P)2}; }; source ./_cvenv >/dev/null 2>&1; _cvenv_pythons; _cvenv_packages" >offered &&
	grep -qx "$(head -n 1 pythons)" offered &&
	grep -qx pip offered
'

test_expect_success 'an unknown shell is a usage error' '
	expect_code 2 cvenv completion tcsh 2>err &&
	expect_grep "unknown shell '\''tcsh'\''" err
'

test_done
