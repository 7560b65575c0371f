"""Runs the catalogue of bad input (``tests/catalogue.py``): one test per entry point, and
a check that every input class x entry point cell has cases."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

import click
import orders
import pytest
from catalogue import (
    CASES,
    CLASSES,
    ENTRY_POINTS,
    Accepted,
    Case,
    Command,
    JsonText,
    Raw,
    Refused,
    shifted_row,
)
from click.testing import CliRunner
from examples import flatten, replaced
from ldncompound_cli import cli

import ldncompound as lc

#: the longest any one case may take (a hang would be caught here, not by CI's timeout)
SECONDS = 10.0


def cases(entry: str) -> list[Any]:
    return [pytest.param(c, id=c.id) for c in CASES if c.entry == entry]


def one_sentence(message: str, field: str | None) -> None:
    assert "\n" not in message.strip()
    assert message.rstrip().endswith(".")
    if field is not None:
        assert message.startswith((f"{field}:", f"{field} ")), (field, message)


def check_result(result: Any, want: Accepted) -> None:
    codes = {w.code for w in result.warnings}
    assert set(want.warnings) <= codes
    if want.dose is not None:
        assert str(result.dose) == want.dose


# --- the command line ------------------------------------------------------------------------


def invoke(args: list[str], **kw: Any) -> Any:
    started = time.monotonic()
    res = CliRunner().invoke(cli, args, **kw)
    assert time.monotonic() - started < SECONDS
    return res


def command_line(case: Case, tmp_path: Any) -> list[str]:
    given = case.given
    if isinstance(given, Command):
        for name, data in given.files:
            (tmp_path / name).write_bytes(data)
        result = orders.FORMULATE["capsules"](orders.capsules())
        (tmp_path / "result.json").write_text(lc.dumps(result))
        return [a.replace("{dir}", str(tmp_path)) for a in given.args]
    if not isinstance(given, tuple):  # pragma: no cover - the matrix test says so
        raise TypeError(given)
    return orders.command(case.preparation, **dict(given))


@pytest.mark.parametrize("case", cases("cli"))
def test_cli(case: Case, tmp_path):
    args = command_line(case, tmp_path)
    want = case.expect
    if isinstance(want, Accepted):
        res = invoke([*args, "--format", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        assert set(want.warnings) <= {w["code"] for w in data["warnings"]}
        if want.dose is not None:
            assert f"{data['dose']['value']} {data['dose']['unit']}" == want.dose
        return
    res = invoke(args)
    assert res.exit_code == want.error.exit_code, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, res.output
    one_sentence(errors[0].removeprefix("Error: "), want.field)
    # the same run without click's handling: the library error behind the usage error
    res = invoke(args, standalone_mode=False)
    assert isinstance(res.exception, click.ClickException), res.exception
    err = res.exception.__context__
    assert type(err) is want.error, err
    assert err.code == want.code


# --- order documents ---------------------------------------------------------------------------


def document(case: Case) -> Any:
    """The case's order document: a dict, or JSON text where a value must be written raw."""
    given = case.given
    if isinstance(given, Raw):
        return given.data
    if not isinstance(given, tuple):  # pragma: no cover - the matrix test says so
        raise TypeError(given)
    doc = orders.document(case.preparation)
    splices = {}
    for path, value in given:
        if isinstance(value, JsonText):
            marker = f"@@{len(splices)}@@"
            splices[json.dumps(marker)] = value.text
            value = marker  # noqa: PLW2901
        doc = replaced(doc, path, value)
    if not splices:
        return doc
    text = json.dumps(doc, ensure_ascii=False)
    for marker, raw in splices.items():
        text = text.replace(marker, raw)
    return text


@pytest.mark.parametrize("case", cases("document"))
def test_document(case: Case):
    want = case.expect
    started = time.monotonic()
    if isinstance(want, Accepted):
        check_result(lc.run_order(document(case), today=orders.DAY), want)
        return
    with pytest.raises(lc.LdnCompoundError) as info:
        lc.run_order(document(case), today=orders.DAY)
    assert time.monotonic() - started < SECONDS
    err = info.value
    assert (type(err), err.code, err.field) == (want.error, want.code, want.field)
    one_sentence(err.message, want.field)


# --- batch runs: run_batch and `ldncompound batch` -------------------------------------------------


def batch(data: bytes, input_format: str, want: Refused | Accepted) -> None:
    started = time.monotonic()
    records = list(lc.run_batch(io.BytesIO(data), input_format=input_format, today=orders.DAY))  # type: ignore[arg-type]
    assert time.monotonic() - started < SECONDS
    assert records, "no record"
    first = records[0]
    assert all(r.error is None or r.error.code != "internal-error" for r in records)
    if isinstance(want, Accepted):
        assert first.ok, first.error
        check_result(first.result, want)
    else:
        assert first.error is not None, "computed"
        assert (first.error.code, first.error.field) == (want.code, want.field), first.error
        one_sentence(first.error.message, want.field)
    # the command line writes the same record and exits 1 when any record failed
    res = invoke(["batch", "-", "--input-format", input_format, "--no-progress"], input=data)
    assert "Traceback" not in res.output
    assert res.exit_code == (0 if all(r.ok for r in records) else 1), res.output
    line = json.loads(res.output.splitlines()[0])
    if isinstance(want, Refused):
        assert (line["error"]["code"], line["error"]["field"]) == (want.code, want.field)
    else:
        assert line["status"] == "ok"


@pytest.mark.parametrize("case", cases("jsonl"))
def test_jsonl(case: Case):
    doc = document(case)
    if isinstance(doc, dict):
        doc = json.dumps(doc, ensure_ascii=False)
    data = doc if isinstance(doc, bytes) else doc.encode() + b"\n"
    batch(data, "jsonl", case.expect)


def csv_data(case: Case) -> bytes:
    given = case.given
    cells = flatten(orders.document(case.preparation))
    if isinstance(given, Raw) and given.header:
        return given.data
    out = io.StringIO()
    writer = csv.writer(out)  # as a spreadsheet writes it: CRLF, quoted when needed
    if isinstance(given, Raw):
        writer.writerow(list(cells))
        return out.getvalue().encode() + given.data
    if not isinstance(given, tuple):  # pragma: no cover - the matrix test says so
        raise TypeError(given)
    # a column a document may leave out (a field added after 0.1.0) is added when given
    optional = {c for c, _ in lc.csv_columns(orders.document(case.preparation)["schema"])}
    for path, value in given:
        if path not in cells and path not in optional:
            raise KeyError(path)
        cells[path] = value if isinstance(value, str) else flatten({"v": value})["v"]
    writer.writerow(list(cells))
    writer.writerow(list(cells.values()))
    return out.getvalue().encode()


@pytest.mark.parametrize("case", cases("csv"))
def test_csv(case: Case):
    batch(csv_data(case), "csv", case.expect)


# --- the matrix ------------------------------------------------------------------------------


def test_every_class_and_entry_point_has_cases():
    cells = {(c.input_class, c.entry) for c in CASES}
    missing = [(k, e) for k in CLASSES for e in ENTRY_POINTS if (k, e) not in cells]
    assert not missing
    assert {c.input_class for c in CASES} <= set(CLASSES)
    assert {c.entry for c in CASES} <= set(ENTRY_POINTS)


def test_every_case_states_an_exact_outcome():
    for c in CASES:
        if isinstance(c.expect, Refused):
            assert issubclass(c.expect.error, lc.LdnCompoundError)
            assert c.expect.code and c.expect.code not in ("invalid-input", "error")
        assert c.preparation in orders.ORDERS
    ids = [(c.entry, c.id) for c in CASES]
    assert len(ids) == len(set(ids)), "a case is listed twice"


def test_the_catalogue_is_the_documented_one():
    """docs/safety.md lists every input class with its count of cases per entry point."""
    from pathlib import Path  # noqa: PLC0415

    text = (Path(__file__).parent.parent / "docs" / "safety.md").read_text()
    assert f"as data: {len(CASES)} cases" in text
    for name in CLASSES:
        row = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
        assert len(row) == 1, name
        counts = [
            sum(1 for c in CASES if (c.input_class, c.entry) == (name, e)) for e in ENTRY_POINTS
        ]
        assert row[0].rstrip(" |").endswith(" | ".join(str(n) for n in counts)), (name, counts)


@pytest.mark.parametrize("preparation", list(orders.ORDERS))
def test_no_row_shifted_one_column_computes(preparation):
    """Every shift of the valid row, left or right from every column, is refused: an empty
    cell lands in a required field, or a value lands in a field that cannot hold it."""
    cells = flatten(orders.document(preparation))
    out = io.StringIO()
    csv.writer(out).writerows([list(cells), list(cells.values())])
    valid = out.getvalue().encode()
    shifted = {shifted_row(preparation, d, c) for d in ("left", "right") for c in cells} - {valid}
    assert len(shifted) > len(cells)
    for data in shifted:
        (record,) = lc.run_batch(io.BytesIO(data), input_format="csv", today=orders.DAY)
        assert record.error is not None, data
        assert record.error.code != "internal-error"
