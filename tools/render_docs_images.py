"""Render the pictures of docs/printing.md from the PDF tests' own sample documents
(tests/pdf_samples.py): one label, the first worksheet page, the first record page.

    python tools/render_docs_images.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pdf_samples  # noqa: E402


def main() -> None:
    for name, make in pdf_samples.SAMPLES.items():
        image = pdf_samples.render(make(), 0, pdf_samples.DPI[name])
        path = ROOT / "docs" / "images" / f"printing-{name}.png"
        image.save(path, optimize=True)
        print(path.relative_to(ROOT), image.size)


if __name__ == "__main__":
    main()
