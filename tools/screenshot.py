"""Refresh ``docs/screenshots/widget.png`` from the browser test's screenshot.

The browser test (``tests/test_browser.py``) saves lesson 00's convolution
explorer on a photo as ``tests/artifacts/widget.png``. This
script copies it into ``docs/screenshots/``, reduced to a palette PNG when that
keeps it under the size limit.

    python tools/screenshot.py          # copy the last test run's screenshot
    python tools/screenshot.py --run    # run the browser test on lesson 00 first
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "tests" / "artifacts" / "widget.png"
TARGET = REPO / "docs" / "screenshots" / "widget.png"
MAX_BYTES = 300_000


def shrink(png: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """The smallest of the original, an optimised PNG and a 256-colour PNG."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    candidates = [png]
    for converted in (image, image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)):
        buf = io.BytesIO()
        converted.save(buf, format="PNG", optimize=True)
        candidates.append(buf.getvalue())
    best = min(candidates, key=len)
    if len(best) > max_bytes:
        raise SystemExit(f"screenshot is {len(best):,} bytes even as a palette PNG "
                         f"(limit {max_bytes:,})")
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true",
                        help="run the browser test on lesson 00 first")
    args = parser.parse_args(argv)
    if args.run:
        subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-q",
                        "tests/test_browser.py", "-k", "jupyterlab and 00_"],
                       cwd=REPO, check=True)
    if not SOURCE.exists():
        raise SystemExit(f"{SOURCE.relative_to(REPO)} is missing: run the browser test "
                         "first (or pass --run)")
    data = shrink(SOURCE.read_bytes())
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(data)
    print(f"wrote {TARGET.relative_to(REPO)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
