#!/usr/bin/env python3
"""Draw images/icon.png, the extension's 128x128 icon: a shield guarding one process that forks
into three. Needs Pillow (`pip install pillow`); only the PNG is committed.

    python3 scripts/make_icon.py [--out images/icon.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SIZE = 128
SCALE = 4  # drawn 4x larger, then downsampled: smooth edges without an anti-aliasing API
BACKGROUND = (30, 41, 59)   # slate
SHIELD = (250, 204, 21)     # amber: a warning that protects
PROCESS = (30, 41, 59)


def draw() -> Image.Image:
    s = SIZE * SCALE
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, s - 1, s - 1), radius=24 * SCALE, fill=BACKGROUND)

    def p(x: float, y: float) -> tuple[float, float]:
        return (x * SCALE, y * SCALE)

    # Shield: flat top, straight sides, pointed bottom.
    shield = [p(24, 22), p(104, 22), p(104, 64), p(64, 112), p(24, 64)]
    d.polygon(shield, fill=SHIELD)
    # One parent process (top) forking into three children (bottom), as on a process diagram.
    parent = (64, 42)
    children = [(42, 74), (64, 82), (86, 74)]
    for cx, cy in children:
        d.line([p(*parent), p(cx, cy)], fill=PROCESS, width=5 * SCALE)
    for (cx, cy), r in [(parent, 10), *((c, 8) for c in children)]:
        d.ellipse([p(cx - r, cy - r), p(cx + r, cy + r)], fill=PROCESS)
    return img.resize((SIZE, SIZE), Image.LANCZOS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "images" / "icon.png")
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    draw().save(args.out, optimize=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
