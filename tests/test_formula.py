"""Reducing and enlarging formulas (worked example WE-28)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import decimals

import ldncompound as lc


def g(text: str) -> lc.Quantity:
    return lc.mass(f"{text} g")


def test_we28_hundred_capsule_formula_scaled_to_250():
    """100 capsules: ketoprofen 1.25 g, riboflavin 10 g, caffeine 3 g, sodium bicarbonate 20 g,
    silica gel 250 g; x 250/100 = 2.5 -> 3.125 (published 3.13), 25, 7.5, 50, 625 g."""
    formula = {
        "ketoprofen": g("1.25"),
        "riboflavin": g("10"),
        "caffeine": g("3"),
        "sodium bicarbonate": g("20"),
        "silica gel": g("250"),
    }
    scaled = lc.scale_formula(formula, from_units=100, to_units=250)
    # the published answers are rounded half up to 0.01 g
    shown = {
        k: v.magnitude.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for k, v in scaled.items()
    }
    assert shown == {
        "ketoprofen": Decimal("3.13"),
        "riboflavin": Decimal("25.00"),
        "caffeine": Decimal("7.50"),
        "sodium bicarbonate": Decimal("50.00"),
        "silica gel": Decimal("625.00"),
    }
    assert scaled["ketoprofen"] == g("3.125")


def test_we28_forty_capsules_reduced_to_sixteen():
    """0.4, 0.64, 0.8 and 12 g for 40 capsules x 16/40 = 0.16, 0.256, 0.32 and 4.8 g."""
    scaled = lc.scale_formula(
        {
            "belladonna": g("0.4"),
            "ephedrine": g("0.64"),
            "phenobarbital": g("0.8"),
            "aspirin": g("12"),
        },
        from_units=40,
        to_units=16,
    )
    assert [v.magnitude for v in scaled.values()] == [
        Decimal("0.16"),
        Decimal("0.256"),
        Decimal("0.32"),
        Decimal("4.8"),
    ]


def test_we28_per_unit_formula_with_a_qs_ingredient():
    """36 capsules of 0.5 mg X + 15 mg Y + Z to 300 mg: X 18 mg, Y 540 mg, Z 36 x 284.5 = 10,242 mg."""
    batch = lc.formula_with_qs(
        {"X": lc.mass("0.5 mg"), "Y": lc.mass("15 mg")},
        qs="Z",
        unit_weight=lc.mass("300 mg"),
        units=36,
    )
    assert batch == {"X": lc.mass("18 mg"), "Y": lc.mass("540 mg"), "Z": lc.mass("10242 mg")}


def test_refusals():
    with pytest.raises(lc.InputError):
        lc.scale_formula({"a": g("1")}, from_units=0, to_units=10)
    with pytest.raises(lc.InputError):
        lc.scale_formula({"a": lc.percent("5 %")}, from_units=1, to_units=10)
    with pytest.raises(lc.InputError):
        lc.formula_with_qs({"X": lc.mass("300 mg")}, qs="Z", unit_weight=lc.mass("300 mg"), units=3)


@given(
    decimals("0.001", "1000", 3).filter(lambda d: d > 0), st.integers(1, 500), st.integers(1, 500)
)
def test_scaling_there_and_back_is_exact(amount, a, b):
    q = lc.Quantity(amount, lc.Unit.G)
    back = lc.scale_formula(
        lc.scale_formula({"x": q}, from_units=a, to_units=b), from_units=b, to_units=a
    )["x"]
    assert abs(back.magnitude - amount) <= amount * Decimal("1e-30")
