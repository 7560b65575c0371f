"""Vehicles and additives: the table, declared compositions, and the BUD class they decide."""

from __future__ import annotations

import pytest

import ldncompound as lc
from ldncompound import BudCategory
from ldncompound._trace import Recorder
from ldncompound._vehicles import classify

OIL = lc.vehicle("mct-oil")


def test_table_vehicles_cite_their_source():
    for v in lc.VEHICLES:
        assert v.source and "[" in v.source
        assert lc.vehicle(v.key or "") is v


@pytest.mark.parametrize(
    ("vehicle", "additives", "category"),
    [
        (lc.vehicle("purified-water"), (), BudCategory.AQUEOUS_NONPRESERVED),
        (lc.vehicle("nz-preserved"), (), BudCategory.AQUEOUS_PRESERVED),
        (lc.vehicle("syrup-preserved"), (), BudCategory.AQUEOUS_PRESERVED),
        (OIL, (), BudCategory.NONAQUEOUS_ORAL_LIQUID),
        (
            lc.vehicle("purified-water"),
            (lc.LiquidAdditive(role=lc.AdditiveRole.PRESERVATIVE, name="sodium benzoate"),),
            BudCategory.AQUEOUS_PRESERVED,
        ),
        (
            OIL,
            (
                lc.LiquidAdditive(
                    role=lc.AdditiveRole.FLAVOUR, name="orange flavour", contains_water=True
                ),
            ),
            BudCategory.AQUEOUS_NONPRESERVED,
        ),
        (
            OIL,
            (
                lc.LiquidAdditive(
                    role=lc.AdditiveRole.FLAVOUR, name="peppermint oil", contains_water=False
                ),
            ),
            BudCategory.NONAQUEOUS_ORAL_LIQUID,
        ),
        # water not stated: the conservative class (probe2 P17; echoed as a default)
        (
            OIL,
            (lc.LiquidAdditive(role=lc.AdditiveRole.FLAVOUR, name="peppermint oil"),),
            BudCategory.AQUEOUS_NONPRESERVED,
        ),
    ],
)
def test_category_is_derived_from_the_composition(vehicle, additives, category):
    got, why = classify(vehicle, additives, Recorder())
    assert got is category
    assert why


def test_a_water_based_flavour_makes_an_oil_vehicle_aqueous():
    _, why = classify(
        OIL,
        (
            lc.LiquidAdditive(
                role=lc.AdditiveRole.FLAVOUR, name="orange flavour", contains_water=True
            ),
        ),
        Recorder(),
    )
    assert "water from orange flavour" in why


def test_nonaqueous_needs_a_water_activity_basis():
    with pytest.raises(lc.InputError) as info:
        lc.Vehicle.declared(name="glycerin", aqueous=False)
    assert info.value.field == "vehicle.water_activity_basis"
    assert info.value.code == "missing-water-activity-basis"
    v = lc.Vehicle.declared(name="glycerin", aqueous=False, water_activity_basis="aw 0.45 measured")
    assert classify(v, (), Recorder())[0] is BudCategory.NONAQUEOUS_ORAL_LIQUID
    with pytest.raises(lc.InputError) as info:
        lc.Vehicle.declared(name="water", aqueous=True, water_activity_basis="aw 0.98")
    assert info.value.field == "vehicle.water_activity_basis"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: lc.vehicle("ora-magic"), "vehicle"),
        (lambda: lc.Vehicle.declared(name="", aqueous=True), "vehicle.name"),
        (
            lambda: lc.Vehicle.declared(name="x", aqueous=True, preservative=""),
            "vehicle.preservative",
        ),
        (lambda: lc.LiquidAdditive(role=lc.AdditiveRole.FLAVOUR, name=" "), "additive.name"),
        (lambda: lc.VehicleLot(vehicle=OIL, lot=""), "vehicle.lot"),
    ],
)
def test_bad_vehicle_input_names_the_field(build, field):
    with pytest.raises(lc.InputError) as info:
        build()
    assert info.value.field == field
