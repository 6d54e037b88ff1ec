# Helpers shared by the t1xxx-create-* tests: side-by-side comparison of an
# env made by cvenv with the one the same interpreter's `python -m venv` makes.
# Sourced after lib.sh.

# What Python itself says about the env it runs in, with the env's path
# replaced by ENV (both envs are compared from the same relative place).
ENV_FACTS_PY='
import json, os, site, sys, sysconfig
env = os.path.abspath(sys.argv[1])
def n(x):
    if isinstance(x, str):
        return x.replace(env, "ENV")
    if isinstance(x, (list, tuple)):
        return [n(i) for i in x]
    if isinstance(x, dict):
        return dict((k, n(v)) for k, v in x.items())
    return x
facts = {
    "prefix": sys.prefix, "exec_prefix": sys.exec_prefix,
    "base_prefix": sys.base_prefix, "base_exec_prefix": sys.base_exec_prefix,
    "executable": sys.executable, "path": sys.path,
    "paths": sysconfig.get_paths(),
    "getsitepackages": site.getsitepackages() if hasattr(site, "getsitepackages") else None,
    "user_site": site.ENABLE_USER_SITE,
}
print(json.dumps(n(facts), sort_keys=True, indent=1))
'

# env_facts ENVDIR: prints the normalised facts of ENVDIR/bin/python.
env_facts() {
	"$1/bin/python" -c "$ENV_FACTS_PY" "$1"
}

# env_tree ENVDIR: every path (type, name, link target), activation scripts
# left out (their contents are the activate tests' business), env path -> ENV.
env_tree() {
	local abs
	abs=$(cd "$1" && pwd)
	(cd "$1" && find . -printf '%y %p %l\n') |
		grep -v -E '^f \./bin/(activate|activate\.[a-z]+|Activate\.ps1) ' |
		sed "s|$abs|ENV|g" | LC_ALL=C sort
}

# cfg_without_command ENVDIR: pyvenv.cfg without its "command" line, normalised.
cfg_without_command() {
	local abs
	abs=$(cd "$1" && pwd)
	grep -v '^command = ' "$1/pyvenv.cfg" | sed "s|$abs|ENV|g"
}

# compare_with_venv PY [OPTIONS...]: makes ref/env with `PY -m venv OPTIONS`
# and mine/env with `cvenv create -p PY OPTIONS`, then compares their trees,
# pyvenv.cfg (keys, order, values; command only by shape) and what the
# interpreter reports inside each.
compare_with_venv() {
	local py=$1
	shift
	rm -rf ref mine && mkdir ref mine &&
	(cd ref && "$py" -m venv "$@" env) &&
	(cd mine && cvenv create -p "$py" "$@" env) &&
	env_tree ref/env >tree.ref && env_tree mine/env >tree.mine &&
	scm_ignore_beyond_venv ref/env mine/env tree.mine &&
	diff -u tree.ref tree.mine &&
	cfg_without_command ref/env >cfg.ref && cfg_without_command mine/env >cfg.mine &&
	diff -u cfg.ref cfg.mine &&
	env_facts ref/env >facts.ref && env_facts mine/env >facts.mine &&
	diff -u facts.ref facts.mine &&
	check_command_line ref/env mine/env
}

# scm_ignore_beyond_venv REF MINE TREE: venv writes .gitignore from 3.13 on,
# cvenv for every version (issue 13.4): where only MINE has one, it must hold
# "*" and is left out of TREE (MINE's tree) for the comparison. Whether it is
# written at all is t1007's business.
scm_ignore_beyond_venv() {
	{ test -e "$1/.gitignore" || ! test -e "$2/.gitignore"; } && return 0
	grep -qx "\*" "$2/.gitignore" || { echo "no .gitignore holding * in $2"; return 1; }
	grep -v '^f \./\.gitignore $' "$3" >"$3.tmp" && mv "$3.tmp" "$3"
}

# venv writes "command = <python> -m venv <flags> <abs env>" (3.11+); cvenv's
# must be "<cvenv> create --python <python> <same flags> <abs env>".
check_command_line() {
	local ref mine abs
	ref=$(sed -n 's/^command = //p' "$1/pyvenv.cfg")
	mine=$(sed -n 's/^command = //p' "$2/pyvenv.cfg")
	if [ -z "$ref" ]; then
		[ -z "$mine" ] || { echo "unexpected command line: $mine"; return 1; }
		return 0
	fi
	abs=$(cd "$2" && pwd)
	local rest=${ref#* -m venv } rflags=
	case $rest in *" "*) rflags="${rest% *} " ;; esac
	case $mine in
	*" create --python "*" $rflags$abs") ;;
	*) echo "command line [$mine] does not match venv's [$ref]"; return 1 ;;
	esac
	"${mine%% *}" --version >/dev/null || { echo "command does not name cvenv: $mine"; return 1; }
}
