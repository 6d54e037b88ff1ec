# cvenv's interpreter query: prints, as one JSON object on stdout, everything
# cvenv needs to know about the interpreter running it. cvenv runs it once per
# interpreter (with -E -s -S: no PYTHON* variables, no user site, and site's
# work done by emulate_site() below) and caches the answer.
#
# It must run unchanged on every Python from 2.7 on, import as little as it can,
# and never fail: a fact it cannot find is reported as null.
#
# It runs (uncached) on every cold `cvenv create`, so it avoids the slow imports:
# no json (a small encoder below), no platform (os.uname on POSIX), no
# importlib or venv import to learn whether a module exists (a file check on
# sys.path first). Each of those costs more than starting the interpreter.
import os
import sys


def safe(fn, default=None):
    try:
        return fn()
    except Exception:
        return default


def find_package(name):
    """The directory of a top-level package, without importing it: a file
    check along sys.path, then (for zipped or unusual stdlibs) importlib."""
    for d in sys.path:
        p = os.path.join(d or os.curdir, name)
        if os.path.isfile(os.path.join(p, "__init__.py")):
            return os.path.abspath(p)
    try:
        import importlib.util as iu

        spec = iu.find_spec(name)
        if spec and spec.origin:
            return os.path.dirname(spec.origin)
        return None
    except Exception:
        pass
    try:
        import imp

        return imp.find_module(name)[1]
    except Exception:
        return None


PLAIN_OK = hasattr(str, "isascii")  # 3.7+


def to_json(x, out):
    """JSON text of x (dict keys sorted, ASCII only), as json.dumps(x,
    sort_keys=True) gives, without importing json (and re)."""
    if x is None:
        out.append("null")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif isinstance(x, (int, float)) or type(x).__name__ == "long":
        out.append(repr(x).rstrip("L"))
    elif isinstance(x, dict):
        out.append("{")
        for i, k in enumerate(sorted(x)):
            if i:
                out.append(", ")
            to_json(str(k), out)
            out.append(": ")
            to_json(x[k], out)
        out.append("}")
    elif isinstance(x, (list, tuple)):
        out.append("[")
        for i, v in enumerate(x):
            if i:
                out.append(", ")
            to_json(v, out)
        out.append("]")
    else:
        if isinstance(x, bytes) and not isinstance(x, str):
            x = x.decode("utf-8", "replace")
        elif not isinstance(x, type(u"")):
            x = str(x)
            if isinstance(x, bytes):
                x = x.decode("utf-8", "replace")
        out.append('"')
        if PLAIN_OK and x.isascii() and x.isprintable() and '"' not in x and "\\" not in x:
            # printable ASCII without a quote or a backslash: as it is (most
            # of the answer; the loop below costs a third of a ms on 2 KB)
            out.append(x)
            out.append('"')
            return
        for c in x:
            o = ord(c)
            if c == '"' or c == "\\":
                out.append("\\" + c)
            elif 0x20 <= o < 0x7f:
                out.append(c)
            elif o > 0xFFFF:
                o -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 | (o >> 10), 0xDC00 | (o & 0x3FF)))
            else:
                out.append("\\u%04x" % o)
        out.append('"')


def emulate_site():
    """What site would have done at start-up, minus the code it would run:
    the import lines of .pth files and sitecustomize. cvenv runs the query
    with -S: that code is arbitrary (on some machines it imports certifi,
    setuptools' shims or a crash reporter -- Debian's sitecustomize looks for
    apport along all of sys.path) and costs more than the rest of the query,
    yet changes none of the facts below. site's own main() does the rest
    (venv detection from pyvenv.cfg, site-packages, .pth path lines), so
    sys.prefix and sys.path are what a normal start gives."""
    if not sys.flags.no_site:
        return
    # site runs before the interpreter puts the script's directory ("" for
    # stdin and -c) in front of sys.path: take it out meanwhile, or site would
    # make it absolute.
    first = sys.path.pop(0) if sys.path and sys.path[0] == "" else None
    try:
        import site  # on Python 2 this runs all of site.main(), .pth lines too

        if sys.version_info[0] >= 3:
            # site's own .pth reader, with exec() shadowed in its namespace,
            # and no sitecustomize (usercustomize is off with -s anyway)
            # nor abs_paths(), which makes the __file__ of every loaded
            # module absolute: no fact depends on it (0.6 ms on PyPy)
            setattr(site, "exec", lambda *args: None)
            saved = site.execsitecustomize, getattr(site, "abs_paths", None)
            site.execsitecustomize = lambda: None
            if saved[1] is not None:
                site.abs_paths = lambda: None
            try:
                site.main()
            finally:
                delattr(site, "exec")
                site.execsitecustomize = saved[0]
                if saved[1] is not None:
                    site.abs_paths = saved[1]
    finally:
        if first is not None:
            sys.path.insert(0, first)


def with_stand_ins(names, fn, **attrs):
    """fn() with the modules in names (not imported yet) replaced by
    stand-ins: an attribute given in attrs, or else the real module's,
    imported the first time one is looked up. For stdlib modules that import
    a heavy module they do not use here. Needs module __getattr__ (3.7)."""
    names = [n for n in names if n not in sys.modules]
    if sys.version_info < (3, 7) or not names:
        return fn()
    stubs = {}
    for name in names:
        stub = type(sys)(name)

        def real(attr, name=name, stub=stub):
            if attr.startswith("__"):
                # the import system probing (__path__, __spec__): not a use
                raise AttributeError(attr)
            if sys.modules.get(name) is stub:
                del sys.modules[name]
            return getattr(__import__(name), attr)

        for k, v in attrs.items():
            setattr(stub, k, v)
        stub.__getattr__ = real
        stubs[name] = sys.modules[name] = stub
    try:
        return fn()
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]


class NoLock(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def import_sysconfig():
    """sysconfig without threading: from 3.12 sysconfig imports threading
    (and with it functools and collections: 3-4 ms, a quarter of the query's
    time on 3.12) only to make one RLock that a single-threaded query never
    contends for. The stand-in gives it a do-nothing lock."""

    def load():
        import sysconfig

        return sysconfig

    if sys.version_info < (3, 12):
        return load()
    return with_stand_ins(["threading"], load, RLock=NoLock)


def fast_config(sysconfig):
    """The configuration variables the install schemes and the wheel tags
    use, without sysconfig.get_config_vars(): that one loads the build's
    _sysconfigdata (a thousand Makefile variables) and resolves the source
    directory, 1 to 1.5 ms of a 12 ms query on 3.12. Each value here is where
    sysconfig itself takes it from (sys, _imp), or follows from one. CPython
    3.10+ and PyPy 3.9+ on POSIX only (older ones take the full path); None
    then."""
    vi = sys.version_info
    impl = getattr(sys, "implementation", None)
    if os.name != "posix" or not impl or not hasattr(sys, "platlibdir"):
        return None
    if not ((impl.name == "cpython" and vi >= (3, 10)) or
            (impl.name == "pypy" and vi >= (3, 9) and hasattr(sysconfig, "_get_implementation"))):
        return None
    try:
        import _imp

        name = getattr(sysconfig, "_get_implementation", lambda: "Python")()
        abiflags = getattr(sys, "abiflags", "")
        short = "%d.%d" % (vi[0], vi[1])
        return {
            "prefix": os.path.normpath(sys.prefix),
            "exec_prefix": os.path.normpath(sys.exec_prefix),
            "base": os.path.normpath(sys.prefix),
            "platbase": os.path.normpath(sys.exec_prefix),
            "installed_base": os.path.normpath(sys.base_prefix),
            "installed_platbase": os.path.normpath(sys.base_exec_prefix),
            "py_version": sys.version.split()[0],
            "py_version_short": short,
            "py_version_nodot": "%d%d" % (vi[0], vi[1]),
            "py_version_nodot_plat": "",
            "platlibdir": sys.platlibdir,
            "implementation": name,
            "implementation_lower": name.lower(),
            "abiflags": abiflags,
            "abi_thread": "t" if "t" in abiflags else "",
            "VERSION": short,
            "EXT_SUFFIX": _imp.extension_suffixes()[0],
            "Py_DEBUG": 1 if hasattr(sys, "gettotalrefcount") else 0,
            "Py_GIL_DISABLED": (1 if "t" in abiflags else 0) if vi >= (3, 13) else None,
        }
    except Exception:
        return None


def expand_scheme(sysconfig, config, scheme=None, vars=None):
    """sysconfig.get_paths(scheme, vars=vars) with config for the variables
    (see fast_config): the scheme's templates expanded as sysconfig's
    _expand_vars does; None when a template needs anything else (then the
    caller asks sysconfig)."""
    try:
        if scheme is None:
            # get_paths()' default: the scheme chosen when sysconfig loaded
            scheme = sysconfig.get_paths.__defaults__[0]
        v = dict(config)
        v.update(vars or {})
        return dict((key, os.path.normpath(os.path.expanduser(value).format(**v)))
                    for key, value in sysconfig._INSTALL_SCHEMES[scheme].items())
    except Exception:
        return None


def main():
    emulate_site()
    sysconfig = import_sysconfig()

    vi = sys.version_info
    impl = getattr(sys, "implementation", None)
    impl_name = impl.name if impl else ("pypy" if "__pypy__" in sys.builtin_module_names else "cpython")
    out = {
        "query_version": 1,
        "executable": sys.executable,
        "base_executable": getattr(sys, "_base_executable", None) or sys.executable,
        "realpath": os.path.realpath(sys.executable),
        "implementation": impl_name,
        "version_info": [vi[0], vi[1], vi[2], vi[3], vi[4]],
        "version": "%d.%d.%d" % (vi[0], vi[1], vi[2]),
        "prefix": sys.prefix,
        "exec_prefix": sys.exec_prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
        "real_prefix": getattr(sys, "real_prefix", None),
        "sys_path": list(sys.path),
        "pointer_bits": 64 if sys.maxsize > 2 ** 32 else 32,
        "os_name": os.name,
        "sys_platform": sys.platform,
        "byteorder": sys.byteorder,
    }

    # A venv built by this interpreter: where its paths go, relative to the env.
    env = "/@cvenv-env@"
    fast = fast_config(sysconfig)
    if fast is None:
        # PyPy's _sysconfigdata imports platform (and with it subprocess)
        # for macOS only, and shutil (with bz2, lzma, fnmatch) for
        # which("gcc"), which only picks the CC variables this query does not
        # report: 15 to 25 ms on PyPy 3.9, most of its query. Stand-ins
        # meanwhile (which finds nothing).
        safe(lambda: with_stand_ins(["platform", "shutil"], sysconfig.get_config_vars,
                                    which=lambda *args, **kwargs: None))

    def get_paths(scheme=None, vars=None):
        got = expand_scheme(sysconfig, fast, scheme, vars) if fast is not None else None
        if got is None:
            got = sysconfig.get_paths(scheme, vars=vars) if scheme else sysconfig.get_paths()
        return got

    names = safe(sysconfig.get_scheme_names, ())
    vars_ = {"base": env, "platbase": env, "installed_base": env, "installed_platbase": env}
    if "venv" in names:
        scheme = "venv"
    elif impl_name == "pypy" and "pypy" in names and vi < (3, 0):
        scheme = "pypy"
    else:
        scheme = "posix_prefix" if os.name == "posix" else "nt"
    paths = safe(lambda: get_paths(scheme, vars_), {})

    def rel(p):
        if p and p.startswith(env + "/"):
            return p[len(env) + 1:]
        return p

    layout = dict((k, rel(v)) for k, v in paths.items())
    if scheme != "venv" and os.name == "posix":
        # Before 3.11 venv hard-coded these instead of asking sysconfig.
        libdir = "%s%d.%d" % ("pypy" if impl_name == "pypy" else "python", vi[0], vi[1])
        layout["purelib"] = layout["platlib"] = "lib/%s/site-packages" % libdir
        layout["include"] = "include"
        layout["scripts"] = "bin"
    out["venv_scheme"] = scheme
    out["venv_paths"] = layout

    # The base install's own paths (its stdlib: EXTERNALLY-MANAGED).
    out["paths"] = safe(get_paths, {})
    # What wheel tags need (packaging reads these); WITH_PYMALLOC only
    # changes them before 3.8.
    keep = ("EXT_SUFFIX", "Py_DEBUG", "Py_GIL_DISABLED", "py_version_nodot", "abiflags",
            "VERSION") + (("WITH_PYMALLOC",) if vi < (3, 8) else ())
    cv = fast if fast is not None else safe(sysconfig.get_config_vars, {})
    out["config_vars"] = dict((k, cv.get(k)) for k in keep)
    out["platform"] = safe(sysconfig.get_platform)
    out["abiflags"] = getattr(sys, "abiflags", "")

    # Wheel tag facts: libc family and version, machine.
    libc = None
    try:
        ver = os.confstr("CS_GNU_LIBC_VERSION")
        if ver:
            libc = ["glibc"] + ver.split()[1:2]
    except (AttributeError, ValueError, OSError):
        pass
    out["libc"] = libc

    un = safe(os.uname) if hasattr(os, "uname") else None
    if un is not None:
        machine, release, system, version = un[4], un[2], un[0], un[3]
    else:
        import platform

        machine = safe(platform.machine, "")
        release = safe(platform.release, "")
        system = safe(platform.system, "")
        version = safe(platform.version, "")
    impl_display = {"cpython": "CPython", "pypy": "PyPy", "ironpython": "IronPython",
                    "jython": "Jython"}.get(impl_name)
    if impl_display is None:
        import platform

        impl_display = safe(platform.python_implementation, "")

    out["markers"] = {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_machine": machine,
        "platform_python_implementation": impl_display,
        "platform_release": release,
        "platform_system": system,
        "platform_version": version,
        "python_version": "%d.%d" % (vi[0], vi[1]),
        "python_full_version": sys.version.split()[0],
        "implementation_name": impl_name,
        "implementation_version": (
            "%d.%d.%d" % tuple(impl.version[:3])
            + ("" if impl.version[3] == "final" else impl.version[3][0] + str(impl.version[4]))
            if impl else "0"
        ),
    }
    if impl_name == "pypy":
        pv = getattr(sys, "pypy_version_info", None)
        out["pypy_version"] = list(pv[:3]) if pv else None

    # ensurepip: is it there, and which wheels does it bundle?
    ep_dir = find_package("ensurepip")
    out["ensurepip"] = ep_dir
    bundled = []
    if ep_dir:
        bd = os.path.join(ep_dir, "_bundled")
        if os.path.isdir(bd):
            bundled = sorted(os.path.join(bd, f) for f in os.listdir(bd) if f.endswith(".whl"))
    out["bundled_wheels"] = bundled
    out["has_venv_module"] = find_package("venv") is not None

    stdlib = out["paths"].get("stdlib") if out["paths"] else None
    em = os.path.join(stdlib, "EXTERNALLY-MANAGED") if stdlib else None
    out["externally_managed"] = em if em and os.path.isfile(em) else None
    return out


def run():
    parts = []
    to_json(main(), parts)
    sys.stdout.write("".join(parts))
    sys.stdout.write("\n")
    sys.stdout.flush()
    # The answer is out: close the pipes, so cvenv reads its end now rather
    # than when the kernel has taken the process down (most of a ms), and
    # skip the interpreter's own teardown (a few ms).
    try:
        os.close(1)
        os.close(2)
    except OSError:
        pass
    os._exit(0)


# cvenv imports this file as a module from its cache (so the interpreter keeps
# the compiled code) and calls run(); without a cache it sends it on stdin.
if __name__ == "__main__":
    run()
