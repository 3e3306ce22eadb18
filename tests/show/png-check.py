#!/usr/bin/python3
"""png-check.py - is a PNG screenshot a rendered page, not a blank one?

usage: png-check.py FILE.png MIN_WIDTH MIN_HEIGHT

Decodes the PNG itself (zlib, the five scanline filters; 8-bit RGB or
RGBA, as Chromium writes them) and prints one line: width, height, the
share of pixels that are not the background (the most common colour),
and the number of distinct colours. Exit 0 if the image is at least
MIN_WIDTH x MIN_HEIGHT, at least 2% of it is not background and it has
at least 8 colours (text, bars, axes); 1 otherwise.
"""
import struct
import sys
import zlib
from collections import Counter


def decode(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "not 8-bit RGB(A)"
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        pos += 12 + ln
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = decode(open(sys.argv[1], "rb").read())
    colours = Counter()
    for line in rows[::2]:
        for x in range(0, len(line), bpp * 2):
            colours[line[x:x + 3]] += 1
    total = sum(colours.values())
    bg, nbg = colours.most_common(1)[0]
    share = 1 - nbg / total
    print("%dx%d, %.1f%% not background (%s), %d colours"
          % (w, h, 100 * share, bg.hex(), len(colours)))
    good = w >= int(sys.argv[2]) and h >= int(sys.argv[3]) and \
        share >= 0.02 and len(colours) >= 8
    return 0 if good else 1


sys.exit(main())
