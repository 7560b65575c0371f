"""Oral liquids end to end: golden cases computed by hand, worked examples, properties.

Every golden test states all its inputs; the docstring shows the hand calculation.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import api_lots, balances, decimals, ldn_doses, tablet_sources

import ldncompound as lc
from ldncompound import Quantity, Unit

DAY = dt.date(2026, 11, 21)
EXP = dt.date(2028, 1, 1)
TINY = Decimal("1e-26")  # quantities keep 28 significant digits
ONCE = Decimal(1)
SYRINGE_5_FINE = lc.MeasuringDevice.declared(
    name="5 mL oral syringe",
    kind=lc.DeviceKind.ORAL_SYRINGE,
    capacity=lc.volume("5 mL"),
    graduation=lc.volume("0.1 mL"),
)


def mg_ml(text: str) -> Quantity:
    return Quantity(Decimal(text), Unit.MG_PER_ML)


def codes(result) -> set[str]:
    return {w.code for w in result.warnings}


def step(result, key: str) -> lc.Step:
    return next(s for s in result.trace if s.key == key)


def tablets(expiry: dt.date = dt.date(2027, 6, 30)) -> lc.TabletSource:
    return lc.TabletSource(
        average_weight=lc.mass("201.4 mg"), tablets_weighed=20, expiry=expiry, lot="T1"
    )


def api(assay: str = "100.0 %", **kwargs) -> lc.ApiLot:
    return lc.ApiLot(
        form="hcl",
        assay=lc.percent(assay),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=EXP,
        lot="A1",
        **kwargs,
    )


def water(expiry: dt.date = dt.date(2027, 12, 31)) -> lc.VehicleLot:
    return lc.VehicleLot(vehicle=lc.vehicle("purified-water"), lot="W1", expiry=expiry)


def order(**kwargs) -> lc.LiquidOrder:
    args = {
        "dose": lc.mass("4.5 mg"),
        "doses_per_day": ONCE,
        "days_supply": 14,
        "source": api(),
        "concentration": mg_ml("1"),
        "syringe": SYRINGE_5_FINE,
        "vehicle": water(),
        "overage": lc.percent("5 %"),
        "compounded_on": DAY,
        **kwargs,
    }
    return lc.LiquidOrder(**args)


# --- golden cases --------------------------------------------------------------------------


def test_golden_1_mg_ml_from_50_mg_tablets_for_30_days():
    """4.5 mg naltrexone HCl once a day for 30 days at 1 mg/mL from 50 mg tablets (average
    weight 201.4 mg, 20 weighed, lot T1, expiry 2027-06-30) in purified water (non-preserved
    aqueous, lot W1, expiry 2027-12-31); 5 mL oral syringe in 0.1 mL; overage 5 %; compounded
    2026-11-21; storage by default (refrigerator).

    dose volume = 4.5 / 1 = 4.5 mL (a mark of the syringe, 90 % of it)
    BUD: non-preserved aqueous, 14 days, refrigerated, day 1 = 2026-11-21 -> 2026-12-04
    30 days > 14 days -> 3 fills of 10 days: this batch is fill 1 (days 1-10)
    dispense = 10 x 1 x 4.5 = 45 mL; batch = 45 x 1.05 = 47.25 mL
    one tablet makes 50 / 1 = 50 mL; tablets = ceil(47.25 / 50) = 1 -> 50 mL (50 mL cylinder)
    fills 2 and 3: days 11-20 on 2026-12-01 and days 21-30 on 2026-12-11, 45 mL each
    """
    r = lc.formulate_liquid(order(days_supply=30, source=tablets()))
    b = r.batch
    assert r.dose_volume == lc.volume("4.5 mL")
    assert r.dose_measured == r.dose_volume and r.dose_delivered == lc.mass("4.5 mg")
    assert r.dose_deviation.magnitude == 0
    assert b.dispense_volume == lc.volume("45 mL")
    assert b.batch_volume == lc.volume("47.25 mL")
    assert b.volume_per_tablet == lc.volume("50 mL")
    assert b.tablets == 1
    assert b.final_volume == lc.volume("50 mL")
    assert b.final_device.key == "cylinder-50ml"
    assert b.drug_in_batch == lc.mass("50 mg")
    assert b.concentration_planned == mg_ml("1")
    assert b.plan is None and b.balance is None
    assert b.suspension and b.shake_well
    assert r.bud.category is lc.BudCategory.AQUEOUS_NONPRESERVED
    assert r.bud.storage is lc.Storage.REFRIGERATOR
    assert (r.bud.date, r.bud.days) == (dt.date(2026, 12, 4), 14)
    assert r.fills is not None
    assert (r.fills.days_supply, r.fills.fills, r.fills.days_per_fill) == (30, 3, 10)
    assert [
        (f.number, f.first_day, f.last_day, f.compounded_on, str(f.volume))
        for f in r.fills.schedule
    ] == [
        (1, 1, 10, dt.date(2026, 11, 21), "45 mL"),
        (2, 11, 20, dt.date(2026, 12, 1), "45 mL"),
        (3, 21, 30, dt.date(2026, 12, 11), "45 mL"),
    ]
    assert r.label.quantity == lc.volume("45 mL")
    assert {"supply-split-into-fills", "suspension-shake-well", "allergen-lactose"} <= codes(r)
    assert "balance-assumed" not in codes(r)
    assert r.label.dosage_form == "oral suspension"
    assert "Shake well before use." in r.label.auxiliary
    assert r.label.strength == mg_ml("1")
    assert [str(m.amount) for m in b.measurements] == ["1 tablets", "50 mL"]
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(days_supply=30, source=tablets(), storage=lc.Storage.ROOM))
    assert info.value.code == "storage-not-allowed"
    assert info.value.field == "storage"


def test_golden_1_mg_ml_from_api_for_30_ml_on_a_class_iii_balance():
    """4.5 mg once a day, 30 mL to dispense at 1 mg/mL from naltrexone HCl (100.0 % as is,
    lot A1); Class III balance (6 mg x 100 / 5 % = 120 mg, readability 10 mg); overage 0 %;
    NZ preserved vehicle (sodium benzoate); 5 mL oral syringe in 0.1 mL; compounded 2026-11-21.

    target volume 30 mL (50 mL cylinder); drug 1 x 30 = 30 mg of powder < 120 mg: aliquot.
    D = 5 mL (stock 30 / 5 = 6 mg/mL <= 100 mg/mL): weigh A = 120 mg, B = 120 x 5 / 30 = 20 mL
    (25 mL cylinder, 0.5 mL marks); the 5 mL aliquot holds 30 mg; q.s. to 30 mL.
    Every weighing (120 mg) >= 120 mg. BUD: preserved aqueous, 35 days -> 2026-12-25.
    """
    r = lc.formulate_liquid(
        order(
            days_supply=None,
            volume=lc.volume("30 mL"),
            overage=lc.percent("0 %"),
            balance=lc.Balance.class_iii(),
            vehicle=lc.VehicleLot(
                vehicle=lc.vehicle("nz-preserved"), lot="V1", expiry=dt.date(2027, 12, 31)
            ),
        )
    )
    p = r.batch.plan
    assert p is not None and not p.direct
    assert p.weighed == lc.mass("120 mg")
    assert p.stock_volume == lc.volume("20 mL")
    assert p.stock_concentration == mg_ml("6")
    assert p.aliquot == lc.volume("5 mL")
    assert p.material == lc.mass("30 mg")
    assert p.final_volume == lc.volume("30 mL")
    assert [str(m.amount) for m in r.batch.measurements] == ["120 mg", "20 mL", "5 mL", "30 mL"]
    masses = [m.amount for m in r.batch.measurements if m.amount.dimension is lc.Dimension.MASS]
    assert all(w >= lc.mass("120 mg") for w in masses)
    assert r.batch.concentration_planned == mg_ml("1")
    assert r.batch.solubility == mg_ml("100")
    assert not r.batch.suspension and not r.batch.shake_well
    assert r.label.dosage_form == "oral solution"
    assert r.bud.category is lc.BudCategory.AQUEOUS_PRESERVED
    assert r.bud.date == dt.date(2026, 12, 25)
    assert r.fills is None and "bud-shorter-than-supply" not in codes(r)


# --- worked examples ---------------------------------------------------------------------------


def test_we01_clonidine_liquid_aliquot_through_the_public_api():
    """WE-01: clonidine 0.2 mg/mL x 100 mL (20 mg); LWQ 120 mg; aliquot 5 mL -> weigh 120 mg,
    dissolve to 30 mL (4 mg/mL), take 5 mL (20 mg), q.s. to 100 mL. Clonidine has no dose
    profile and no known solubility in the library: both are warned about."""
    clonidine = lc.Drug(
        name="clonidine",
        forms=(
            lc.SaltForm(
                key="hcl",
                name="clonidine HCl",
                short_name="clonidine HCl",
                molar_mass=Decimal("266.55"),
            ),
        ),
        default_basis="hcl",
    )
    r = lc.formulate_liquid(
        lc.LiquidOrder(
            dose=lc.mass("0.2 mg"),
            volume=lc.volume("100 mL"),
            source=lc.ApiLot(
                form="hcl",
                assay=lc.percent("100 %"),
                assay_basis=lc.AssayBasis.AS_IS,
                expiry=EXP,
                lot="C",
                drug=clonidine,
            ),
            concentration=lc.parse_strength("0.2 mg/mL", field="concentration").concentration,
            vehicle=water(),
            overage=lc.percent("0 %"),
            balance=lc.Balance.documented(
                minimum_weight=lc.mass("120 mg"), readability=lc.mass("10 mg")
            ),
            aliquot_volume=lc.volume("5 mL"),
            compounded_on=DAY,
            # no known solubility: the aliquot of a stock that may not be a solution is
            # acknowledged (refused otherwise: test_an_aliquot_needs_a_known_solubility)
            acknowledge=("aliquot-solubility-unknown",),
        )
    )
    p = r.batch.plan
    assert p is not None
    assert (p.weighed, p.stock_volume, p.aliquot, p.material, p.final_volume) == (
        lc.mass("120 mg"),
        lc.volume("30 mL"),
        lc.volume("5 mL"),
        lc.mass("20 mg"),
        lc.volume("100 mL"),
    )
    assert p.stock_concentration == mg_ml("4")
    assert {"no-dose-range-check", "solubility-not-checked", "aliquot-solubility-unknown"} <= codes(
        r
    )
    assert r.drug == "clonidine"
    assert not any("completely dissolved" in line for line in r.batch.process)
    assert "Disperse it in purified water and make up to 30 mL" in " ".join(r.batch.process)


def test_we18_one_tablet_in_50_ml_water():
    """WE-18: one 50 mg tablet in 50 mL of water is 1 mg/mL; 4.5 mg is 4.5 mL; the bottle lasts
    50 / 4.5 = 11.1 -> 11 days at 4.5 mg a day (within the 14-day BUD). A suspension, refrigerated."""
    r = lc.formulate_liquid(
        order(
            days_supply=None, volume=lc.volume("50 mL"), overage=lc.percent("0 %"), source=tablets()
        )
    )
    assert r.batch.tablets == 1
    assert r.batch.final_volume == lc.volume("50 mL")
    assert r.dose_volume == lc.volume("4.5 mL")
    assert r.batch.suspension
    assert r.bud.storage is lc.Storage.REFRIGERATOR
    assert r.fills is None
    assert "bud-shorter-than-supply" not in codes(r)


# --- concentration, syringe, measurability ------------------------------------------------------


def test_suggested_concentration_puts_the_dose_on_the_syringe():
    """No concentration: on the 5 mL syringe in 0.1 mL the lowest that measures 4.5 mg at
    25 % or more is 1 mg/mL (0.5 mg/mL would need 9 mL); on the table's 5 mL syringe in 0.2 mL,
    4.5 mL is not a mark, 2 mg/mL gives 2.25 mL (not a mark) and 2.5 mg/mL gives 1.8 mL."""
    fine = lc.formulate_liquid(order(concentration=None))
    assert fine.concentration == mg_ml("1")
    assert "concentration" in {d.field for d in fine.defaults}
    table = lc.formulate_liquid(order(concentration=None, syringe=None))
    assert table.concentration == mg_ml("2.5")
    assert table.dose_volume == lc.volume("1.8 mL")
    assert table.syringe.key == "oral-5ml"
    assert "dose-off-graduation" not in codes(table)


def test_syringe_chosen_for_a_given_concentration():
    """1.5 mg at 1 mg/mL is 1.5 mL: not a mark of the 1 mL syringe (too big); the 3 mL syringe
    in 0.1 mL measures it (50 %)."""
    r = lc.formulate_liquid(order(dose=lc.mass("1.5 mg"), syringe=None))
    assert r.syringe.key == "oral-3ml"
    assert r.syringe_share == lc.percent("50 %")
    assert "syringe" in {d.field for d in r.defaults}


def test_a_dose_off_the_graduations_is_refused_with_the_choices_that_work():
    """4.5 mL on the 5 mL syringe in 0.2 mL is not a mark: read as 4.6 mL it would deliver
    4.6 mg (+2.2 %), so it is refused, listing what measures 4.5 mg exactly: 0.5 mg/mL (9 mL on
    the 10 mL syringe), 2.5 mg/mL (1.8 mL, a mark of the named syringe itself) and 5 mg/mL (0.9 mL
    on the 1 mL one). At 1 mg/mL without a syringe no table syringe has 4.5 mL on a mark: refused too."""
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(syringe=lc.device("oral-5ml")))
    assert info.value.code == "dose-off-graduation"
    assert info.value.field == "syringe"
    message = str(info.value)
    assert "0.5 mg/mL (9 mL on the 10 mL oral syringe)" in message
    assert "2.5 mg/mL (1.8 mL on the 5 mL oral syringe)" in message
    assert "5 mg/mL (0.9 mL on the 1 mL oral syringe)" in message
    assert "4.6" not in message
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(syringe=None))
    assert (info.value.code, info.value.field) == ("dose-off-graduation", "concentration")
    assert "0.5 mg/mL (9 mL on the 10 mL oral syringe)" in str(info.value)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(dose=lc.mass("0.3 mg"), syringe=lc.device("oral-5ml")))
    assert info.value.code == "dose-off-graduation"
    # a declared syringe with the dose on its scale measures it exactly
    r = lc.formulate_liquid(order(syringe=SYRINGE_5_FINE))
    assert r.dose_measured == lc.volume("4.5 mL") and "4.5 mL (4.5 mg)" in r.label.dose_measure


def test_a_dose_tolerance_on_the_order_never_moves_a_dose():
    r = lc.formulate_liquid(order(dose_tolerance=lc.percent("5 %")))
    assert "dose-tolerance-ignored" in codes(r)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(syringe=lc.device("oral-5ml"), dose_tolerance=lc.percent("5 %")))
    assert info.value.code == "dose-off-graduation"


def test_without_a_syringe_the_suggestion_tries_every_syringe():
    """An equipment list whose only oral syringe is the 10 mL one: the default 5 mL syringe is
    not at hand, so the suggestion uses the 10 mL one."""
    ten = lc.device("oral-10ml")
    cylinders = tuple(d for d in lc.DEVICES if d.kind is lc.DeviceKind.GRADUATED_CYLINDER)
    r = lc.formulate_liquid(
        order(concentration=None, syringe=None, dose=lc.mass("0.3 mg"), equipment=(ten, *cylinders))
    )
    assert r.syringe.on_scale(r.dose_volume.m_as(Unit.ML))


def test_small_volumes_are_refused_unless_acknowledged_and_always_warned_about():
    """0.1 mg at 1 mg/mL = 0.1 mL: on the 1 mL syringe a mark, but 10 % of it (below 25 %:
    refused unless acknowledged) and 0.1 mL or less (always warned); 0.5 mg = 0.5 mL on the
    5 mL syringe (10 %) likewise (probe finding F33)."""
    ack = ("dose-below-measurable-fraction",)
    with pytest.raises(lc.InputError) as info:
        lc.formulate_liquid(order(dose=lc.mass("0.1 mg"), syringe=lc.device("oral-1ml")))
    assert (info.value.code, info.value.field) == (
        "dose-below-measurable-fraction",
        "concentration",
    )
    assert "0.1 mL, only 10 % of the 1 mL oral syringe" in str(info.value)
    r = lc.formulate_liquid(
        order(dose=lc.mass("0.1 mg"), syringe=lc.device("oral-1ml"), acknowledge=ack)
    )
    assert {"dose-volume-tiny", "dose-below-measurable-fraction"} <= codes(r)
    with pytest.raises(lc.InputError):
        lc.formulate_liquid(order(dose=lc.mass("0.5 mg")))
    r = lc.formulate_liquid(order(dose=lc.mass("0.5 mg"), acknowledge=ack))
    assert "dose-below-measurable-fraction" in codes(r)
    assert "dose-volume-tiny" not in codes(r)
    r = lc.formulate_liquid(order(dose=lc.mass("0.5 mg"), measurable_fraction=lc.percent("10 %")))
    assert "dose-below-measurable-fraction" not in codes(r)


def test_dose_larger_than_the_syringe_is_refused():
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(concentration=mg_ml("0.5")))
    assert info.value.code == "dose-above-syringe"
    assert info.value.field == "syringe"


# --- solubility, vehicles, BUD -----------------------------------------------------------------


def test_concentration_above_solubility_is_refused():
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(
            order(concentration=mg_ml("150"), dose=lc.mass("4.5 mg"), syringe=lc.device("oral-1ml"))
        )
    assert info.value.code == "above-solubility"
    assert info.value.field == "concentration"
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(solubility=mg_ml("0.5")))
    assert info.value.code == "above-solubility"


def test_base_api_and_oil_vehicles_are_not_checked_for_solubility_and_say_so():
    base_api = lc.ApiLot(
        form="base", assay=lc.percent("99 %"), assay_basis=lc.AssayBasis.AS_IS, expiry=EXP, lot="B"
    )
    with pytest.raises(lc.InputError) as info:  # a liquid aliquot of an unchecked stock
        lc.formulate_liquid(order(source=base_api))
    assert info.value.code == "aliquot-solubility-unknown"
    base = lc.formulate_liquid(order(source=base_api, acknowledge=("aliquot-solubility-unknown",)))
    assert "solubility-not-checked" in codes(base)
    assert base.batch.shake_well
    # never "completely dissolved" when the solubility was not checked
    assert not any("completely" in line for line in base.batch.process)
    balance = lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"))
    direct = lc.formulate_liquid(
        order(source=base_api, concentration=mg_ml("1"), days_supply=60, balance=balance)
    )
    assert direct.batch.plan is not None and direct.batch.plan.direct
    assert any(line.startswith("Disperse it in about half") for line in direct.batch.process)
    oil = lc.formulate_liquid(
        order(
            vehicle=lc.VehicleLot(vehicle=lc.vehicle("mct-oil"), lot="O", expiry=EXP),
            acknowledge=("aliquot-solubility-unknown",),
        )
    )
    assert "solubility-not-checked" in codes(oil)
    assert oil.bud.category is lc.BudCategory.NONAQUEOUS_ORAL_LIQUID
    assert oil.bud.days == 90
    assert "no water" in oil.batch.category_basis


def test_preserved_vehicle_allows_room_temperature_and_35_days():
    r = lc.formulate_liquid(
        order(
            vehicle=lc.VehicleLot(vehicle=lc.vehicle("syrup-preserved"), lot="S", expiry=EXP),
            storage=lc.Storage.ROOM,
            days_supply=30,
        )
    )
    assert (r.bud.category, r.bud.days, r.bud.storage) == (
        lc.BudCategory.AQUEOUS_PRESERVED,
        35,
        lc.Storage.ROOM,
    )
    assert "bud-shorter-than-supply" not in codes(r)
    assert "Store at room temperature (20-25 °C)." in r.label.auxiliary


def test_every_component_caps_the_bud():
    """A flavour expiring 2026-11-30 cuts the 14-day BUD (2026-12-04) to 2026-11-30."""
    flavour = lc.LiquidAdditive(
        role=lc.AdditiveRole.FLAVOUR, name="cherry flavour", lot="F", expiry=dt.date(2026, 11, 30)
    )
    r = lc.formulate_liquid(order(additives=(flavour,)))
    assert r.bud.date == dt.date(2026, 11, 30)
    assert "cherry flavour" in r.bud.limited_by
    assert "bud-limited-by-component" in codes(r)
    assert any("cherry flavour" in p for p in r.batch.process)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_liquid(order(vehicle=water(expiry=dt.date(2026, 11, 1))))
    assert info.value.code == "component-expired"
    assert info.value.field == "vehicle.expiry"


def test_added_preservative_makes_water_a_preserved_vehicle():
    benzoate = lc.LiquidAdditive(
        role=lc.AdditiveRole.PRESERVATIVE, name="sodium benzoate 0.1 %", lot="P", expiry=EXP
    )
    r = lc.formulate_liquid(order(additives=(benzoate,), days_supply=30))
    assert r.bud.category is lc.BudCategory.AQUEOUS_PRESERVED
    assert "sodium benzoate" in r.batch.category_basis


def test_study_supported_bud_is_printed():
    study = lc.StudyBud(
        reference="Fawcett JP et al. Ann Pharmacother 1997;31:1291-5",
        days=60,
        storage=lc.Storage.REFRIGERATOR,
        matches_formula_vehicle_container=True,
    )
    r = lc.formulate_liquid(
        order(
            vehicle=lc.VehicleLot(vehicle=lc.vehicle("nz-preserved"), lot="V", expiry=EXP),
            study=study,
            days_supply=60,
        )
    )
    assert r.bud.days == 60
    assert r.bud.reference.startswith("Fawcett")
    assert "bud-from-study" in codes(r)
    assert "Fawcett" in lc.render_worksheet(r)


# --- refusals, defaults ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dose": lc.volume("5 mL")}, "dose"),
        ({"dose": lc.Quantity(0, Unit.MG)}, "dose"),
        ({"volume": lc.volume("30 mL")}, "days_supply"),
        ({"days_supply": None}, "days_supply"),
        ({"days_supply": 400}, "days_supply"),
        ({"doses_per_day": None}, "doses_per_day"),
        ({"doses_per_day": Decimal(30)}, "doses_per_day"),
        ({"days_supply": None, "volume": lc.volume("2 L")}, "volume"),
        ({"concentration": lc.mass("1 mg")}, "concentration"),
        ({"concentration": mg_ml("5000")}, "concentration"),
        ({"aliquot_volume": lc.volume("500 mL")}, "aliquot_volume"),
        ({"overage": lc.percent("150 %")}, "overage"),
        ({"measurable_fraction": lc.percent("0 %")}, "measurable_fraction"),
        ({"dose_basis": "sulfate"}, "form"),
        ({"syringe": lc.device("cylinder-10ml")}, "syringe"),
        ({"equipment": ()}, "equipment"),
        (
            {
                "source": lc.TriturationStock(
                    strength=lc.percent("10 %"), diluent="lactose", bud=EXP, lot="S"
                )
            },
            "source",
        ),
    ],
)
def test_refused_orders_name_the_field(kwargs, field):
    with pytest.raises(lc.InputError) as info:
        order(**kwargs)
    assert info.value.field == field
    assert str(info.value).endswith(".")


def test_a_volume_smaller_than_one_dose_is_refused():
    with pytest.raises(lc.InputError) as info:
        lc.formulate_liquid(order(days_supply=None, volume=lc.volume("4 mL")))
    assert info.value.code == "less-than-one-dose"
    assert info.value.field == "volume"


def test_a_trituration_stock_is_refused_with_a_reason():
    with pytest.raises(lc.InputError) as info:
        order(
            source=lc.TriturationStock(strength=lc.percent("10 %"), diluent="MCC", bud=EXP, lot="S")
        )
    assert info.value.code == "stock-not-for-liquids"
    assert "API powder (a solution) or commercial tablets (a suspension)" in str(info.value)


def test_dose_guards_apply_to_liquids():
    with pytest.raises(lc.InputError) as info:
        lc.formulate_liquid(order(dose=lc.mass("45 mg"), concentration=mg_ml("10")))
    assert info.value.code == "dose-above-range"


def test_every_library_default_is_echoed():
    r = lc.formulate_liquid(
        lc.LiquidOrder(dose=lc.mass("4.5 mg"), doses_per_day=ONCE, days_supply=14, source=api()),
        today=DAY,
    )
    fields = {d.field for d in r.defaults}
    assert {
        "dose_basis",
        "vehicle",
        "measurable_fraction",
        "rounding_tolerance",
        "solubility",
        "syringe",
        "concentration",
        "overage",
        "balance",
        "compounded_on",
        "storage",
        "day_count",
    } <= fields
    assert all(d.source for d in r.defaults)
    assert "balance-assumed" in codes(r)
    assert r.bud.compounded_on == DAY


def test_nothing_defaulted_when_everything_is_given():
    vehicle = lc.VehicleLot(
        vehicle=lc.Vehicle.declared(
            name="house syrup", aqueous=True, preservative="potassium sorbate"
        ),
        lot="H",
        expiry=EXP,
    )
    r = lc.formulate_liquid(
        order(
            source=api(assay_as="hcl"),
            dose_basis="hcl",
            vehicle=vehicle,
            balance=lc.Balance.documented(
                minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg")
            ),
            solubility=mg_ml("100"),
            measurable_fraction=lc.percent("25 %"),
            rounding_tolerance=lc.percent("1 %"),
            dose_tolerance=lc.percent("5 %"),
            storage=lc.Storage.REFRIGERATOR,
            day_count=lc.DayCount.COMPOUNDING_DAY_IS_DAY_1,
            equipment=lc.DEVICES,
        )
    )
    assert r.defaults == ()
    assert "expiry-not-given" not in codes(r)


def test_json_round_trip_and_worksheet():
    r = lc.formulate_liquid(order(balance=lc.Balance.class_iii(), days_supply=7))
    data = lc.to_json(r)
    assert data["schema"] == "ldncompound/liquid/2"
    assert data["dose_volume"] == {"value": "4.5", "unit": "mL"}
    assert lc.from_json(json.loads(lc.dumps(r))) == r
    text = lc.render_worksheet(r)
    for heading in (
        "Ingredients",
        "Measurements",
        "Procedure",
        "Label facts",
        "Beyond-use date",
        "Calculation trace",
    ):
        assert heading in text
    assert all(len(line) <= 110 for line in text.splitlines())


# --- properties --------------------------------------------------------------------------------

SYRINGES = [d for d in lc.DEVICES if d.kind is lc.DeviceKind.ORAL_SYRINGE] + [SYRINGE_5_FINE]
CONCENTRATIONS = [mg_ml(c) for c in ("0.5", "1", "2", "2.5", "5")]
ALLOWED = {
    "too-large",
    "dose-off-graduation",
    "dose-above-syringe",
    "no-liquid-plan",
    "no-liquid-aliquot-plan",
    "no-concentration",
}

liquid_orders = st.builds(
    lambda source, dose, conc, syringe, supply, overage, balance: lc.LiquidOrder(
        dose=Quantity(dose, Unit.MG),
        doses_per_day=ONCE,
        days_supply=supply if isinstance(supply, int) else None,
        volume=None if isinstance(supply, int) else Quantity(supply, Unit.ML),
        source=source,
        concentration=conc,
        syringe=syringe,
        overage=Quantity(overage, Unit.PERCENT),
        balance=balance,
        vehicle=water(),
        compounded_on=DAY,
        # the properties hold for these too; their refusals are tested on their own
        acknowledge=("dose-below-measurable-fraction", "aliquot-solubility-unknown"),
    ),
    st.one_of(api_lots, tablet_sources),
    ldn_doses,
    st.one_of(st.none(), st.sampled_from(CONCENTRATIONS)),
    st.one_of(st.none(), st.sampled_from(SYRINGES)),
    st.one_of(
        st.integers(min_value=1, max_value=60), decimals("15", "300", 1).filter(lambda v: v > 0)
    ),
    decimals("0", "20", 0),
    balances,
)


#: a random concentration and syringe are refused about a third of the time, on purpose
#: (dose-off-graduation, dose-above-syringe): those inputs are discarded, not failures, and on
#: some seeds they are more than Hypothesis's filter health check allows
RANDOM_PAIRS = settings(suppress_health_check=[HealthCheck.filter_too_much])


def made(o: lc.LiquidOrder) -> lc.LiquidResult | None:
    try:
        return lc.formulate_liquid(o)
    except lc.FormulationError as err:
        assert err.code in ALLOWED, err
        return None


@given(liquid_orders)
@RANDOM_PAIRS
def test_concentration_times_volume_is_the_drug_in_the_batch(o):
    r = made(o)
    assume(r is not None)
    b = r.batch
    planned = b.concentration_planned.m_as(Unit.MG_PER_ML)
    drug = b.drug_in_batch.m_as(Unit.MG)
    with decimal.localcontext(decimal.Context(prec=80)):
        assert abs(planned * b.final_volume.m_as(Unit.ML) - drug) <= drug * TINY
        if b.tablets is not None:
            strength = o.source.resolved_strength.m_as(Unit.MG)  # type: ignore[union-attr]
            assert abs(drug - b.tablets * strength) <= drug * TINY
        assert abs(planned / r.concentration.m_as(Unit.MG_PER_ML) - 1) <= Decimal("0.01")
    assert b.final_volume >= b.dispense_volume
    assert b.final_device.measures(b.final_volume.m_as(Unit.ML), Decimal(25))


@given(liquid_orders)
@RANDOM_PAIRS
def test_every_dose_is_a_graduation_of_its_syringe(o):
    r = made(o)
    assume(r is not None)
    volume = r.dose_volume.m_as(Unit.ML)
    assert r.syringe.on_scale(volume)
    assert r.dose_measured == r.dose_volume and r.dose_deviation.magnitude == 0
    assert r.dose_delivered == r.dose
    if volume <= Decimal("0.1"):
        assert "dose-volume-tiny" in codes(r)


@given(liquid_orders)
@RANDOM_PAIRS
def test_every_planned_weighing_is_at_or_above_the_minimum(o):
    r = made(o)
    assume(r is not None)
    b = r.batch
    for m in b.measurements:
        if m.amount.dimension is lc.Dimension.MASS:
            assert b.balance is not None
            assert m.amount.m_as(Unit.MG) >= b.balance.m
            assert m.amount.m_as(Unit.MG) % b.balance.d == 0
    p = b.plan
    if p is not None and not p.direct:
        assert p.aliquot_device is not None and p.stock_device is not None
        assert p.aliquot_device.on_scale(p.aliquot.m_as(Unit.ML))
        assert p.stock_device.on_scale(p.stock_volume.m_as(Unit.ML))


@given(liquid_orders)
@RANDOM_PAIRS
def test_mg_and_mcg_inputs_give_the_same_results(o):
    in_mcg = attrs.evolve(
        o,
        dose=o.dose.to(Unit.MCG),
        concentration=None if o.concentration is None else o.concentration.to(Unit.MCG_PER_ML),
    )
    a, b = made(o), made(in_mcg)
    assert (a is None) == (b is None)
    if a is None or b is None:
        return
    assert a.dose_volume == b.dose_volume and a.dose_measured == b.dose_measured
    assert a.dose_delivered == b.dose_delivered and b.dose_delivered.unit is Unit.MCG
    assert [m.amount for m in a.batch.measurements] == [m.amount for m in b.batch.measurements]
    assert a.batch.final_volume == b.batch.final_volume
    assert a.concentration == b.concentration


@given(liquid_orders)
@RANDOM_PAIRS
def test_every_result_round_trips_through_json(o):
    r = made(o)
    assume(r is not None)
    assert lc.from_json(json.loads(lc.dumps(r, indent=None))) == r
