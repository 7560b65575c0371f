"""Drug sources: one correction path per API form and assay basis, tablets, stocks.

Golden numbers are computed by hand in each docstring (34-digit Decimal, shown rounded).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from strategies import decimals

import ldncompound as lc
from ldncompound import AssayBasis, Quantity, Unit
from ldncompound._trace import Recorder

EXP = dt.date(2030, 1, 1)
SIX = Decimal("0.000001")


def pct(text: str) -> Quantity:
    return Quantity(Decimal(text), Unit.PERCENT)


def material(source, dose: str, basis: str = "hcl") -> Decimal:
    return source.material_for(Decimal(dose), basis, Recorder()).quantize(
        SIX, rounding=ROUND_HALF_UP
    )


def test_anhydrous_hcl_as_is():
    """4.5 mg HCl / 0.995 = 4.522613 mg of powder."""
    lot = lc.ApiLot(form="hcl", assay=pct("99.5"), assay_basis=AssayBasis.AS_IS, expiry=EXP)
    assert material(lot, "4.5") == Decimal("4.522613")


def test_anhydrous_hcl_on_anhydrous_basis_with_water():
    """4.5 / (0.99 x (1 - 0.005)) = 4.5 / 0.98505 = 4.568296 mg."""
    lot = lc.ApiLot(
        form="hcl",
        assay=pct("99.0"),
        assay_basis=AssayBasis.ANHYDROUS,
        water_content=pct("0.5"),
        expiry=EXP,
    )
    assert material(lot, "4.5") == Decimal("4.568296")


def test_dihydrate_on_anhydrous_basis_uses_water_not_molar_mass():
    """Dihydrate, assay 99.0 % on the anhydrous basis, water 8.8 %:
    4.5 / (0.99 x 0.912) = 4.984051 mg. The dihydrate molar mass is not applied as well
    (that would count the crystal water twice)."""
    lot = lc.ApiLot(
        form="hcl-dihydrate",
        assay=pct("99.0"),
        assay_basis=AssayBasis.ANHYDROUS,
        water_content=pct("8.8"),
        expiry=EXP,
    )
    assert material(lot, "4.5") == Decimal("4.984051")


def test_dihydrate_as_is_of_the_dihydrate():
    """As-is assay of the dihydrate 99.2 %: 4.5 x 413.89 / 377.86 / 0.992 = 4.968838 mg."""
    lot = lc.ApiLot(
        form="hcl-dihydrate", assay=pct("99.2"), assay_basis=AssayBasis.AS_IS, expiry=EXP
    )
    assert material(lot, "4.5") == Decimal("4.968838")


def test_dihydrate_as_is_expressed_as_hcl():
    """As-is content 90.5 % expressed as anhydrous HCl: 4.5 / 0.905 = 4.972376 mg."""
    lot = lc.ApiLot(
        form="hcl-dihydrate",
        assay=pct("90.5"),
        assay_basis=AssayBasis.AS_IS,
        assay_as="hcl",
        expiry=EXP,
    )
    assert material(lot, "4.5") == Decimal("4.972376")


def test_dihydrate_on_dried_basis():
    """Assay 98.5 % on the dried basis, loss on drying 9.0 %: 4.5 / (0.985 x 0.91) = 5.020360."""
    lot = lc.ApiLot(
        form="hcl-dihydrate",
        assay=pct("98.5"),
        assay_basis=AssayBasis.DRIED,
        loss_on_drying=pct("9.0"),
        expiry=EXP,
    )
    assert material(lot, "4.5") == Decimal("5.020360")


def test_base_api_for_an_hcl_dose():
    """Base powder 99.0 % as is for 4.5 mg HCl: 4.5 x 341.41 / 377.86 / 0.99 = 4.106980 mg."""
    lot = lc.ApiLot(form="base", assay=pct("99.0"), assay_basis=AssayBasis.AS_IS, expiry=EXP)
    assert material(lot, "4.5") == Decimal("4.106980")


def test_hcl_api_for_a_base_dose():
    """4.5 mg base as HCl at 100 %: 4.5 x 377.86 / 341.41 = 4.980434 mg."""
    lot = lc.ApiLot(form="hcl", assay=pct("100"), assay_basis=AssayBasis.AS_IS, expiry=EXP)
    assert material(lot, "4.5", basis="base") == Decimal("4.980434")


@given(decimals("0.1", "10", 3).filter(lambda d: d > 0))
def test_pure_dihydrate_paths_agree(dose):
    """A pure dihydrate gives the same powder by the as-is path (molar masses) and by the
    anhydrous path with its theoretical water (36.03 / 413.89 = 8.7052 %)."""
    theory = (Decimal("413.89") - Decimal("377.86")) / Decimal("413.89") * 100
    as_is = lc.ApiLot(
        form="hcl-dihydrate", assay=pct("100"), assay_basis=AssayBasis.AS_IS, expiry=EXP
    )
    anhydrous = lc.ApiLot(
        form="hcl-dihydrate",
        assay=pct("100"),
        assay_basis=AssayBasis.ANHYDROUS,
        water_content=Quantity(theory, Unit.PERCENT),
        expiry=EXP,
    )
    a = as_is.material_for(dose, "hcl", Recorder())
    b = anhydrous.material_for(dose, "hcl", Recorder())
    assert abs(a - b) < Decimal("1e-25")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        (
            {"form": "hcl", "assay_basis": AssayBasis.AS_IS, "water_content": pct("0.5")},
            "double-correction",
            "api.water_content",
        ),
        (
            {"form": "hcl", "assay_basis": AssayBasis.AS_IS, "loss_on_drying": pct("0.5")},
            "double-correction",
            "api.loss_on_drying",
        ),
        (
            {"form": "hcl-dihydrate", "assay_basis": AssayBasis.ANHYDROUS},
            "missing-water",
            "api.water_content",
        ),
        (
            {"form": "hcl-dihydrate", "assay_basis": AssayBasis.DRIED},
            "missing-water",
            "api.loss_on_drying",
        ),
        (
            {
                "form": "hcl-dihydrate",
                "assay_basis": AssayBasis.ANHYDROUS,
                "loss_on_drying": pct("8.7"),
            },
            "wrong-water-measure",
            "api.loss_on_drying",
        ),
        (
            {"form": "hcl-dihydrate", "assay_basis": AssayBasis.DRIED, "water_content": pct("8.7")},
            "wrong-water-measure",
            "api.water_content",
        ),
        (
            {
                "form": "hcl-dihydrate",
                "assay_basis": AssayBasis.ANHYDROUS,
                "water_content": pct("0.3"),
            },
            "implausible-water",
            "api.water_content",
        ),
        (
            {
                "form": "hcl-dihydrate",
                "assay_basis": AssayBasis.ANHYDROUS,
                "water_content": pct("8.7"),
                "assay_as": "hcl-dihydrate",
            },
            "unknown-form",
            "api.assay_as",
        ),
        (
            {
                "form": "hcl-dihydrate",
                "assay_basis": AssayBasis.AS_IS,
                "assay_as": "hcl",
                "assay": pct("99.0"),
            },
            "impossible-assay",
            "api.assay",
        ),
        (
            {"form": "hcl", "assay_basis": AssayBasis.AS_IS, "assay_as": "base"},
            "unknown-form",
            "api.assay_as",
        ),
        ({"form": "sulfate", "assay_basis": AssayBasis.AS_IS}, "unknown-form", "form"),
        (
            {"form": "hcl", "assay_basis": AssayBasis.AS_IS, "assay": pct("0")},
            "out-of-range",
            "api.assay",
        ),
        (
            {"form": "hcl", "assay_basis": AssayBasis.AS_IS, "assay": pct("120")},
            "out-of-range",
            "api.assay",
        ),
    ],
)
def test_refused_lots_name_the_field(kwargs, code, field):
    args = {"assay": pct("99.0"), "expiry": EXP, **kwargs}
    with pytest.raises(lc.InputError) as info:
        lc.ApiLot(**args)
    assert info.value.code == code
    assert info.value.field == field
    assert str(info.value).startswith(field)


def test_lot_warnings_and_defaults():
    # 96 % anhydrous and 12 % water are refused unless acknowledged (tests/test_plausible.py)
    rec = Recorder(acknowledged=frozenset({"assay-implausible", "water-implausible"}))
    lc.ApiLot(
        form="hcl-dihydrate",
        assay=pct("96.0"),
        assay_basis=AssayBasis.ANHYDROUS,
        water_content=pct("12"),
        expiry=EXP,
    ).check(rec)
    codes = {w.code for w in rec.warnings}
    assert {
        "assay-implausible",
        "water-implausible",
        "water-inconsistent-with-form",
        "lot-missing",
    } <= codes
    rec = Recorder()
    lc.ApiLot(
        form="hcl", assay=pct("99.5"), assay_basis=AssayBasis.AS_IS, expiry=EXP, lot="L"
    ).check(rec)
    assert [d.field for d in rec.defaults] == ["api.assay_as"]
    assert not rec.warnings


def test_tablets():
    """4.5 mg from 50 mg tablets weighing 201.4 mg: 4.5 x 201.4 / 50 = 18.126 mg of powder."""
    tabs = lc.TabletSource(average_weight=lc.mass("201.4 mg"), expiry=EXP)
    assert material(tabs, "4.5") == Decimal("18.126000")
    assert tabs.allergens == ("lactose",)
    assert tabs.insoluble_excipients
    rec = Recorder()
    tabs.check(rec)
    assert {d.field for d in rec.defaults} == {
        "tablets.strength",
        "tablets.strength_basis",
        "tablets.allergens",
    }
    assert {"tablet-weight-count-unknown", "lot-missing"} <= {w.code for w in rec.warnings}


def test_tablets_for_a_base_dose():
    """4.5 mg base from HCl tablets: 4.980434 mg HCl x 201.4 / 50 = 20.061188 mg powder."""
    tabs = lc.TabletSource(average_weight=lc.mass("201.4 mg"), expiry=EXP)
    assert material(tabs, "4.5", basis="base") == Decimal("20.061188")


def test_tablet_weight_must_exceed_strength_and_lactose_free_is_explicit():
    with pytest.raises(lc.InputError) as info:
        lc.TabletSource(average_weight=lc.mass("45 mg"), expiry=EXP)
    assert info.value.field == "tablets.average_weight"
    tabs = lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=EXP, allergens_declared=())
    assert tabs.allergens == ()


def test_trituration_stock():
    """A 1:10 stock holds 10 %: 0.5 mg of drug is in 5 mg of stock."""
    stock = lc.TriturationStock.from_ratio(1, 10, diluent="lactose monohydrate", bud=EXP, lot="S1")
    assert stock.strength == pct("10")
    assert material(stock, "0.5") == Decimal("5.000000")
    assert stock.allergens == ("lactose",)
    with pytest.raises(lc.InputError):
        lc.TriturationStock.from_ratio(10, 10, diluent="mcc", bud=EXP)
    with pytest.raises(lc.InputError):
        lc.TriturationStock(strength=pct("10"), diluent="mcc", bud=EXP, made_on=dt.date(2031, 1, 1))


def test_allergen_keywords():
    assert lc._sources.allergens_in("Lactose monohydrate", "MCC") == ("lactose",)
    assert lc._sources.allergens_in("microcrystalline cellulose") == ()
