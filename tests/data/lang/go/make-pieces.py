#!/usr/bin/env python3
"""make-pieces.py BINARY OUT - keep the parts of a Go binary that its build
info lives in, so tests can rebuild a same-size file (zeros elsewhere) from a
few kilobytes: the first 64 KiB (headers, program headers, Go note), the
build info header and, for the inline format, the strings after it; for the
pointer format (Go <= 1.17) the two string headers and the strings they
point to, mapped through the ELF PT_LOAD segments.

Format: b"CPIECES1", u64 total size, then records (u64 offset, u32 length,
bytes) to the end of the file, all little-endian."""
import struct, sys

MAGIC = b"\xff Go buildinf:"

def uvarint(b, i):
    x = s = 0
    while True:
        c = b[i]; i += 1
        x |= (c & 0x7f) << s; s += 7
        if c < 0x80:
            return x, i

def main(src, dst):
    d = open(src, "rb").read()
    pieces = [(0, min(len(d), 65536))]
    off = next(i for i in range(0, len(d), 16) if d[i:i + 14] == MAGIC and d[i + 14] in (4, 8))
    ps, flags = d[off + 14], d[off + 15]
    if flags & 2:
        i = off + 32
        for _ in range(2):
            n, i = uvarint(d, i)
            i += n
        pieces.append((off, i - off))
    else:
        pieces.append((off, 32))
        be = ">" if flags & 1 else "<"
        ptr = be + ("Q" if ps == 8 else "I")
        phoff, = struct.unpack_from("<Q", d, 0x20)
        phnum, = struct.unpack_from("<H", d, 0x38)
        loads = []
        for k in range(phnum):
            t, _, o, va, _, fs = struct.unpack_from("<IIQQQQ", d, phoff + 56 * k)
            if t == 1:
                loads.append((va, o, fs))
        def mp(a):
            return next(o + a - va for va, o, fs in loads if va <= a < va + fs)
        for k in range(2):
            a, = struct.unpack_from(ptr, d, off + 16 + k * ps)
            h = mp(a)
            pieces.append((h, 2 * ps))
            da, dl = struct.unpack_from(be + ("QQ" if ps == 8 else "II"), d, h)
            pieces.append((mp(da), dl))
    with open(dst, "wb") as f:
        f.write(b"CPIECES1" + struct.pack("<Q", len(d)))
        for o, n in sorted(pieces):
            f.write(struct.pack("<QI", o, n) + d[o:o + n])

if __name__ == "__main__":
    main(*sys.argv[1:3])
