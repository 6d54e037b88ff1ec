# Activates a Python environment made by cvenv.
# Load it as an overlay:  overlay use bin/activate.nu
# Undo with: deactivate   (an alias of: overlay hide activate)
#
# Hiding the overlay restores every variable changed here. The env's path and
# prompt are assigned once, below, as quoted literals.

# This file, as nushell found it at parse time (FILE_PWD and CURRENT_FILE can
# name the file of an overlay of the same name used before).
const activate_file = path self

export-env {
    let venv_dir = __CVENV_ENV_NU__
    let venv_prompt = __CVENV_PROMPT_NU__
    let bin_dir = ($venv_dir | path join __CVENV_BIN_NU__)
    # A moved env: this file is not the one in $bin_dir any more (path
    # expand follows links).
    if ($activate_file | path expand) != ($bin_dir | path join 'activate.nu' | path expand) {
        print -e $"cvenv: warning: this environment was moved: it was made at '($venv_dir)'; run 'cvenv repair' on it"
    }
    let is_windows = $nu.os-info.name == 'windows'
    let path_name = if $is_windows and ('Path' in $env) { 'Path' } else { 'PATH' }
    # Activating over an active env (the same overlay, used again) starts
    # from what was there before the first one.
    let reactivating = ('VIRTUAL_ENV' in $env) and ('_OLD_VIRTUAL_PATH' in $env)
    let old_path = if $reactivating { $env._OLD_VIRTUAL_PATH } else { $env | get $path_name }
    let old_path = if ($old_path | describe) == 'string' {
        $old_path | split row (char esep)
    } else {
        $old_path
    }
    let old_prompt = if $reactivating and ('_OLD_PROMPT_COMMAND' in $env) {
        $env._OLD_PROMPT_COMMAND
    } else {
        $env.PROMPT_COMMAND? | default ''
    }

    load-env {
        $path_name: ($old_path | prepend $bin_dir)
        VIRTUAL_ENV: $venv_dir
        VIRTUAL_ENV_PROMPT: $venv_prompt
        _OLD_VIRTUAL_PATH: $old_path
        _OLD_PROMPT_COMMAND: $old_prompt
    }
    hide-env -i PYTHONHOME

    let disabled = ($env.VIRTUAL_ENV_DISABLE_PROMPT? | default '' | into string)
    if ($disabled | is-empty) {
        let prefix = '(' + $venv_prompt + ') '
        $env.PROMPT_COMMAND = if ($old_prompt | describe) =~ '^closure' {
            {|| $prefix + (do $old_prompt) }
        } else {
            {|| $prefix + ($old_prompt | into string) }
        }
    }
}

export alias pydoc = python -m pydoc
export alias deactivate = overlay hide activate
