# Test fixture (setup only, not under test): writes tiny wheels and a small
# setuptools project for the freeze/list integration tests and the benchmark.
#   mkwheels.py DIR            the varied set the tests install
#   mkwheels.py DIR --many N   N plain wheels pkg000..pkgN-1
import base64
import hashlib
import os
import sys
import zipfile


def record_line(name, data):
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, h, len(data))


def wheel(out, dist, version, meta_name=None, meta_version=None, requires=(), extras=(),
          tag="py3-none-any", module=None):
    """A wheel as a build backend would write it: escaped file name, METADATA
    with the name as the project spells it."""
    fname = "%s-%s-%s.whl" % (dist, version, tag)
    di = "%s-%s.dist-info" % (dist, version)
    meta = ["Metadata-Version: 2.1", "Name: %s" % (meta_name or dist),
            "Version: %s" % (meta_version or version), "Summary: test package"]
    meta += ["Provides-Extra: %s" % e for e in extras]
    meta += ["Requires-Dist: %s" % r for r in requires]
    files = {
        "%s/__init__.py" % (module or dist.lower()): b"X = 1\n",
        di + "/METADATA": ("\n".join(meta) + "\n\nA description.\n").encode(),
        di + "/WHEEL": ("Wheel-Version: 1.0\nGenerator: mkwheels\nRoot-Is-Purelib: true\nTag: %s\n" % tag).encode(),
    }
    rec = [record_line(n, d) for n, d in files.items()] + [di + "/RECORD,,"]
    files[di + "/RECORD"] = ("\n".join(rec) + "\n").encode()
    with zipfile.ZipFile(os.path.join(out, fname), "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
    return fname


def project(out, name, version):
    """A setuptools project for `pip install -e`: PEP 660 where setuptools
    has it (64+), `setup.py develop` and an .egg-link where it has not."""
    os.makedirs(os.path.join(out, name.lower()), exist_ok=True)
    with open(os.path.join(out, "setup.py"), "w") as f:
        f.write("from setuptools import setup\nsetup(name=%r, version=%r, packages=[%r])\n"
                % (name, version, name.lower()))
    with open(os.path.join(out, "pyproject.toml"), "w") as f:
        f.write('[build-system]\nrequires = ["setuptools"]\n'
                'build-backend = "setuptools.build_meta"\n')
    with open(os.path.join(out, name.lower(), "__init__.py"), "w") as f:
        f.write("Y = 2\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if len(sys.argv) > 3 and sys.argv[2] == "--many":
        for i in range(int(sys.argv[3])):
            wheel(out, "pkg%03d" % i, "1.%d" % i)
        return
    wheel(out, "simple", "1.0")
    wheel(out, "Foo_Bar.baz", "2.0", module="foobarbaz")
    wheel(out, "CamelCase", "0.1", module="camel")
    wheel(out, "zeta", "1.0.0b1", meta_version="1.0.0-beta1")
    wheel(out, "alpha_pkg", "3.0", meta_name="Alpha.Pkg",
          requires=['simple>=1.0', 'zeta; extra == "z"',
                    'never-installed; python_version < "2.0"'], extras=["z"])
    wheel(out, "direct", "0.5")
    wheel(out, "epoch", "1!2.0.post1")
    os.makedirs(os.path.join(out, "proj"), exist_ok=True)
    project(os.path.join(out, "proj"), "Edit_Me", "0.3")


if __name__ == "__main__":
    main()
