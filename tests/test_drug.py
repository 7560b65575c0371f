"""Drugs, forms and salt conversions: naltrexone built in, other drugs by the same API."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import decimals

import ldncompound as lc
from ldncompound import NALTREXONE, Quantity, Unit

PLACES = Decimal("0.000001")


def mg(text: str) -> Quantity:
    return Quantity(Decimal(text), Unit.MG)


def test_naltrexone_molar_masses_from_domain_reference():
    assert NALTREXONE.form("base").molar_mass == Decimal("341.41")
    assert NALTREXONE.form("hcl").molar_mass == Decimal("377.86")
    assert NALTREXONE.form("hcl-dihydrate").molar_mass == Decimal("413.89")
    assert NALTREXONE.anhydrous_of("hcl-dihydrate").key == "hcl"
    assert NALTREXONE.default_basis == "hcl"


@pytest.mark.parametrize(
    ("amount", "frm", "to", "expected"),
    [
        # 4.5 x 377.86 / 341.41 = 4.98043...; domain.md §1.2 gives 4.981 (its factor rounded)
        ("4.5", "base", "hcl", "4.980434"),
        # 4.5 x 341.41 / 377.86 = 4.06591...; domain.md §1.2: 4.066
        ("4.5", "hcl", "base", "4.065911"),
        # 4.5 x 413.89 / 377.86 = 4.92909...; domain.md §1.2: 4.929
        ("4.5", "hcl", "hcl-dihydrate", "4.929087"),
        # 50 mg HCl tablet = 45.18 mg base (NZ Medsafe: "equivalent to 45.2 mg naltrexone")
        ("50", "hcl", "base", "45.176785"),
    ],
)
def test_salt_conversion_golden(amount, frm, to, expected):
    got = NALTREXONE.convert(mg(amount), frm, to).magnitude
    assert got.quantize(PLACES, rounding=ROUND_HALF_UP) == Decimal(expected)


def test_factors_match_published_rounded_values():
    assert NALTREXONE.factor("hcl", "base").quantize(Decimal("0.0001")) == Decimal("0.9035")
    assert NALTREXONE.factor("base", "hcl").quantize(Decimal("0.0001")) == Decimal("1.1068")
    assert NALTREXONE.factor("hcl", "hcl-dihydrate").quantize(Decimal("0.0001")) == Decimal(
        "1.0954"
    )


def test_we20_fentanyl_citrate_through_the_same_api():
    """WE-20: 10 mL of 50 mcg/0.1 mL fentanyl = 5 mg fentanyl; as citrate (528.59 / 336.47)
    that is 5 x 528.59 / 336.47 = 7.85 mg, factor 1.57."""
    fentanyl = lc.Drug(
        name="fentanyl",
        forms=(
            lc.SaltForm(
                key="base", name="fentanyl", short_name="fentanyl", molar_mass=Decimal("336.47")
            ),
            lc.SaltForm(
                key="citrate",
                name="fentanyl citrate",
                short_name="fentanyl citrate",
                molar_mass=Decimal("528.59"),
            ),
        ),
        default_basis="base",
    )
    strength = lc.parse_strength("50 mcg/0.1 mL", field="strength")
    total = Quantity(strength.concentration.m_as(Unit.MCG_PER_ML) * 10, Unit.MCG).to(Unit.MG)
    assert total.magnitude == Decimal(5)
    citrate = fentanyl.convert(total, "base", "citrate")
    assert citrate.magnitude.quantize(Decimal("0.01")) == Decimal("7.85")
    assert fentanyl.factor("base", "citrate").quantize(Decimal("0.01")) == Decimal("1.57")


def test_drug_from_salt_factor():
    d = lc.Drug.from_salt_factor(
        "fentanyl", base_name="fentanyl", salt_name="fentanyl citrate", factor=Decimal("1.57")
    )
    assert d.convert(mg("5"), "base", "salt").magnitude == Decimal("7.85")
    with pytest.raises(lc.InputError):
        lc.Drug.from_salt_factor("x", base_name="x", salt_name="x salt", factor=Decimal(0))


def test_unknown_form_and_duplicate_keys_refused():
    with pytest.raises(lc.InputError, match="not a form of naltrexone") as info:
        NALTREXONE.form("sulfate")
    assert info.value.code == "unknown-form"
    form = NALTREXONE.form("hcl")
    with pytest.raises(lc.InputError, match="repeats"):
        lc.Drug(name="x", forms=(form, form), default_basis="hcl")
    with pytest.raises(lc.InputError):
        lc.Drug(name="x", forms=(form,), default_basis="base")


@given(
    decimals("0.001", "1000", 3).filter(lambda d: d > 0),
    st.sampled_from(["base", "hcl", "hcl-dihydrate"]),
    st.sampled_from(["base", "hcl", "hcl-dihydrate"]),
)
def test_salt_conversions_round_trip_exactly_after_rounding(amount, a, b):
    there = NALTREXONE.convert(mg(str(amount)), a, b)
    back = NALTREXONE.convert(there, b, a)
    assert back.magnitude.quantize(PLACES) == amount.quantize(PLACES)
