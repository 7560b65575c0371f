"""Approved output: text the library produced once, reviewed, and kept in ``tests/approved/``.

A test calls :func:`approve` with a name and the text the library produces now; the test
fails when the text differs from the approved file, with a diff. After a deliberate change,
regenerate the files and review the diff before committing it::

    LDNCOMPOUND_APPROVE=1 .venv/bin/pytest -p no:cacheprovider tests/test_approved.py

The approved files pin every message, field name, number and line of text; the formulas
themselves are pinned by the hand-computed golden tests. Mutation testing (docs/mutation.md)
showed why both are needed: a changed refusal sentence or a changed warning threshold passes
every test that asserts only a code.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

APPROVED = Path(__file__).parent / "approved"


def approve(name: str, text: str) -> None:
    path = APPROVED / name
    if os.environ.get("LDNCOMPOUND_APPROVE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), (
        f"no approved output {path.relative_to(APPROVED.parent)}: run the test with "
        "LDNCOMPOUND_APPROVE=1, review the new file and commit it"
    )
    approved = path.read_text(encoding="utf-8")
    if text != approved:
        diff = "".join(
            difflib.unified_diff(
                approved.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"approved/{name}",
                tofile="now",
                n=1,
            )
        )
        raise AssertionError(f"output differs from approved/{name}:\n{diff[:6000]}")
