"""Every example in README.md and docs/*.md runs: Python blocks execute and their assertions
hold, JSON blocks are valid documents, and generated tables match the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import schema_check

import ldncompound as lc

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(language: str) -> list[tuple[str, str]]:
    out = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        pattern = rf"```{language}\n(.*?)```"
        for i, block in enumerate(re.findall(pattern, text, flags=re.DOTALL)):
            out.append((f"{path.name}#{i + 1}", block))
    return out


EXAMPLES = _blocks("python")
JSON_EXAMPLES = _blocks("json")


def test_docs_have_examples():
    assert len(EXAMPLES) >= 2
    assert len(JSON_EXAMPLES) >= 3


@pytest.mark.parametrize(("name", "code"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_example_runs(name, code, capsys):
    exec(compile(code, name, "exec"), {"__name__": "__docs__"})  # noqa: S102 - our own docs
    capsys.readouterr()


@pytest.mark.parametrize(("name", "text"), JSON_EXAMPLES, ids=[n for n, _ in JSON_EXAMPLES])
def test_json_example_is_a_valid_document(name, text):
    data = json.loads(text)
    assert isinstance(data, dict), name
    schema_check.validate(data)
    if data["schema"].startswith("ldncompound/order/"):
        lc.run_order(data)


def test_column_tables_match_the_code():
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        for schema, table in re.findall(
            r"<!-- columns:(\S+):start -->\n(.*?)<!-- columns:\1:end -->", text, flags=re.DOTALL
        ):
            rows = [f"| `{p}` | {w} |" for p, w in lc.csv_columns(schema)]
            assert table.strip().splitlines()[2:] == rows, f"{path.name}: {schema}"


def test_every_shipped_schema_is_on_the_schemas_page():
    page = (ROOT / "docs" / "schemas.md").read_text(encoding="utf-8")
    for schema_id in lc.json_schemas():
        assert f"`{schema_id}`" in page, schema_id


def test_every_schema_id_the_docs_name_exists():
    """A schema id in the README or the docs (``ldncompound/...``, ``urn:ldncompound:...``)
    is one the library ships: a reader copying it into software must get a schema."""
    known = set(lc.json_schemas())
    assert known >= {"ldncompound/label/1", "ldncompound/order/liquid/1"}
    pattern = re.compile(r"(?:\bldncompound/|urn:ldncompound:)((?:order/)?[a-z-]+/[0-9]+)\b")
    named = {
        f"ldncompound/{m.group(1)}": path.name
        for path in FILES
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(named) >= 10
    unknown = {schema: where for schema, where in named.items() if schema not in known}
    assert not unknown, unknown
