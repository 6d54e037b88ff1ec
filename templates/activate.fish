# Activates a Python environment made by cvenv.
# Source it from fish, do not run it:  source bin/activate.fish
# Undo with: deactivate
#
# The env's path and prompt are assigned once, below, as quoted literals, and
# only ever used through the variables VIRTUAL_ENV and VIRTUAL_ENV_PROMPT.

function deactivate --description 'Leave the Python environment'
    if set -q _OLD_VIRTUAL_PATH
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if set -q _OLD_VIRTUAL_PYTHONHOME
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end
    if set -q _OLD_FISH_PROMPT_OVERRIDE
        set -e _OLD_FISH_PROMPT_OVERRIDE
        if functions -q _old_fish_prompt
            functions -e fish_prompt
            functions -c _old_fish_prompt fish_prompt
            functions -e _old_fish_prompt
        end
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != nondestructive
        functions -e deactivate
    end
end

# Leave any env that is active now (this env's or another's).
deactivate nondestructive

set -gx VIRTUAL_ENV __CVENV_ENV_FISH__
set -gx VIRTUAL_ENV_PROMPT __CVENV_PROMPT_FISH__

# A moved env: this script is not $VIRTUAL_ENV's any more.
if test (builtin realpath -- (status --current-filename)) != (builtin realpath -- "$VIRTUAL_ENV/__CVENV_BIN__/activate.fish" 2>/dev/null; or echo -)
    printf "cvenv: warning: this environment was moved: it was made at '%s'; run 'cvenv repair' on it\n" "$VIRTUAL_ENV" >&2
end

set -gx _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/__CVENV_BIN__" $PATH

if set -q PYTHONHOME
    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    if functions -q fish_prompt
        functions -c fish_prompt _old_fish_prompt
    end

    # Runs at every prompt: builtins only, never a user's function of the
    # same name (a `source` or `printf` defined in config.fish).
    function fish_prompt
        set -l old_status $status
        builtin printf '(%s) ' "$VIRTUAL_ENV_PROMPT"
        if builtin functions -q _old_fish_prompt
            # Give the old prompt the status of the last command.
            builtin echo "exit $old_status" | builtin source
            _old_fish_prompt
        end
    end

    set -gx _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
