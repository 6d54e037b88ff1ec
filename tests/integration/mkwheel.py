# Builds test wheels for the t3xxx-install tests (python3 mkwheel.py --help).
# A wheel is a zip with a .dist-info; this writes good ones the way
# bdist_wheel does, and bad ones on request.
import argparse
import base64
import hashlib
import os
import stat
import sys
import zipfile


def rhash(data):
    d = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(d).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("name")
    ap.add_argument("version")
    ap.add_argument("--tag", default="py3-none-any")
    ap.add_argument("--build", default=None)
    ap.add_argument("--file", action="append", default=[], help="PATH=CONTENT (in the wheel root)")
    ap.add_argument("--exec-file", action="append", default=[], help="PATH=CONTENT, mode 0755")
    ap.add_argument("--console", action="append", default=[], help="NAME=MOD:FUNC")
    ap.add_argument("--gui", action="append", default=[], help="NAME=MOD:FUNC")
    ap.add_argument("--data", action="append", default=[], help="KEY/PATH=CONTENT in .data")
    ap.add_argument("--requires", action="append", default=[])
    ap.add_argument("--requires-python", default=None)
    ap.add_argument("--wheel-version", default="1.0")
    ap.add_argument("--platlib", action="store_true", help="Root-Is-Purelib: false")
    ap.add_argument("--bad", default=None,
                    help="hash|size|traversal|absolute|symlink|two-dist-info|no-record|"
                         "unlisted|truncate|corrupt|dist-info-name|no-wheel-file|unknown-data")
    ap.add_argument("--filename", default=None, help="override the wheel file name")
    ap.add_argument("--meta-name", default=None, help="METADATA's Name, when not NAME")
    ap.add_argument("--unrecorded", action="append", default=[],
                    help="PATH=CONTENT: a member RECORD does not list (RECORD.jws)")
    ap.add_argument("--entry-points", default=None, help="entry_points.txt text (escapes allowed)")
    a = ap.parse_args()

    esc = a.name.replace("-", "_").replace(".", "_")
    di = "%s-%s.dist-info" % (esc, a.version)
    dd = "%s-%s.data" % (esc, a.version)
    files = []  # (name, bytes, mode)
    pkg = esc.lower()
    files.append(("%s/__init__.py" % pkg,
                  ("VERSION = %r\ndef main():\n    print('%s', VERSION)\n" % (a.version, a.name)).encode(),
                  0o644))
    for spec in a.file:
        p, c = spec.split("=", 1)
        files.append((p, c.encode().decode("unicode_escape").encode(), 0o644))
    for spec in a.exec_file:
        p, c = spec.split("=", 1)
        files.append((p, c.encode().decode("unicode_escape").encode(), 0o755))
    for spec in a.data:
        p, c = spec.split("=", 1)
        files.append(("%s/%s" % (dd, p), c.encode().decode("unicode_escape").encode(), 0o644))
    meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (a.meta_name or a.name, a.version)
    if a.requires_python:
        meta += "Requires-Python: %s\n" % a.requires_python
    for r in a.requires:
        meta += "Requires-Dist: %s\n" % r
    files.append(("%s/METADATA" % di, meta.encode(), 0o644))
    if a.bad != "no-wheel-file":
        wheel = "Wheel-Version: %s\nGenerator: mkwheel\nRoot-Is-Purelib: %s\nTag: %s\n" % (
            a.wheel_version, "false" if a.platlib else "true", a.tag)
        files.append(("%s/WHEEL" % di, wheel.encode(), 0o644))
    if a.console or a.gui:
        ep = ""
        if a.console:
            ep += "[console_scripts]\n" + "".join("%s = %s\n" % tuple(s.split("=", 1)) for s in a.console)
        if a.gui:
            ep += "[gui_scripts]\n" + "".join("%s = %s\n" % tuple(s.split("=", 1)) for s in a.gui)
        files.append(("%s/entry_points.txt" % di, ep.encode(), 0o644))
    if a.entry_points is not None:
        files.append(("%s/entry_points.txt" % di,
                      a.entry_points.encode().decode("unicode_escape").encode("latin-1"), 0o644))
    if a.bad == "traversal":
        files.append(("%s/../../evil.py" % pkg, b"evil\n", 0o644))
    if a.bad == "absolute":
        files.append(("/tmp/cvenv-evil.py", b"evil\n", 0o644))
    if a.bad == "two-dist-info":
        files.append(("other-1.0.dist-info/METADATA", b"Name: other\nVersion: 1.0\n", 0o644))
    if a.bad == "unknown-data":
        files.append(("%s/nosuchkey/x" % dd, b"x\n", 0o644))
    if a.bad == "dist-info-name":
        files = [(n.replace(di, "other-%s.dist-info" % a.version), c, m) for n, c, m in files]
        di = "other-%s.dist-info" % a.version

    rows = []
    for n, c, m in files:
        h, s = rhash(c), len(c)
        if a.bad == "hash" and n.endswith("__init__.py"):
            h = rhash(c + b"tampered")
        if a.bad == "size" and n.endswith("__init__.py"):
            s += 1
        if a.bad == "unlisted" and n.endswith("__init__.py"):
            continue
        rows.append("%s,%s,%d\n" % (n, h, s))
    rows.append("%s/RECORD,,\n" % di)

    tags = a.tag
    fname = a.filename or "%s-%s%s-%s.whl" % (esc, a.version, "-" + a.build if a.build else "", tags)
    path = os.path.join(a.outdir, fname)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, c, m in files:
            zi = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = (stat.S_IFREG | m) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, c)
        if a.bad == "symlink":
            zi = zipfile.ZipInfo("%s/link" % pkg, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = (stat.S_IFLNK | 0o777) << 16
            zi.create_system = 3
            z.writestr(zi, "/etc/passwd")
        for spec in a.unrecorded:
            p, c = spec.split("=", 1)
            zi = zipfile.ZipInfo(p.replace("DIST_INFO", di), date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = (stat.S_IFREG | 0o644) << 16
            z.writestr(zi, c.encode().decode("unicode_escape").encode("latin-1"))
        if a.bad != "no-record":
            z.writestr(zipfile.ZipInfo("%s/RECORD" % di, date_time=(2020, 1, 1, 0, 0, 0)), "".join(rows))
    if a.bad == "truncate":
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(size // 2)
    if a.bad == "corrupt":
        data = bytearray(open(path, "rb").read())
        # flip bytes inside the first member's compressed data (after its header)
        for i in range(60, 80):
            data[i] ^= 0xFF
        open(path, "wb").write(bytes(data))
    print(path)


if __name__ == "__main__":
    main()
