<#
.Synopsis
Activates a Python environment made by cvenv.
.Description
Puts the environment's scripts directory first on PATH, sets VIRTUAL_ENV and
VIRTUAL_ENV_PROMPT, unsets PYTHONHOME and prefixes the prompt (unless
VIRTUAL_ENV_DISABLE_PROMPT is set). Dot-source it:  . bin/Activate.ps1
Undo with: deactivate
.Parameter Prompt
A prompt name to show instead of the environment's own.
#>
Param(
    [Parameter(Mandatory = $false)]
    [String]
    $Prompt
)

# The env's path and prompt are single-quoted literals, assigned once here.
$CvenvEnvDir = __CVENV_ENV_PS__
$CvenvPrompt = __CVENV_PROMPT_PS__
if ($Prompt) {
    $CvenvPrompt = $Prompt
}

function global:deactivate ([switch]$NonDestructive) {
    if (Test-Path -Path Function:_OLD_VIRTUAL_PROMPT) {
        Copy-Item -Path Function:_OLD_VIRTUAL_PROMPT -Destination Function:prompt
        Remove-Item -Path Function:_OLD_VIRTUAL_PROMPT
    }
    if (Test-Path -Path Env:_OLD_VIRTUAL_PYTHONHOME) {
        Copy-Item -Path Env:_OLD_VIRTUAL_PYTHONHOME -Destination Env:PYTHONHOME
        Remove-Item -Path Env:_OLD_VIRTUAL_PYTHONHOME
    }
    if (Test-Path -Path Env:_OLD_VIRTUAL_PATH) {
        Copy-Item -Path Env:_OLD_VIRTUAL_PATH -Destination Env:PATH
        Remove-Item -Path Env:_OLD_VIRTUAL_PATH
    }
    if (Test-Path -Path Env:VIRTUAL_ENV) {
        Remove-Item -Path Env:VIRTUAL_ENV
    }
    if (Test-Path -Path Env:VIRTUAL_ENV_PROMPT) {
        Remove-Item -Path Env:VIRTUAL_ENV_PROMPT
    }
    if (Get-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -ErrorAction SilentlyContinue) {
        Remove-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Scope Global -Force
    }
    if (-not $NonDestructive) {
        Remove-Item -Path Function:deactivate
    }
}

# Leave any env that is active now (this env's or another's).
deactivate -NonDestructive

$env:VIRTUAL_ENV = $CvenvEnvDir
$env:VIRTUAL_ENV_PROMPT = $CvenvPrompt

# A moved env: the script dot-sourced is not the one in the env's scripts
# directory any more.
if ($PSCommandPath) {
    $CvenvOwnScript = Join-Path -Path (Join-Path -Path $CvenvEnvDir -ChildPath __CVENV_BIN_PS__) -ChildPath 'Activate.ps1'
    if (-not (Test-Path -LiteralPath $CvenvOwnScript) -or
        (Resolve-Path -LiteralPath $CvenvOwnScript).ProviderPath -ne (Resolve-Path -LiteralPath $PSCommandPath).ProviderPath) {
        [Console]::Error.WriteLine("cvenv: warning: this environment was moved: it was made at '$CvenvEnvDir'; run 'cvenv repair' on it")
    }
}

if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    Copy-Item -Path Function:prompt -Destination Function:_OLD_VIRTUAL_PROMPT
    New-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Description "Python virtual environment prompt prefix" -Scope Global -Option ReadOnly -Visibility Public -Value $CvenvPrompt
    function global:prompt {
        Write-Host -NoNewline -ForegroundColor Green "($_PYTHON_VENV_PROMPT_PREFIX) "
        _OLD_VIRTUAL_PROMPT
    }
}

if (Test-Path -Path Env:PYTHONHOME) {
    Copy-Item -Path Env:PYTHONHOME -Destination Env:_OLD_VIRTUAL_PYTHONHOME
    Remove-Item -Path Env:PYTHONHOME
}

Copy-Item -Path Env:PATH -Destination Env:_OLD_VIRTUAL_PATH
$env:PATH = (Join-Path -Path $CvenvEnvDir -ChildPath __CVENV_BIN_PS__) + [System.IO.Path]::PathSeparator + $env:PATH
