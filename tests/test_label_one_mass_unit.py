"""One mass unit per label (probe finding P12): a microgram dose of drops or of an oral liquid
is printed in mg everywhere on the label and in the brief's label line, the amount in one
drop included ("0.025 mg per drop" beside "4 drops (0.1 mg)", never "25 mcg per drop")."""

from __future__ import annotations

from decimal import Decimal

import orders
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli
from test_liquid_labels_records import label_order

import ldncompound as lc

ACK = ("dose-below-range",)


def drops(dose: str) -> lc.DropsResult:
    calibration = lc.calibrate_dropper(drops=40, volume=lc.volume("2 mL"), dropper="D1")
    return lc.formulate_drops(
        orders.drops(dose=lc.mass(dose), calibration=calibration, days_supply=14, acknowledge=ACK)
    )


def test_the_probe_label_states_the_drop_in_mg():
    label = lc.build_label(drops("100 mcg"), label_order())
    assert label.strength_text == "0.5 mg/mL (0.025 mg per drop)"
    assert label.directions.startswith("Place 4 drops (0.1 mg) under the tongue")


def test_the_result_keeps_the_prescribed_unit_for_the_compounder():
    result = drops("100 mcg")
    assert str(result.dose) == "100 mcg"
    assert str(result.per_drop) == "25 mcg/drop"
    # the label line the brief and worksheet repeat is the label's own wording
    assert result.label.dose_measure == "4 drops (0.1 mg) under the tongue"


def test_a_microgram_liquid_dose_is_in_mg_on_its_label_line():
    result = lc.formulate_liquid(
        orders.liquid(
            dose=lc.mass("500 mcg"),
            concentration=lc.Quantity(Decimal("0.5"), lc.Unit.MG_PER_ML),
            acknowledge=ACK,
        )
    )
    assert result.label.dose_measure.startswith("1 mL (0.5 mg) with the ")


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=19).map(lambda n: n * 50))
def test_no_microgram_on_a_drops_label(mcg):
    try:
        result = drops(f"{mcg} mcg")
    except lc.LdnCompoundError:
        return
    label = lc.build_label(result, label_order())
    printed = f"{label.strength_text} {label.directions} {result.label.dose_measure}"
    assert "mcg" not in printed
    # the per-drop amount times the drops is the dose the directions state
    per = Decimal(label.strength_text.split("(")[1].split(" mg per drop")[0])
    assert per * result.drops_per_dose == Decimal(mcg) / 1000


def test_cli_label_and_brief_use_mg():
    args = orders.command("drops", **{"--dose": "100 mcg", "--acknowledge": "dose-below-range"})
    brief = CliRunner().invoke(cli, [*args, "--brief"])
    assert brief.exit_code == 0, brief.output
    assert "mcg" not in brief.output.split("LABEL:")[1].split("WARNINGS")[0]
