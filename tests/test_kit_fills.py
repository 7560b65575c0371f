"""Liquid and drops kits: fills as equal as whole days allow within the BUD, like a plain
liquid's supply (probe finding P9), fill labels dated on their own compounding day, and a
refusal that names the steps a liquid kit cannot measure (probe finding P8)."""

from __future__ import annotations

import datetime as dt

import pytest
import test_drops
import test_liquids
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli
from test_liquid_labels_records import label_order
from test_titration import START, SYRINGES, TODAY, half_mg_every_14_days

import ldncompound as lc


def lengths(result: lc.TitrationResult) -> list[int]:
    return [f.last_day - f.first_day + 1 for f in result.fills]


def liquid_kit(steps, maintenance_days: int, made: dt.date | None = START, **kw):
    template = test_liquids.order(
        days_supply=30, source=test_liquids.api(), compounded_on=made, **kw
    )
    return lc.plan_titration(
        lc.TitrationOrder(
            steps=tuple(steps),
            maintenance=lc.mass("4.5 mg"),
            maintenance_days=maintenance_days,
            start=START,
            form=lc.KitForm.LIQUID,
            liquid=lc.LiquidKit(template=template, syringes=SYRINGES),
        ),
        today=TODAY if made is None else made,
    )


PROBE_STEPS = [lc.parse_step(s) for s in ("0.5 mg:7", "1 mg:7", "1.5 mg:7", "3 mg:7")]


def test_the_probe_kit_has_no_two_day_fill():
    # 28 days of steps + 30 of maintenance = 58 days, 14-day BUD: 5 fills of 12, 12, 12, 11, 11
    # (it was 14, 14, 14, 14, 2: a whole compounding for two days of doses)
    result = liquid_kit(PROBE_STEPS, 30)
    assert lengths(result) == [12, 12, 12, 11, 11]
    assert [b.order.compounded_on for b in result.batches] == [
        START + dt.timedelta(days=f.first_day - 1) for f in result.fills
    ]


def test_a_first_fill_made_early_keeps_its_days_and_the_rest_are_equal():
    # made 10 days before the start: fill 1 has 4 days of use, the other 138 days are 10
    # fills of at most 14 days, as equal as whole days allow
    result = liquid_kit(half_mg_every_14_days(), 30, made=None)
    assert lengths(result) == [4, *[14] * 8, 13, 13]


def test_a_drops_kit_splits_its_fills_the_same_way():
    order = lc.TitrationOrder(
        steps=tuple(half_mg_every_14_days()),
        maintenance=lc.mass("4.5 mg"),
        maintenance_days=30,
        start=START,
        form=lc.KitForm.DROPS,
        drops=lc.DropsKit(template=test_drops.order()),
    )
    result = lc.plan_titration(order, today=TODAY)
    # fill 1 made 10 days early has 25 days of its 35-day BUD; the other 117 days are
    # 4 fills of 30, 29, 29, 29 (it was 35, 35, 35, 12)
    assert lengths(result) == [25, 30, 29, 29, 29]


@settings(max_examples=25, deadline=None)
@given(
    step_days=st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=4),
    maintenance_days=st.integers(min_value=0, max_value=60),
)
def test_fills_are_the_fewest_and_as_equal_as_whole_days_allow(step_days, maintenance_days):
    """Made on the start day, a kit of D days with a B-day BUD has ceil(D / B) fills, as
    equal as whole days allow: the first D mod fills one day longer."""
    steps = [lc.parse_step(f"{i + 1} mg:{d}") for i, d in enumerate(step_days)]
    result = liquid_kit(steps, maintenance_days)
    total = sum(step_days) + maintenance_days
    bud = result.batches[0].bud.days
    count = -(-total // bud)
    got = lengths(result)
    assert sum(got) == total
    assert len(got) == count
    assert max(got) - min(got) <= 1
    assert got == sorted(got, reverse=True)
    assert max(got) <= bud


def test_every_fill_label_is_dated_on_its_own_compounding_day():
    result = liquid_kit(PROBE_STEPS, 30)
    labels = lc.build_kit_labels(result, label_order())
    assert len(labels) == len(result.fills)
    for label, fill, made in zip(labels, result.fills, result.batches, strict=True):
        assert label.compounded_on == made.bud.compounded_on == fill.start
        assert label.bud == made.bud.date >= fill.end
        assert label.step is not None
        assert label.step.startswith(f"Fill {fill.number} of {len(result.fills)}: ")


# --- P8: the refusal names the steps that cannot be measured -----------------------------------

UNMEASURABLE = [lc.parse_step(s) for s in ("0.25 mg:3", "0.75 mg:3", "2.25 mg:5")]


def test_a_given_concentration_names_the_steps_it_cannot_measure():
    with pytest.raises(lc.FormulationError) as info:
        lc.plan_titration(
            lc.TitrationOrder(
                steps=tuple(UNMEASURABLE),
                maintenance=lc.mass("4.5 mg"),
                maintenance_days=10,
                start=START,
                form=lc.KitForm.LIQUID,
                liquid=lc.LiquidKit(
                    template=test_liquids.order(
                        days_supply=30, source=test_liquids.api(), compounded_on=START, syringe=None
                    ),
                    concentration=lc.Quantity(1, lc.Unit.MG_PER_ML),
                ),
            ),
            today=START,
        )
    err = info.value
    assert (err.code, err.field, err.value) == (
        "kit-volume-not-measurable",
        "liquid.concentration",
        "1 mg/mL",
    )
    assert err.message.startswith(
        "liquid.concentration: '1 mg/mL' does not measure every step: step 3 (2.25 mg) is "
        "2.25 mL and step 4 (4.5 mg) is 4.5 mL, not a graduation at 25 % or more of the capacity "
        "of any oral syringe of the kit ("
    )
    assert err.message.endswith(
        "; expected the kit's concentration set to one that puts every step's volume on a "
        "graduation, an oral syringe of the kit with that volume on its scale, or a capsule or "
        "drops kit."
    )


def test_without_a_concentration_it_names_the_steps_at_the_closest_one():
    with pytest.raises(lc.FormulationError) as info:
        liquid_kit(UNMEASURABLE, 10, concentration=None)
    err = info.value
    assert err.field == "steps"
    assert "any concentration" not in err.message
    assert "no concentration of the ladder (" in err.message
    assert err.value in err.message
    assert err.message.startswith(f"steps: '{err.value}' cannot be measured: ")


CLI_KIT = [
    "titrate",
    *("--step", "0.25 mg:3", "--step", "0.75 mg:3", "--step", "2.25 mg:5"),
    *("--maintenance", "4.5 mg", "--maintenance-days", "10", "--start", "2026-11-21"),
    *("--form", "liquid", "--source", "api", "--api-form", "hcl", "--assay", "100 %"),
    *("--assay-basis", "as-is", "--lot", "A1", "--expiry", "2030-01-01"),
    *("--compounded-on", "2026-11-21", "--class-iii"),
]


def test_cli_names_the_option_and_the_steps():
    out = CliRunner().invoke(cli, [*CLI_KIT, "--concentration", "1 mg/mL"])
    assert out.exit_code == 1
    last = out.output.splitlines()[-1]
    assert last.startswith("Error: --concentration: '1 mg/mL' does not measure every step: ")
    assert "step 3 (2.25 mg) is 2.25 mL" in last
    out = CliRunner().invoke(cli, CLI_KIT)
    assert out.exit_code == 1
    assert out.output.splitlines()[-1].startswith("Error: --step: '")
    assert "any concentration on the ladder" not in out.output


# --- plain liquids: the same rule --------------------------------------------------------------


def test_a_plain_liquid_supply_is_split_the_same_way():
    # 57 days, 14-day BUD: 5 fills of 12, 12, 11, 11, 11 (it was 12, 12, 12, 12, 9)
    result = lc.formulate_liquid(test_liquids.order(days_supply=57))
    assert result.fills is not None
    assert [f.last_day - f.first_day + 1 for f in result.fills.schedule] == [12, 12, 11, 11, 11]
    assert result.fills.days_per_fill == 12


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=15, max_value=365))
def test_a_plain_liquids_fills_differ_by_at_most_a_day(days):
    result = lc.formulate_liquid(test_liquids.order(days_supply=days))
    assert result.fills is not None
    got = [f.last_day - f.first_day + 1 for f in result.fills.schedule]
    assert sum(got) == days
    assert len(got) == -(-days // result.bud.days)
    assert max(got) - min(got) <= 1
    assert got == sorted(got, reverse=True)
    assert [f.first_day for f in result.fills.schedule] == [
        1 + sum(got[:k]) for k in range(len(got))
    ]
