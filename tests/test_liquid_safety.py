"""Liquid, drops and BUD refusals added for the hostile tester's findings (probe F5, F10, F21,
F24, F25, F30, F33, F37): each refusal names the field (the option on the command line), the
value and what was expected; the implausible-but-possible ones are lifted by an
acknowledgement, with a warning that names it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli
from test_liquid_labels_records import label_order

import ldncompound as lc
from ldncompound import Unit
from ldncompound._vehicles import NO_PRESERVATIVE, PRESERVATIVES

EXP = orders.EXP


def codes(result: object) -> set[str]:
    return {w.code for w in result.warnings}  # type: ignore[attr-defined]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def refused(error: type[Exception], build, code: str, field: str) -> Exception:
    with pytest.raises(error) as info:
        build()
    assert (info.value.code, info.value.field) == (code, field)  # type: ignore[attr-defined]
    assert str(info.value).startswith(f"{field}: ")
    return info.value


def declared(preservative: str | None) -> lc.VehicleLot:
    vehicle = lc.Vehicle.declared(name="house water", aqueous=True, preservative=preservative)
    return lc.VehicleLot(vehicle=vehicle, lot="H", expiry=EXP)


def added(name: str) -> tuple[lc.LiquidAdditive, ...]:
    return (lc.LiquidAdditive(role=lc.AdditiveRole.PRESERVATIVE, name=name, lot="P", expiry=EXP),)


# --- F25: a preservative named "none" ------------------------------------------------------


NONE_WORDS = ["none", "None", "n/a", "-", "no preservative", "preservative-free", "water", " NIL "]


@pytest.mark.parametrize("word", NONE_WORDS)
def test_a_word_meaning_none_is_never_a_preservative(word):
    room = lc.Storage.ROOM
    err = refused(
        lc.InputError,
        lambda: lc.formulate_liquid(orders.liquid(vehicle=declared(word), storage=room)),
        "preservative-none",
        "vehicle.preservative",
    )
    assert "means no preservative" in str(err)
    refused(
        lc.InputError,
        lambda: lc.formulate_liquid(orders.liquid(additives=added(word), storage=room)),
        "preservative-none",
        "preservative.name",
    )
    refused(
        lc.InputError,
        lambda: lc.formulate_drops(orders.drops(additives=added(word))),
        "preservative-none",
        "preservative.name",
    )


@given(
    st.sampled_from(sorted(NO_PRESERVATIVE)),
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
)
def test_none_words_are_refused_in_any_case_and_spacing(word, pad, upper):
    text = pad + (word.upper() if upper else word) + pad
    with pytest.raises(lc.InputError) as info:
        lc.formulate_liquid(orders.liquid(vehicle=declared(text)))
    assert info.value.code == "preservative-none"


def test_an_unknown_preservative_needs_an_acknowledgement():
    name = "grapefruit seed extract"
    err = refused(
        lc.InputError,
        lambda: lc.formulate_liquid(orders.liquid(vehicle=declared(name))),
        "preservative-unknown",
        "vehicle.preservative",
    )
    assert "'preservative-unknown'" in str(err)
    r = lc.formulate_liquid(
        orders.liquid(vehicle=declared(name), acknowledge=("preservative-unknown",))
    )
    assert r.bud.category is lc.BudCategory.AQUEOUS_PRESERVED
    assert "preservative-unknown" in codes(r)


@pytest.mark.parametrize(
    "name",
    [
        "sodium benzoate",
        "Methyl paraben, propyl-paraben",
        "sodium benzoate (0.1 % w/v)",
        "potassium sorbate and sorbic acid",
        *PRESERVATIVES,
    ],
)
def test_known_preservatives_make_water_preserved(name):
    r = lc.formulate_liquid(orders.liquid(additives=added(name), storage=lc.Storage.ROOM))
    assert r.bud.category is lc.BudCategory.AQUEOUS_PRESERVED
    assert "preservative-unknown" not in codes(r)


@given(st.sampled_from(PRESERVATIVES), st.sampled_from([" ", "-", ""]), st.booleans())
def test_known_preservatives_are_read_in_any_case_and_spelling(name, gap, upper):
    """'Methyl-Paraben', 'SODIUM BENZOATE', 'sodiumbenzoate': the same preservative."""
    text = name.replace(" ", gap).replace("paraben", f"{gap}paraben")
    text = text.upper() if upper else text.title()
    r = lc.formulate_liquid(orders.liquid(vehicle=declared(text)))
    assert r.bud.category is lc.BudCategory.AQUEOUS_PRESERVED


def test_a_troche_base_preservative_named_none_is_refused():
    base = lc.BaseLot(base="peg", lot="P1", expiry=EXP, preservative="none")
    refused(
        lc.InputError,
        lambda: lc.formulate_troches(orders.troches(base=base)),
        "preservative-none",
        "base.preservative",
    )


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--added-preservative", "none", "--storage", "room"), "--added-preservative"),
        (
            ("--vehicle", None, "--vehicle-name", "water", "--aqueous", "--preservative", "n/a"),
            "--preservative",
        ),
    ],
)
def test_cli_refuses_a_preservative_meaning_none(args, option):
    line = orders.command("liquid", **{"--vehicle-lot": None, "--vehicle-expiry": None})
    if args[1] is None:  # a declared vehicle instead of the table's
        line = orders.command(
            "liquid", **{"--vehicle": None, "--vehicle-lot": None, "--vehicle-expiry": None}
        )
        args = args[2:]
    res = run(*line, *args)
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"Error: {option}") or f"{option}: " in res.output
    assert "Traceback" not in res.output


# --- F5: a study-supported BUD beyond 180 days ---------------------------------------------------


def study(days: int, storage: lc.Storage = lc.Storage.REFRIGERATOR) -> lc.StudyBud:
    return lc.StudyBud(
        reference="S", days=days, storage=storage, matches_formula_vehicle_container=True
    )


def test_a_study_bud_beyond_180_days_needs_an_acknowledgement():
    preserved = lc.VehicleLot(vehicle=lc.vehicle("nz-preserved"), lot="V", expiry=EXP)
    assert lc.formulate_liquid(orders.liquid(vehicle=preserved, study=study(180))).bud.days == 180
    err = refused(
        lc.InputError,
        lambda: lc.formulate_liquid(orders.liquid(vehicle=preserved, study=study(3650))),
        "study-bud-above-limit",
        "study.days",
    )
    assert "3650" in str(err) and "180 days" in str(err)
    r = lc.formulate_liquid(
        orders.liquid(vehicle=preserved, study=study(365), acknowledge=("study-bud-above-limit",))
    )
    assert r.bud.date == dt.date(2027, 11, 20)
    assert {"bud-from-study", "study-bud-above-limit"} <= codes(r)


def test_a_study_bud_for_unpreserved_water_is_warned_about():
    r = lc.formulate_liquid(orders.liquid(study=study(30)))
    assert r.bud.days == 30
    warning = next(w for w in r.warnings if w.code == "study-bud-unpreserved-aqueous")
    assert "30 days" in warning.message and "14 days" in warning.message
    preserved = lc.VehicleLot(vehicle=lc.vehicle("nz-preserved"), lot="V", expiry=EXP)
    assert "study-bud-unpreserved-aqueous" not in codes(
        lc.formulate_liquid(orders.liquid(vehicle=preserved, study=study(30)))
    )


def test_cli_refuses_a_ten_year_study_bud():
    res = run(
        *orders.command("liquid"),
        "--storage",
        "refrigerator",
        "--study-reference",
        "S",
        "--study-days",
        "3650",
        "--study-confirmed",
    )
    assert res.exit_code == 2, res.output
    assert "--study-days" in res.output and "study-bud-above-limit" in res.output


# --- F30: a BUD on the compounding day; fills cut by a component -------------------------------


def test_a_bud_on_the_compounding_day_is_refused_unless_acknowledged():
    source = orders.api(expiry=orders.DAY)
    err = refused(
        lc.InputError,
        lambda: lc.formulate_liquid(orders.liquid(source=source)),
        "bud-on-compounding-day",
        "active.expiry",
    )
    assert orders.DAY.isoformat() in str(err)
    refused(
        lc.InputError,
        lambda: lc.formulate_capsules(orders.capsules(source=orders.tablets(expiry=orders.DAY))),
        "bud-on-compounding-day",
        "active.expiry",
    )
    r = lc.formulate_capsules(
        orders.capsules(
            source=orders.tablets(expiry=orders.DAY), acknowledge=("bud-on-compounding-day",)
        )
    )
    assert r.bud.date == orders.DAY
    warning = next(w for w in r.warnings if w.code == "bud-shorter-than-supply")
    assert "of at most 1 day each" in warning.message and "1 days" not in warning.message


def test_fills_cut_by_an_expiring_component_say_so():
    source = orders.api(expiry=orders.DAY + dt.timedelta(days=4))
    r = lc.formulate_liquid(orders.liquid(source=source, days_supply=30))
    assert r.fills is not None and r.fills.days_per_fill == 5
    warning = next(w for w in r.warnings if w.code == "component-expires-before-supply")
    assert "cut to 5 days" in warning.message and "up to 14 days" in warning.message
    assert "component-expires-before-supply" not in codes(
        lc.formulate_liquid(orders.liquid(days_supply=30))
    )


# --- F21: a declared syringe finer than any oral syringe ----------------------------------------


def syringe(capacity: str, graduation: str, name: str | None = None) -> lc.MeasuringDevice:
    return lc.MeasuringDevice.declared(
        name=name or f"{capacity} oral syringe",
        kind=lc.DeviceKind.ORAL_SYRINGE,
        capacity=lc.volume(capacity),
        graduation=lc.volume(graduation),
    )


@pytest.mark.parametrize(("capacity", "graduation"), [("5 mL", "0.001 mL"), ("10 mL", "0.05 mL")])
def test_a_syringe_scale_no_oral_syringe_has_is_refused(capacity, graduation):
    fine = syringe(capacity, graduation)
    err = refused(
        lc.InputError,
        lambda: lc.formulate_liquid(orders.liquid(syringe=fine)),
        "syringe-graduation-implausible",
        "syringe.graduation",
    )
    assert graduation in str(err)


def test_an_acknowledged_fine_syringe_is_named_with_its_scale():
    fine = syringe("5 mL", "0.001 mL", name="5 mL oral syringe")
    conc = lc.Quantity(Decimal(2), Unit.MG_PER_ML)
    r = lc.formulate_liquid(
        orders.liquid(
            syringe=fine, concentration=conc, acknowledge=("syringe-graduation-implausible",)
        )
    )
    assert "syringe-graduation-implausible" in codes(r)
    assert "5 mL oral syringe (0.001 mL marks)" in r.label.dose_measure
    label = lc.build_label(r, label_order())
    assert label.directions.endswith("measured with the 5 mL oral syringe (0.001 mL marks).")


def test_table_and_self_describing_syringes_keep_their_names():
    assert lc.device("oral-5ml").label_name == "5 mL oral syringe"
    assert syringe("5 mL", "0.2 mL").label_name == "5 mL oral syringe"  # the table's syringe
    assert syringe("5 mL", "0.1 mL").label_name == "5 mL oral syringe (0.1 mL marks)"
    named = syringe("5 mL", "0.1 mL", name="5 mL oral syringe (0.1 mL scale)")
    assert named.label_name == "5 mL oral syringe (0.1 mL scale)"


def test_cli_names_the_syringe_graduation_option():
    res = run(
        *orders.command("liquid"),
        "--syringe-capacity",
        "5 mL",
        "--syringe-graduation",
        "0.001 mL",
    )
    assert res.exit_code == 2, res.output
    assert "--syringe-graduation" in res.output


# --- F33: a dose below the measurable share; a stated solubility's window ----------------------


def test_a_stated_solubility_has_a_window():
    refused(
        lc.InputError,
        lambda: lc.formulate_liquid(
            orders.liquid(solubility=lc.Quantity(Decimal(200), Unit.MG_PER_ML))
        ),
        "solubility-implausible",
        "solubility",
    )
    ok = lc.formulate_liquid(orders.liquid(solubility=lc.Quantity(Decimal(150), Unit.MG_PER_ML)))
    assert ok.batch.solubility == lc.Quantity(Decimal(150), Unit.MG_PER_ML)
    acked = lc.formulate_liquid(
        orders.liquid(
            solubility=lc.Quantity(Decimal(200), Unit.MG_PER_ML),
            acknowledge=("solubility-implausible",),
        )
    )
    assert "solubility-implausible" in codes(acked)


def test_the_probe_s_0_03_ml_dose_is_refused():
    """4.5 mg at 150 mg/mL with a stated 200 mg/mL solubility on a 1 mL syringe: 0.03 mL."""
    res = run(
        *orders.command("liquid", **{"--concentration": "150 mg/mL", "--days": None}),
        "--volume",
        "10 mL",
        "--syringe",
        "oral-1ml",
        "--solubility",
        "200 mg/mL",
        "--acknowledge",
        "solubility-implausible",
    )
    assert res.exit_code == 2, res.output
    assert "--concentration" in res.output and "dose-below-measurable-fraction" in res.output


# --- F10: no "completely dissolved" and no aliquot when the solubility is unknown --------------


def oil_drops(**kw) -> lc.DropsOrder:
    oil = lc.VehicleLot(vehicle=lc.vehicle("mct-oil"), lot="O", expiry=EXP)
    base = {"dose": lc.mass("1.5 mg"), "days_supply": 14, "vehicle": oil}
    return orders.drops(**(base | kw))


def test_an_aliquot_needs_a_known_solubility():
    err = refused(
        lc.InputError,
        lambda: lc.formulate_drops(oil_drops()),
        "aliquot-solubility-unknown",
        "solubility",
    )
    assert "medium-chain triglyceride oil" in str(err)
    r = lc.formulate_drops(oil_drops(acknowledge=("aliquot-solubility-unknown",)))
    text = " ".join(r.batch.process)
    assert "completely" not in text and "stock solution" not in text
    assert "its solubility was not checked" in text
    given_ = lc.formulate_drops(oil_drops(solubility=lc.Quantity(Decimal(20), Unit.MG_PER_ML)))
    assert "mix until completely dissolved (stock solution" in " ".join(given_.batch.process)


# --- F24: the measuring equipment the plan assumed is echoed -----------------------------------


def test_the_table_devices_used_are_echoed_as_defaults():
    r = lc.formulate_liquid(orders.liquid())
    echoed = {d.field: d for d in r.defaults if d.field.startswith("equipment.")}
    assert f"equipment.{r.batch.final_device.key}" in echoed
    plan = r.batch.plan
    assert plan is not None
    for device in (plan.stock_device, plan.aliquot_device):
        if device is not None:
            assert f"equipment.{device.key}" in echoed
    assert all("[" in d.source and "device table" in d.source for d in echoed.values())
    mine = lc.formulate_liquid(orders.liquid(equipment=lc.DEVICES))
    assert not any(d.field.startswith("equipment.") for d in mine.defaults)


# --- F37: drops labels state exact amounts --------------------------------------------------


def thirty_five_drops(**kw) -> lc.DropsOrder:
    cal = lc.calibrate_dropper(drops=35, volume=lc.volume("2 mL"), dropper="D1")
    return orders.drops(**({"dose": lc.mass("1 mg"), "calibration": cal, "days_supply": 14} | kw))


def test_a_repeating_decimal_per_drop_is_refused():
    err = refused(
        lc.InputError,
        lambda: lc.formulate_drops(thirty_five_drops(dose_per_drop=lc.mass("0.3333 mg"))),
        "dose-per-drop-repeating",
        "dose_per_drop",
    )
    assert "0.25 mg (4 drops)" in str(err) or "0.5 mg (2 drops)" in str(err)
    refused(
        lc.FormulationError,
        lambda: lc.formulate_drops(
            thirty_five_drops(concentration=lc.Quantity(Decimal("5.833"), Unit.MG_PER_ML))
        ),
        "dose-per-drop-repeating",
        "concentration",
    )


def test_the_label_states_the_prescribed_dose_over_its_drops():
    """40 drops in 2.3 mL: 0.25 mg a drop needs 4.348 mg/mL (4 figures), which puts
    0.2500098 mg in a drop; the label states 0.25 mg, the prescribed 1 mg over 4 drops."""
    cal = lc.calibrate_dropper(drops=40, volume=lc.volume("2.3 mL"), dropper="D1")
    r = lc.formulate_drops(thirty_five_drops(calibration=cal))
    label = lc.build_label(r, label_order())
    assert f"({r.dose.magnitude / r.drops_per_dose} mg per drop)" in label.strength_text
