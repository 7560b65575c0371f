"""Drops ordered by the dose in one drop (issue 13 §3): the concentration follows from the
dropper's calibration, C = dose per drop x drops per mL; refused when the dose is not whole
drops of it or the order's concentration says otherwise."""

from __future__ import annotations

from decimal import Decimal

import orders
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import InputError, Unit


def drops(**kw):
    return lc.formulate_drops(orders.drops(concentration=None, **kw))


def test_we15_dropper_and_half_a_milligram_a_drop():
    """WE-15 (scribd "Chapter Three", Ansel-based; answer [D]): 40 drops to 2.5 mL is 16 drops
    per mL; 0.5 mg a drop (the Dickson Chemist drops, domain.md §6.1 [V]) is then 8 mg/mL, and
    4.5 mg is 9 drops."""
    r = drops(dose_per_drop=lc.mass("0.5 mg"))
    assert r.drops_per_ml == lc.Quantity(16, Unit.DROP_PER_ML)
    assert r.concentration == lc.Quantity(8, Unit.MG_PER_ML)
    assert (r.drops_per_dose, r.per_drop) == (9, lc.Quantity(Decimal("0.5"), Unit.MG_PER_DROP))
    assert "concentration-from-drop" in [s.key for s in r.trace]
    assert "concentration" not in [d.field for d in r.defaults]


def test_we16_dose_in_drops_from_the_dose_per_drop():
    """WE-16 (semanticlearning.com Practice Set #2 Q5; answer [D]): a 1.5 mg dose with a
    dropper of 20 drops per mL at 2 mg/mL (0.1 mg a drop) is 15 drops."""
    cal = lc.calibrate_dropper(drops=20, volume=lc.volume("1 mL"), dropper="D20")
    r = drops(dose=lc.mass("1.5 mg"), calibration=cal, dose_per_drop=lc.mass("0.1 mg"))
    assert (r.concentration, r.drops_per_dose) == (lc.Quantity(2, Unit.MG_PER_ML), 15)


def test_a_consistent_concentration_is_kept():
    r = lc.formulate_drops(
        orders.drops(concentration=lc.Quantity(8, Unit.MG_PER_ML), dose_per_drop=lc.mass("0.5 mg"))
    )
    assert r.concentration == lc.Quantity(8, Unit.MG_PER_ML) and r.drops_per_dose == 9


@pytest.mark.parametrize(
    ("kw", "code", "words"),
    [
        ({"dose_per_drop": lc.mass("0.4 mg")}, "dose-per-drop-not-whole", "0.45 mg (10 drops)"),
        ({"dose_per_drop": lc.mass("5 mg")}, "dose-per-drop-not-whole", "4.5 mg (1 drop)"),
        ({"dose_per_drop": lc.mass("0.1 mg")}, "dose-per-drop-out-of-range", "0.225 mg to 4.5 mg"),
        ({"dose_per_drop": lc.mass("10 mg")}, "dose-per-drop-out-of-range", "0.225 mg"),
        (
            {"dose_per_drop": lc.mass("0.5 mg"), "concentration": lc.Quantity(10, Unit.MG_PER_ML)},
            "dose-per-drop-inconsistent",
            "the concentration 8 mg/mL",
        ),
    ],
)
def test_a_dose_per_drop_that_does_not_fit_is_refused(kw, code, words):
    args = {"concentration": None, **kw}
    with pytest.raises(InputError) as info:
        lc.formulate_drops(orders.drops(**args))
    assert (info.value.field, info.value.code) == ("dose_per_drop", code)
    assert words in info.value.message


def test_a_dose_per_drop_above_the_solubility_is_refused():
    with pytest.raises(lc.FormulationError) as info:
        drops(dose_per_drop=lc.mass("0.5 mg"), solubility=lc.Quantity(1, Unit.MG_PER_ML))
    assert (info.value.field, info.value.code) == ("dose_per_drop", "above-solubility")


def test_a_dose_per_drop_must_be_a_mass():
    with pytest.raises(lc.DimensionError):
        orders.drops(dose_per_drop=lc.volume("0.5 mL"))


@given(
    count=st.integers(min_value=20, max_value=120),
    volume=st.sampled_from(["1", "2", "2.5", "3", "5"]),
    per_drop=st.decimals(min_value=Decimal("0.05"), max_value=Decimal(2), places=2),
    n=st.integers(min_value=1, max_value=20),
)
# 0.27 mg a drop at 37.5 drops/mL is 10.125 mg/mL, stated as 10.13 (+0.049 %)
@example(count=75, volume="2", per_drop=Decimal("0.27"), n=2)
def test_an_accepted_dose_per_drop_delivers_the_dose_in_whole_drops(count, volume, per_drop, n):
    """Whatever the dropper, an accepted dose per drop gives drops of that dose (to the 4
    significant figures a concentration is stated to) and the dose is n whole drops."""
    dose = lc.Quantity(per_drop * n, Unit.MG)
    try:
        cal = lc.calibrate_dropper(drops=count, volume=lc.volume(f"{volume} mL"), dropper="D")
        r = drops(
            dose=dose,
            calibration=cal,
            dose_per_drop=lc.Quantity(per_drop, Unit.MG),
            acknowledge=("dose-below-range", "dose-above-range", "dropper-implausible"),
        )
    except (InputError, lc.FormulationError):
        return
    assert r.drops_per_dose == n
    c = r.concentration.m_as(Unit.MG_PER_ML)
    assert abs(c / cal.per_ml / per_drop - 1) <= Decimal("0.0005")
    # the dose delivered, within the 0.05 % a 4-significant-figure concentration is known to
    assert abs(r.dose_deviation.m_as(Unit.PERCENT)) <= Decimal("0.05")
