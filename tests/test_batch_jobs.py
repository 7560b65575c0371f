"""`ldncompound batch --jobs N` and `run_batch_lines`: the same lines, in the same order, for
any number of processes (issue 15)."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from examples import flatten
from ldncompound_cli import cli
from test_batch import BROKEN_JSONL, DAY, csv_bytes, good, line

import ldncompound as lc


def _jsonl(n: int) -> bytes:
    """``n`` varied orders, a broken one every 13th, a blank line and a cut last line."""
    rows = [
        BROKEN_JSONL[i % len(BROKEN_JSONL)][0] if i % 13 == 5 else line(good(i)) for i in range(n)
    ]
    rows.insert(n // 2, b"")
    return b"\n".join(rows) + b'\n{"schema": "ldncompound/order/'


def _csv(n: int) -> bytes:
    docs = [good(i) for i in range(n)]
    header = sorted({c for d in docs for c in flatten(d)}, key=lambda c: (c != "schema", c))
    rows = [flatten(d) for d in docs]
    for i in range(3, n, 11):
        rows[i]["dose"] = "4,5 mg"
    return csv_bytes(rows, header)


def _lines(data: bytes, fmt: str, jobs: int) -> list[tuple[bool, str]]:
    return list(lc.run_batch_lines(io.BytesIO(data), input_format=fmt, today=DAY, jobs=jobs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (_jsonl(150), "jsonl"),
        (_csv(120), "csv"),
        (b"dose,count\n4.5 mg,30\n" * 40, "csv"),  # an unusable header: every row an error
    ],
    ids=["jsonl", "csv", "csv-bad-header"],
)
def test_the_lines_are_the_same_for_any_number_of_processes(data, fmt):
    expected = [
        (r.ok, r.json_line())
        for r in lc.run_batch(io.BytesIO(data), input_format=fmt, today=DAY)  # type: ignore[arg-type]
    ]
    assert len(expected) > 32 * 2  # more than one chunk per worker
    assert not all(ok for ok, _ in expected)
    assert any(ok for ok, _ in expected) or fmt == "csv"
    for jobs in (1, 2, 3, 0):
        assert _lines(data, fmt, jobs) == expected, jobs
    encoded = [(ok, f"{text}\n".encode()) for ok, text in expected]
    for jobs in (1, 2):
        got = lc.run_batch_lines(
            io.BytesIO(data),
            input_format=fmt,  # type: ignore[arg-type]
            today=DAY,
            jobs=jobs,
            encoded=True,
        )
        assert list(got) == encoded, jobs
    numbers = [json.loads(text)["record"] for _, text in expected]
    assert numbers == list(range(1, len(numbers) + 1))


def test_the_run_refuses_an_empty_input_before_starting_processes():
    with pytest.raises(lc.InputError) as err:
        _lines(b"", "jsonl", 2)
    assert err.value.code == "empty-input"


@pytest.mark.parametrize("jobs", [-1, lc.MAX_JOBS + 1, True, "2", 1.5])
def test_a_number_of_processes_out_of_range_is_refused(jobs):
    with pytest.raises(lc.InputError) as err:
        _lines(line(good(1)) + b"\n", "jsonl", jobs)
    assert err.value.field == "jobs"


def test_the_command_line_writes_the_same_bytes_with_two_jobs(tmp_path):
    orders = tmp_path / "orders.jsonl"
    orders.write_bytes(_jsonl(100))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}.jsonl"
        res = CliRunner().invoke(cli, ["batch", str(orders), "-o", str(out), "--jobs", jobs])
        assert res.exit_code == 1, res.output  # some records are errors on purpose
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 102  # 100 orders, a blank line, a cut last line


@pytest.mark.parametrize("jobs", ["-1", "65", "two"])
def test_the_command_line_refuses_a_bad_number_of_jobs(tmp_path, jobs):
    orders = tmp_path / "orders.jsonl"
    orders.write_bytes(line(good(1)) + b"\n")
    res = CliRunner().invoke(cli, ["batch", str(orders), "--jobs", jobs])
    assert res.exit_code == 2
    assert "--jobs" in res.output
