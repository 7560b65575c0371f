"""Troches and RDTs end to end: golden cases computed by hand, refusals, properties.

Every golden test states all its inputs; the docstring shows the hand calculation.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import at_least, decimals, troche_orders

import ldncompound as lc
from ldncompound import Quantity, Unit

EXP = dt.date(2028, 1, 1)
DAY = dt.date(2026, 11, 21)
TINY = Decimal("1e-22")  # quantities keep 28 significant digits (units of ~1000 mg)


def mg(text: str | int) -> Quantity:
    return Quantity(Decimal(text), Unit.MG)


def pct(text: str | int) -> Quantity:
    return Quantity(Decimal(text), Unit.PERCENT)


def amounts(result: lc.TrocheResult) -> list[Quantity]:
    return [w.amount for w in result.weighings]


def codes(result: lc.TrocheResult) -> set[str]:
    return {w.code for w in result.warnings}


def defaults(result: lc.TrocheResult) -> dict[str, lc.DefaultUsed]:
    return {d.field: d for d in result.defaults}


def steps(result: lc.TrocheResult, key: str) -> list[lc.Step]:
    return [s for s in result.trace if s.key == key]


def api(assay: str = "100.0") -> lc.ApiLot:
    return lc.ApiLot(
        form="hcl", assay=pct(assay), assay_basis=lc.AssayBasis.AS_IS, expiry=EXP, lot="A1"
    )


def peg() -> lc.BaseLot:
    return lc.BaseLot(base="peg", lot="P1", expiry=dt.date(2028, 3, 31))


def tablets() -> lc.TabletSource:
    return lc.TabletSource(
        average_weight=lc.mass("201.4 mg"),
        tablets_weighed=20,
        expiry=dt.date(2027, 6, 30),
        lot="T1",
    )


def simple(**kwargs: object) -> lc.TrocheOrder:
    """A plain order (1.5 mg from tablets, PEG base, 1200 mg blanks) with ``kwargs`` changed."""
    args: dict[str, object] = {
        "dose": lc.mass("1.5 mg"),
        "count": 30,
        "source": tablets(),
        "dosage_form": lc.TrocheForm.TROCHE,
        "mold": lc.MoldCalibration(blank_weight=mg(1200), blanks_weighed=24),
        "base": peg(),
        "compounded_on": DAY,
        **kwargs,
    }
    return lc.TrocheOrder(**args)  # type: ignore[arg-type]


# --- golden cases --------------------------------------------------------------------------


def rdt_order() -> lc.TrocheOrder:
    return lc.TrocheOrder(
        dose=lc.mass("4.5 mg"),
        count=30,
        source=api(),
        dosage_form=lc.TrocheForm.RDT,
        mold=lc.MoldCalibration.from_weights(
            total=lc.mass("22.62 g"), blanks=30, mold="RDT mold 7", cavities=30, base_lot="B1"
        ),
        base=lc.BaseLot(
            name="RDT base",
            contains_water=False,
            lot="B1",
            expiry=dt.date(2027, 12, 31),
            density=lc.density("1.1 g/mL"),
        ),
        ingredients=(
            lc.Additive(
                name="sucralose",
                amount=mg(10),
                displacement=lc.Displacement.of(Decimal("1.25"), source="trial 2026-03"),
                lot="S1",
                expiry=EXP,
            ),
            lc.Additive(
                name="colloidal silicon dioxide",
                amount=mg(5),
                displacement=lc.Displacement.from_density(lc.density("2.2 g/mL")),
                lot="C1",
                expiry=EXP,
            ),
            lc.Additive(name="peppermint flavour", amount=mg(6), lot="F1", expiry=EXP),
        ),
        drug_displacement=lc.Displacement.of(Decimal("1.2"), source="trial 2026-02"),
        balance=lc.Balance.documented(
            minimum_weight=mg(50), readability=mg(1), capacity=lc.mass("220 g")
        ),
        compounded_on=DAY,
    )


def test_golden_30_x_4_5_mg_rdts_in_a_calibrated_mold():
    """30 RDTs of 4.5 mg naltrexone HCl from API (assay 100.0 % as is, lot A1, exp 2028-01-01).
    Mold calibrated with base lot B1: 30 perfect blanks weigh 22.62 g -> B = 754 mg.
    Base "RDT base", no water, lot B1, exp 2027-12-31, true density 1.1 g/mL.
    Per unit: sucralose 10 mg (DV 1.25, stated), colloidal silica 5 mg (2.2 g/mL, so
    DV = 2.2 / 1.1 = 2), peppermint flavour 6 mg (no DV: 1:1 by weight, echoed), drug DV 1.2.
    Overage: the default 7 % (Medisca 5-9 %, echoed). Balance: minimum 50 mg, readability 1 mg.

    n_batch = ceil(30 x 1.07) = ceil(32.1) = 33; p = 4.5 mg
    displaced per unit: 4.5/1.2 + 10/1.25 + 5/2 + 6/1 = 3.75 + 8 + 2.5 + 6 = 20.25 mg
    base per unit b = 754 - 20.25 = 733.75 mg; unit weight W = 733.75 + 4.5 + 10 + 5 + 6 = 759.25 mg
    drug: 33 x 4.5 = 148.5 mg -> weigh 149 mg (rounded up); melt for 149 / 4.5 = 33.111 units
    sucralose 331.1 -> 331 mg; silica 165.6 -> 166 mg; flavour 198.7 -> 199 mg
    base 733.75 x 33.111 = 24295.28 -> 24295 mg  (= 33.111 x 754 - 33.111 x 20.25)
    planned dose: base-equivalent volume weighed = 24295 + 149/1.2 + 331/1.25 + 166/2 + 199
    = 24965.967 mg vs 33.111 x 754 = 24965.778 mg -> 4.5 x 24965.778 / 24965.967 = 4.49997 mg
    QC window 90-110 % of 759.25 = 683.325-835.175 mg; BUD 180 days -> 2027-05-19.
    """
    r = lc.formulate_troches(rdt_order())
    assert r.batch_count == 33
    assert r.blank_weight == mg(754)
    assert [s.result for s in steps(r, "base-displaced")] == [
        mg("3.75"),
        mg(8),
        mg("2.5"),
        mg(6),
    ]
    assert r.base_per_unit == mg("733.75")
    assert r.unit_weight == mg("759.25")
    assert amounts(r) == [mg(149), mg(331), mg(166), mg(199), mg(24295)]
    assert r.mix_for.quantize(Decimal("0.001")) == Decimal("33.111")
    assert r.dose_planned.m_as(Unit.MG).quantize(Decimal("0.00001")) == Decimal("4.49997")
    assert abs(r.dose_deviation.magnitude) < Decimal("0.001")
    assert r.total_mix == mg(25140)
    assert (r.qc.low, r.qc.high) == (mg("683.325"), mg("835.175"))
    assert r.bud.date == dt.date(2027, 5, 19)
    assert r.bud.category is lc.BudCategory.NONAQUEOUS_SOLID
    assert r.warnings == ()
    d = defaults(r)
    assert d["overage"].value == pct(7)
    assert "Medisca" in d["overage"].source and "5-9 %" in d["overage"].source
    assert d["ingredients[2].displacement"].value == "1:1 replacement by weight"
    assert "drug_displacement" not in d
    # label facts
    assert r.dosage_form is lc.TrocheForm.RDT
    assert r.dosage_form_name == "rapid-dissolve tablet"
    assert r.route is lc.Route.SUBLINGUAL and "route" in d
    assert r.dose == mg("4.5") and r.bud.storage is lc.Storage.ROOM
    silica = r.ingredients[2]
    assert (silica.name, silica.density_factor) == ("colloidal silicon dioxide", Decimal(2))
    assert "2.2 g/mL / base 1.1 g/mL" in silica.displacement
    assert [i.role for i in r.ingredients] == ["active", "additive", "additive", "additive", "base"]


def test_golden_troches_from_tablets():
    """30 troches of 1.5 mg naltrexone HCl from 50 mg tablets weighing 201.4 mg (20 weighed,
    lot T1, exp 2027-06-30), buccal. PEG base (table: no water), lot P1. Mold: 24 blanks weigh
    28.8 g -> B = 1200 mg. Stevia 20 mg per unit; no density factors given, so the tablet
    powder and the stevia replace base 1:1 by weight (both echoed). Class III balance
    (minimum 120 mg, readability 10 mg); overage 5 %.

    n_batch = ceil(30 x 1.05) = ceil(31.5) = 32
    p = 1.5 x 201.4 / 50 = 6.042 mg tablet powder per unit
    b = 1200 - 6.042 - 20 = 1173.958 mg; W = 1200 mg (1:1: the unit weighs what the blank does)
    powder: 32 x 6.042 = 193.344 mg -> 200 mg (rounded up to 10 mg); melt for 200 / 6.042 = 33.1016
    stevia 20 x 33.1016 = 662.03 -> 660 mg; base 1173.958 x 33.1016 = 38859.91 -> 38860 mg
    planned dose 1.5 x (33.1016 x 1200) / (38860 + 200 + 660) = 1.5 x 39721.946 / 39720 = 1.500074 mg
    tablets to crush: ceil(200 x 1.05 / 201.4) = ceil(1.043) = 2; lactose from the tablets.
    """
    r = lc.formulate_troches(
        lc.TrocheOrder(
            dose=lc.mass("1.5 mg"),
            count=30,
            source=tablets(),
            dosage_form=lc.TrocheForm.TROCHE,
            route=lc.Route.BUCCAL,
            mold=lc.MoldCalibration.from_weights(
                total=lc.mass("28.8 g"), blanks=24, mold="troche mold", cavities=24
            ),
            base=peg(),
            ingredients=(lc.Additive(name="stevia", amount=mg(20), lot="ST", expiry=EXP),),
            balance=lc.Balance.class_iii(),
            overage=pct(5),
            compounded_on=DAY,
        )
    )
    assert r.batch_count == 32
    assert r.active_per_unit == mg("6.042")
    assert r.base_per_unit == mg("1173.958")
    assert r.unit_weight == r.blank_weight == mg(1200)
    assert amounts(r) == [mg(200), mg(660), mg(38860)]
    assert r.tablets_to_crush == 2
    assert r.dose_planned.m_as(Unit.MG).quantize(Decimal("0.000001")) == Decimal("1.500074")
    assert r.allergens == ("lactose",)
    assert "allergen-lactose" in codes(r)
    d = defaults(r)
    assert d["drug_displacement"].value == d["ingredients[0].displacement"].value
    assert "1:1" in str(d["drug_displacement"].value)
    assert r.replaced_share.magnitude.quantize(Decimal("0.01")) == Decimal("2.17")
    assert "replacement-share-large" not in codes(r)
    assert r.route is lc.Route.BUCCAL and "route" not in d
    assert r.bud.date == dt.date(2027, 5, 19)
    assert any("2 molds of 24 cavities" in line for line in r.process)
    assert r.process[0].startswith("Crush 2 naltrexone HCl 50 mg tablets")


def test_golden_density_factor_from_a_trial_batch():
    """Trial batch in the same mold and base: 10 blanks weigh a = 12.00 g; 10 medicated units
    holding d = 0.60 g of naltrexone HCl weigh b = 12.10 g, so they hold c = b - d = 11.50 g
    of base and DV = d / (a - c) = 0.60 / 0.50 = 1.2. Mold calibration: the same 10 blanks,
    B = 1200 mg. 60 troches of 3 mg from API (100.0 %), PEG base, overage 5 %, balance
    minimum 100 mg, readability 0.1 mg.

    n_batch = ceil(60 x 1.05) = 63; drug 63 x 3 = 189.0 mg (n_eff = 63 exactly)
    b = 1200 - 3 / 1.2 = 1197.5 mg (1:1 would have given 1197 mg); W = 1200.5 mg
    base 63 x 1197.5 = 75442.5 mg; base-equivalent volume 75442.5 + 189 / 1.2 = 75600 =
    63 x 1200, so the planned dose is exactly 3 mg.
    """
    trial = lc.DisplacementTrial(
        units=10,
        blank_total=lc.mass("12.00 g"),
        medicated_total=lc.mass("12.10 g"),
        ingredient_total=lc.mass("0.60 g"),
    )
    assert trial.base_total == lc.mass("11.50 g")
    assert trial.factor == Decimal("1.2")
    r = lc.formulate_troches(
        lc.TrocheOrder(
            dose=lc.mass("3 mg"),
            count=60,
            source=api(),
            dosage_form=lc.TrocheForm.TROCHE,
            mold=lc.MoldCalibration.from_weights(total=lc.mass("12.00 g"), blanks=10),
            base=peg(),
            drug_displacement=lc.Displacement.from_trial(trial),
            balance=lc.Balance.documented(minimum_weight=mg(100), readability=mg("0.1")),
            overage=pct(5),
            compounded_on=DAY,
        )
    )
    assert r.batch_count == 63
    assert amounts(r) == [mg(189), mg("75442.5")]
    assert r.base_per_unit == mg("1197.5")
    assert r.unit_weight == mg("1200.5")
    assert r.dose_planned == mg(3)
    assert r.ingredients[0].density_factor == Decimal("1.2")
    assert "d / (a - c)" in r.ingredients[0].displacement
    assert "trial-blanks-differ" not in codes(r)


def test_trituration_below_the_minimum_and_an_aqueous_gelatin_base():
    """30 troches of 0.5 mg from API (100.0 %) on a Class III balance (120 mg, 10 mg); gelatin
    base (contains water, no preservative); 24 blanks average 1500 mg; default overage 7 %.

    n_batch = 33; drug 33 x 0.5 = 16.5 mg < 120 mg: 120 mg API + 2280 mg MCC (1 in 20),
    aliquot 330 mg holds 16.5 mg; the MCC (default diluent, 1:1) is 0.5 x 19 = 9.5 mg per unit:
    b = 1500 - 0.5 - 9.5 = 1490 mg; base 33 x 1490 = 49170 mg.
    BUD: aqueous, non-preserved -> 14 days refrigerated: 2026-11-21 to 2026-12-04.
    """
    r = lc.formulate_troches(
        simple(
            dose=lc.mass("0.5 mg"),
            source=api(),
            mold=lc.MoldCalibration(blank_weight=mg(1500), blanks_weighed=24),
            base=lc.BaseLot(base="gelatin", lot="G1", expiry=EXP),
            balance=lc.Balance.class_iii(),
            doses_per_day=Decimal(1),
        )
    )
    assert amounts(r) == [mg(120), mg(2280), mg(330), mg(49170)]
    assert all(a >= mg(120) for a in amounts(r))
    (stage,) = r.plan.stages
    assert stage.ratio == 20
    diluent = r.ingredients[1]
    assert (diluent.role, diluent.per_unit, diluent.base_displaced) == (
        "diluent",
        mg("9.5"),
        mg("9.5"),
    )
    assert r.base_per_unit == mg(1490)
    assert r.dose_planned == mg("0.5")
    d = defaults(r)
    assert d["diluent"].value == "microcrystalline cellulose"
    assert "diluent.displacement" in d
    assert r.bud.category is lc.BudCategory.AQUEOUS_NONPRESERVED
    assert (r.bud.date, r.bud.storage) == (dt.date(2026, 12, 4), lc.Storage.REFRIGERATOR)
    assert d["storage"].value == "refrigerator"
    assert {"aqueous-base", "bud-shorter-than-supply", "expiry-not-given"} <= codes(r)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_troches(
            simple(base=lc.BaseLot(base="gelatin", expiry=EXP), storage=lc.Storage.ROOM)
        )
    assert info.value.code == "storage-not-allowed"


def test_a_preservative_or_a_watery_ingredient_changes_the_bud_class():
    preserved = lc.formulate_troches(
        simple(base=lc.BaseLot(base="gelatin", preservative="methylparaben", expiry=EXP))
    )
    assert preserved.bud.category is lc.BudCategory.AQUEOUS_PRESERVED
    assert preserved.bud.days == 35
    watery = lc.formulate_troches(
        simple(
            ingredients=(
                lc.Additive(name="cherry flavour (aqueous)", amount=mg(20), contains_water=True),
            )
        )
    )
    assert watery.bud.category is lc.BudCategory.AQUEOUS_NONPRESERVED
    assert "ingredients.contains_water" not in defaults(watery)
    dry = lc.formulate_troches(simple(ingredients=(lc.Additive(name="stevia", amount=mg(20)),)))
    assert dry.bud.category is lc.BudCategory.NONAQUEOUS_SOLID
    assert defaults(dry)["ingredients.contains_water"].value == "none declared"
    declared = lc.formulate_troches(
        simple(base=lc.BaseLot(name="my base", contains_water=True, expiry=EXP))
    )
    assert declared.bud.category is lc.BudCategory.AQUEOUS_NONPRESERVED


# --- displacement ------------------------------------------------------------------------------


def test_density_factor_from_densities_needs_a_base_density():
    """DV = rho_i / rho_base. Without a base density it is derived from the mold's cavity
    volume (750 mg / 0.93 mL = 0.80645 g/mL, echoed) or refused naming base.density."""
    silica = lc.Additive(
        name="silica",
        amount=mg(10),
        displacement=lc.Displacement.from_density(lc.density("2 g/mL")),
    )
    with pytest.raises(lc.InputError) as info:
        lc.formulate_troches(simple(ingredients=(silica,)))
    assert info.value.field == "base.density"
    r = lc.formulate_troches(
        simple(
            ingredients=(silica,),
            mold=lc.MoldCalibration(
                blank_weight=mg(750), blanks_weighed=30, cavity_volume=lc.volume("0.93 mL")
            ),
        )
    )
    d = defaults(r)
    assert d["base.density"].value.magnitude.quantize(Decimal("0.00001")) == Decimal("0.80645")
    assert r.ingredients[1].density_factor.quantize(Decimal("0.0001")) == Decimal("2.4800")
    given = lc.formulate_troches(
        simple(ingredients=(silica,), base=lc.BaseLot(base="peg", density=lc.density("1.25 g/mL")))
    )
    assert given.ingredients[1].density_factor == Decimal("1.6")
    assert "base.density" not in defaults(given)


def test_one_to_one_assumption_is_warned_when_its_share_is_large():
    """A 1:1 assumption on 8 % of the unit (60 + 36 mg in a 1200 mg unit) is warned about;
    with its density factor measured it is not."""
    big = lc.Additive(name="flavour", amount=mg(60))
    r = lc.formulate_troches(
        simple(
            ingredients=(big,),
            source=api(),
            dose=lc.mass("36 mg"),
            acknowledge=("dose-above-range",),
        )
    )
    assert r.replaced_share.magnitude == Decimal(8)
    assert "replacement-share-large" in codes(r)
    measured = lc.Additive(
        name="flavour", amount=mg(60), displacement=lc.Displacement.of(Decimal("0.9"))
    )
    r = lc.formulate_troches(simple(ingredients=(measured,)))
    assert "replacement-share-large" not in codes(r)


def test_unusual_factors_and_mismatched_trials_are_warned_about():
    trial = lc.DisplacementTrial(
        units=10,
        blank_total=lc.mass("13 g"),
        medicated_total=lc.mass("13.1 g"),
        ingredient_total=lc.mass("0.6 g"),
    )
    r = lc.formulate_troches(
        simple(
            drug_displacement=lc.Displacement.from_trial(trial),
            ingredients=(
                lc.Additive(
                    name="zinc oxide", amount=mg(10), displacement=lc.Displacement.of(Decimal(6))
                ),
            ),
            acknowledge=("density-factor-unusual",),  # refused unless acknowledged
        )
    )
    assert "trial-blanks-differ" in codes(r)  # 1300 mg trial blanks vs the 1200 mg calibration
    assert "density-factor-unusual" in codes(r)


def test_mold_calibration_warnings_and_the_typical_estimate():
    r = lc.formulate_troches(simple(mold=lc.MoldCalibration.typical("medisca-rdt")))
    assert "blank-weight-estimated" in codes(r)
    d = defaults(r)["mold.blank_weight"]
    assert d.value == mg(750) and "Medisca" in d.source and "[V]" in d.source
    assert lc.MoldCalibration.typical("medisca-rdt").cavity_volume == lc.volume("0.93 mL")
    unknown = lc.formulate_troches(simple(mold=lc.MoldCalibration(blank_weight=mg(1200))))
    assert "blank-count-unknown" in codes(unknown)
    few = lc.formulate_troches(
        simple(mold=lc.MoldCalibration(blank_weight=mg(1200), blanks_weighed=4))
    )
    assert "blank-count-few" in codes(few)
    other_lot = lc.formulate_troches(
        simple(mold=lc.MoldCalibration(blank_weight=mg(1200), blanks_weighed=24, base_lot="OLD"))
    )
    assert "mold-calibrated-with-other-lot" in codes(other_lot)
    with pytest.raises(lc.InputError):
        lc.MoldCalibration.typical("no-such-mold")


def test_small_ingredients_enlarge_the_batch_or_are_refused():
    """Class III minimum 120 mg. Stevia 2 mg x 32 units = 64 mg cannot be weighed: the melt is
    made for 120 / 2 = 60 units' worth (warned). A 1 mg flavour would need 120 units' worth,
    more than three times the batch: refused, naming the ingredient."""
    r = lc.formulate_troches(
        simple(
            ingredients=(lc.Additive(name="stevia", amount=mg(2)),),
            balance=lc.Balance.class_iii(),
            overage=pct(5),
        )
    )
    assert "batch-enlarged-for-weighing" in codes(r)
    assert r.mix_for >= 60
    assert all(a >= mg(120) for a in amounts(r))
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_troches(
            simple(
                ingredients=(
                    lc.Additive(name="stevia", amount=mg(20)),
                    lc.Additive(name="flavour", amount=mg(1)),
                ),
                balance=lc.Balance.class_iii(),
                overage=pct(5),
            )
        )
    assert info.value.code == "ingredient-below-minimum-weight"
    assert info.value.field == "ingredients[1].amount"
    assert "flavour" in str(info.value)


def test_no_base_left_is_refused():
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_troches(
            simple(
                mold=lc.MoldCalibration(blank_weight=mg(100), blanks_weighed=10),
                ingredients=(lc.Additive(name="stevia", amount=mg(100)),),
                acknowledge=("blank-weight-implausible",),  # a 100 mg blank is refused unless so
            )
        )
    assert info.value.code == "no-base-left"


def test_expired_ingredient_and_missing_expiries():
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_troches(
            simple(
                ingredients=(lc.Additive(name="stevia", amount=mg(20), expiry=dt.date(2026, 1, 1)),)
            )
        )
    assert info.value.code == "component-expired"
    assert info.value.field == "ingredients[0].expiry"
    r = lc.formulate_troches(
        simple(
            base=lc.BaseLot(base="peg"),
            ingredients=(lc.Additive(name="stevia", amount=mg(20), expiry=dt.date(2027, 2, 1)),),
        )
    )
    assert {w.field for w in r.warnings if w.code == "expiry-not-given"} == {"base.expiry"}
    assert r.bud.date == dt.date(2027, 2, 1)
    assert "bud-limited-by-component" in codes(r)


def test_dose_guards_block_unless_acknowledged():
    with pytest.raises(lc.InputError) as info:
        lc.formulate_troches(simple(dose=lc.mass("45 mg")))
    assert (info.value.code, info.value.field) == ("dose-above-range", "dose")
    r = lc.formulate_troches(simple(dose=lc.mass("50 mcg"), acknowledge=("dose-below-range",)))
    assert "dose-below-range" in codes(r)
    assert r.dose_planned.unit is Unit.MCG


def test_every_library_default_is_echoed_and_none_when_all_is_given():
    r = lc.formulate_troches(
        lc.TrocheOrder(
            dose=lc.mass("4.5 mg"),
            count=30,
            source=lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=EXP),
            dosage_form=lc.TrocheForm.RDT,
            mold=lc.MoldCalibration(blank_weight=mg(750), blanks_weighed=30),
            base=lc.BaseLot(base="rdt"),
            ingredients=(lc.Additive(name="stevia", amount=mg(20)),),
        ),
        today=DAY,
    )
    assert {
        "dose_basis",
        "route",
        "balance",
        "overage",
        "rounding_tolerance",
        "max_stage_mass",
        "drug_displacement",
        "ingredients[0].displacement",
        "tablet_margin",
        "qc_sample",
        "weight_window",
        "ingredients.contains_water",
        "compounded_on",
        "storage",
        "day_count",
        "tablets.strength",
        "tablets.allergens",
    } <= set(defaults(r))
    assert all(d.source for d in r.defaults)
    assert "balance-assumed" in codes(r)
    full = lc.formulate_troches(
        lc.TrocheOrder(
            dose=lc.mass("4.5 mg"),
            count=30,
            source=api(),
            dosage_form=lc.TrocheForm.RDT,
            route=lc.Route.SUBLINGUAL,
            mold=lc.MoldCalibration(blank_weight=mg(750), blanks_weighed=30),
            base=lc.BaseLot(base="rdt", contains_water=False, lot="P", expiry=EXP),
            ingredients=(
                lc.Additive(
                    name="stevia",
                    amount=mg(20),
                    displacement=lc.Displacement.replacement(),
                    expiry=EXP,
                    contains_water=False,
                ),
            ),
            drug_displacement=lc.Displacement.of(Decimal("1.3")),
            dose_basis="hcl",
            overage=pct(7),
            balance=lc.Balance.documented(minimum_weight=mg(50), readability=mg(1)),
            compounded_on=DAY,
            storage=lc.Storage.ROOM,
            day_count=lc.DayCount.COMPOUNDING_DAY_IS_DAY_1,
            qc_sample=10,
            weight_window=pct(10),
            max_stage_mass=lc.mass("10 g"),
            rounding_tolerance=pct("0.5"),
        )
    )
    fields = set(defaults(full))
    # the as-is assay's form and "no ingredient contains water" remain statements of fact
    assert fields <= {"api.assay_as", "ingredients.contains_water"}


# --- refusals name the field ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: simple(dose=Quantity(Decimal(5), Unit.ML)), "dose"),
        (lambda: simple(dose=mg(0)), "dose"),
        (lambda: simple(count=0), "count"),
        (lambda: simple(count=20_000), "count"),
        (lambda: simple(dosage_form="troche"), "dosage_form"),
        (lambda: simple(mold=None), "mold"),
        (lambda: simple(base="peg"), "base"),
        (lambda: simple(route="oral"), "route"),
        (lambda: simple(overage=pct(150)), "overage"),
        (lambda: simple(weight_window=pct(30)), "weight_window"),
        (lambda: simple(dose_basis="sulfate"), "form"),
        (lambda: simple(qc_sample=0), "qc_sample"),
        (lambda: simple(doses_per_day=Decimal(30)), "doses_per_day"),
        (lambda: simple(drug_displacement=Decimal("1.2")), "drug_displacement"),
        (
            lambda: simple(
                ingredients=(
                    lc.Additive(name="a", amount=mg(1)),
                    lc.Additive(name="A", amount=mg(2)),
                )
            ),
            "ingredients",
        ),
        (lambda: lc.MoldCalibration(blank_weight=mg(5)), "mold.blank_weight"),
        (lambda: lc.MoldCalibration(blank_weight=lc.volume("1 mL")), "mold.blank_weight"),
        (
            lambda: lc.MoldCalibration(blank_weight=mg(750), cavity_volume=lc.volume("0.93 L")),
            "mold.cavity_volume",
        ),
        (lambda: lc.MoldCalibration(blank_weight=mg(750), blanks_weighed=0), "mold.blanks_weighed"),
        (lambda: lc.MoldCalibration(blank_weight=mg(750), cavities=-1), "mold.cavities"),
        (lambda: lc.MoldCalibration.from_weights(total=mg(0), blanks=10), "mold.total"),
        (lambda: lc.MoldCalibration.from_weights(total=mg(7500), blanks=0), "mold.blanks_weighed"),
        (lc.BaseLot, "base"),
        (lambda: lc.BaseLot(name="my base"), "base.contains_water"),
        (lambda: lc.BaseLot(base="wax"), "base.base"),
        (lambda: lc.BaseLot(base="gelatin", contains_water=False), "base.contains_water"),
        (lambda: lc.BaseLot(base="peg", name="PEG"), "base.name"),
        (
            lambda: lc.BaseLot(base="peg", density=Quantity(Decimal(9), Unit.G_PER_ML)),
            "base.density",
        ),
        (lambda: lc.Additive(name="x", amount=mg(0)), "ingredient.amount"),
        (lambda: lc.Additive(name="x", amount=lc.volume("1 mL")), "ingredient.amount"),
        (lambda: lc.Additive(name="x", amount=lc.mass("11 g")), "ingredient.amount"),
        (lambda: lc.Additive(name=" ", amount=mg(1)), "ingredient.name"),
        (lambda: lc.Additive(name="x", amount=mg(1), displacement=1), "ingredient.displacement"),
    ],
)
def test_refused_inputs_name_the_field(build, field):
    with pytest.raises(lc.InputError) as info:
        build()
    assert info.value.field == field
    assert str(info.value).endswith(".")


# --- the compact ingredient syntax ------------------------------------------------------------


def test_parse_ingredient_and_diluent():
    a = lc.parse_ingredient(
        "sucralose:10 mg:dv=1.25:lot=S1:expiry=2027-12-31:allergen=sulphite:allergen=soy"
    )
    assert (a.name, a.amount, a.lot, a.expiry) == ("sucralose", mg(10), "S1", dt.date(2027, 12, 31))
    assert a.displacement == lc.Displacement.of(Decimal("1.25"))
    assert a.allergens == ("soy", "sulphite")
    b = lc.parse_ingredient(" cherry flavour : 500 mcg : replace : water ")
    assert (b.name, b.amount, b.contains_water) == ("cherry flavour", lc.mass("500 mcg"), True)
    assert b.displacement == lc.Displacement.replacement()
    c = lc.parse_ingredient("silica:5 mg:density=2.2 g/mL:preservative")
    assert c.displacement == lc.Displacement.from_density(lc.density("2.2 g/mL"))
    assert c.preservative
    t = lc.parse_ingredient("x:5 mg:trial=10,12 g,12.1 g,600 mg")
    assert t.displacement is not None and t.displacement.resolve(None) == Decimal("1.2")
    assert lc.parse_ingredient("lactose:20 mg").allergens == ("lactose",)
    dil = lc.parse_diluent("mannitol:dv=1.2:lot=M1:expiry=2028-01-01")
    assert (dil.name, dil.lot) == ("mannitol", "M1")
    assert dil.displacement == lc.Displacement.of(Decimal("1.2"))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("stevia", "is not NAME:AMOUNT"),
        (":10 mg", "is not NAME:AMOUNT"),
        ("stevia:10", "has no unit"),
        ("stevia:4,5 mg", "comma"),
        ("stevia:10 mL", "is a volume"),
        ("stevia:10 mg:dv=0", "is zero"),
        ("stevia:10 mg:dv=30", "too large"),
        ("stevia:10 mg:dv=1.2:replace", "second displacement"),
        ("stevia:10 mg:foo", "is not an option"),
        ("stevia:10 mg:lot=A:lot=B", "repeats one"),
        ("stevia:10 mg:expiry=2027-13-01", "not a calendar date"),
        ("stevia:10 mg:density=1.2", "has no unit"),
        ("stevia:10 mg:trial=10,12 g", "has 2 parts"),
        ("stevia:10 mg:trial=10,12 g,12.5 g,100 mg", "no base was displaced"),
        ("stevia:0 mg", "is zero"),
        ("stevia:10 mg\x00", "control character"),
        ("x" * 201 + ":1 mg", "characters long"),
    ],
)
def test_parse_ingredient_refusals_name_the_option(text, fragment):
    with pytest.raises(lc.InputError) as info:
        lc.parse_ingredient(text, field="--ingredient")
    assert fragment in str(info.value)
    assert str(info.value).startswith("--ingredient")


def test_parse_diluent_refusals():
    with pytest.raises(lc.InputError):
        lc.parse_diluent(":dv=1")
    with pytest.raises(lc.InputError):
        lc.parse_diluent("mannitol:water")


# --- properties --------------------------------------------------------------------------------


@given(troche_orders(replacement_only=True))
def test_one_to_one_replacement_keeps_base_plus_ingredients_equal_to_the_blanks(order):
    """With 1:1 replacement, base + every other ingredient = units x blank weight, per unit
    exactly and in the batch up to the rounding of the weighings to the readability."""
    r = lc.formulate_troches(order)
    assert r.unit_weight == r.blank_weight
    per_unit = sum((i.per_unit.m_as(Unit.MG) for i in r.ingredients), Decimal(0))
    assert abs(per_unit - r.blank_weight.m_as(Unit.MG)) < TINY
    in_batch = sum((i.in_batch.m_as(Unit.MG) for i in r.ingredients), Decimal(0))
    assert abs(in_batch - r.total_mix.m_as(Unit.MG)) < TINY
    rounded = len(order.ingredients) + 1  # each other ingredient and the base
    exact = r.mix_for * r.blank_weight.m_as(Unit.MG)
    assert abs(r.total_mix.m_as(Unit.MG) - exact) <= rounded * r.balance.d / 2 + TINY


@given(troche_orders())
def test_every_planned_weighing_is_weighable_and_the_dose_is_kept(order):
    r = lc.formulate_troches(order)
    m, d = r.balance.m, r.balance.d
    for a in amounts(r):
        assert a.m_as(Unit.MG) >= m
        assert a.m_as(Unit.MG) % d == 0
    assert abs(r.dose_deviation.m_as(Unit.PERCENT)) <= Decimal("0.5")
    assert at_least(r.mix_for, r.batch_count)
    # the base is the blank less what every other ingredient displaces
    displaced = sum(
        (i.base_displaced.m_as(Unit.MG) for i in r.ingredients if i.base_displaced is not None),
        Decimal(0),
    )
    assert abs(r.base_per_unit.m_as(Unit.MG) + displaced - r.blank_weight.m_as(Unit.MG)) < TINY


@given(troche_orders(), st.integers(min_value=10, max_value=300), decimals("0", "20", 0))
def test_drug_per_unit_is_invariant_under_batch_size_overage_and_units(order, count, overage):
    base = lc.formulate_troches(order)
    other = lc.formulate_troches(
        lc.TrocheOrder(
            dose=order.dose.to(Unit.MCG),
            count=count,
            source=order.source,
            dosage_form=order.dosage_form,
            mold=lc.MoldCalibration(
                blank_weight=order.mold.blank_weight.to(Unit.G), blanks_weighed=20
            ),
            base=order.base,
            ingredients=tuple(
                lc.Additive(
                    name=a.name,
                    amount=a.amount.to(Unit.MCG),
                    displacement=a.displacement,
                    lot=a.lot,
                    expiry=a.expiry,
                )
                for a in order.ingredients
            ),
            drug_displacement=order.drug_displacement,
            overage=Quantity(overage, Unit.PERCENT),
            balance=order.balance,
            compounded_on=DAY,
        )
    )
    assert other.active_per_unit == base.active_per_unit
    assert other.ingredients[0].base_displaced == base.ingredients[0].base_displaced

    def base_without_diluent(r: lc.TrocheResult) -> Decimal:
        # a trituration diluent (its amount follows the plan, so the batch size) displaces base too
        diluent = [i.base_displaced for i in r.ingredients if i.role == "diluent"]
        return r.base_per_unit.m_as(Unit.MG) + sum(
            (q.m_as(Unit.MG) for q in diluent if q is not None), Decimal(0)
        )

    assert abs(base_without_diluent(other) - base_without_diluent(base)) < TINY
    dose = order.dose.m_as(Unit.MG)
    assert abs(other.dose_planned.m_as(Unit.MG) - dose) <= dose * Decimal("0.005")
    assert other.dose_planned.unit is Unit.MCG


@given(troche_orders())
def test_mg_and_mcg_inputs_give_the_same_weighings(order):
    in_mcg = lc.TrocheOrder(
        dose=order.dose.to(Unit.MCG),
        count=order.count,
        source=order.source,
        dosage_form=order.dosage_form,
        mold=order.mold,
        base=order.base,
        ingredients=order.ingredients,
        drug_displacement=order.drug_displacement,
        overage=order.overage,
        balance=order.balance,
        compounded_on=DAY,
    )
    a, b = lc.formulate_troches(order), lc.formulate_troches(in_mcg)
    assert amounts(a) == amounts(b)
    assert a.dose_planned == b.dose_planned


@given(troche_orders())
def test_every_result_round_trips_through_json(order):
    r = lc.formulate_troches(order)
    assert lc.from_json(json.loads(lc.dumps(r, indent=None))) == r
    assert pickle.loads(pickle.dumps(r)) == r


def test_result_json_is_plain_data():
    r = lc.formulate_troches(rdt_order())
    data = lc.to_json(r)
    assert data["schema"] == "ldncompound/troches/2"
    assert data["dosage_form"] == "rdt" and data["route"] == "sublingual"
    assert data["unit_weight"] == {"value": "759.25", "unit": "mg"}
    assert data["order"]["ingredients"][1]["displacement"]["method"] == "density"
    assert data["order"]["mold"]["blank_weight"] == "754 mg"  # the order is its document
    text = lc.dumps(r)
    back = lc.from_json(json.loads(text))
    assert back == r
    assert lc.dumps(back) == text


def test_qc_record_is_checked_with_check_weights():
    r = lc.formulate_troches(rdt_order())
    weights = tuple(mg(x) for x in (758, 760, 761, 757, 759, 762, 756, 760, 759, 800))
    check = lc.check_weights(r.qc, weights)
    assert check.passed
    assert check.mean.m_as(Unit.MG) == Decimal("763.2")
    failing = lc.check_weights(r.qc, (*weights[:9], mg(850)))
    assert failing.outside == (10,)


# --- worksheet and metadata ------------------------------------------------------------------


def test_worksheet_sections_warnings_and_defaults():
    r = lc.formulate_troches(rdt_order())
    text = lc.render_worksheet(r)
    for heading in (
        "Ingredients",
        "Displacement of the base",
        "Weighings",
        "Procedure",
        "Quality control",
        "Label facts",
        "Beyond-use date",
        "Warnings",
        "Values supplied by the library",
        "Calculation trace",
    ):
        assert heading in text
    assert "754 mg per cavity, average of 30 blanks" in text
    assert "24295 mg" in text and "683.3 mg to 835.2 mg" in text
    assert "ldncompound/troches/2" in text
    assert all(len(line) <= 110 for line in text.splitlines())
    noisy = lc.formulate_troches(
        lc.TrocheOrder(
            dose=lc.mass("0.5 mg"),
            count=30,
            source=lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=EXP),
            dosage_form=lc.TrocheForm.TROCHE,
            mold=lc.MoldCalibration.typical("medisca-rdt"),
            base=lc.BaseLot(base="gelatin"),
            ingredients=(lc.Additive(name="flavour", amount=mg(60)),),
        ),
        today=DAY,
    )
    text = lc.render_worksheet(noisy)
    assert "TYPICAL FIGURE, NOT A" in text and "CALIBRATION" in text
    for w in noisy.warnings:
        assert f"[{w.code}]" in text
    for d in noisy.defaults:
        assert f"{d.field} = " in text


def test_every_quantity_field_of_the_troche_inputs_declares_its_dimension():
    """The order-document loader relies on it: no Quantity field without a dimension."""
    import typing  # noqa: PLC0415

    import attrs  # noqa: PLC0415

    from ldncompound._validate import DIMENSION  # noqa: PLC0415

    for cls in (
        lc.TrocheOrder,
        lc.MoldCalibration,
        lc.BaseLot,
        lc.Additive,
        lc.TrocheDiluent,
        lc.Displacement,
        lc.DisplacementTrial,
    ):
        hints = typing.get_type_hints(cls)
        for f in attrs.fields(cls):
            if "Quantity" in str(hints[f.name]):
                assert isinstance(f.metadata.get(DIMENSION), lc.Dimension), (cls.__name__, f.name)


# --- bases for the dosage form (issue 13 §3) ---------------------------------------------------


def test_an_rdt_base_from_the_table_with_its_water_an_overridable_default():
    """The table's RDT base (Medisca blank RDT formula, domain.md §4.4 [V]) is nonaqueous by
    default ([U], echoed); a base certificate that says it holds water overrides it."""
    r = lc.formulate_troches(
        rdt_order_with(lc.BaseLot(base="rdt", lot="R1", expiry=EXP, density=lc.density("1.1 g/mL")))
    )
    (default,) = [d for d in r.defaults if d.field == "base.contains_water"]
    assert default.value == "no" and "domain.md §4.4" in default.source
    assert r.bud.category is lc.BudCategory.NONAQUEOUS_SOLID
    wet = lc.formulate_troches(
        rdt_order_with(
            lc.BaseLot(
                base="rdt",
                contains_water=True,
                lot="R1",
                expiry=EXP,
                density=lc.density("1.1 g/mL"),
            )
        )
    )
    assert "base.contains_water" not in [d.field for d in wet.defaults]
    assert wet.bud.category is not lc.BudCategory.NONAQUEOUS_SOLID


@pytest.mark.parametrize(
    ("form", "base", "words"),
    [
        (lc.TrocheForm.RDT, "peg", "is a base for troches, not for rapid-dissolve tablets"),
        (lc.TrocheForm.RDT, "gelatin", "(rdt)"),
        (lc.TrocheForm.TROCHE, "rdt", "is a base for rapid-dissolve tablets, not for troches"),
    ],
)
def test_a_table_base_for_another_dosage_form_is_refused(form, base, words):
    with pytest.raises(lc.InputError) as info:
        simple(dosage_form=form, base=lc.BaseLot(base=base))
    assert (info.value.field, info.value.code) == ("base", "base-not-for-form")
    assert words in info.value.message


def rdt_order_with(base: lc.BaseLot) -> lc.TrocheOrder:
    return attrs.evolve(rdt_order(), base=base)
