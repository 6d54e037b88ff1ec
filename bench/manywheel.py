# Writes a wheel with N empty members (100 per directory), as the member-count
# benchmark (bench/members.sh) and its test need:
#   python3 manywheel.py OUTDIR N [VERSION [FIRST]]
# VERSION (default 1.0) and FIRST, the number of the first member (default 0),
# make the versions of an upgrade that keeps some of the paths and not others
# (bench/upgrade.sh).
import base64
import hashlib
import sys
import zipfile

out, n = sys.argv[1], int(sys.argv[2])
version = sys.argv[3] if len(sys.argv) > 3 else "1.0"
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
name = "many%d" % n
di = "%s-%s.dist-info" % (name, version)
empty = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(b"").digest()).rstrip(b"=").decode()
path = "%s/%s-%s-py3-none-any.whl" % (out, name, version)
rows = []
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(first, first + n):
        m = "%s/d%04d/m%06d.py" % (name, i // 100, i)
        z.writestr(zipfile.ZipInfo(m, date_time=(2020, 1, 1, 0, 0, 0)), b"")
        rows.append("%s,%s,0\n" % (m, empty))
    meta = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)).encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: manywheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    for f, c in (("METADATA", meta), ("WHEEL", wheel)):
        z.writestr("%s/%s" % (di, f), c)
        d = base64.urlsafe_b64encode(hashlib.sha256(c).digest()).rstrip(b"=").decode()
        rows.append("%s/%s,sha256=%s,%d\n" % (di, f, d, len(c)))
    rows.append("%s/RECORD,,\n" % di)
    z.writestr("%s/RECORD" % di, "".join(rows))
print(path)
