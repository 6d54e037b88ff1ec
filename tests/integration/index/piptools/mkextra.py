import gzip, io, sys, tarfile, zipfile, os, hashlib, base64
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def sdist(name, version):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for fn, data in (("PKG-INFO", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)),
                         ("setup.py", "raise SystemExit('a test sdist: not to be built')\n")):
            b = data.encode()
            ti = tarfile.TarInfo("%s-%s/%s" % (name, version, fn))
            ti.size, ti.mtime, ti.mode = len(b), 1577836800, 0o644
            ti.uname = ti.gname = ""
            t.addfile(ti, io.BytesIO(b))
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", compresslevel=0, mtime=0, filename="") as g:
        g.write(raw.getvalue())
    open(os.path.join(out, "%s-%s.tar.gz" % (name, version)), "wb").write(gz.getvalue())
def wheel(name, version, tag):
    di = "%s-%s.dist-info" % (name, version)
    files = [(di + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)),
             (di + "/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: %s\n" % tag)]
    rec = "".join("%s,sha256=%s,%d\n" % (f, base64.urlsafe_b64encode(hashlib.sha256(d.encode()).digest()).rstrip(b"=").decode(), len(d)) for f, d in files) + di + "/RECORD,,\n"
    files.append((di + "/RECORD", rec))
    with zipfile.ZipFile(os.path.join(out, "%s-%s-%s.whl" % (name, version, tag)), "w", zipfile.ZIP_STORED) as z:
        for f, d in files:
            zi = zipfile.ZipInfo(f, (2020, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            z.writestr(zi, d)
sdist("MarkupSafe", "2.1.2")
sdist("MarkupSafe", "2.0.0")
wheel("MarkupSafe", "2.1.2", "cp312-cp312-linux_x86_64")
wheel("MarkupSafe", "2.1.2", "cp311-cp311-win_amd64")
