# Writes hostile wheels for the t403x-attack tests: python3 hostile_wheel.py OUTDIR MODE MIB
#   record-lies  bomb/data.bin is MIB MiB of zeros, deflated; RECORD says 10 bytes
#   header-lies  the same, with the zip's own size fields (local and central) patched to 10
#   absurd       a small member whose zip headers claim 2 GiB from a few bytes
#   big          an honest wheel: bomb/data.bin is MIB MiB of zeros, stored (not compressed)
# Prints the wheel's path.
import base64
import hashlib
import struct
import sys
import zipfile


def rhash(data):
    d = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(d).rstrip(b"=").decode()


def patch_sizes(path, name, usize):
    data = bytearray(open(path, "rb").read())
    nb = name.encode()
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while True:
            at = data.find(sig, at)
            if at < 0:
                break
            nlen_off = 26 if sig == b"PK\x03\x04" else 28
            nlen = struct.unpack_from("<H", data, at + nlen_off)[0]
            hdr = 30 if sig == b"PK\x03\x04" else 46
            if bytes(data[at + hdr:at + hdr + nlen]) == nb:
                struct.pack_into("<I", data, at + off, usize)
            at += 4
    open(path, "wb").write(data)


def main():
    out, mode, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
    path = "%s/bomb-1.0-py3-none-any.whl" % out
    member = "bomb/data.bin"
    rows = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        init = b""
        z.writestr("bomb/__init__.py", init)
        rows.append("bomb/__init__.py,%s,0" % rhash(init))
        block = bytes(1 << 20)
        if mode == "absurd":
            z.writestr(member, b"0123456789")
            rows.append("%s,%s,10" % (member, rhash(b"0123456789")))
        elif mode == "big":
            h = hashlib.sha256()
            zi = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_STORED
            with z.open(zi, "w") as f:
                for _ in range(mib):
                    f.write(block)
                    h.update(block)
            b64 = base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()
            rows.append("%s,sha256=%s,%d" % (member, b64, mib << 20))
        else:
            with z.open(member, "w") as f:
                for _ in range(mib):
                    f.write(block)
            rows.append("%s,%s,10" % (member, rhash(b"0123456789")))
        di = "bomb-1.0.dist-info"
        meta = b"Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\n"
        wheel = b"Wheel-Version: 1.0\nGenerator: zipbomb.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        z.writestr(di + "/METADATA", meta)
        z.writestr(di + "/WHEEL", wheel)
        rows.append("%s/METADATA,%s,%d" % (di, rhash(meta), len(meta)))
        rows.append("%s/WHEEL,%s,%d" % (di, rhash(wheel), len(wheel)))
        rows.append("%s/RECORD,," % di)
        z.writestr(di + "/RECORD", "\n".join(rows) + "\n")
    if mode == "header-lies":
        patch_sizes(path, member, 10)
    elif mode == "absurd":
        patch_sizes(path, member, 2 << 30)
    print(path)


main()
