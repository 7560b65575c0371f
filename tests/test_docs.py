"""Every Python example in README.md and docs/*.md runs and its assertions hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _examples() -> list[tuple[str, str]]:
    out = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)):
            out.append((f"{path.name}#{i + 1}", block))
    return out


EXAMPLES = _examples()


def test_docs_have_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize(("name", "code"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_example_runs(name, code, capsys):
    exec(compile(code, name, "exec"), {"__name__": "__docs__"})  # noqa: S102 - our own docs
    capsys.readouterr()
