# Activates a Python environment made by cvenv.
# Load it as an overlay:  overlay use bin/activate.nu
# Undo with: deactivate   (an alias of: overlay hide activate)
#
# Hiding the overlay restores every variable changed here. The env's path and
# prompt are assigned once, below, as quoted literals.

export-env {
    let venv_dir = __CVENV_ENV_NU__
    let venv_prompt = __CVENV_PROMPT_NU__
    let bin_dir = ($venv_dir | path join __CVENV_BIN_NU__)
    let is_windows = $nu.os-info.name == 'windows'
    let path_name = if $is_windows and ('Path' in $env) { 'Path' } else { 'PATH' }
    let old_path = ($env | get $path_name)
    let old_path = if ($old_path | describe) == 'string' {
        $old_path | split row (char esep)
    } else {
        $old_path
    }

    load-env {
        $path_name: ($old_path | prepend $bin_dir)
        VIRTUAL_ENV: $venv_dir
        VIRTUAL_ENV_PROMPT: $venv_prompt
    }
    hide-env -i PYTHONHOME

    let disabled = ($env.VIRTUAL_ENV_DISABLE_PROMPT? | default '' | into string)
    if ($disabled | is-empty) {
        let old_prompt = ($env.PROMPT_COMMAND? | default '')
        let prefix = $'(char lparen)($venv_prompt)(char rparen) '
        $env.PROMPT_COMMAND = if ($old_prompt | describe) =~ '^closure' {
            {|| $prefix + (do $old_prompt) }
        } else {
            {|| $prefix + ($old_prompt | into string) }
        }
    }
}

export alias pydoc = python -m pydoc
export alias deactivate = overlay hide activate
