"""The brief (issue 13 §3): what to weigh, fill and label, in under 30 lines, for every
preparation; rendered by the library, selected by the CLI's --brief."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from ldncompound_cli import cli
from strategies import troche_orders

import ldncompound as lc
from ldncompound._brief import _items
from ldncompound._worksheet import weighed

DAY = dt.date(2026, 11, 21)


def result(name: str, **changes):
    return orders.FORMULATE[name](orders.ORDERS[name](**changes), today=DAY)


@pytest.mark.parametrize("name", list(orders.ORDERS))
def test_every_preparation_has_a_brief_under_30_lines(name):
    r = result(name)
    text = lc.render_brief(r)
    lines = text.splitlines()
    assert 8 <= len(lines) < 30 <= lc.BRIEF_MAX_LINES + 1
    assert lines[0].startswith("BRIEF: ")
    assert any(line.startswith("LABEL: ") for line in lines)
    assert r.bud.date.isoformat() in text
    assert "WARNINGS: " in text
    # every weighing or measurement is there, as the worksheet shows it
    if name in ("capsules", "troches"):
        for w in r.weighings:
            assert weighed(w.amount, r.balance.readability) in text
    else:
        for m in r.batch.measurements:
            assert m.what in text


def test_a_brief_for_a_deep_trituration_stays_short():
    """Two stages of 1 in 2 are six weighings: all listed, still under 30 lines."""
    r = result("capsules", source=orders.api(), dose=lc.mass("0.5 mg"), trituration_ratio=2)
    assert len(r.weighings) == 6
    assert len(lc.render_brief(r).splitlines()) < 30


def test_long_lists_are_folded_and_results_without_a_brief_are_refused():
    rows = [f"  {i}. x" for i in range(1, 20)]
    folded = _items(rows)
    assert len(folded) == 12 and folded[-1] == "  ... and 8 more: see the worksheet"
    assert _items(rows[:12]) == rows[:12]
    with pytest.raises(TypeError):
        lc.render_brief(lc.calibration_result(lc.NOMINAL_DROPPER))


@settings(max_examples=25)
@given(order=troche_orders())
def test_every_troche_brief_is_under_30_lines(order):
    try:
        r = lc.formulate_troches(order, today=DAY)
    except lc.LdnCompoundError:
        return
    assert len(lc.render_brief(r).splitlines()) < 30


@pytest.mark.parametrize("name", list(orders.ORDERS))
def test_the_command_line_selects_the_brief(name):
    out = CliRunner().invoke(cli, [*orders.COMMANDS[name], "--brief"])
    assert out.exit_code == 0, out.output
    assert out.output == lc.render_brief(result(name))
    refused = CliRunner().invoke(cli, [*orders.COMMANDS[name], "--brief", "--format", "json"])
    assert refused.exit_code == 2
    assert "--brief is a text format; leave out --format json." in refused.output


def test_a_titration_kit_has_a_brief_of_one_line_per_container_or_fill():
    """Capsule kits: a line per strength made and per labelled container (folded past 12
    containers or 6 strengths), each with its BUD; liquid kits: a line per fill with the day
    it is made and its BUD. Both within the brief's line limit."""
    import test_titration  # noqa: PLC0415 - the kit fixtures

    many = test_titration.kit(
        [lc.parse_step(f"{Decimal(i) / 4} mg:2") for i in range(1, 18)], days=7
    )
    text = lc.render_brief(many)
    lines = text.splitlines()
    assert len(lines) <= lc.BRIEF_MAX_LINES
    assert sum(1 for x in lines if x.startswith("  Step ")) == 11
    assert any(x.startswith("  ... and 7 more: see the worksheet") for x in lines)
    for c in many.containers[:11]:
        assert f"{c.units} x {c.strength} capsules, {c.units_per_dose} a dose" in text
    liquid = test_titration.liquid_kit(test_titration.half_mg_every_14_days())
    rows = [x for x in lc.render_brief(liquid).splitlines() if x.startswith("  Fill ")]
    assert len(rows) == len(liquid.fills) == 11
    first, made = liquid.fills[0], liquid.liquid_fills[0]
    assert rows[0] == (
        f"  Fill 1 of 11, {first.start} to {first.end}: {made.batch.dispense_volume} (make "
        f"{made.batch.final_volume}); made 2026-11-21, BUD {made.bud.date}"
    )
