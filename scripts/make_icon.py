"""Rasterises assets/icon.svg's shapes into assets/icon.png (256x256 RGBA) with
the standard library only. Run once: python3 scripts/make_icon.py"""
import struct
import zlib

N = 256
BG = (31, 41, 55)
BLUE = (96, 165, 250)
RED = (248, 113, 113)
blue = [(40, 176), (96, 120), (128, 150), (168, 80), (216, 104)]
red = [(150, 40), (124, 112), (156, 120), (118, 216)]


def seg_dist(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


def inside_rounded(px, py, x0=8, y0=8, size=240, r=48):
    cx = min(max(px, x0 + r), x0 + size - r)
    cy = min(max(py, y0 + r), y0 + size - r)
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5 - r


rows = []
for y in range(N):
    row = bytearray([0])
    for x in range(N):
        px, py = x + 0.5, y + 0.5
        d = inside_rounded(px, py)
        alpha = max(0.0, min(1.0, 0.5 - d))
        color = BG
        for pts, c in ((blue, BLUE), (red, RED)):
            dist = min(seg_dist(px, py, pts[i], pts[i + 1]) for i in range(len(pts) - 1))
            cover = max(0.0, min(1.0, 7.5 - dist))
            color = tuple(int(color[k] * (1 - cover) + c[k] * cover) for k in range(3))
        row += bytes(color) + bytes([int(alpha * 255)])
    rows.append(bytes(row))


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open("assets/icon.png", "wb").write(png)
print("wrote assets/icon.png")
