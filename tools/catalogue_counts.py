"""Rewrite the bad-input catalogue's counts in docs/safety.md from tests/catalogue.py.

Run after adding catalogue rows (or merging branches that did): ``python tools/catalogue_counts.py``.
``tests/test_catalogue.py`` checks the table against the catalogue, so a stale count fails.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from catalogue import CASES, CLASSES, ENTRY_POINTS  # noqa: E402


def main() -> None:
    path = ROOT / "docs" / "safety.md"
    text = re.sub(r"as data: \d+ cases", f"as data: {len(CASES)} cases", path.read_text("utf-8"))
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for name in CLASSES:
            if line.startswith(f"| `{name}` |"):
                counts = [
                    sum(1 for c in CASES if (c.input_class, c.entry) == (name, e))
                    for e in ENTRY_POINTS
                ]
                parts = line.rstrip(" |").split(" | ")
                parts[-4:] = [str(n) for n in counts]
                lines[i] = " | ".join(parts) + " |"
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
