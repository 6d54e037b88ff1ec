# Activates a Python environment made by cvenv.
# Source it from csh or tcsh, do not run it:  source bin/activate.csh
# Undo with: deactivate
#
# The env's path and prompt are assigned once, below, as quoted literals, and
# only ever used through variables; only the prompt prefix is a second literal,
# escaped for tcsh's prompt when cvenv wrote it (csh has no safe way to do
# that at run time). The alias below is single-quoted, so
# nothing in it is expanded until deactivate runs; it uses `test ... &&`
# because csh substitutes variables in a one-line `if` before testing it.

alias deactivate 'test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH "$_OLD_VIRTUAL_PATH:q" && unset _OLD_VIRTUAL_PATH; test $?_OLD_VIRTUAL_PYTHONHOME != 0 && setenv PYTHONHOME "$_OLD_VIRTUAL_PYTHONHOME:q" && unset _OLD_VIRTUAL_PYTHONHOME; test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt="$_OLD_VIRTUAL_PROMPT:q" && unset _OLD_VIRTUAL_PROMPT; rehash; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\!:*" != "nondestructive" && unalias deactivate'

# Leave any env that is active now (this env's or another's).
deactivate nondestructive

setenv VIRTUAL_ENV __CVENV_ENV_CSH__
setenv VIRTUAL_ENV_PROMPT __CVENV_PROMPT_CSH__

# A moved env. csh cannot tell which file it is sourcing, but an env whose
# recorded place has no activate.csh was moved from there. The path goes to
# sh as an argument, never as code.
if (! -e "${VIRTUAL_ENV}/__CVENV_BIN__/activate.csh") then
    sh -c 'printf "cvenv: warning: this environment was moved: it was made at '"'%s'"'; run '"'cvenv repair'"' on it\n" "$1" >&2' sh "${VIRTUAL_ENV:q}"
endif

set _OLD_VIRTUAL_PATH="${PATH}"
setenv PATH "${VIRTUAL_ENV}/__CVENV_BIN__:${PATH}"

if ($?PYTHONHOME) then
    set _OLD_VIRTUAL_PYTHONHOME="${PYTHONHOME}"
    unsetenv PYTHONHOME
endif

if (! $?VIRTUAL_ENV_DISABLE_PROMPT) then
    # A shell without a prompt is not interactive: leave it so.
    if ($?prompt) then
        set _OLD_VIRTUAL_PROMPT="${prompt:q}"
        # The prefix has tcsh's prompt escapes ('%', '!', '\') neutralised.
        set prompt=__CVENV_PROMPT_PREFIX_CSH__"${prompt:q}"
    endif
endif

rehash
