"""Liquids near the solubility (probe finding P4): a concentration above the share of the
solubility that stays dissolved where the liquid is kept is refused unless acknowledged
(``near-solubility-limit``), suggestions stay within that share, and the procedure never
dissolves the weighed powder in a volume that would hold it above the solubility."""

from __future__ import annotations

import re
from decimal import Decimal

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._plausible import ACKNOWLEDGEABLE, SOLUBILITY_SHARE_ROOM

ACK = "near-solubility-limit"
SOLUBILITY = Decimal(100)  # naltrexone HCl in water, mg/mL (the library's figure)


def drops(**kw):
    """1 drop a dose at 16 drops/mL: the dose per drop sets the concentration (x 16)."""
    return orders.drops(dose_per_drop=kw.pop("per_drop", kw.get("dose")), **kw)


def codes(result) -> set[str]:
    return {w.code for w in result.warnings}


def test_the_code_is_acknowledgeable():
    assert ACK in ACKNOWLEDGEABLE


def test_drops_near_the_solubility_kept_cold_are_refused_in_one_sentence():
    # 4.5 mg a drop at 16 drops/mL is 72 mg/mL: 72 % of 100 mg/mL, kept in the refrigerator
    with pytest.raises(lc.InputError) as info:
        lc.formulate_drops(drops(dose=lc.mass("4.5 mg")))
    err = info.value
    assert (err.code, err.field, err.value) == (ACK, "dose_per_drop", "72 mg/mL")
    assert err.message == (
        "dose_per_drop: '72 mg/mL' is 72 % of the solubility of 100 mg/mL, more than the 50 % a "
        "liquid kept in the refrigerator may hold without crystallising; expected at most "
        "50 mg/mL (65 % at room temperature, the strength the USP completeness-of-solution test "
        "guarantees [V][D]; 50 % in the refrigerator, as the solubility falls in the cold "
        "[D][U]), or the acknowledgement 'near-solubility-limit' on the order if the figure is "
        "right."
    )


def test_an_order_concentration_names_the_concentration():
    order = orders.drops(concentration=lc.Quantity(Decimal(72), lc.Unit.MG_PER_ML))
    with pytest.raises(lc.InputError) as info:
        lc.formulate_drops(order)
    assert (info.value.code, info.value.field) == (ACK, "concentration")


def test_room_temperature_allows_more_than_the_refrigerator():
    # 3.75 mg a drop is 60 mg/mL: within 65 % at room temperature, above 50 % in the cold
    room = lc.formulate_drops(drops(dose=lc.mass("3.75 mg"), storage=lc.Storage.ROOM))
    assert ACK not in codes(room)
    with pytest.raises(lc.InputError) as info:
        lc.formulate_drops(drops(dose=lc.mass("3.75 mg")))
    assert info.value.code == ACK
    # 4.5 mg a drop (72 mg/mL) is above 65 % even at room temperature
    with pytest.raises(lc.InputError) as info:
        lc.formulate_drops(drops(dose=lc.mass("4.5 mg"), storage=lc.Storage.ROOM))
    assert "65 % a liquid kept in room temperature" in info.value.message


def test_the_limit_itself_is_accepted():
    # 3.125 mg a drop is exactly 50 mg/mL
    result = lc.formulate_drops(drops(dose=lc.mass("3.125 mg")))
    assert ACK not in codes(result)


def test_acknowledged_it_is_made_with_a_warning():
    result = lc.formulate_drops(drops(dose=lc.mass("4.5 mg"), acknowledge=(ACK,)))
    (warning,) = [w for w in result.warnings if w.code == ACK]
    assert warning.field == "dose_per_drop"
    assert warning.message.startswith("dose_per_drop 72 mg/mL is 72 % of the solubility")
    assert warning.message.endswith("; acknowledged on the order.")


def test_a_liquid_is_checked_the_same_way():
    order = orders.liquid(
        concentration=lc.Quantity(Decimal(75), lc.Unit.MG_PER_ML),
        dose=lc.mass("75 mg"),
        acknowledge=("dose-above-range", "daily-dose-above-range"),
    )
    with pytest.raises(lc.InputError) as info:
        lc.formulate_liquid(order)
    assert (info.value.code, info.value.field) == (ACK, "concentration")


def test_a_suggested_concentration_stays_within_the_share():
    # 5 mg once daily, no concentration given: 100 mg/mL (one drop) is no longer suggested
    result = lc.formulate_drops(orders.drops(dose=lc.mass("3.5 mg")))
    assert result.concentration.m_as(lc.Unit.MG_PER_ML) <= 50
    assert ACK not in codes(result)


def dissolving_concentration(result) -> Decimal | None:
    """mg of drug (the dose basis) per mL in the volume the procedure first dissolves the
    weighed powder in (``None``: a stock made up to volume, checked separately)."""
    plan = result.batch.plan
    if plan is None or not plan.direct:
        return None
    drug_per_powder = result.batch.drug_in_batch.m_as(lc.Unit.MG) / plan.material.m_as(lc.Unit.MG)
    weighed = plan.weighed.m_as(lc.Unit.MG) * drug_per_powder
    final = plan.final_volume.m_as(lc.Unit.ML)
    (step,) = [p for p in result.batch.process if p.startswith("Dissolve it completely")]
    if "about half the final volume" in step:
        return weighed / (final / 2)
    if (m := re.search(r"in at least ([0-9.]+) mL", step)) is not None:
        return weighed / Decimal(m.group(1))
    assert "made up to nearly the final" in step, step
    return weighed / final


def test_the_probe_drops_dissolve_in_enough_water():
    # probe P4: 100 mg/mL, 260 mg "in about half the final volume" (1.3 mL) was 200 mg/mL
    order = orders.drops(
        dose=lc.mass("5 mg"),
        dose_per_drop=lc.mass("5 mg"),
        calibration=lc.calibrate_dropper(drops=40, volume=lc.volume("2 mL"), dropper="D1"),
        days_supply=14,
        acknowledge=(ACK,),
    )
    result = lc.formulate_drops(order)
    step = next(p for p in result.batch.process if p.startswith("Dissolve"))
    assert step == (
        "Dissolve it completely in glycerol-ascorbic acid-sodium benzoate aqueous vehicle (NZ "
        "formula) made up to nearly the final 2.6 mL (less would hold it above 65 % of its "
        "solubility); stir until no particles remain."
    )


def test_a_low_concentration_keeps_half_the_final_volume():
    result = lc.formulate_liquid(orders.liquid())
    assert "Dissolve it completely in about half the final volume of purified water." in (
        result.batch.process
    )


def test_a_moderate_concentration_names_the_least_volume():
    # 48 mg/mL (3 mg a drop, 16 drops/mL) in about half the final volume is above 65 mg/mL
    result = lc.formulate_drops(drops(dose=lc.mass("3 mg")))
    step = next(p for p in result.batch.process if p.startswith("Dissolve"))
    assert re.fullmatch(
        r"Dissolve it completely in at least [0-9.]+ mL of glycerol-.* \(less would hold it "
        r"above 65 % of its solubility\)\.",
        step,
    ), step
    c = dissolving_concentration(result)
    assert c is not None
    assert c <= SOLUBILITY * SOLUBILITY_SHARE_ROOM


@settings(max_examples=40, deadline=None)
@given(
    per_drop=st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 20),
    ack=st.booleans(),
    room=st.booleans(),
)
def test_the_powder_is_never_dissolved_above_its_solubility(per_drop, ack, room):
    """Whatever the concentration, the procedure's dissolving volume holds the weighed powder
    at or below 65 % of its solubility, or (acknowledged above it) in the whole final volume."""
    order = drops(
        dose=lc.mass(f"{per_drop} mg"),
        acknowledge=((ACK,) if ack else ()) + ("dose-below-range", "dose-above-range"),
        storage=lc.Storage.ROOM if room else None,
    )
    try:
        result = lc.formulate_drops(order)
    except lc.InputError as err:
        assert err.code == ACK and not ack and per_drop * 16 > 50, err
        return
    except lc.FormulationError:
        return
    c = dissolving_concentration(result)
    if c is None:
        return
    whole = result.batch.drug_in_batch.m_as(lc.Unit.MG) / result.batch.final_volume.m_as(lc.Unit.ML)
    assert c <= max(SOLUBILITY * SOLUBILITY_SHARE_ROOM, whole)
    assert c <= SOLUBILITY


@settings(max_examples=30, deadline=None)
@given(dose=st.integers(min_value=1, max_value=50).map(lambda n: Decimal(n) / 10))
def test_a_suggestion_is_never_near_the_solubility(dose):
    try:
        result = lc.formulate_drops(
            orders.drops(dose=lc.mass(f"{dose} mg"), acknowledge=("dose-below-range",))
        )
    except lc.LdnCompoundError:
        return
    assert result.concentration.m_as(lc.Unit.MG_PER_ML) <= SOLUBILITY / 2
    assert ACK not in codes(result)


def test_cli_refuses_naming_the_option():
    args = orders.command("drops", **{"--dose-per-drop": "4.5 mg"})
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 2
    assert out.output.splitlines()[-1].startswith(
        "Error: --dose-per-drop: '72 mg/mL' is 72 % of the solubility of 100 mg/mL"
    )
    assert "Traceback" not in out.output


def test_cli_acknowledged_warns_and_dissolves_in_enough_vehicle():
    args = orders.command("drops", **{"--dose-per-drop": "4.5 mg", "--acknowledge": ACK})
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert "[near-solubility-limit]" in out.output
    assert "about half the final volume" not in out.output


def test_a_refused_suggestion_names_the_limit_it_kept_to():
    # 4.5 mg in one drop at 16 drops/mL is 72 mg/mL: above the 50 mg/mL share, so nothing
    # is suggested (it was 72 mg/mL, up to the solubility)
    order = orders.drops(dose=lc.mass("4.5 mg"), max_drops=1)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_drops(order)
    assert info.value.code == "no-concentration"
    assert (
        "no concentration up to 50 mg/mL (50 % of the solubility, the share that stays "
        "dissolved) makes 4.5 mg a whole number of drops up to 1" in info.value.message
    )


def test_without_a_known_solubility_no_limit_is_named():
    from ldncompound._liquid_batch import Usable  # noqa: PLC0415

    assert Usable(Decimal(0), None).up_to() == ""
    assert Usable(Decimal(0), Decimal(100)).up_to() == " up to 100 mg/mL (the solubility)"
