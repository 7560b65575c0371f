"""Plausibility checks of every figure that scales the amount of drug (issue 11 §1).

Each figure outside its window is refused as bad input (one sentence naming the field, the
value and the window) unless the order acknowledges the check's code; acknowledged, the
preparation is computed with a warning carrying the code. The check is made once, where the
value is used, so every preparation refuses the same figure with the same code and field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import attrs
import orders
import pytest
import test_titration
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli
from strategies import decimals

import ldncompound as lc
from ldncompound import _plausible as plausible
from ldncompound._capsule_data import CAPSULE_SIZES, FILLERS
from ldncompound._dose import DOSE_GUARDS
from ldncompound._drug import NALTREXONE, certificate_of
from ldncompound._sources import _water_window
from ldncompound._trace import Recorder

DAY = orders.DAY
EXP = orders.EXP
PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")


def codes(result: Any) -> set[str]:
    return {w.code for w in result.warnings}


def one_sentence(err: lc.LdnCompoundError) -> None:
    assert err.field is not None
    assert err.message.startswith(f"{err.field}: ")
    assert err.message.endswith(".") and "\n" not in err.message


def refused(name: str, code: str, field: str, **changes: Any) -> lc.InputError:
    """``changes`` to the valid order of ``name`` are refused with ``code`` naming ``field``;
    acknowledged, the order computes with the warning ``code``."""
    with pytest.raises(lc.InputError) as info:
        orders.FORMULATE[name](orders.ORDERS[name](**changes))
    err = info.value
    assert (err.code, err.field) == (code, field), err.message
    assert type(err) is lc.InputError
    one_sentence(err)
    assert f"the acknowledgement '{code}' on the order" in err.message
    result = orders.FORMULATE[name](orders.ORDERS[name](**changes, acknowledge=(code,)))
    warning = next(w for w in result.warnings if w.code == code)
    assert warning.field == field and "acknowledged on the order" in warning.message
    return err


def accepted(name: str, **changes: Any) -> Any:
    return orders.FORMULATE[name](orders.ORDERS[name](**changes))


def pct(text: str) -> lc.Quantity:
    return lc.Quantity(Decimal(text), lc.Unit.PERCENT)


# --- the table of acknowledgeable checks ------------------------------------------------------


def test_one_table_names_every_acknowledgeable_check_with_its_meaning():
    assert set(DOSE_GUARDS) < set(lc.ACKNOWLEDGEABLE)
    assert all(meaning.strip() for meaning in lc.ACKNOWLEDGEABLE.values())
    order = orders.capsules(acknowledge=tuple(lc.ACKNOWLEDGEABLE))
    assert order.acknowledge == tuple(lc.ACKNOWLEDGEABLE)


def test_acknowledging_every_check_changes_nothing_in_a_plausible_order():
    for name in orders.ORDERS:
        plain = accepted(name)
        acked = accepted(name, acknowledge=tuple(lc.ACKNOWLEDGEABLE))
        # ... but the one warning that the acknowledgements lifted nothing (probe F34)
        (unused,) = (w for w in acked.warnings if w.code == "acknowledgement-unused")
        assert [w for w in acked.warnings if w is not unused] == list(plain.warnings)
        assert acked.bud == plain.bud


#: A status mark of domain.md: verified, secondary, derived, unverified (library default).
MARK = re.compile(r"\[[VSDU]\]")


def declared(kind: type) -> list[Any]:
    """The objects of ``kind`` declared in _plausible.py."""
    return [v for v in vars(plausible).values() if isinstance(v, kind)]


def test_every_acknowledgeable_code_has_exactly_one_check():
    codes = [check.code for check in plausible.CHECKS]
    assert codes == list(lc.ACKNOWLEDGEABLE)  # in the order the unknown-code refusal lists
    assert len(set(codes)) == len(codes)
    assert set(declared(plausible.Check)) == set(plausible.CHECKS)  # none outside the table
    assert all(lc.ACKNOWLEDGEABLE[c.code] == c.meaning for c in plausible.CHECKS)
    assert set(lc.ACKNOWLEDGEABLE) > plausible.DATED_CHECKS


def test_every_check_cites_the_source_of_its_window_with_a_status_mark():
    limits = declared(plausible.Limit)
    assert {limit.check for limit in limits} <= set(plausible.CHECKS)
    for check in plausible.CHECKS:
        # a fixed window (a Limit declared with it), or a rule saying how its bound is made
        assert check.rule is not None or any(limit.check is check for limit in limits)
        assert check.rule is None or MARK.search(check.rule), check.code
    windows = [
        *declared(plausible.Window),
        *(limit.window for limit in limits),
        # the windows made for an order: a shell size's, a tablet strength's, a form's water
        *(plausible.shell_weight_window(size) for size in CAPSULE_SIZES),
        plausible.tablet_weight_window(Decimal(50)),
        _water_window(False, Decimal(0)),
        _water_window(True, Decimal("8.70")),
    ]
    assert all(MARK.search(window.source) for window in windows)
    # the drug's data the dose guards and the certificate checks hold a figure to
    cert = certificate_of(NALTREXONE)
    assert cert is not None and MARK.search(cert.assay_source)
    assert NALTREXONE.profile is not None and MARK.search(NALTREXONE.profile.source)


@pytest.mark.parametrize(
    ("density", "inside"),
    [("500 mg/mL", True), ("1500 mg/mL", True), ("1600 mg/mL", False), ("90 mg/mL", False)],
)
def test_a_figure_is_checked_in_the_window_s_unit_and_shown_as_given(density, inside):
    figure = lc.density(density)
    rec = Recorder()
    if inside:
        plausible.POWDER_DENSITY_CHECK.apply(rec, "filler.density", figure)
        return
    with pytest.raises(lc.InputError) as info:
        plausible.POWDER_DENSITY_CHECK.apply(rec, "filler.density", figure)
    assert info.value.message.startswith(
        f"filler.density: '{figure}' is outside the plausible 0.1-1.5 g/mL for a powder's bulk "
        "density"
    )
    assert info.value.code == "density-implausible"
    acked = Recorder(acknowledged=frozenset({"density-implausible"}))
    plausible.POWDER_DENSITY_CHECK.apply(acked, "filler.density", figure)
    (warning,) = acked.warnings
    assert (warning.code, warning.field) == ("density-implausible", "filler.density")


# --- the API lot: assay on every basis, water, loss on drying -----------------------------------

API_CASES = [
    # as-is assay of anhydrous HCl: 98.0-102.0 % less at most 5 % water -> 93.1-102.0 %
    ({"assay": pct("93.0")}, "assay-implausible", "api.assay"),
    ({"assay": pct("9.95")}, "assay-implausible", "api.assay"),
    ({"assay": pct("102.1")}, "assay-implausible", "api.assay"),
    # the dihydrate as is, as the dihydrate: 98 x 1.0954 x 0.8911 - 102 x 1.0954 x 0.9348
    ({"form": "hcl-dihydrate", "assay": pct("95.5")}, "assay-implausible", "api.assay"),
    # the dihydrate as is, as anhydrous HCl: 87.3-93.1 % (above is impossible: construction)
    (
        {"form": "hcl-dihydrate", "assay": pct("87.2"), "assay_as": "hcl"},
        "assay-implausible",
        "api.assay",
    ),
    # anhydrous and dried bases: the USP window 98.0-102.0 %
    (
        {
            "form": "hcl-dihydrate",
            "assay_basis": lc.AssayBasis.ANHYDROUS,
            "assay": pct("97.9"),
            "water_content": pct("8.7"),
        },
        "assay-implausible",
        "api.assay",
    ),
    (
        {
            "form": "hcl",
            "assay_basis": lc.AssayBasis.DRIED,
            "assay": pct("102.1"),
            "loss_on_drying": pct("0.5"),
        },
        "assay-implausible",
        "api.assay",
    ),
    # water: at most 5 % for a water-free form, 6.52-10.89 % for the dihydrate
    (
        {"form": "hcl", "assay_basis": lc.AssayBasis.ANHYDROUS, "water_content": pct("5.1")},
        "water-implausible",
        "api.water_content",
    ),
    (
        {
            "form": "hcl-dihydrate",
            "assay_basis": lc.AssayBasis.ANHYDROUS,
            "water_content": pct("10.9"),
        },
        "water-implausible",
        "api.water_content",
    ),
    (
        {"form": "hcl-dihydrate", "assay_basis": lc.AssayBasis.DRIED, "loss_on_drying": pct("6.5")},
        "water-implausible",
        "api.loss_on_drying",
    ),
    ({"bulk_density": lc.density("0.09 g/mL")}, "density-implausible", "api.bulk_density"),
    ({"bulk_density": lc.density("1.6 g/mL")}, "density-implausible", "api.bulk_density"),
]


@pytest.mark.parametrize(("lot", "code", "field"), API_CASES)
def test_an_implausible_certificate_figure_is_refused_unless_acknowledged(lot, code, field):
    args: dict[str, Any] = {"assay": pct("99.5"), **lot}
    err = refused("liquid", code, field, source=orders.api(**args))
    assert str(args.get("assay", "")) in err.message or field != "api.assay"


@pytest.mark.parametrize(
    "lot",
    [
        {"assay": pct("93.1")},
        {"assay": pct("102")},
        {"form": "hcl-dihydrate", "assay": pct("95.6")},
        {"form": "hcl-dihydrate", "assay": pct("104.5")},
        {"form": "hcl-dihydrate", "assay": pct("87.3"), "assay_as": "hcl"},
        {
            "form": "hcl-dihydrate",
            "assay_basis": lc.AssayBasis.ANHYDROUS,
            "assay": pct("98"),
            "water_content": pct("6.52"),
        },
        {
            "form": "hcl-dihydrate",
            "assay_basis": lc.AssayBasis.DRIED,
            "assay": pct("102"),
            "loss_on_drying": pct("10.89"),
        },
        {"form": "hcl", "assay_basis": lc.AssayBasis.ANHYDROUS, "water_content": pct("5")},
        {"bulk_density": lc.density("0.1 g/mL")},
        {"bulk_density": lc.density("1.5 g/mL")},
    ],
)
def test_the_windows_bounds_are_plausible(lot):
    args: dict[str, Any] = {"assay": pct("99.5"), **lot}
    result = accepted("liquid", source=orders.api(**args))
    assert not codes(result) & {"assay-implausible", "water-implausible", "density-implausible"}


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_every_preparation_refuses_the_same_assay_the_same_way(name):
    """9.95 % for 99.5 %: every dose would be ten times too strong."""
    refused(name, "assay-implausible", "api.assay", source=orders.api(assay=pct("9.95")))


@given(decimals("80", "110", 2))
def test_an_as_is_assay_is_used_exactly_when_plausible_or_acknowledged(assay):
    source = orders.api(assay=lc.Quantity(assay, lc.Unit.PERCENT))
    inside = Decimal("93.1") <= assay <= 102
    try:
        result = lc.formulate_liquid(orders.liquid(source=source))
    except lc.InputError as err:
        assert not inside and err.code == "assay-implausible"
    else:
        assert inside
    acked = lc.formulate_liquid(orders.liquid(source=source, acknowledge=("assay-implausible",)))
    assert ("assay-implausible" in codes(acked)) is not inside
    if inside:
        assert acked.batch == result.batch


def test_a_drug_without_certificate_data_says_its_figures_were_not_checked():
    drug = lc.Drug.from_salt_factor(
        "drug X", base_name="X", salt_name="X HCl", factor=Decimal("1.1")
    )
    result = accepted(
        "capsules",
        source=orders.tablets(drug=drug, average_weight=lc.mass("2 g")),
        acknowledge=("dose-above-range", "dose-below-range"),
    )
    assert "no-certificate-check" in codes(result)
    result = accepted(
        "liquid",
        source=orders.api(drug=drug, form="salt", assay=pct("50")),
        acknowledge=("dose-above-range", "dose-below-range"),
    )
    assert "no-certificate-check" in codes(result)


# --- commercial tablets ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["capsules", "troches"])
@pytest.mark.parametrize("weight", ["174.9 mg", "400.1 mg", "2014 mg"])
def test_a_tablet_weight_outside_the_marketed_window_is_refused(name, weight):
    err = refused(
        name,
        "tablet-weight-implausible",
        "tablets.average_weight",
        source=orders.tablets(average_weight=lc.mass(weight)),
    )
    assert "175-400 mg for a 50 mg tablet" in err.message


@pytest.mark.parametrize(
    ("strength", "weight"),
    [("25 mg", "100 mg"), ("50 mg", "175 mg"), ("50 mg", "400 mg"), ("100 mg", "800 mg")],
)
def test_marketed_strengths_and_weights_in_the_window_are_accepted(strength, weight):
    source = orders.tablets(strength=lc.mass(strength), average_weight=lc.mass(weight))
    result = accepted("capsules", source=source)
    assert not codes(result) & {"tablet-weight-implausible", "tablet-strength-unmarketed"}


def test_a_strength_stated_as_the_base_is_compared_as_the_hcl():
    """50 mg naltrexone HCl is labelled "equivalent to 45.2 mg naltrexone" (domain.md §1.2)."""
    source = orders.tablets(strength=lc.mass("45.2 mg"), strength_basis="base")
    assert "tablet-strength-unmarketed" not in codes(accepted("capsules", source=source))


@pytest.mark.parametrize("strength", ["5 mg", "30 mg", "75 mg"])
def test_a_strength_no_marketed_tablet_has_is_refused(strength):
    source = orders.tablets(
        strength=lc.mass(strength), average_weight=lc.mass("201.4 mg") * Decimal(1)
    )
    changes: dict[str, Any] = {"source": source}
    with pytest.raises(lc.InputError) as info:
        lc.formulate_capsules(orders.capsules(**changes))
    assert (info.value.code, info.value.field) == ("tablet-strength-unmarketed", "tablets.strength")
    assert "25 mg, 50 mg, 100 mg of naltrexone HCl" in info.value.message
    one_sentence(info.value)


@given(decimals("60", "1000", 1))
def test_tablet_powder_is_weight_over_strength_whenever_it_is_used(weight):
    source = orders.tablets(average_weight=lc.Quantity(weight, lc.Unit.MG))
    order = orders.liquid(source=source, acknowledge=("tablet-weight-implausible",))
    result = lc.formulate_liquid(order)
    inside = 175 <= weight <= 400
    assert ("tablet-weight-implausible" in codes(result)) is not inside
    if not inside:
        with pytest.raises(lc.InputError):
            lc.formulate_liquid(attrs.evolve(order, acknowledge=()))


def test_a_crushed_tablet_density_is_a_powders():
    refused(
        "capsules",
        "density-implausible",
        "tablets.powder_density",
        source=orders.tablets(powder_density=lc.density("2 g/mL")),
    )


# --- fillers, pack stats, droppers, molds, density factors ----------------------------------


def test_a_filler_density_outside_the_powder_window_is_refused():
    filler = lc.FillerLot(filler="mcc", density=lc.density("0.08 g/mL"))
    err = refused("capsules", "density-implausible", "filler.density", filler=filler)
    assert "0.1-1.5 g/mL" in err.message


@pytest.mark.parametrize("per_capsule", ["40 mg", "800 mg", "4.89 g"])
def test_a_pack_stat_implying_an_implausible_packed_density_is_refused(per_capsule):
    stat = lc.PackStat(size="1", filler_per_capsule=lc.mass(per_capsule))
    err = refused(
        "capsules",
        "pack-stat-implausible",
        "filler.pack_stat",
        filler=lc.FillerLot(filler="mcc", pack_stat=stat),
    )
    assert "size 1 capsule (0.5 mL)" in err.message


def test_a_plausible_pack_stat_is_accepted():
    stat = lc.PackStat(size="1", filler_per_capsule=lc.mass("489 mg"))  # lactose, UNC table
    result = accepted("capsules", filler=lc.FillerLot(filler="lactose", pack_stat=stat))
    assert "pack-stat-implausible" not in codes(result)


def test_a_pack_stat_is_held_to_its_filler_s_own_packing_window():
    # probe2 P3: MCC (table 0.30 g/mL loose) cannot pack 500 mg into a size 1 (1.0 g/mL)
    stat = lc.PackStat(size="1", filler_per_capsule=lc.mass("500 mg"))
    err = refused(
        "capsules",
        "pack-stat-implausible",
        "filler.pack_stat",
        filler=lc.FillerLot(filler="mcc", pack_stat=stat),
    )
    assert (
        "a packed density of 1 g/mL, outside the plausible 0.15-0.6 g/mL for microcrystalline "
        "cellulose (Avicel PH-102) (half to twice its 0.3 g/mL)" in err.message
    )
    # the same figure is lactose's own packing (UNC table): accepted
    result = accepted("capsules", filler=lc.FillerLot(filler="lactose", pack_stat=stat))
    assert "pack-stat-implausible" not in codes(result)


def test_a_filler_without_a_table_density_keeps_the_powder_window():
    stat = lc.PackStat(size="1", filler_per_capsule=lc.mass("500 mg"))
    result = accepted("capsules", filler=lc.FillerLot(filler="sucrose", pack_stat=stat))
    assert "pack-stat-implausible" not in codes(result)


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from([f.key for f in FILLERS if f.density is not None]),
    size=st.sampled_from(["0", "1", "3"]),
    factor=st.decimals(min_value=Decimal("0.2"), max_value=Decimal(3), places=2),
)
def test_a_filler_s_pack_stat_is_refused_exactly_outside_half_to_twice_its_density(
    key, size, factor
):
    spec = next(f for f in FILLERS if f.key == key)
    assert spec.density is not None
    table = spec.density.m_as(lc.Unit.G_PER_ML)
    volume = next(s for s in CAPSULE_SIZES if s.code == size).volume.m_as(lc.Unit.ML)
    packed = table * factor
    per_capsule = (packed * volume * 1000).quantize(Decimal("0.1"))
    implied = per_capsule / 1000 / volume
    inside = max(Decimal("0.1"), table / 2) <= implied <= min(Decimal("1.5"), table * 2)
    stat = lc.PackStat(size=size, filler_per_capsule=lc.mass(f"{per_capsule} mg"))
    order = orders.ORDERS["capsules"](filler=lc.FillerLot(filler=key, pack_stat=stat))
    try:
        orders.FORMULATE["capsules"](order)
    except lc.LdnCompoundError as err:
        # refused for this figure exactly when it is outside; a figure inside may still leave
        # too little room for the dose (another refusal, not this check's)
        assert (err.code == "pack-stat-implausible") == (not inside), err.message
    else:
        assert inside, (key, size, implied)


@pytest.mark.parametrize(("drops", "volume"), [(19, "2 mL"), (61, "1 mL"), (100, "1.5 mL")])
def test_a_dropper_outside_the_oral_window_is_refused(drops, volume):
    cal = lc.calibrate_dropper(drops=drops, volume=lc.volume(volume), dropper="d")
    err = refused("drops", "dropper-implausible", "calibration.drops", calibration=cal)
    assert "10-60 drops/mL" in err.message


@pytest.mark.parametrize(("drops", "volume"), [(20, "2 mL"), (60, "1 mL")])
def test_a_dropper_at_the_windows_bounds_is_accepted(drops, volume):
    cal = lc.calibrate_dropper(drops=drops, volume=lc.volume(volume), dropper="d")
    assert "dropper-implausible" not in codes(accepted("drops", calibration=cal))


@pytest.mark.parametrize("blank", ["250 mg", "6 g"])
def test_a_blank_weight_outside_the_troche_window_is_refused(blank):
    mold = lc.MoldCalibration(blank_weight=lc.mass(blank), blanks_weighed=24)
    refused("troches", "blank-weight-implausible", "mold.blank_weight", mold=mold)


def test_a_blank_weight_that_does_not_fit_the_cavity_is_refused():
    """465 mg in a 0.93 mL cavity is 0.5 g/mL: no molded base is that light."""
    mold = lc.MoldCalibration(
        blank_weight=lc.mass("465 mg"), blanks_weighed=24, cavity_volume=lc.volume("0.93 mL")
    )
    err = refused("troches", "blank-weight-implausible", "mold.cavity_volume", mold=mold)
    assert "0.7-2 g/mL" in err.message
    typical = accepted("troches", mold=lc.MoldCalibration.typical("medisca-rdt"))
    assert "blank-weight-implausible" not in codes(typical)


def test_a_base_density_outside_the_molded_base_window_is_refused():
    base = lc.BaseLot(base="peg", lot="P1", expiry=EXP, density=lc.density("0.5 g/mL"))
    refused("troches", "density-implausible", "base.density", base=base)


@pytest.mark.parametrize("factor", ["0.4", "6"])
def test_a_density_factor_outside_the_usual_range_is_refused(factor):
    refused(
        "troches",
        "density-factor-unusual",
        "drug_displacement",
        drug_displacement=lc.Displacement.of(Decimal(factor)),
    )


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_a_compounding_date_ahead_of_today_is_refused(name):
    assert accepted(name, compounded_on=DAY + dt.timedelta(days=1)).bud.compounded_on > DAY
    err = refused(
        name, "compounded-on-future", "compounded_on", compounded_on=DAY + dt.timedelta(days=2)
    )
    assert "more than 1 day after today (2026-11-21)" in err.message


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_a_compounding_date_whose_bud_has_passed_is_refused(name):
    made = accepted(name)
    gone = made.bud.compounded_on - (made.bud.date - DAY) - dt.timedelta(days=1)
    source = (orders.tablets if name in ("capsules", "troches") else orders.api)(
        expiry=dt.date(2032, 1, 1)
    )
    kept = accepted(name, compounded_on=gone + dt.timedelta(days=1), source=source)
    assert kept.bud.date == DAY  # usable today, its last day
    err = refused(name, "bud-already-past", "compounded_on", compounded_on=gone, source=source)
    assert "already past today (2026-11-21)" in err.message


def test_today_given_by_the_caller_is_the_reference():
    source = orders.tablets(expiry=dt.date(2032, 1, 1))
    order = orders.capsules(compounded_on=dt.date(2030, 1, 1), source=source)
    assert lc.formulate_capsules(order, today=dt.date(2030, 1, 1)).bud.compounded_on.year == 2030
    with pytest.raises(lc.InputError) as info:
        lc.formulate_capsules(orders.capsules(source=source), today=dt.date(2030, 1, 1))
    assert info.value.code == "bud-already-past"


def test_a_titration_kit_compounds_its_later_fills_on_their_own_days():
    """A kit's later fills are dated ahead (each compounded on its first day): they are
    checked against that day, not refused as dates in the future."""
    result = test_titration.liquid_kit([lc.parse_step("0.5 mg:14"), lc.parse_step("1 mg:14")])
    starts = [f.start for f in result.fills]
    assert len(starts) > 1 and starts[-1] > DAY + dt.timedelta(days=1)


def kit(start: dt.date, acknowledge: tuple[str, ...] = ()) -> lc.TitrationResult:
    # no compounding date: the kit is compounded today, its capsules lasting 180 days (a
    # 14-day liquid made today would expire before a start a month ahead: bud-before-start)
    template = attrs.evolve(test_titration.TEMPLATE, acknowledge=acknowledge, compounded_on=None)
    return lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("1 mg:14"),),
            maintenance=lc.mass("4.5 mg"),
            maintenance_days=30,
            start=start,
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=template),
        )
    )


def test_a_kit_starting_months_ahead_is_refused_unless_acknowledged():
    assert "compounded-on-future" not in codes(kit(DAY + dt.timedelta(days=30)))
    with pytest.raises(lc.InputError) as info:
        kit(dt.date(2062, 11, 21))
    assert (info.value.code, info.value.field) == ("compounded-on-future", "start")
    assert "more than 30 days after today (2026-11-21)" in info.value.message
    one_sentence(info.value)
    later = kit(DAY + dt.timedelta(days=45), acknowledge=("compounded-on-future",))
    assert "compounded-on-future" in codes(later)


def test_the_command_line_names_the_kits_start():
    res = CliRunner().invoke(
        cli,
        [
            "titrate",
            "--step",
            "1.5 mg:14",
            "--maintenance",
            "4.5 mg",
            "--maintenance-days",
            "30",
            "--start",
            "2062-11-21",
            "--form",
            "capsules",
            "--source",
            "tablets",
            "--tablet-weight",
            "201.4 mg",
            "--expiry",
            "2028-01-01",
        ],
    )
    assert res.exit_code == 2, res.output
    assert "Error: --start: '2062-11-21' is more than 30 days after today" in res.output


def label_order(**kw: Any) -> lc.LabelOrder:
    return lc.LabelOrder(
        patient="Jane Doe",
        prescriber="Dr A. Smith",
        pharmacy=PHARMACY,
        rx_number="RX-1",
        record_id="CR-1",
        **kw,
    )


def test_no_label_is_printed_past_the_bud():
    result = accepted("liquid")
    assert lc.build_label(result, label_order(), today=result.bud.date).bud == result.bud.date
    with pytest.raises(lc.InputError) as info:
        lc.build_label(result, label_order(), today=result.bud.date + dt.timedelta(days=1))
    assert (info.value.code, info.value.field) == ("bud-already-past", "bud")
    one_sentence(info.value)


def test_an_acknowledged_date_still_labels_and_verifies():
    """A label and a record's verification compute the result again on its date compounded,
    where a check against today cannot warn: those warnings are left out of the comparison."""
    ahead = accepted(
        "capsules",
        compounded_on=DAY + dt.timedelta(days=3),
        acknowledge=("compounded-on-future",),
    )
    assert "compounded-on-future" in codes(ahead)
    assert lc.build_label(ahead, label_order()).bud == ahead.bud.date
    record = lc.make_record(ahead, record_id="R-1", compounded_by="A. Pharmacist")
    report = lc.verify_record(json.loads(lc.dumps(record)))
    assert not report.differences, report.differences
    edited = json.loads(lc.dumps(record))
    edited["result"]["count"] = 31
    assert not lc.verify_record(edited).ok


def test_the_command_line_refuses_a_label_past_the_bud():
    stale = lc.formulate_capsules(
        orders.capsules(compounded_on=dt.date(2026, 1, 2), acknowledge=("bud-already-past",))
    )
    assert "bud-already-past" in codes(stale)
    res = CliRunner().invoke(
        cli,
        [
            "label",
            "-",
            "--patient",
            "Jane Doe",
            "--prescriber",
            "Dr Smith",
            "--pharmacy-name",
            "Main St Pharmacy",
            "--pharmacy-address",
            "1 Main St",
            "--pharmacy-phone",
            "555-0100",
            "--rx",
            "RX1",
        ],
        input=lc.dumps(stale),
    )
    assert res.exit_code == 2, res.output
    assert "bud: '2026-06-30' has already passed (today is 2026-11-21)" in res.output
    assert "Traceback" not in res.output


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_refuses_and_acknowledges_with_the_code():
    args = orders.command("capsules", **{"--tablet-weight": "2014 mg"})
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    error = next(line for line in res.output.splitlines() if line.startswith("Error: "))
    assert error.startswith("Error: --tablet-weight: '2014 mg' is outside the plausible 175-400 mg")
    assert error.endswith("if the figure is right.")
    res = CliRunner().invoke(cli, [*args, "--acknowledge", "tablet-weight-implausible"])
    assert res.exit_code == 0, res.output
    assert "tablet-weight-implausible" in res.output


def test_the_command_line_refuses_a_pack_stat_foreign_to_its_filler():
    args = orders.command(
        "capsules", **{"--filler": "mcc", "--pack-stat": "500 mg", "--pack-stat-size": "1"}
    )
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "Error: --pack-stat: '500 mg' in a size 1 capsule" in res.output
    assert "0.15-0.6 g/mL for microcrystalline cellulose" in res.output
    res = CliRunner().invoke(cli, [*args, "--acknowledge", "pack-stat-implausible"])
    assert res.exit_code == 0, res.output
