"""Hostile sizes (issue 12 §3): the end of the calendar, numbers Python cannot print, nesting
deeper than the parser's stack, files of endless bytes. Each is refused with one sentence
(exit 2 on the command line), never an internal error (exit 70) or a traceback."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from decimal import Decimal
from pathlib import Path

import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc

#: the module of what the document-reading commands share (label, record, verify, fhir, titrate)
_kit = importlib.import_module("ldncompound_cli._common")
LABEL = (
    *("--patient", "J", "--prescriber", "P", "--rx", "1"),
    *("--pharmacy-name", "N", "--pharmacy-address", "A", "--pharmacy-phone", "1"),
    *("--record-id", "CR-1"),
)
COMMANDS = {
    "label": ["label", "{file}", *LABEL],
    "record": ["record", "{file}", "--record-id", "R1", "--compounded-by", "A"],
    "verify": ["verify", "{file}"],
    "fhir": ["fhir", "{file}"],
    "titrate": [
        *("titrate", "--form", "liquid", "--template", "{file}", "--maintenance", "4.5 mg"),
        *("--maintenance-days", "30", "--start", "2026-12-01", "--step", "1 mg:7"),
    ],
}
HOSTILE = {
    "nested-arrays": b"[" * 100_000 + b"]" * 100_000,
    "nested-objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "5000-digit-integer": b'{"count": ' + b"1" * 5000 + b"}",
    "1e400": b'{"schema": "ldncompound/capsules/2", "count": 1e400}',
}


def invoke(args: list[str], **kw: object) -> object:
    res = CliRunner().invoke(cli, args, **kw)  # type: ignore[arg-type]
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    return res


def _args(command: str, file: str) -> list[str]:
    return [a.replace("{file}", file) for a in COMMANDS[command]]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_document_file_is_refused_in_one_sentence(tmp_path, command, name):
    path = tmp_path / "doc.json"
    path.write_bytes(HOSTILE[name])
    res = invoke(_args(command, str(path)))
    assert res.exit_code == 2, res.output  # type: ignore[attr-defined]
    error = res.output.strip().splitlines()[-1]  # type: ignore[attr-defined]
    assert error.startswith("Error: ") and error.endswith(".")


class Endless(io.RawIOBase):
    """A stream of zero bytes that never ends (what /dev/zero gives), counting what is read."""

    read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        n = min(len(buffer), 1 << 16)  # short reads, as a pipe gives
        buffer[:n] = b"\0" * n
        self.read_bytes += n
        return n


class Trickle(io.RawIOBase):
    """A stream that gives three bytes a read, as a slow pipe does."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        n = min(len(buffer), 3, len(self.data))
        buffer[:n], self.data = self.data[:n], self.data[n:]
        return n


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_of_endless_bytes_is_refused_after_the_limit(command):
    stream = Endless()
    res = invoke(_args(command, "-"), input=stream)
    assert res.exit_code == 2, res.output  # type: ignore[attr-defined]
    assert f"larger than {_kit.MAX_DOCUMENT_BYTES >> 20} MiB" in res.output  # type: ignore[attr-defined]
    assert _kit.MAX_DOCUMENT_BYTES < stream.read_bytes <= _kit.MAX_DOCUMENT_BYTES + (1 << 16)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_by_path():
    res = invoke(["verify", "/dev/zero"])
    assert res.exit_code == 2  # type: ignore[attr-defined]
    assert "RECORD: the file is larger than" in res.output  # type: ignore[attr-defined]


def test_read_limited_returns_a_file_at_the_limit(monkeypatch):
    monkeypatch.setattr(_kit, "MAX_DOCUMENT_BYTES", 10)
    assert _kit.read_limited(io.BytesIO(b"0123456789"), "X") == b"0123456789"
    assert _kit.read_limited(Trickle(b"0123456789"), "X") == b"0123456789"  # type: ignore[arg-type]
    with pytest.raises(lc.InputError, match="X: the file is larger than"):
        _kit.read_limited(io.BytesIO(b"0123456789A"), "X")


# --- the end of the calendar ------------------------------------------------------------------


def test_a_bud_past_the_end_of_the_calendar_is_refused():
    source = orders.tablets(expiry=dt.date.max)
    # years ahead of today: refused unless acknowledged (tests/test_plausible.py)
    ahead = ("compounded-on-future",)
    with pytest.raises(lc.InputError, match="end of the calendar") as err:
        lc.formulate_capsules(
            orders.capsules(source=source, compounded_on=dt.date(9999, 12, 1), acknowledge=ahead)
        )
    assert (err.value.code, err.value.field) == ("date-out-of-range", "compounded_on")
    # the last day whose BUD (180 days, day 1 = compounding day) is still a date
    last = dt.date.max - dt.timedelta(days=179)
    result = lc.formulate_capsules(
        orders.capsules(source=source, compounded_on=last, acknowledge=ahead)
    )
    assert result.bud.date == dt.date.max


def test_an_expiry_at_the_end_of_the_calendar_is_an_ordinary_date():
    result = lc.formulate_capsules(orders.capsules(source=orders.tablets(expiry=dt.date.max)))
    assert result.bud.limited_by == "category"


def _kit_order(start: dt.date) -> lc.TitrationOrder:
    return lc.TitrationOrder(
        steps=(lc.TitrationStep(dose=lc.mass("1 mg"), days=7),),
        maintenance=lc.mass("4.5 mg"),
        maintenance_days=30,
        start=start,
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=orders.capsules()),
    )


def test_a_kit_running_past_the_end_of_the_calendar_is_refused():
    with pytest.raises(lc.InputError, match="end of the calendar") as err:
        _kit_order(dt.date.max - dt.timedelta(days=36))
    assert (err.value.code, err.value.field) == ("date-out-of-range", "start")
    _kit_order(dt.date.max - dt.timedelta(days=37))  # the last day fits


def test_the_cli_refuses_a_start_at_the_end_of_the_calendar():
    res = invoke(
        [
            *("titrate", "--form", "capsules", "--source", "tablets", "--tablet-weight"),
            *("201.4 mg", "--expiry", "9999-12-31", "--maintenance", "4.5 mg"),
            *("--maintenance-days", "30", "--start", "9999-12-20", "--step", "1 mg:7"),
        ]
    )
    assert res.exit_code == 2, res.output  # type: ignore[attr-defined]
    assert "Error: --start: '9999-12-20' is so late" in res.output  # type: ignore[attr-defined]


# --- numbers Python cannot print ----------------------------------------------------------------


@pytest.mark.parametrize("digits", [5001, -5001, 401])
def test_an_integer_too_long_to_print_is_described_by_its_size(digits):
    doc = lc.order_document(orders.capsules())
    doc["count"] = (1 if digits > 0 else -1) * 10 ** (abs(digits) - 1)
    with pytest.raises(lc.InputError) as err:
        lc.load_order(doc)
    assert err.value.field == "count"
    assert "integer of about" in err.value.message
    assert len(err.value.message) < 200


def test_json_text_with_a_5000_digit_number_is_bad_json():
    text = json.dumps(lc.order_document(orders.capsules())).replace(
        '"count": 30', '"count": ' + "9" * 5000
    )
    with pytest.raises(lc.InputError, match="more digits than can be read") as err:
        lc.load_order(text)
    assert err.value.code == "bad-json"


def test_a_value_nested_too_deeply_to_print_is_named_by_its_type():
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    err = lc.InputError.about("x", nested, "is refused", "something else")
    assert err.message == "x: a list too large to show is refused; expected something else."


def test_the_cli_plans_a_kit_of_thirty_distinct_steps():
    """The exhaustive strength search never finished at 30 distinct doses."""
    steps = [a for i in range(3, 32) for a in ("--step", f"{Decimal('0.049') * i} mg:1")]
    res = invoke(
        [
            *("titrate", "--form", "capsules", "--source", "tablets", "--tablet-weight"),
            *("200 mg", "--expiry", "2028-01-01", "--maintenance", f"{Decimal('0.049') * 32} mg"),
            *("--maintenance-days", "1", "--start", "2026-12-01", "--format", "json", *steps),
            # a synthetic ladder: 1.029 mg is within 0.1 % of 1.03 mg (`dose-precision`)
            *("--acknowledge", "dose-precision"),
        ]
    )
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    data = json.loads(res.output)  # type: ignore[attr-defined]
    assert len(data["containers"]) == 30
    # multiples 3..32 of 0.049 mg: chains m, 2m, 4m, ... (m odd) need ceil(n / 2) strengths
    chains = [sum(1 for k in range(5) if 3 <= m * 2**k <= 32) for m in range(1, 33, 2)]
    assert len(data["capsule_batches"]) == sum((n + 1) // 2 for n in chains if n)
