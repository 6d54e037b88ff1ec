# elf_set_interp.py SRC DST INTERP: copies the ELF executable SRC to DST with
# its ELF interpreter (PT_INTERP) pointed at INTERP: the new path is appended
# and PT_INTERP's p_offset and p_filesz point at it (64-bit little-endian
# ELF). The tests use it to make a "musl" copy of a glibc Python.
import struct, sys
src, dst, interp = sys.argv[1:]
data = bytearray(open(src, "rb").read())
assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not 64-bit LSB ELF"
phoff, = struct.unpack_from("<Q", data, 32)
phentsize, phnum = struct.unpack_from("<HH", data, 54)
new = interp.encode() + b"\0"
at = len(data)
data += new
for i in range(phnum):
    o = phoff + i * phentsize
    if struct.unpack_from("<I", data, o)[0] == 3:
        struct.pack_into("<Q", data, o + 8, at)
        struct.pack_into("<Q", data, o + 32, len(new))
        break
else:
    sys.exit("no PT_INTERP in " + src)
open(dst, "wb").write(data)
