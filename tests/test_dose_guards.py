"""Dose guards and cross-field checks in every preparation, kit and label (issue 7).

A dose outside the drug's profile (above 5 mg, in the microgram range, above 5 mg a day) is
blocked unless the order acknowledges it; the quantity dispensed must hold at least one day's
doses; a label must say what was compounded; and the refusals that keep a liquid measurable
(solubility, batch size, syringe) give their reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound import Quantity, Unit

PREPARATIONS = list(orders.ORDERS)
PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")


def codes(result) -> list[str]:
    return [w.code for w in result.warnings]


def formulate(name: str, **changes):
    return orders.FORMULATE[name](orders.ORDERS[name](**changes))


def refused(name: str, **changes) -> lc.LdnCompoundError:
    with pytest.raises(lc.LdnCompoundError) as info:
        formulate(name, **changes)
    return info.value


def one_sentence(err: lc.LdnCompoundError) -> None:
    """The refusal names its field first and is one sentence."""
    assert err.field is not None
    assert err.message.startswith((f"{err.field}:", f"{err.field} "))
    assert err.message.endswith(".") and "\n" not in err.message


@pytest.mark.parametrize("name", PREPARATIONS)
def test_the_valid_orders_compute(name):
    assert formulate(name).order == orders.ORDERS[name]()


# --- the dose range, per dose and per day ---------------------------------------------------------


@pytest.mark.parametrize("name", PREPARATIONS)
@pytest.mark.parametrize(
    ("dose", "per_day", "code", "field"),
    [
        ("45 mg", "1", "dose-above-range", "dose"),  # 45 typed for 4.5
        ("4.5 mcg", "1", "dose-below-range", "dose"),  # mcg typed for mg
        ("0.09 mg", "1", "dose-below-range", "dose"),
        ("5.01 mg", "1", "dose-above-range", "dose"),
        ("4.5 mg", "2", "daily-dose-above-range", "doses_per_day"),
        ("2.5 mg", "3", "daily-dose-above-range", "doses_per_day"),
    ],
)
def test_every_preparation_blocks_a_dose_outside_the_profile(name, dose, per_day, code, field):
    err = refused(name, dose=lc.mass(dose), doses_per_day=Decimal(per_day))
    assert isinstance(err, lc.InputError)
    assert (err.code, err.field) == (code, field)
    one_sentence(err)
    assert repr(code) in err.message  # it names the acknowledgement that would let it through


@pytest.mark.parametrize("name", PREPARATIONS)
@pytest.mark.parametrize(
    ("dose", "per_day"), [("5 mg", "1"), ("0.1 mg", "1"), ("2.5 mg", "2"), ("100 mcg", "1")]
)
def test_the_limits_themselves_are_in_range(name, dose, per_day):
    # a liquid's concentration is suggested, so that the syringe measures every one of them
    extra = {"concentration": None} if name == "liquid" else {}
    result = formulate(name, dose=lc.mass(dose), doses_per_day=Decimal(per_day), **extra)
    assert not {"dose-above-range", "dose-below-range", "daily-dose-above-range"} & set(
        codes(result)
    )


ACKNOWLEDGED = {
    # the liquid needs a concentration its syringe measures the dose at
    "liquid": {"concentration": Quantity(Decimal("0.1"), Unit.MG_PER_ML)},
}


@pytest.mark.parametrize("name", PREPARATIONS)
@pytest.mark.parametrize(
    ("dose", "per_day", "code"),
    [
        ("0.05 mg", "1", "dose-below-range"),
        ("1 mg", "6", "daily-dose-above-range"),
    ],
)
def test_an_acknowledged_dose_computes_with_the_warning(name, dose, per_day, code):
    changes = {"dose": lc.mass(dose), "doses_per_day": Decimal(per_day), "acknowledge": (code,)}
    if name in ("capsules", "troches"):
        changes["count"] = 30
    result = formulate(name, **(changes | ACKNOWLEDGED.get(name, {})))
    assert codes(result).count(code) == 1


def test_a_dose_above_the_range_is_acknowledged_for_capsules():
    both = ("dose-above-range", "daily-dose-above-range")
    with pytest.raises(lc.InputError) as info:  # 6 mg once a day is also above 5 mg a day
        formulate("capsules", dose=lc.mass("6 mg"), acknowledge=both[:1])
    assert info.value.code == "daily-dose-above-range"
    result = formulate("capsules", dose=lc.mass("6 mg"), acknowledge=both)
    warning = next(w for w in result.warnings if w.code == "dose-above-range")
    assert warning.field == "dose" and "acknowledged on the order" in warning.message


def test_the_dose_basis_is_converted_before_the_range_check():
    """5 mg of naltrexone HCl dihydrate is 5 x 377.86 / 413.89 = 4.565 mg of HCl (in range);
    5.5 mg of the base is 5.5 x 377.86 / 341.41 = 6.087 mg of HCl (above)."""
    formulate("capsules", dose=lc.mass("5 mg"), dose_basis="hcl-dihydrate")
    err = refused("capsules", dose=lc.mass("5.5 mg"), dose_basis="base")
    assert err.code == "dose-above-range"


# --- titration kits: every step, not only the strengths compounded -------------------------------

START = dt.date(2026, 12, 1)


def kit(steps, *, maintenance="4.5 mg", per_day=None, form="capsules", acknowledge=()):
    # a liquid or drops template states the kit's doses a day (a kit and template that
    # disagree are refused)
    same = {} if per_day is None else {"doses_per_day": Decimal(per_day)}
    template = {
        "capsules": lambda: lc.CapsuleKit(
            template=orders.capsules(count=1, doses_per_day=None, acknowledge=acknowledge)
        ),
        "liquid": lambda: lc.LiquidKit(template=orders.liquid(acknowledge=acknowledge, **same)),
        "drops": lambda: lc.DropsKit(template=orders.drops(acknowledge=acknowledge, **same)),
    }[form]()
    return lc.plan_titration(
        lc.TitrationOrder(
            steps=tuple(lc.parse_step(s) for s in steps),
            maintenance=lc.mass(maintenance),
            maintenance_days=14,
            start=START,
            form=lc.KitForm(form),
            doses_per_day=None if per_day is None else Decimal(per_day),
            **{form: template},
        )
    )


def test_a_step_of_two_capsules_is_checked_as_the_dose_taken():
    """9 mg is two 4.5 mg capsules: the 4.5 mg batch is in range, the dose taken is not."""
    with pytest.raises(lc.InputError) as info:
        kit(["4.5 mg:7", "9 mg:7"])
    assert (info.value.code, info.value.field) == ("dose-above-range", "steps[1].dose")
    one_sentence(info.value)
    both = ("dose-above-range", "daily-dose-above-range")
    result = kit(["4.5 mg:7", "9 mg:7"], maintenance="9 mg", acknowledge=both)
    assert {"dose-above-range", "daily-dose-above-range"} <= set(codes(result))


@pytest.mark.parametrize("form", ["capsules", "liquid", "drops"])
def test_the_kit_daily_total_is_checked(form):
    """Each capsule batch is made without a frequency; the kit's 2 doses a day of 4.5 mg are
    9 mg a day all the same."""
    with pytest.raises(lc.InputError) as info:
        kit(["1.5 mg:7", "3 mg:7"], per_day="2", form=form)
    assert (info.value.code, info.value.field) == ("daily-dose-above-range", "doses_per_day")


def test_a_microgram_step_and_maintenance_are_checked():
    with pytest.raises(lc.InputError) as info:
        kit(["0.5 mg:7", "1.5 mcg:7"])
    assert (info.value.code, info.value.field) == ("dose-below-range", "steps[1].dose")
    with pytest.raises(lc.InputError) as info:
        kit(["0.5 mg:7"], maintenance="45 mg")
    assert (info.value.code, info.value.field) == ("dose-above-range", "maintenance")


def test_a_kit_of_a_drug_without_a_profile_warns_once():
    drug = lc.Drug.from_salt_factor(
        "examplamine", base_name="examplamine", salt_name="examplamine HCl", factor=Decimal("1.1")
    )
    template = orders.capsules(
        count=1, doses_per_day=None, source=orders.tablets(drug=drug, strength=lc.mass("50 mg"))
    )
    result = lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("1 mg:7"), lc.parse_step("2 mg:7")),
            maintenance=lc.mass("3 mg"),
            maintenance_days=7,
            start=START,
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=template),
        )
    )
    assert codes(result).count("no-dose-range-check") == 1


# --- the quantity dispensed holds at least one day's doses --------------------------------------


@pytest.mark.parametrize("name", ["capsules", "troches"])
def test_a_count_below_one_days_doses_is_refused(name):
    """A count of 2 at 3 doses a day (a swapped or shifted cell, most often)."""
    err = refused(name, dose=lc.mass("1 mg"), count=2, doses_per_day=Decimal(3))
    assert (type(err), err.code, err.field) == (lc.InputError, "less-than-one-day", "count")
    one_sentence(err)
    assert formulate(name, dose=lc.mass("1 mg"), count=3, doses_per_day=Decimal(3))


@pytest.mark.parametrize("name", ["liquid", "drops"])
def test_a_volume_below_one_days_doses_is_refused(name):
    """1 mg twice a day: a volume of one and a half doses holds less than one day."""
    one_dose = formulate(name, dose=lc.mass("1 mg")).dose_volume.m_as(Unit.ML)
    changes = {"dose": lc.mass("1 mg"), "doses_per_day": Decimal(2), "days_supply": None}
    err = refused(name, volume=Quantity(one_dose * Decimal("1.5"), Unit.ML), **changes)
    assert (type(err), err.code, err.field) == (lc.InputError, "less-than-one-day", "volume")
    one_sentence(err)
    assert formulate(name, volume=Quantity(one_dose * 2, Unit.ML), **changes)


def test_a_volume_below_one_dose_keeps_its_own_code():
    err = refused("liquid", volume=lc.volume("1 mL"), days_supply=None)
    assert (err.code, err.field) == ("less-than-one-dose", "volume")


# --- the refusals that keep a liquid measurable --------------------------------------------------


def test_a_concentration_above_the_solubility_is_refused_with_the_limit():
    err = refused("liquid", concentration=Quantity(Decimal(150), Unit.MG_PER_ML))
    assert (type(err), err.code, err.field) == (
        lc.FormulationError,
        "above-solubility",
        "concentration",
    )
    assert "above the solubility of 100 mg/mL" in err.message
    err = refused(
        "liquid",
        concentration=Quantity(Decimal(2), Unit.MG_PER_ML),
        solubility=Quantity(Decimal(1), Unit.MG_PER_ML),
    )
    assert err.code == "above-solubility" and "solubility of 1 mg/mL" in err.message


@pytest.mark.parametrize("name", ["capsules", "troches"])
def test_a_count_beyond_a_plausible_batch_is_refused(name):
    err = refused(name, count=10_001)
    assert (type(err), err.code, err.field) == (lc.InputError, "too-large", "count")
    assert "at most 10000" in err.message


def test_a_liquid_volume_beyond_one_batch_is_refused():
    """1 mg at 0.1 mg/mL is 10 mL a dose; four a day for 30 days (within the 35-day BUD of the
    preserved vehicle, so one fill) is 1200 mL, more than 1000 mL."""
    err = refused(
        "liquid",
        dose=lc.mass("1 mg"),
        concentration=Quantity(Decimal("0.1"), Unit.MG_PER_ML),
        doses_per_day=Decimal(4),
        days_supply=30,
        vehicle=lc.VehicleLot(vehicle=lc.vehicle("nz-preserved"), lot="V1", expiry=orders.EXP),
    )
    assert (type(err), err.code, err.field) == (lc.FormulationError, "too-large", "volume")
    assert "split the order" in err.message
    with pytest.raises(lc.InputError) as info:
        orders.liquid(days_supply=None, volume=lc.volume("1001 mL"))
    assert (info.value.code, info.value.field) == ("out-of-range", "volume")


def test_a_dose_volume_no_syringe_holds_is_refused():
    """4.5 mg at 0.1 mg/mL is 45 mL, more than any oral syringe in the table."""
    err = refused("liquid", concentration=Quantity(Decimal("0.1"), Unit.MG_PER_ML))
    assert (type(err), err.code, err.field) == (
        lc.FormulationError,
        "dose-above-syringe",
        "concentration",
    )
    assert "45 mL" in err.message


def test_a_dose_volume_no_syringe_can_measure_is_refused():
    """0.1 mg at 100 mg/mL is 0.001 mL, less than half of any syringe's graduation."""
    err = refused(
        "liquid",
        dose=lc.mass("0.1 mg"),
        concentration=Quantity(Decimal(100), Unit.MG_PER_ML),
        syringe=lc.device("oral-1ml"),
    )
    assert (type(err), err.code, err.field) == (
        lc.FormulationError,
        "dose-off-graduation",
        "syringe",
    )
    assert "0.001 mL" in err.message


# --- labels -------------------------------------------------------------------------------------


def label_order(**kw) -> lc.LabelOrder:
    args = {
        "patient": "Jane Doe",
        "prescriber": "Dr A. Smith",
        "pharmacy": PHARMACY,
        "rx_number": "RX-1",
        "record_id": "CR-1",
        **kw,
    }
    return lc.LabelOrder(**args)


def label_refused(result, **kw) -> lc.InputError:
    with pytest.raises(lc.InputError) as info:
        lc.build_label(result, label_order(**kw))
    one_sentence(info.value)
    return info.value


def capsule_result(**kw):
    return formulate("capsules", **kw)


def test_a_label_dose_outside_the_profile_is_refused_unless_acknowledged():
    """Two 4.5 mg capsules (9 mg) are a whole number of units, but not a low dose."""
    result = capsule_result()
    err = label_refused(result, dose=lc.mass("9 mg"))
    assert (err.code, err.field) == ("dose-above-range", "dose")
    both = ("dose-above-range", "daily-dose-above-range")
    label = lc.build_label(result, label_order(dose=lc.mass("9 mg"), acknowledge=both))
    assert label.directions.startswith("Take 2 capsules (9 mg)")


def test_a_label_frequency_is_checked_as_a_daily_total():
    result = capsule_result()
    err = label_refused(result, doses_per_day=Decimal(2))
    assert (err.code, err.field) == ("daily-dose-above-range", "doses_per_day")
    acknowledged = capsule_result(
        acknowledge=("daily-dose-above-range",), count=60, doses_per_day=None
    )
    assert lc.build_label(acknowledged, label_order(doses_per_day=Decimal(2)))
    # a label frequency that contradicts the one the result was made for
    err = label_refused(
        capsule_result(count=60), doses_per_day=Decimal(2), acknowledge=("daily-dose-above-range",)
    )
    assert (err.code, err.field) == ("label-frequency-mismatch", "doses_per_day")


@pytest.mark.parametrize("name", PREPARATIONS)
def test_a_label_whose_day_needs_more_than_was_dispensed_is_refused(name):
    """The label's frequency must fit one day's doses in the quantity dispensed."""
    if name in ("capsules", "troches"):
        result = formulate(name, dose=lc.mass("1 mg"), count=3, doses_per_day=None)
    else:
        one = formulate(name, dose=lc.mass("1 mg")).dose_volume.m_as(Unit.ML)
        result = formulate(
            name,
            dose=lc.mass("1 mg"),
            days_supply=None,
            volume=Quantity(one * 3, Unit.ML),
            doses_per_day=None,
        )
    err = label_refused(result, doses_per_day=Decimal(4))
    assert (err.code, err.field) == ("less-than-one-day", "doses_per_day")
    assert lc.build_label(result, label_order(doses_per_day=Decimal(3)))


@pytest.mark.parametrize(
    ("directions", "code"),
    [
        ("Take 1 capsule (45 mg) by mouth at bedtime.", "dose-above-range"),
        ("Take 1 capsule (4.5 mcg) by mouth at bedtime.", "directions-dose-mismatch"),
        ("Take 1 capsule (0.45 mg) by mouth at bedtime.", "directions-dose-mismatch"),
        ("Take 1 capsule (4,5 mg) by mouth at bedtime.", "comma"),
        ("Take 1 capsule (4.5 MG) by mouth at bedtime.", "refused-unit"),
        ("Take 1 capsule (4.5 gr) by mouth at bedtime.", "refused-unit"),
        ("Take 2 capsules (9 mg) by mouth at bedtime.", "dose-above-range"),
        ("Take 1 capsule (4.5 mg/kg) by mouth.", "refused-unit"),
        ("Take 1 capsule (4.5mg) by mouth daily; 1 mg/mL.", "directions-dose-mismatch"),
        ("Take 1 capsule (4.5mg) by mouth daily; 2 times.", "directions-unreadable"),
    ],
)
def test_amounts_in_capsule_directions_must_be_what_was_compounded(directions, code):
    err = label_refused(capsule_result(), directions=directions)
    assert (err.code, err.field) == (code, "directions")


@pytest.mark.parametrize(
    "directions",
    [
        "Take 1 capsule (4.5 mg) by mouth at bedtime.",
        "Take 1 capsule (4500 mcg) by mouth at 10 pm.",
        "Take one capsule by mouth once a day.",
    ],
)
def test_directions_that_agree_with_the_capsule_are_printed_as_written(directions):
    assert (
        lc.build_label(capsule_result(), label_order(directions=directions)).directions
        == directions
    )


def test_amounts_in_liquid_directions_must_be_the_measured_dose():
    result = formulate("liquid")
    mL = result.dose_measured.magnitude  # noqa: N806
    good = f"Take {mL} mL ({result.dose_delivered}) by mouth once daily."
    assert lc.build_label(result, label_order(directions=good)).directions == good
    for bad, code in [
        (f"Take {mL * 10} mL by mouth once daily.", "directions-dose-mismatch"),
        ("Take 4.5 mL (45 mg) by mouth once daily.", "directions-dose-mismatch"),
        ("Take 1 tsp by mouth once daily.", "refused-unit"),
        ("Take 4.5 cc by mouth once daily.", "refused-unit"),
    ]:
        assert label_refused(result, directions=bad).code == code


def test_a_volume_naming_the_measuring_device_is_not_read_as_a_dose():
    result = formulate("liquid")
    mL = result.dose_measured.magnitude  # noqa: N806
    syringe = result.syringe.name  # "3 mL oral syringe"
    good = f"Take {mL} mL by mouth once daily, measured with the {syringe}."
    assert lc.build_label(result, label_order(directions=good)).directions == good
    also = f"Take {mL} mL once daily from the 30 mL bottle with the {syringe}."
    assert lc.build_label(result, label_order(directions=also)).directions == also
    bad = f"Take {mL * 10} mL by mouth once daily, measured with the {syringe}."
    assert label_refused(result, directions=bad).code == "directions-dose-mismatch"
    # a syringe other than the one supplied (the probe's 0.5 mL syringe for a 5 mL dose)
    other = f"Take {mL} mL by mouth once daily, measured with the 10 mL oral syringe."
    err = label_refused(result, directions=other)
    assert err.code == "directions-dose-mismatch" and syringe in err.message


def test_amounts_in_the_timing_text_are_checked_too():
    err = label_refused(capsule_result(), timing="at bedtime (45 mg)")
    assert (err.code, err.field) == ("dose-above-range", "timing")
    err = label_refused(capsule_result(), timing="at bedtime, 4,5 mg")
    assert (err.code, err.field) == ("comma", "timing")
    err = label_refused(capsule_result(), timing="at bedtime (0.45 mg)")
    assert (err.code, err.field) == ("directions-dose-mismatch", "timing")


def test_amounts_in_drops_directions_must_be_the_drops_per_dose():
    result = formulate("drops")
    n = result.drops_per_dose
    good = f"Place {n} drops ({result.dose}) under the tongue once daily."
    assert lc.build_label(result, label_order(directions=good)).directions == good
    err = label_refused(result, directions=f"Place {n * 10} drops under the tongue.")
    assert err.code == "directions-dose-mismatch"
    assert "drops a dose" in err.message
    err = label_refused(result, directions=f"Place {n} drops (45 mg) under the tongue.")
    assert err.code == "directions-dose-mismatch"


# --- the command line names the option --------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


TITRATE = [
    "titrate",
    *("--maintenance", "4.5 mg", "--maintenance-days", "7", "--start", "2026-12-01"),
    *("--form", "capsules"),
    *orders.COMMANDS["capsules"][7:],  # the capsule options after dose, count and frequency
]


def test_titrate_names_the_step_and_the_kit_frequency():
    res = run(*TITRATE, "--step", "4.5 mg:7", "--step", "9 mg:7")
    assert res.exit_code == 2
    assert "Error: --step: '9 mg as naltrexone HCl' is above" in res.output
    res = run(*TITRATE, "--step", "1 mg:7", "--kit-doses-per-day", "2")
    assert res.exit_code == 2
    assert "Error: --kit-doses-per-day: '4.5 mg as naltrexone HCl' gives 9 mg a day" in res.output
    both = ("--acknowledge", "dose-above-range", "--acknowledge", "daily-dose-above-range")
    nine = ("--maintenance", "9 mg")  # a kit never steps above its maintenance dose
    assert run(*TITRATE, "--step", "4.5 mg:7", "--step", "9 mg:7", *nine, *both).exit_code == 0


def test_label_acknowledge_option(tmp_path):
    result = tmp_path / "capsules.json"
    result.write_text(lc.dumps(capsule_result()))
    args = [
        "label",
        str(result),
        *("--patient", "Jane Doe", "--prescriber", "Dr A. Smith", "--rx", "RX-1"),
        *("--pharmacy-name", "Main Street Pharmacy", "--pharmacy-address", "1 Main Street"),
        *("--record-id", "CR-1", "--pharmacy-phone", "555-0100", "--dose", "9 mg"),
    ]
    res = run(*args)
    assert res.exit_code == 2 and "Error: --dose: '9 mg as naltrexone HCl' is above" in res.output
    both = ("--acknowledge", "dose-above-range", "--acknowledge", "daily-dose-above-range")
    res = run(*args, *both)
    assert res.exit_code == 0 and "Take 2 capsules (9 mg) by mouth once daily." in res.output
    res = run(*args[:-2], "--directions", "Take 1 capsule (4,5 mg) at bedtime.")
    assert res.exit_code == 2 and "Error: --directions: '4,5 mg' uses a comma" in res.output


# --- acknowledgements are dose-guard codes only --------------------------------------------------


@pytest.mark.parametrize("name", PREPARATIONS)
@pytest.mark.parametrize(
    ("value", "code"),
    [
        (("dose-above-rang",), "unknown-acknowledgement"),  # misspelt: would never match
        (("Rx 1042",), "unknown-acknowledgement"),  # a shifted cell
        ("dose-above-range", "not-a-list"),
    ],
)
def test_an_unknown_acknowledgement_is_refused(name, value, code):
    with pytest.raises(lc.InputError) as info:
        orders.ORDERS[name](acknowledge=value)
    assert (info.value.code, info.value.field) == (code, "acknowledge")
    one_sentence(info.value)


def test_an_unknown_acknowledgement_on_a_label_is_refused():
    with pytest.raises(lc.InputError) as info:
        label_order(acknowledge=("overfill",))
    assert (info.value.code, info.value.field) == ("unknown-acknowledgement", "acknowledge")
    assert "one of dose-above-range, dose-below-range, daily-dose-above-range" in info.value.message


# --- the guard's own sentences -------------------------------------------------------------------


def test_the_refusals_and_warnings_are_these_sentences():
    """A pharmacist reads them; a batch consumer matches the code and field."""
    from ldncompound._dose import check_dose  # noqa: PLC0415
    from ldncompound._trace import Recorder  # noqa: PLC0415

    def refusal(dose: str, per_day: str | None, acknowledge=()):
        with pytest.raises(lc.InputError) as info:
            check_dose(
                lc.NALTREXONE,
                lc.mass(dose),
                "hcl",
                doses_per_day=None if per_day is None else Decimal(per_day),
                acknowledge=frozenset(acknowledge),
                rec=Recorder(),
            )
        err = info.value
        return err.code, err.field, err.value, err.message

    tail = "on the order if the prescriber intends it."
    assert refusal("6 mg", None) == (
        "dose-above-range",
        "dose",
        "6 mg as naltrexone HCl",
        (
            "dose: '6 mg as naltrexone HCl' is above the usual low-dose range (0.1 mg-5 mg of "
            "naltrexone HCl per dose); expected a dose in range, or the acknowledgement "
            f"'dose-above-range' {tail}"
        ),
    )
    assert refusal("50 mcg", None)[3] == (
        "dose: '50 mcg as naltrexone HCl' is in the microgram range, below 0.1 mg-5 mg of "
        "naltrexone HCl per dose; expected a dose in range, or the acknowledgement "
        f"'dose-below-range' {tail}"
    )
    assert refusal("6 mg", "1", ["dose-above-range"])[1:] == (
        "doses_per_day",
        "6 mg as naltrexone HCl",
        (
            "doses_per_day: '6 mg as naltrexone HCl' gives 6 mg a day (1 dose a day), above the "
            "daily limit of 5 mg; expected a dose in range, or the acknowledgement "
            f"'daily-dose-above-range' {tail}"
        ),
    )
    assert "gives 6 mg a day (2 doses a day)" in refusal("3 mg", "2")[3]
    rec = Recorder()
    check_dose(
        lc.NALTREXONE,
        lc.mass("6 mg"),
        "hcl",
        doses_per_day=None,
        acknowledge=frozenset({"dose-above-range"}),
        rec=rec,
        field="steps[0].dose",
    )
    (warning,) = rec.warnings
    assert (warning.code, warning.field, warning.message) == (
        "dose-above-range",
        "steps[0].dose",
        (
            "The dose 6 mg as naltrexone HCl is above the usual low-dose range (0.1 mg-5 mg of "
            "naltrexone HCl per dose); acknowledged on the order."
        ),
    )
    drug = lc.Drug.from_salt_factor("examplamine", base_name="b", salt_name="s", factor=Decimal(2))
    rec = Recorder()
    check_dose(
        drug,
        lc.mass("900 mg"),
        "salt",
        doses_per_day=None,
        acknowledge=frozenset(),
        rec=rec,
        field="x",
    )
    (warning,) = rec.warnings
    assert (warning.code, warning.field, warning.message) == (
        "no-dose-range-check",
        "x",
        "examplamine has no dose profile, so no dose-range check was made.",
    )


def test_the_acknowledgement_refusals_are_these_sentences():
    from ldncompound._dose import acknowledgements  # noqa: PLC0415

    with pytest.raises(lc.InputError) as info:
        acknowledgements(None, None, ("dose-above-range", "overfill"))
    err = info.value
    assert (err.code, err.field, err.value, err.message) == (
        "unknown-acknowledgement",
        "acknowledge",
        "overfill",
        (
            "acknowledge: 'overfill' is not a check that can be acknowledged; expected one of "
            "dose-above-range, dose-below-range, daily-dose-above-range, dose-precision, "
            "assay-implausible, water-implausible, tablet-strength-unmarketed, "
            "tablet-weight-implausible, density-implausible, pack-stat-implausible, "
            "dropper-implausible, blank-weight-implausible, shell-weight-implausible, "
            "density-factor-unusual, compounded-on-future, bud-already-past, "
            "bud-on-compounding-day, study-bud-above-limit, preservative-unknown, "
            "name-says-water, syringe-graduation-implausible, dose-below-measurable-fraction, "
            "solubility-implausible, aliquot-solubility-unknown, near-solubility-limit, "
            "minimum-weight-below-rule, tablet-weight-differs-from-profile, "
            "dropper-calibration-differs-from-profile, filler-differs-from-profile, "
            "balance-differs-from-profile, shell-weight-differs-from-profile."
        ),
    )
    with pytest.raises(lc.InputError) as info:
        acknowledgements(None, None, "dose-above-range")
    err = info.value
    assert (err.code, err.field, err.value, err.message) == (
        "not-a-list",
        "acknowledge",
        "dose-above-range",
        "acknowledge: 'dose-above-range' is text, not a list of codes; expected a tuple of codes.",
    )
    acknowledgements(None, None, ())
    acknowledgements(None, None, ["daily-dose-above-range", "dose-below-range"])
