#!/bin/bash
# The interpreter query (src/core/interp/interp_query.py, run by cvenv with -E -s -S
# and doing site's work itself) reports exactly what the interpreter gives when
# it starts normally: for every real interpreter on this machine, and for
# venvs made by some of them, the facts cvenv caches equal a reference computed
# here by the same interpreter started with site, straight from the stdlib
# (sys, sysconfig, platform, importlib/imp, json). The single query (`python
# find`), the parallel one (`python list`), both running the script as a
# module from the cache, and the script on stdin (no cache) are checked.
. "$(dirname "$0")/lib.sh"

# The reference: the interpreter's own answers, Python 2.7 to 3.13 and PyPy.
cat >ref.py <<'PY'
import json, os, platform, struct, sys, sysconfig

vi = sys.version_info
impl = platform.python_implementation().lower()
env = "/@cvenv-env@"


def spec_dir(name):
    try:
        import importlib.util
        s = importlib.util.find_spec(name)
        return os.path.dirname(s.origin) if s and s.origin else None
    except ImportError:
        import imp
        try:
            return imp.find_module(name)[1]
        except ImportError:
            return None


def venv_layout():
    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif impl == "pypy" and "pypy" in names and vi[0] < 3:
        scheme = "pypy"
    else:
        scheme = "posix_prefix"
    v = dict(base=env, platbase=env, installed_base=env, installed_platbase=env)
    got = sysconfig.get_paths(scheme, vars=v)
    layout = {}
    for k in got:
        p = got[k]
        layout[k] = p[len(env) + 1:] if p.startswith(env + "/") else p
    if scheme != "venv":
        lib = "lib/%s%d.%d/site-packages" % ("pypy" if impl == "pypy" else "python", vi[0], vi[1])
        layout.update(purelib=lib, platlib=lib, include="include", scripts="bin")
    return scheme, layout


scheme, layout = venv_layout()
ep = spec_dir("ensurepip")
bd = ep and os.path.join(ep, "_bundled")
try:
    libc = os.confstr("CS_GNU_LIBC_VERSION").split()[:2]
except (AttributeError, ValueError, OSError):
    libc = None
stdlib = sysconfig.get_paths().get("stdlib")
em = stdlib and os.path.join(stdlib, "EXTERNALLY-MANAGED")
iv = sys.implementation.version if hasattr(sys, "implementation") else None
keep = ("EXT_SUFFIX", "Py_DEBUG", "Py_GIL_DISABLED", "py_version_nodot", "abiflags",
        "VERSION") + (("WITH_PYMALLOC",) if vi < (3, 8) else ())
facts = {
    "query_version": 1,
    "executable": sys.executable,
    "base_executable": getattr(sys, "_base_executable", None) or sys.executable,
    "realpath": os.path.realpath(sys.executable),
    "implementation": impl,
    "version_info": list(vi),
    "version": ".".join(str(x) for x in vi[:3]),
    "prefix": sys.prefix,
    "exec_prefix": sys.exec_prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
    "real_prefix": getattr(sys, "real_prefix", None),
    "sys_path": sys.path,
    "pointer_bits": struct.calcsize("P") * 8,
    "os_name": os.name,
    "sys_platform": sys.platform,
    "byteorder": sys.byteorder,
    "venv_scheme": scheme,
    "venv_paths": layout,
    "paths": sysconfig.get_paths(),
    "config_vars": dict((k, sysconfig.get_config_var(k)) for k in keep),
    "platform": sysconfig.get_platform(),
    "abiflags": getattr(sys, "abiflags", ""),
    "libc": ["glibc"] + libc[1:] if libc else None,
    "markers": {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_version": "%d.%d" % vi[:2],
        "python_full_version": platform.python_version(),
        "implementation_name": impl,
        "implementation_version": "0" if iv is None else "%d.%d.%d" % iv[:3] + (
            "" if iv[3] == "final" else iv[3][0] + str(iv[4])),
    },
    "ensurepip": ep,
    "bundled_wheels": sorted(os.path.join(bd, f) for f in os.listdir(bd) if f.endswith(".whl"))
    if bd and os.path.isdir(bd) else [],
    "has_venv_module": spec_dir("venv") is not None,
    "externally_managed": em if em and os.path.isfile(em) else None,
}
if impl == "pypy":
    facts["pypy_version"] = list(sys.pypy_version_info[:3])
sys.stdout.write(json.dumps(facts, sort_keys=True) + "\n")
PY

# compare.py REFDIR ENTRY...: each cache entry's facts against REFDIR/<key>.json.
cat >compare.py <<'PY'
import json, os, sys
bad = 0
seen = 0
for f in sys.argv[2:]:
    e = json.load(open(f))
    ref = os.path.join(sys.argv[1], e["path"].replace("/", "%") + ".json")
    if not os.path.exists(ref):
        continue
    seen += 1
    print("compared: %s" % e["path"])
    want = json.load(open(ref))
    got = e["facts"]
    for k in sorted(set(want) | set(got)):
        if want.get(k, "<absent>") != got.get(k, "<absent>"):
            bad += 1
            print("%s: %s: query %r, reference %r" % (e["path"], k, got.get(k, "<absent>"), want.get(k, "<absent>")))
print("%d entries compared" % seen)
sys.exit(1 if bad or not seen else 0)
PY

pys=
for n in 2.7 3.6 $ALL_PYTHONS; do
	p=$(python_for "$n")
	[ -n "$p" ] && pys="$pys $p"
done
[ -n "$pys" ] || test_skip "no real interpreter on this machine"
host=$(python_for 3.12)
[ -n "$host" ] || host=$(command -v python3)

# reference DIR PY: the reference facts of PY, into DIR/<PY with / as %>.json
reference() {
	mkdir -p "$1" &&
	"$2" -E -s - <ref.py >"$1/$(printf %s "$2" | tr / %).json"
}

test_expect_success 'the reference runs on every interpreter' '
	for p in $pys; do
		reference refs "$p" || { echo "no reference from $p"; return 1; }
	done &&
	test "$(ls refs | wc -l)" -ge 2
'

test_expect_success 'a single query (python find) gives the reference facts on every interpreter' '
	for p in $pys; do
		cvenv python find --cache-dir c1 "$p" >/dev/null || return 1
	done &&
	test "$(ls c1/interpreters/*.json | wc -l)" -ge "$(echo $pys | wc -w)" &&
	"$host" compare.py refs c1/interpreters/*.json
'

test_expect_success 'venvs: the query sees pyvenv.cfg as site does (prefix, sys.path, paths)' '
	n=0 &&
	for v in 3.7 3.12 debian3.11 pypy3; do
		p=$(python_for "$v")
		[ -n "$p" ] || continue
		"$p" -m venv --without-pip "venv-$v" &&
		"$p" -m venv --without-pip --system-site-packages "venv-$v-sys" || return 1
		for e in "venv-$v" "venv-$v-sys"; do
			reference refs "$TRASH/$e/bin/python" &&
			cvenv python find --cache-dir c2 "$TRASH/$e/bin/python" >/dev/null || return 1
			n=$((n + 1))
		done
	done &&
	test $n -ge 2 &&
	"$host" compare.py refs c2/interpreters/*.json >out &&
	cat out &&
	test "$(grep -c "^compared: $TRASH/venv-" out)" -eq $n
'

test_expect_success 'the parallel query (python list) gives the reference facts' '
	cvenv python list --all-paths --cache-dir c3 >/dev/null &&
	for f in c3/interpreters/*.json; do
		p=$("$host" -c "import json, sys; print(json.load(open(sys.argv[1]))[\"path\"])" "$f") &&
		reference refs "$p" || return 1
	done &&
	"$host" compare.py refs c3/interpreters/*.json
'

test_expect_success 'a .pth path line reaches sys.path; its import lines are not run' '
	p=$(python_for 3.12) &&
	"$p" -m venv --without-pip pthenv &&
	sp=$(echo pthenv/lib/python3.12/site-packages) &&
	mkdir -p "$TRASH/extra" &&
	echo "$TRASH/extra" >"$sp/a.pth" &&
	echo "import os; open(\"$TRASH/ran\", \"w\")" >"$sp/b.pth" &&
	reference refs "$TRASH/pthenv/bin/python" &&
	rm -f ran &&
	cvenv python find --cache-dir c4 "$TRASH/pthenv/bin/python" >/dev/null &&
	! test -e ran &&
	"$host" compare.py refs c4/interpreters/*.json &&
	grep -q "\"$TRASH/extra\"" c4/interpreters/*.json
'

test_expect_success 'sitecustomize is not run by the query; the facts are still right' '
	p=$(python_for 3.12) &&
	sp=$(echo pthenv/lib/python3.12/site-packages) &&
	rm -f "$sp/b.pth" ran &&
	echo "open(\"$TRASH/ran\", \"w\")" >"$sp/sitecustomize.py" &&
	rm -rf c4 &&
	cvenv python find --cache-dir c4 "$TRASH/pthenv/bin/python" >/dev/null &&
	! test -e ran &&
	"$host" compare.py refs c4/interpreters/*.json &&
	pthenv/bin/python -c pass && test -e ran
'

# What the query keeps out of the interpreter: each of these costs more than
# the rest of the query, and none is needed for a fact (t0304's comparisons
# above prove the facts right without them).
test_expect_success 'the query imports no heavy module it does not need' '
	mkdir -p qmod && cp "$SRC_ROOT/src/core/interp/interp_query.py" qmod/cvenv_query.py &&
	n=0 &&
	for v in 3.11 3.12 3.13 debian3.11 pypy3; do
		p=$(python_for "$v")
		[ -n "$p" ] || continue
		"$p" -B -E -sS -c "
import sys
sys.path.insert(0, sys.argv[1])
import cvenv_query
del sys.path[0]
cvenv_query.main()
heavy = [m for m in (\"threading\", \"platform\", \"subprocess\", \"shutil\", \"json\", \"re\") if m in sys.modules]
print(\" \".join(heavy))
" qmod >mods &&
		echo "$v: $(cat mods)" &&
		test -z "$(cat mods)" || return 1
		n=$((n + 1))
	done &&
	test $n -ge 3
'

# CPython 3.10+, PyPy 3.9+: the configuration the paths and tags need comes from sys and
# _imp (the comparisons above prove it equal), so sysconfig never loads the
# build's variables (_sysconfigdata), which costs more than a ms.
test_expect_success 'the query does not load sysconfig'"'"'s build variables on CPython 3.10+, PyPy 3.9+' '
	n=0 &&
	for v in 3.10 3.11 3.12 3.13 debian3.11 pypy3; do
		p=$(python_for "$v")
		[ -n "$p" ] || continue
		"$p" -B -E -sS -c "
import sys
sys.path.insert(0, sys.argv[1])
import cvenv_query
del sys.path[0]
facts = cvenv_query.main()
import sysconfig
print(sysconfig._CONFIG_VARS is None, [m for m in sys.modules if m.startswith(\"_sysconfigdata\")], bool(facts[\"venv_paths\"]))
" qmod >loaded &&
		echo "$v: $(cat loaded)" &&
		expect_equal "True [] True" "$(cat loaded)" || return 1
		n=$((n + 1))
	done &&
	test $n -ge 3
'

test_expect_success 'without a cache (the script on stdin) the answer is the same' '
	p=$(python_for 3.12) &&
	cvenv python find --format=json --cache-dir c5 "$p" >cached.json &&
	cvenv python find --format=json --no-cache "$p" >nocache.json &&
	test -s cached.json &&
	diff -u cached.json nocache.json
'

test_done
