#!/usr/bin/env python3
"""Repacks the Python distributions Debian installed into wheels, for a test
index with real dependency metadata.

    mkcorpus.py OUTDIR [--site DIR]... [--list]

For every *.dist-info / *.egg-info in each site directory (default
/usr/lib/python3/dist-packages) it writes OUTDIR/<name>-<version>-<tag>.whl:
the distribution's files (from its RECORD, else from the owning Debian
package's file list, limited to the names in top_level.txt), a METADATA, the
entry points, a WHEEL and a RECORD with the sha256 and size of every file.

Requires-Dist: Debian strips install_requires from what it installs, so the
dependencies are rebuilt from, in order: the Requires-Dist lines still in the
METADATA/PKG-INFO; the egg-info's requires.txt (sections [extra], [:marker]
and [extra:marker] become markers); and the Debian package's Depends, where
python3-foo is mapped to the distributions the package python3-foo installs,
"(>= 1.2)" to ">=1.2" (Debian revisions and "~" suffixes dropped), and an
alternative that the interpreter itself satisfies ("python3-x | python3 (>>
3.10)") skipped. A requirement already named by the first two sources is not
added again from Depends. Distributions with no files found are skipped.
"""
import base64
import csv
import email.parser
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile

DEFAULT_SITE = "/usr/lib/python3/dist-packages"


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


_owners = None
_listcache = {}


def _read_dpkg_lists():
    """Path -> package and package -> paths, from dpkg's own file lists (one
    read instead of a dpkg -S per distribution)."""
    global _owners
    _owners = {}
    d = "/var/lib/dpkg/info"
    if not os.path.isdir(d):
        return
    for e in os.listdir(d):
        if not e.endswith(".list"):
            continue
        pkg = e[:-5].split(":")[0]
        with open(os.path.join(d, e), encoding="utf-8", errors="replace") as f:
            paths = [l.rstrip("\n") for l in f if "-packages" in l]
        if paths:
            _listcache[pkg] = paths
            for path in paths:
                _owners[path] = pkg


def dpkg_owner(path):
    if _owners is None:
        _read_dpkg_lists()
    return _owners.get(path)


def dpkg_files(pkg):
    if _owners is None:
        _read_dpkg_lists()
    return _listcache.get(pkg, [])


def dpkg_depends(pkg):
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Depends}", pkg],
                         capture_output=True, text=True).stdout
    return out.strip()


def read_meta(infodir):
    for n in ("METADATA", "PKG-INFO"):
        p = os.path.join(infodir, n)
        if os.path.isfile(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                return f.read()
    if os.path.isfile(infodir):  # an egg-info file
        with open(infodir, encoding="utf-8", errors="replace") as f:
            return f.read()
    return None


def requires_txt(infodir):
    p = os.path.join(infodir, "requires.txt")
    if not os.path.isfile(p):
        return []
    out, extra, marker = [], None, None
    with open(p, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                sect = line[1:-1]
                extra, _, marker = sect.partition(":")
                extra = extra or None
                marker = marker or None
                continue
            conds = []
            if marker:
                conds.append("(%s)" % marker if extra else marker)
            if extra:
                conds.append('extra == "%s"' % norm(extra))
            out.append((line, " and ".join(conds), extra))
    return out


def deb_version(v):
    v = v.split(":", 1)[-1]
    v = re.split(r"[~+]|-(?=[^-]*$)", v)[0]
    return v


def depends_reqs(pkg, deb2dists):
    reqs = []
    ops = {">=": ">=", ">>": ">", "<<": "<", "<=": "<=", "=": "=="}
    for clause in dpkg_depends(pkg).split(","):
        alts = [a.strip() for a in clause.split("|") if a.strip()]
        if any(re.match(r"python3(:any)?(\s|$)", a) for a in alts):
            continue  # the interpreter satisfies it
        for a in alts:
            m = re.match(r"([a-z0-9.+-]+)(?::any)?\s*(?:\((\S+)\s+([^)]+)\))?", a)
            if not m:
                continue
            dists = deb2dists.get(m.group(1))
            if not dists:
                continue
            for d in dists:
                spec = ""
                if m.group(2) and deb_version(m.group(3)):
                    spec = ops.get(m.group(2), ">=") + deb_version(m.group(3))
                reqs.append(d + spec)
            break
    return reqs


def record_files(site, infodir):
    p = os.path.join(infodir, "RECORD")
    if not os.path.isfile(p):
        return None
    files = []
    with open(p, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if not row or row[0].startswith("..") or row[0].startswith("/"):
                continue
            files.append(row[0])
    return files


def deb_files(site, infodir, pkg):
    tops = None
    tl = os.path.join(infodir, "top_level.txt")
    if os.path.isfile(tl):
        with open(tl) as f:
            tops = {l.strip() for l in f if l.strip()}
    files = []
    for path in dpkg_files(pkg):
        if not path.startswith(site + "/") or not os.path.isfile(path) or os.path.islink(path):
            continue
        rel = path[len(site) + 1:]
        first = rel.split("/")[0]
        if first.endswith((".egg-info", ".dist-info")) or first.endswith(".pth"):
            continue
        if tops is not None:
            mod = first[:-3] if first.endswith(".py") else first.split(".")[0]
            if mod not in tops and first not in tops:
                continue
        files.append(rel)
    return files


def wheel_tag(files):
    for f in files:
        m = re.search(r"\.cpython-(\d)(\d+)-x86_64-linux-gnu\.so$", f)
        if m:
            return "cp%s%s-cp%s%s-linux_x86_64" % ((m.group(1), m.group(2)) * 2)
        if f.endswith(".abi3.so"):
            return "cp311-abi3-linux_x86_64"
    return "py3-none-any"


def b64hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build(site, infodir, pkg, deb2dists, outdir):
    text = read_meta(infodir)
    if text is None:
        return None
    msg = email.parser.Parser().parsestr(text)
    name, version = msg["Name"], msg["Version"]
    if not name or not version:
        return None
    files = record_files(site, infodir)
    if files is None:
        files = deb_files(site, infodir, pkg) if pkg else []
    files = [f for f in files if "__pycache__" not in f and not f.endswith(".pyc")
             and ".dist-info/" not in f and ".egg-info/" not in f
             and os.path.isfile(os.path.join(site, f))]
    if not files:
        return None
    # dependencies
    have = msg.get_all("Requires-Dist") or []
    extras = list(msg.get_all("Provides-Extra") or [])
    reqs = list(have)
    for r, cond, extra in requires_txt(infodir) if os.path.isdir(infodir) else []:
        reqs.append(r + ("; " + cond if cond else ""))
        if extra and norm(extra) not in [norm(e) for e in extras]:
            extras.append(norm(extra))
    named = {norm(re.split(r"[\s;<>=!~\[(]", r, 1)[0]) for r in reqs}
    if pkg:
        for r in depends_reqs(pkg, deb2dists):
            n = norm(re.split(r"[<>=!]", r, 1)[0])
            if n not in named and n != norm(name):
                reqs.append(r)
                named.add(n)
    # METADATA: the original headers without Requires-Dist/Provides-Extra,
    # then ours, then the body
    keep = [(k, v) for k, v in msg.items() if k not in ("Requires-Dist", "Provides-Extra", "Metadata-Version")]
    out = io.StringIO()
    out.write("Metadata-Version: 2.1\n")
    for k, v in keep:
        out.write("%s: %s\n" % (k, v.replace("\n", "\n       ")))
    for e in extras:
        out.write("Provides-Extra: %s\n" % e)
    for r in reqs:
        out.write("Requires-Dist: %s\n" % r)
    body = msg.get_payload()
    if body:
        out.write("\n" + body)
    metadata = out.getvalue().encode("utf-8")
    tag = wheel_tag(files)
    dname = re.sub(r"[-_.]+", "_", name)
    version_f = version.replace("-", "_")
    di = "%s-%s.dist-info" % (dname, version_f)
    whl = os.path.join(outdir, "%s-%s-%s.whl" % (dname, version_f, tag))
    record = []
    tmp = whl + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        def add(arc, data):
            zi = zipfile.ZipInfo(arc, (2020, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
            record.append((arc, b64hash(data), str(len(data))))
        for f in sorted(files):
            with open(os.path.join(site, f), "rb") as fh:
                add(f, fh.read())
        add(di + "/METADATA", metadata)
        ep = os.path.join(infodir, "entry_points.txt")
        if os.path.isfile(ep):
            with open(ep, "rb") as fh:
                add(di + "/entry_points.txt", fh.read())
        add(di + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: cvenv-mkcorpus\n"
                            "Root-Is-Purelib: %s\nTag: %s\n" % (
                                "true" if tag == "py3-none-any" else "false", tag)).encode())
        rec = io.StringIO()
        w = csv.writer(rec, lineterminator="\n")
        for row in record:
            w.writerow(row)
        w.writerow((di + "/RECORD", "", ""))
        zi = zipfile.ZipInfo(di + "/RECORD", (2020, 1, 1, 0, 0, 0))
        zi.external_attr = 0o644 << 16
        z.writestr(zi, rec.getvalue(), zipfile.ZIP_DEFLATED)
    os.replace(tmp, whl)
    return whl


def main(argv):
    outdir, sites, listing = None, [], False
    i = 0
    while i < len(argv):
        if argv[i] == "--site":
            sites.append(argv[i + 1])
            i += 2
            continue
        if argv[i] == "--list":
            listing = True
        else:
            outdir = argv[i]
        i += 1
    if not outdir:
        sys.exit("usage: mkcorpus.py OUTDIR [--site DIR]...")
    sites = sites or [DEFAULT_SITE]
    os.makedirs(outdir, exist_ok=True)
    infos = []
    for site in sites:
        for e in sorted(os.listdir(site)):
            if e.endswith((".dist-info", ".egg-info")):
                p = os.path.join(site, e)
                infos.append((site, p, dpkg_owner(p)))
    deb2dists = {}
    for site, p, pkg in infos:
        text = read_meta(p)
        if pkg and text:
            n = email.parser.Parser().parsestr(text)["Name"]
            if n:
                deb2dists.setdefault(pkg, []).append(n)
    made = []
    for site, p, pkg in infos:
        w = build(site, p, pkg, deb2dists, outdir)
        if w:
            made.append(w)
        elif listing:
            print("skipped", p, file=sys.stderr)
    if listing:
        for w in made:
            print(os.path.basename(w))


if __name__ == "__main__":
    main(sys.argv[1:])
