"""`ldncompound batch` never loses, clobbers or invents a record (issue 12 §2).

The output is never the input; a file is replaced only with --force and only when the run
ends; an output that cannot be written is refused before the first order is computed;
SIGINT and SIGTERM stop the run between two lines with 130 and 143.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import examples
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound import _batch

LINE = json.dumps(examples.capsules()).encode() + b"\n"
BAD = b'{"schema": "ldncompound/order/capsules/1", "dose": "4,5 mg"}\n'
EARLIER = b"the records of an earlier run\n"


def invoke(args: list[str], **kw: object):  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(cli, args, **kw)  # type: ignore[arg-type]
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    return res


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.jsonl"
    path.write_bytes(LINE + BAD + LINE)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


# --- the output is never the input ------------------------------------------------------------


def test_the_input_file_as_output_is_refused_before_anything_is_read(orders):
    before = orders.read_bytes()
    res = invoke(["batch", str(orders), "-o", str(orders), "--force"])
    assert res.exit_code == 2
    assert "is the input file" in res.output
    assert orders.read_bytes() == before


def test_a_symbolic_link_to_the_input_is_refused(orders):
    link = orders.parent / "link.jsonl"
    link.symlink_to(orders)
    res = invoke(["batch", str(orders), "-o", str(link), "--force"])
    assert res.exit_code == 2
    assert "is the input file (or a link to it)" in res.output
    res = invoke(["batch", str(link), "-o", str(orders), "--force"])
    assert res.exit_code == 2
    assert orders.read_bytes() == LINE + BAD + LINE
    assert link.is_symlink()


def test_a_hard_link_to_the_input_is_refused(orders):
    link = orders.parent / "hard.jsonl"
    os.link(orders, link)
    res = invoke(["batch", str(orders), "-o", str(link), "--force"])
    assert res.exit_code == 2
    assert orders.read_bytes() == LINE + BAD + LINE


def test_standard_input_redirected_from_the_output_file_is_refused(orders):
    with orders.open("rb") as stdin:
        res = invoke(["batch", "-", "-o", str(orders), "--force"], input=stdin)
    assert res.exit_code == 2
    assert "is the input file" in res.output
    assert orders.read_bytes() == LINE + BAD + LINE


def test_standard_output_appending_to_the_input_is_refused(orders):
    """`ldncompound batch orders.jsonl >> orders.jsonl` would read its own records forever."""
    with orders.open("ab") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "ldncompound_cli", "batch", str(orders)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    assert proc.returncode == 2, proc.stderr
    assert b"standard output is redirected to the input file" in proc.stderr
    assert orders.read_bytes() == LINE + BAD + LINE


# --- an existing output is replaced only with --force, and only at the end --------------------


def test_an_existing_output_needs_force(orders):
    out = orders.parent / "out.jsonl"
    out.write_bytes(EARLIER)
    res = invoke(["batch", str(orders), "-o", str(out)])
    assert res.exit_code == 2
    assert "exists; give --force" in res.output
    assert out.read_bytes() == EARLIER
    res = invoke(["batch", str(orders), "-o", str(out), "--force"])
    assert res.exit_code == 1  # one record failed; every record is written
    assert [json.loads(x)["status"] for x in out.read_bytes().splitlines()] == [
        "ok",
        "error",
        "ok",
    ]
    assert _leftovers(orders.parent) == []


def test_a_new_output_file_gets_the_usual_permissions(orders):
    out = orders.parent / "new.jsonl"
    assert invoke(["batch", str(orders), "-o", str(out)]).exit_code == 1
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    out.chmod(0o640)
    assert invoke(["batch", str(orders), "-o", str(out), "--force"]).exit_code == 1
    assert out.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode


def test_a_run_refused_midway_leaves_the_earlier_output_intact(orders, monkeypatch):
    out = orders.parent / "out.jsonl"
    out.write_bytes(EARLIER)
    monkeypatch.setattr(_batch, "MAX_BATCH_BYTES", 2 * len(LINE))
    res = invoke(["batch", "-", "-o", str(out), "--force"], input=LINE * 5)
    assert res.exit_code == 2
    assert "the input is larger than" in res.output
    assert out.read_bytes() == EARLIER
    assert _leftovers(orders.parent) == []


def test_the_output_may_be_a_device(orders):
    res = invoke(["batch", str(orders), "-o", os.devnull])
    assert res.exit_code == 1


# --- an unwritable output is refused before the first order is computed -------------------------


def _no_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> object:
        raise AssertionError("an order was computed")

    monkeypatch.setattr(lc, "run_batch", refuse)


@pytest.mark.parametrize("where", ["missing/out.jsonl", "."])
def test_an_output_that_cannot_be_written_is_refused_first(orders, monkeypatch, where):
    _no_computing(monkeypatch)
    res = invoke(["batch", str(orders), "-o", str(orders.parent / where)])
    assert res.exit_code == 2, res.output
    assert "Error: --output:" in res.output


def test_a_read_only_output_or_folder_is_refused_first(orders, monkeypatch):
    """As for a user who may not write them (the suite may run as root, who may: the
    permission checks answer as they would for that user)."""
    _no_computing(monkeypatch)
    out = orders.parent / "locked.jsonl"
    out.write_bytes(EARLIER)
    out.chmod(0o444)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == out else real_access(p, m))
    res = invoke(["batch", str(orders), "-o", str(out), "--force"])
    assert res.exit_code == 2
    assert "is not writable" in res.output
    assert out.read_bytes() == EARLIER

    def denied(**_k: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    res = invoke(["batch", str(orders), "-o", str(orders.parent / "new.jsonl")])
    assert res.exit_code == 2
    assert "cannot be written (Permission denied); nothing was computed." in res.output


def test_an_input_file_beyond_the_batch_limit_is_refused_before_reading(orders, monkeypatch):
    _no_computing(monkeypatch)
    monkeypatch.setattr(lc, "MAX_BATCH_BYTES", 10)
    res = invoke(["batch", str(orders)])
    assert res.exit_code == 2
    assert "ORDERS: the file is larger than" in res.output


# --- CSV through the command line: one record per row, never an empty success -------------------


def _csv(ending: bytes, rows: int = 3) -> bytes:
    cells = examples.flatten(examples.capsules())
    head = ",".join(cells).encode()
    row = ",".join(f'"{v}"' for v in cells.values()).encode()
    return ending.join([head, *[row] * rows]) + ending


@pytest.mark.parametrize("ending", [b"\r", b"\n", b"\r\n"])
def test_csv_line_ends_of_every_kind_give_one_record_per_row(tmp_path, ending):
    path = tmp_path / "orders.csv"
    path.write_bytes(_csv(ending))
    res = invoke(["batch", str(path)])
    assert res.exit_code == 0, res.output
    assert [json.loads(x)["line"] for x in res.stdout.splitlines()] == [2, 3, 4]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"", "the input is empty"), (_csv(b"\r\n", rows=0), "a header but no rows")],
)
def test_an_input_without_orders_exits_2_not_0(tmp_path, data, fragment):
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    out = tmp_path / "out.jsonl"
    out.write_bytes(EARLIER)
    res = invoke(["batch", str(path), "-o", str(out), "--force"])
    assert res.exit_code == 2
    assert fragment in res.output
    assert out.read_bytes() == EARLIER


# --- SIGINT and SIGTERM: 130 and 143, after the last complete line -------------------------------


def _start(args: list[str], **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "ldncompound_cli", "batch", *args],
        stderr=subprocess.PIPE,
        **kw,
    )


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while path.read_bytes().count(b"\n") < n:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        assert time.monotonic() < deadline, "the batch wrote nothing"
        time.sleep(0.02)


def _complete_lines(data: bytes) -> list[dict[str, object]]:
    assert data.endswith(b"\n")
    return [json.loads(x) for x in data.splitlines()]


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_waiting_for_input_exits_with_its_status(tmp_path, signum, status):
    """Standard input stays open after five orders: the run is stopped while it waits."""
    out = tmp_path / "out.jsonl"
    with out.open("wb") as stdout:
        proc = _start(["-", "--no-progress"], stdin=subprocess.PIPE, stdout=stdout)
        assert proc.stdin is not None
        proc.stdin.write(LINE * 5)
        proc.stdin.flush()
        _wait_for_lines(out, 5, proc)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert len(_complete_lines(out.read_bytes())) == 5
    assert f"stopped by {signal.Signals(signum).name} after 5 records".encode() in err


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_computing_ends_the_output_with_a_complete_line(
    tmp_path, signum, status, jobs
):
    """With --jobs 2 the workers ignore the signal and the run stops after the next line."""
    orders = tmp_path / "orders.jsonl"
    orders.write_bytes(LINE * 3000)  # minutes of work: the signal always comes first
    out = tmp_path / "out.jsonl"
    with out.open("wb") as stdout:
        proc = _start([str(orders), "--no-progress", "--jobs", jobs], stdout=stdout)
        _wait_for_lines(out, 1, proc)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    records = _complete_lines(out.read_bytes())
    assert 1 <= len(records) < 3000
    assert [r["record"] for r in records] == list(range(1, len(records) + 1))


def test_a_signal_leaves_an_earlier_output_file_as_it_was(tmp_path):
    orders = tmp_path / "orders.jsonl"
    orders.write_bytes(LINE * 3000)
    out = tmp_path / "out.jsonl"
    out.write_bytes(EARLIER)
    proc = _start([str(orders), "-o", str(out), "--force", "--no-progress"])
    deadline = time.monotonic() + 60
    while not _leftovers(tmp_path) or (tmp_path / _leftovers(tmp_path)[0]).stat().st_size == 0:
        assert proc.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert b"'" + str(out).encode() + b"' was left as it was" in err
    assert out.read_bytes() == EARLIER
    assert _leftovers(tmp_path) == []


def test_csv_without_a_header_cut_rows_and_multi_line_cells_through_the_cli(tmp_path):
    cells = examples.flatten(examples.capsules())
    head = ",".join(cells).encode()
    row = ",".join(f'"{v}"' for v in cells.values()).encode()
    unquoted = ",".join(cells.values()).encode()
    cases = {
        # no header: the first row is read as one, and gets an error record like the others
        "headless": (row + b"\n" + row + b"\n", [(1, "bad-header"), (2, "bad-header")]),
        # the last row cut inside its unquoted last cell, without a line break
        "cut": (head + b"\n" + row + b"\n" + unquoted[:-1], [(2, None), (3, "truncated")]),
        # a quoted cell over three lines: one record, the next row on line 5
        "multi-line": (
            head + b"\n" + row.replace(b'"Rx 1"', b'"Rx\r\n1\r\n2"') + b"\n" + row + b"\n",
            [(2, "control-character"), (5, None)],
        ),
    }
    for name, (data, expected) in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        res = invoke(["batch", str(path)])
        assert res.exit_code == 1, (name, res.output)
        records = [json.loads(x) for x in res.stdout.splitlines()]
        assert [(r["line"], r.get("error", {}).get("code")) for r in records] == expected, name


def test_a_csv_count_written_30_point_0_is_refused_with_one_sentence(tmp_path):
    cells = examples.flatten(examples.capsules())
    head = ",".join(cells).encode()
    row = ",".join(f'"{v}"' for v in (cells | {"count": "30.0"}).values()).encode()
    path = tmp_path / "orders.csv"
    path.write_bytes(head + b"\n" + row + b"\n")
    res = invoke(["batch", str(path)])
    assert res.exit_code == 1, res.output
    (line,) = res.stdout.splitlines()
    error = json.loads(line)["error"]
    assert (error["code"], error["field"]) == ("not-whole", "count")
    assert error["message"] == (
        "count: '30.0' is written with a decimal point; expected a whole number such as 30, "
        "with no decimal point."
    )
    assert "Traceback" not in res.output
