"""The brief (issue 13 §3): what to weigh, fill and label, in under 30 lines, for every
preparation; rendered by the library, selected by the CLI's --brief."""

from __future__ import annotations

import datetime as dt

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
