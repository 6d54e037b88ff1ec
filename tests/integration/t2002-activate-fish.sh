#!/bin/bash
# bin/activate.fish in the real fish: venv's semantics, quoting of nasty
# names, the prompt as fish_prompt prints it, and what deactivate restores.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-activate.sh"

test_require_cmd fish

# Runs inside fish; values come from the environment (ENV_DIR, WANT_PROMPT,
# OTHER_DIR, LINK_DIR), the scenario is $argv[1]. Prints DONE when all passed.
cat >driver.fish <<'DRIVER'
function fail
    echo "FAIL($argv[1]): $argv[2]"
    exit 1
end
set -gx PATH (string split : $CLEAN_PATH)
set -g orig_path $PATH
set -g script "$ENV_DIR/bin/activate.fish"
function fish_prompt
    printf 'p> '
end

function check_active
    test "$VIRTUAL_ENV" = "$ENV_DIR"; or fail $argv[1] "VIRTUAL_ENV=[$VIRTUAL_ENV]"
    test "$VIRTUAL_ENV_PROMPT" = "$WANT_PROMPT"; or fail $argv[1] "VIRTUAL_ENV_PROMPT=[$VIRTUAL_ENV_PROMPT]"
    test (string join : $PATH) = "$ENV_DIR/bin:"(string join : $orig_path); or fail $argv[1] "PATH=[$PATH]"
    test (command -v python) = "$ENV_DIR/bin/python"; or fail $argv[1] "command -v python=["(command -v python)"]"
    test (python -c 'import sys; print(sys.prefix)') = "$ENV_DIR"; or fail $argv[1] "sys.prefix"
end

function check_inactive
    test (string join : $PATH) = (string join : $orig_path); or fail $argv[1] "PATH not restored: [$PATH]"
    set -q VIRTUAL_ENV; and fail $argv[1] "VIRTUAL_ENV still set"
    set -q VIRTUAL_ENV_PROMPT; and fail $argv[1] "VIRTUAL_ENV_PROMPT still set"
    set -q _OLD_VIRTUAL_PATH; and fail $argv[1] "_OLD_VIRTUAL_PATH left behind"
    command -q python; and fail $argv[1] "python still on PATH"
    test (fish_prompt) = 'p> '; or fail $argv[1] "prompt not restored: ["(fish_prompt)"]"
end

switch $argv[1]
case basic
    set -gx PYTHONHOME /no/such/home
    source $script
    check_active basic
    set -q PYTHONHOME; and fail basic "PYTHONHOME still set"
    test (fish_prompt) = "($WANT_PROMPT) p> "; or fail basic "prompt=["(fish_prompt)"]"
    deactivate
    check_inactive basic
    test "$PYTHONHOME" = /no/such/home; or fail basic "PYTHONHOME not restored"
    functions -q deactivate; and fail basic "deactivate still defined"
case pythonhome-unset
    set -e PYTHONHOME
    source $script
    check_active pythonhome-unset
    deactivate
    check_inactive pythonhome-unset
    set -q PYTHONHOME; and fail pythonhome-unset "PYTHONHOME set by deactivate"
case disable-prompt
    set -gx VIRTUAL_ENV_DISABLE_PROMPT 1
    source $script
    check_active disable-prompt
    test (fish_prompt) = 'p> '; or fail disable-prompt "prompt changed"
    deactivate
    check_inactive disable-prompt
case nondestructive
    source $script
    deactivate nondestructive
    check_inactive nondestructive
    functions -q deactivate; or fail nondestructive "deactivate was removed"
    deactivate
    check_inactive nondestructive-twice
case second-env
    source "$OTHER_DIR/bin/activate.fish"
    source $script
    check_active second-env
    string match -q -- "*$OTHER_DIR*" "$PATH"; and fail second-env "first env still on PATH"
    test (fish_prompt) = "($WANT_PROMPT) p> "; or fail second-env "prompt=["(fish_prompt)"]"
    deactivate
    check_inactive second-env
case relative
    cd $ENV_DIR
    source ./bin/activate.fish
    check_active relative
    deactivate
    check_inactive relative
    cd $LINK_DIR
    source ./activate-link
    check_active symlink
    deactivate
    check_inactive symlink
case user-functions
    # issue 10.15: a user's functions named like the builtins the prompt
    # uses are never run by it
    function fish_prompt
        builtin printf 'p> '
    end
    source $script
    function source
        set -g hijacked "$hijacked source"
    end
    function printf
        set -g hijacked "$hijacked printf"
    end
    function echo
        set -g hijacked "$hijacked echo"
    end
    set -l shown (fish_prompt)
    functions -e source printf echo
    test "$shown" = "($WANT_PROMPT) p> "; or fail user-functions "prompt=[$shown]"
    set -q hijacked; and fail user-functions "the prompt ran the user's$hijacked"
    deactivate
    check_inactive user-functions
case '*'
    fail $argv[1] "unknown scenario"
end
echo DONE
DRIVER

run_fish() {
	local out
	rm -rf links && mkdir links && ln -s "$1/bin/activate.fish" links/activate-link &&
	out=$(cd "$TRASH" && env -i PATH="$CLEAN_PATH" HOME="$HOME" LC_ALL=C.UTF-8 \
		CLEAN_PATH="$CLEAN_PATH" ENV_DIR="$1" WANT_PROMPT="$2" OTHER_DIR="$TRASH/other" \
		LINK_DIR="$TRASH/links" fish --no-config "$TRASH/driver.fish" "$SCENARIO" 2>&1)
	if [ "$out" != DONE ]; then
		printf '%s\n' "$out" >&2
		return 1
	fi
}

test_expect_success 'fish activates and deactivates every nasty name' '
	SCENARIO=basic for_each_name run_fish
'

test_expect_success 'an unset PYTHONHOME stays unset' '
	SCENARIO=pythonhome-unset for_each_name run_fish
'

test_expect_success 'VIRTUAL_ENV_DISABLE_PROMPT leaves fish_prompt alone' '
	SCENARIO=disable-prompt for_each_name run_fish
'

test_expect_success 'deactivate nondestructive restores but keeps deactivate' '
	SCENARIO=nondestructive for_each_name run_fish
'

test_expect_success 'activating a second env leaves the first' '
	make_env other >/dev/null &&
	SCENARIO=second-env for_each_name run_fish
'

test_expect_success 'sourcing by a relative path and through a symbolic link' '
	SCENARIO=relative for_each_name run_fish
'

test_expect_success '10.15: the prompt runs builtins, never user functions named source, printf, echo' '
	SCENARIO=user-functions for_each_name run_fish
'

test_expect_success 'no name was ever executed (canary)' '
	no_canary
'

test_done
