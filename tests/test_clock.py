"""The suite and the library never depend on the day they run.

The library reads the calendar in one place (``ldncompound._clock.today``); the suite freezes
it (``conftest.FROZEN_TODAY``). These tests move that clock years ahead and check that an order
left to the default date is compounded on the moved day, through the API, documents, batch
runs and the command line, with every other figure the same as on an explicit date.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import orders
import pytest
from click.testing import CliRunner
from conftest import FROZEN_TODAY
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound import _clock

ROOT = Path(__file__).resolve().parent.parent
#: late enough that no source expires on any moved day
FAR = dt.date(2032, 12, 31)
DAYS = [
    FROZEN_TODAY,
    FROZEN_TODAY + dt.timedelta(days=365),
    dt.date(2028, 2, 29),
    dt.date(2030, 12, 31),
]


@pytest.fixture(params=DAYS, ids=lambda d: d.isoformat())
def moved(request: pytest.FixtureRequest) -> Iterator[dt.date]:
    day: dt.date = request.param
    saved = _clock.today
    _clock.today = lambda: day
    yield day
    _clock.today = saved


def _order(name: str, **kw: object) -> object:
    import attrs  # noqa: PLC0415

    made = orders.ORDERS[name](
        compounded_on=None,
        source=(orders.tablets if name in ("capsules", "troches") else orders.api)(expiry=FAR),
    )
    if name in ("liquid", "drops"):
        made = attrs.evolve(made, vehicle=attrs.evolve(made.vehicle, expiry=FAR))
    if name == "troches":
        made = attrs.evolve(made, base=attrs.evolve(made.base, expiry=FAR))
    return attrs.evolve(made, **kw)


def test_the_library_reads_the_calendar_in_one_place() -> None:
    clock = re.compile(r"\b(date\.today|datetime\.(now|today|utcnow))\(|\btime\.time\(")
    for path in sorted((ROOT / "ldncompound").rglob("*.py")):
        if path.name == "_clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not clock.search(line), f"{path.name}:{number} reads the clock: {line.strip()}"


def test_the_suite_runs_on_the_frozen_day() -> None:
    assert _clock.today() == FROZEN_TODAY


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_an_order_without_a_date_is_compounded_on_the_clocks_day(moved: dt.date, name: str) -> None:
    formulate = orders.FORMULATE[name]
    by_default = formulate(_order(name))
    explicit = formulate(_order(name, compounded_on=moved))
    assert by_default.bud.compounded_on == moved
    assert by_default.bud == explicit.bud
    echoed = {d.field: d for d in by_default.defaults}
    assert echoed["compounded_on"].value == moved.isoformat()
    assert "compounded_on" not in {d.field for d in explicit.defaults}
    # the same figures either way: only the date's origin differs
    strip = lambda data: {k: v for k, v in data.items() if k not in ("order", "defaults")}  # noqa: E731
    assert strip(lc.to_json(by_default)) == strip(lc.to_json(explicit))


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
@pytest.mark.usefixtures("moved")
def test_a_callers_today_wins_over_the_clock(name: str) -> None:
    given = dt.date(2029, 3, 1)
    result = orders.FORMULATE[name](_order(name), today=given)
    assert result.bud.compounded_on == given


def test_a_batch_run_uses_the_clocks_day_for_default_dates(moved: dt.date) -> None:
    document = lc.order_document(_order("capsules"))
    assert document["compounded_on"] == "default"
    lines = (json.dumps(document) + "\n") * 3
    records = list(lc.run_batch(io.BytesIO(lines.encode())))
    assert [r.ok for r in records] == [True, True, True]
    assert {r.result.bud.compounded_on for r in records} == {moved}


def test_the_command_line_uses_the_clocks_day(moved: dt.date) -> None:
    args = orders.command("capsules", **{"--compounded-on": None, "--expiry": FAR.isoformat()})
    res = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["bud"]["compounded_on"] == moved.isoformat()
