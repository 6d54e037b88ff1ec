#!/usr/bin/env python3
"""Builds a static package index from a directory of wheels.

    mkindex.py WHEELDIR OUTDIR [--no-metadata] [--html-only]
               [--yank FILE[=REASON]]... [--requires-python FILE=SPEC]...
               [--upload-time FILE=TIME]...
               [--lie-metadata FILE=LINE]... [--hashes ALGO[,ALGO...]]
               [--bad-hash FILE=ALGO]...

OUTDIR/simple/index.{html,json}             the project list (PEP 503 / 691)
OUTDIR/simple/<normalized>/index.{html,json} one page per project
OUTDIR/files/<wheel>                         the wheels (hard links when possible)
OUTDIR/files/<wheel>.metadata                their METADATA (PEP 658), unless
                                             --no-metadata

Every link carries the wheel's sha256 (#sha256= fragment, JSON "hashes"),
data-requires-python / "requires-python" from the wheel's Requires-Python
(or --requires-python), data-yanked / "yanked" for --yank, and -- with the
.metadata files -- data-core-metadata and data-dist-info-metadata /
"core-metadata" and "dist-info-metadata" with the METADATA's sha256. HTML
pages declare pypi:repository-version 1.1, JSON pages meta.api-version 1.1.
Links are relative, so the tree works from any URL and from file://.
--lie-metadata adds LINE (e.g. "Requires-Dist: x") to FILE's .metadata
only (a .metadata that differs from the wheel). --html-only writes no index.json (a PEP 503-only index).
--hashes names the digests given instead of sha256 (the first in the HTML
fragment, all in the JSON "hashes"); --bad-hash gives FILE a wrong ALGO
digest (its last hex digit changed). Files in WHEELDIR
that are not wheels (sdists) are listed too, without metadata.
"""
import email.parser
import hashlib
import html
import json
import os
import re
import shutil
import sys
import zipfile


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def digests(data, algos, bad):
    out = {}
    for a in algos:
        h = hashlib.new(a, data).hexdigest()
        if a in bad:
            h = h[:-1] + ("0" if h[-1] != "0" else "1")
        out[a] = h
    return out


def wheel_metadata(path):
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            parts = n.split("/")
            if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                return z.read(n)
    raise SystemExit("%s: no METADATA" % path)


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    args, no_metadata, html_only, yank, rp, lie, ut = [], False, False, {}, {}, {}, {}
    algos, bad = ["sha256"], {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--no-metadata":
            no_metadata = True
        elif a == "--html-only":
            html_only = True
        elif a == "--hashes":
            algos = argv[i + 1].split(",")
            i += 1
        elif a == "--bad-hash":
            k, _, v = argv[i + 1].partition("=")
            bad.setdefault(k, set()).add(v)
            i += 1
        elif a in ("--yank", "--requires-python", "--lie-metadata", "--upload-time"):
            k, _, v = argv[i + 1].partition("=")
            {"--yank": yank, "--requires-python": rp, "--lie-metadata": lie,
             "--upload-time": ut}[a][k] = v
            i += 1
        else:
            args.append(a)
        i += 1
    if len(args) != 2:
        raise SystemExit(__doc__)
    src, out = args
    files_dir = os.path.join(out, "files")
    os.makedirs(files_dir, exist_ok=True)
    projects = {}
    for fn in sorted(os.listdir(src)):
        path = os.path.join(src, fn)
        if not fn.endswith(".whl"):
            if fn.endswith((".tar.gz", ".zip")):
                with open(path, "rb") as f:
                    data = f.read()
                os.makedirs(files_dir, exist_ok=True)
                shutil.copyfile(path, os.path.join(files_dir, fn))
                stem = fn[:-7] if fn.endswith(".tar.gz") else fn[:-4]
                projects.setdefault(norm(stem.rsplit("-", 1)[0]), []).append(
                    {"filename": fn, "url": "../../files/" + fn,
                     "hashes": {"sha256": sha256(data)}, "size": len(data)})
            continue
        with open(path, "rb") as f:
            data = f.read()
        meta = wheel_metadata(path)
        msg = email.parser.BytesParser().parsebytes(meta)
        dest = os.path.join(files_dir, fn)
        if not os.path.exists(dest):
            try:
                os.link(path, dest)
            except OSError:
                shutil.copyfile(path, dest)
        entry = {"filename": fn, "url": "../../files/" + fn,
                 "hashes": digests(data, algos, bad.get(fn, ())), "size": len(data)}
        req_py = rp.get(fn, msg["Requires-Python"])
        if req_py:
            entry["requires-python"] = req_py
        if fn in yank:
            entry["yanked"] = yank[fn] or True
        if fn in ut:
            entry["upload-time"] = ut[fn]  # PEP 700: JSON pages only
        if fn in lie:
            meta = meta.replace(b"\n", b"\n" + lie[fn].encode() + b"\n", 1)
        if not no_metadata:
            with open(dest + ".metadata", "wb") as f:
                f.write(meta)
            mh = {"sha256": sha256(meta)}
            entry["core-metadata"] = mh
            entry["dist-info-metadata"] = mh
        projects.setdefault(norm(msg["Name"]), []).append(entry)
    simple = os.path.join(out, "simple")
    os.makedirs(simple, exist_ok=True)
    names = sorted(projects)
    if html_only:
        json_dump = lambda path, obj: None
    else:
        json_dump = lambda path, obj: write(path, json.dumps(obj))
    json_dump(os.path.join(simple, "index.json"), (
        {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}))
    write(os.path.join(simple, "index.html"),
          "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
          "<title>Simple index</title></head><body>\n" +
          "".join('<a href="%s/">%s</a>\n' % (n, n) for n in names) + "</body></html>\n")
    for n in names:
        d = os.path.join(simple, n)
        os.makedirs(d, exist_ok=True)
        files = projects[n]
        json_dump(os.path.join(d, "index.json"), (
            {"meta": {"api-version": "1.1"}, "name": n, "files": files,
             "versions": sorted({f["filename"].split("-")[1] for f in files})}))
        links = []
        for f in files:
            attrs = ""
            if "requires-python" in f:
                attrs += ' data-requires-python="%s"' % html.escape(f["requires-python"])
            if "yanked" in f:
                y = f["yanked"]
                attrs += ' data-yanked="%s"' % html.escape("" if y is True else y)
            if "core-metadata" in f:
                m = "sha256=" + f["core-metadata"]["sha256"]
                attrs += ' data-core-metadata="%s" data-dist-info-metadata="%s"' % (m, m)
            algo = next(iter(f["hashes"]))
            links.append('<a href="%s#%s=%s"%s>%s</a><br/>\n' % (
                html.escape(f["url"]), algo, f["hashes"][algo], attrs,
                html.escape(f["filename"])))
        write(os.path.join(d, "index.html"),
              "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
              "<title>Links for %s</title></head><body><h1>Links for %s</h1>\n%s</body></html>\n"
              % (n, n, "".join(links)))


if __name__ == "__main__":
    main(sys.argv[1:])
