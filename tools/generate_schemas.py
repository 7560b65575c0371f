"""Write the JSON Schemas shipped in ldncompound/schemas/ from the registered classes.

Run after changing an order, result or label class (and bump the schema id's version when
the change is not backward compatible):

    .venv/bin/python tools/generate_schemas.py

tests/test_schemas.py regenerates them and fails when the shipped files differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ldncompound._schemas import json_schemas, render, schema_file

TARGET = Path(__file__).resolve().parents[1] / "ldncompound" / "schemas"


def main() -> int:
    TARGET.mkdir(exist_ok=True)
    wanted = {schema_file(i): render(s) for i, s in json_schemas().items()}
    for stale in TARGET.glob("*.schema.json"):
        if stale.name not in wanted:
            stale.unlink()
            print(f"removed {stale.name}")
    for name, text in wanted.items():
        path = TARGET / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
