#!/usr/bin/env python3
"""Draws the app's PNG icons from the same shapes as app/favicon.svg (no image tools needed):
icon-192.png and icon-512.png (rounded tile) and maskable-512.png (full bleed, drawing in the
central 80 %, for launchers that cut their own shape). Run: python3 app/icons/draw.py"""
import os, struct, zlib

GREEN, WHITE, PALE, SUN = (0x0f, 0x5d, 0x4e), (0xff, 0xff, 0xff), (0xcf, 0xe9, 0xe1), (0xf2, 0xb9, 0x4b)

def in_poly(x, y, pts):
    inside = False
    for i in range(len(pts)):
        (x1, y1), (x2, y2) = pts[i], pts[i - 1]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside

def in_round_rect(x, y, r):
    if not (0 <= x <= 64 and 0 <= y <= 64):
        return False
    cx, cy = min(max(x, r), 64 - r), min(max(y, r), 64 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

# The drawing in the favicon's 64 × 64 units, painted in order.
SHAPES = [
    (WHITE, lambda x, y: in_poly(x, y, [(10, 34), (21, 24), (32, 34), (32, 50), (10, 50)])),
    (PALE, lambda x, y: in_poly(x, y, [(32, 30), (43, 20), (54, 30), (54, 50), (32, 50)])),
    (GREEN, lambda x, y: 17 <= x <= 25 and 40 <= y <= 50),
    (GREEN, lambda x, y: 39 <= x <= 47 and 38 <= y <= 50),
    (SUN, lambda x, y: (x - 32) ** 2 + (y - 13) ** 2 <= 25),
]

def pixel(x, y, maskable):
    """Colour and coverage of one sample at (x, y) in 64-unit space."""
    if maskable:
        colour = GREEN
        x, y = (x - 6.4) / 0.8, (y - 6.4) / 0.8
    elif in_round_rect(x, y, 14):
        colour = GREEN
    else:
        return None
    for c, hit in SHAPES:
        if hit(x, y):
            colour = c
    return colour

def draw(size, maskable, path, ss=3):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            r = g = b = a = 0
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) * 64 / size
                    y = (py + (sy + 0.5) / ss) * 64 / size
                    c = pixel(x, y, maskable)
                    if c:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            n = ss * ss
            row += bytes([r // a, g // a, b // a, 255 * a // n]) if a else bytes(4)
        rows.append(bytes(row))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)

here = os.path.dirname(os.path.abspath(__file__))
draw(192, False, os.path.join(here, "icon-192.png"))
draw(512, False, os.path.join(here, "icon-512.png"))
draw(512, True, os.path.join(here, "maskable-512.png"))
