"""Label directions are read for amounts and frequencies in any digits, words and units, and
must state the prescription's dose and daily total."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from typing import Any

import attrs
import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._directions import ascii_digits, mixed_script_word, read_directions

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")
LABEL = [
    *("--patient", "Jane Doe", "--prescriber", "Dr Smith", "--pharmacy-name", "Main St"),
    *("--pharmacy-address", "1 Main St", "--pharmacy-phone", "555-0100", "--rx", "RX1"),
    *("--record-id", "CR-1"),
]


def label_order(**kw: Any) -> lc.LabelOrder:
    args = {"patient": "Jane Doe", "prescriber": "Dr Smith", "pharmacy": PHARMACY}
    return lc.LabelOrder(**(args | {"rx_number": "RX-1", "record_id": "CR-1"} | kw))


CAPSULES = orders.FORMULATE["capsules"](orders.capsules())  # 4.5 mg, once daily


def refused(result: Any, **kw: Any) -> lc.InputError:
    with pytest.raises(lc.InputError) as info:
        lc.build_label(result, label_order(**kw))
    err = info.value
    assert "\n" not in err.message and err.message.endswith(".")
    assert err.message.startswith(f"{err.field}: ") or err.message.startswith(f"{err.field} ")
    return err


@pytest.mark.parametrize(
    "directions",
    [
        "Take １ capsule (４.５ mg) by mouth once daily.",  # fullwidth
        "Take ١ capsule (٤٫٥ mg) by mouth once daily.",  # Arabic-Indic, Arabic decimal point
        "Take ۱ capsule (۴.۵ mg) by mouth once daily.",  # extended Arabic-Indic (Persian)
        "Take १ capsule (४.५ mg) by mouth once daily.",  # Devanagari
        "Take 𝟏 capsule (𝟒.𝟓 mg) at bedtime.",  # mathematical bold
        "Take 𝟙 capsule every 24 hours.",  # mathematical double-struck
        "Take one capsule at bedtime.",
        "Take a capsule by mouth every night.",
        "Take 1 capsule (four and a half milligrams) daily.",
        "Take 1 capsule (4500 micrograms) each evening.",
        "Take 1 capsule by mouth at 10 pm.",
        "Take by mouth once daily at bedtime.",  # one capsule: the strength line states it
        "Take 1 capsule (4.5 mg a day) once a day.",
        "Take 1 capsule (9/2 mg) once a day.",
        "Take 1 capsule every morning at 8 am.",
        "Take 1 capsule at night, at bedtime.",
        "Take 1 capsule once daily in the evening (7:30 pm).",
        "Take 1 capsule, 1 a day.",
        "Take 1 capsule (4 1/2 mg) once a day.",
    ],
)
def test_directions_that_state_the_prescription_in_any_digits_or_words(directions):
    label = lc.build_label(CAPSULES, label_order(directions=directions))
    assert label.directions == unicodedata.normalize("NFKC", directions)


@pytest.mark.parametrize(
    ("directions", "code"),
    [
        ("Take 2 capsules by mouth once daily.", "directions-dose-mismatch"),
        ("Take two capsules once daily.", "directions-dose-mismatch"),
        ("Take ２ capsules once daily.", "directions-dose-mismatch"),
        ("Take ٢ capsules once daily.", "directions-dose-mismatch"),
        ("Take 𝟐 capsules once daily.", "directions-dose-mismatch"),
        ("Take half a capsule once daily.", "directions-dose-mismatch"),
        ("Take one and a half capsules once daily.", "directions-dose-mismatch"),
        ("Take 1 tablet once daily.", "directions-dose-mismatch"),
        ("Take 10 drops once daily.", "directions-dose-mismatch"),
        ("Take 1 capsule (٤٥ mg) once daily.", "dose-above-range"),
        ("Take 1 capsule (٠٫٤٥ mg) once daily.", "directions-dose-mismatch"),
        ("Take 1 capsule (4,5 mg) once daily.", "comma"),
        ("Take 1 capsule (4.5 MG) once daily.", "refused-unit"),
        ("Take 1 capsule twice daily.", "directions-frequency-mismatch"),
        ("Take 1 capsule three times a day.", "directions-frequency-mismatch"),
        ("Take 1 capsule 3 times daily.", "directions-frequency-mismatch"),
        ("Take 1 capsule every 12 hours.", "directions-frequency-mismatch"),
        ("Take 1 capsule every other day.", "directions-frequency-mismatch"),
        ("Take 1 capsule in the morning and at bedtime.", "directions-frequency-mismatch"),
        ("Take 1 capsule at 8 am and 8 pm.", "directions-frequency-mismatch"),
        ("Take 1 capsule every morning and evening.", "directions-frequency-mismatch"),
        ("Take 1 capsule once daily, at 08:00 and 20:00.", "directions-frequency-mismatch"),
        ("Take 1 capsule once daily (at most 10 a day).", "directions-frequency-mismatch"),
        ("Take 1 capsule at noon and at 3 pm.", "directions-frequency-mismatch"),
        ("Take 1 capsule by mouth.", "directions-no-frequency"),
        ("Take one capsule by mouth as directed.", "directions-no-frequency"),
        ("Take 1 capsule bid.", "directions-abbreviation"),
        ("Take 1 capsule QD.", "directions-abbreviation"),
        ("Take 1 capsule q.h.s.", "directions-abbreviation"),
        ("Take 1 capsule q12h.", "directions-abbreviation"),
    ],
)
def test_directions_that_contradict_the_prescription_are_refused(directions, code):
    err = refused(CAPSULES, directions=directions)
    assert (err.code, err.field) == (code, "directions")


def test_the_refusal_says_what_the_directions_say_and_what_was_prescribed():
    err = refused(CAPSULES, directions="Take ٢ capsules twice daily.")
    assert err.message == (
        "directions: '2 capsules' does not match the prescription; expected 1 capsule a dose "
        "(check mg against mcg and the decimal point)."
    )
    err = refused(CAPSULES, directions="Take 1 capsule every 8 hours.")
    assert err.message == (
        "directions: 'every 8 hours' means 3 doses a day (its frequency), not the prescribed "
        "1; expected directions for once daily, as prescribed."
    )


def test_a_dose_of_two_capsules_must_be_stated():
    both = ("dose-above-range", "daily-dose-above-range")
    kw = {"dose": lc.mass("9 mg"), "acknowledge": both}
    err = refused(CAPSULES, directions="Take by mouth once daily.", **kw)
    assert err.code == "directions-no-amount"
    assert "2 capsules a dose" in err.message
    assert refused(CAPSULES, directions="Take 1 capsule once daily.", **kw).code == (
        "directions-dose-mismatch"
    )
    good = "Take two capsules (9 mg) once daily."
    assert lc.build_label(CAPSULES, label_order(directions=good, **kw)).directions == good


def test_a_liquid_direction_must_state_the_volume():
    result = orders.FORMULATE["liquid"](orders.liquid())
    ml = result.dose_measured.magnitude
    good = f"Take {ml} mL by mouth once daily."
    assert lc.build_label(result, label_order(directions=good)).directions == good
    for bad in ("Take by mouth once daily.", f"Take {result.dose} by mouth once daily."):
        assert refused(result, directions=bad).code == "directions-no-amount"
    assert refused(result, directions=f"Take {ml} mL twice daily.").code == (
        "directions-frequency-mismatch"
    )
    assert refused(result, directions=f"Take {ml} capsules once daily.").code == (
        "directions-dose-mismatch"
    )


def test_drops_in_words():
    result = orders.FORMULATE["drops"](orders.drops())
    n = result.drops_per_dose
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    words += ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
    good = f"Place {words[n]} drops under the tongue once daily."
    assert lc.build_label(result, label_order(directions=good)).directions == good
    bad = f"Place {words[n + 1]} drops under the tongue once daily."
    err = refused(result, directions=bad)
    assert err.code == "directions-dose-mismatch" and "drops a dose" in err.message
    assert refused(result, directions="Place under the tongue once daily.").code == (
        "directions-no-amount"
    )


def test_the_timing_text_cannot_change_the_frequency():
    assert lc.build_label(CAPSULES, label_order(timing="with food")).directions == (
        "Take 1 capsule (4.5 mg) by mouth once daily with food."
    )
    for timing in ("twice daily", "every 12 hours", "in the morning and at bedtime"):
        err = refused(CAPSULES, timing=timing)
        assert (err.code, err.field) == ("directions-frequency-mismatch", "timing")


def test_directions_state_the_frequency_when_the_result_has_none():
    result = orders.FORMULATE["capsules"](
        orders.capsules(dose=lc.mass("1 mg"), source=orders.api(), doses_per_day=None, count=60)
    )
    label = lc.build_label(result, label_order(directions="Take 1 capsule twice daily."))
    assert label.directions == "Take 1 capsule twice daily."
    # the frequency the directions state is guarded as a daily total
    err = refused(result, directions="Take 1 capsule 6 times a day.")
    assert (err.code, err.field) == ("daily-dose-above-range", "doses_per_day")


def test_ascii_digits_and_the_reader():
    assert ascii_digits("٤٫٥ mg, ۱۲, ४, 𝟗, ４") == "4.5 mg, 12, 4, 9, 4"
    read = read_directions("Take twenty-five micrograms every 6 hours", "directions")
    assert [(a.number, a.unit) for a in read.amounts] == [(Decimal(25), "micrograms")]
    assert [f.per_day for f in read.frequencies] == [4]
    read = read_directions("Take 1 1/2 tablets every 2 days; 1/0 capsules", "d")
    assert [a.number for a in read.amounts] == [Decimal("1.5")]
    assert [f.per_day for f in read.frequencies] == [Decimal("0.5")]
    assert read_directions("every 0 hours", "d").frequencies == ()
    assert read_directions("every 0 days", "d").frequencies == ()
    assert read_directions("1 and a half mL", "d").amounts[0].number == Decimal("1.5")
    assert read_directions("thrice daily", "d").frequencies[0].per_day == 3
    assert read_directions("every hour", "d").frequencies[0].per_day == 24
    assert read_directions("1 0/0 capsules", "d").amounts == ()


def test_the_command_line_refuses_contradicting_directions():
    text = lc.dumps(CAPSULES)
    res = CliRunner().invoke(
        cli, ["label", "-", *LABEL, "--directions", "Take ２ capsules once daily."], input=text
    )
    assert res.exit_code == 2, res.output
    assert "Error: --directions: '2 capsules' does not match the prescription" in res.output
    res = CliRunner().invoke(
        cli,
        ["label", "-", *LABEL, "--directions", "Take ١ capsule once daily.", "--format", "json"],
        input=text,
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["directions"] == "Take ١ capsule once daily."


# --- the property ---------------------------------------------------------------------------------

#: digit systems: (name, code point of zero), and the words
DIGITS = {
    "ascii": 0x30,
    "fullwidth": 0xFF10,
    "arabic-indic": 0x0660,
    "extended-arabic-indic": 0x06F0,
    "devanagari": 0x0966,
    "bengali": 0x09E6,
    "thai": 0x0E50,
    "math-bold": 0x1D7CE,
    "math-double-struck": 0x1D7D8,
    "math-monospace": 0x1D7F6,
}
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
#: 0.5 mg capsules from pure HCl, made without a frequency: the label states the prescription
HALF_MG = orders.FORMULATE["capsules"](
    orders.capsules(dose=lc.mass("0.5 mg"), source=orders.api(), count=90, doses_per_day=None)
)


def written(n: int, system: str) -> str:
    if system == "words":
        return WORDS[n]
    zero = DIGITS[system]
    return "".join(chr(zero + int(d)) for d in str(n))


def frequency(k: int, style: int) -> str:
    styles = [
        {1: "once daily", 2: "twice daily", 3: "three times a day", 4: "four times a day"}[k],
        f"{k} times a day" if k > 1 else "once a day",
        f"every {24 // k} hours",
    ]
    return styles[style]


@pytest.mark.parametrize("system", [*DIGITS, "words"])
def test_the_prescription_in_every_digit_system_is_accepted(system):
    directions = f"Take {written(2, system)} capsules ({written(1, system)} mg) twice daily."
    order = label_order(dose=lc.mass("1 mg"), doses_per_day=Decimal(2), directions=directions)
    assert lc.build_label(HALF_MG, order).directions == unicodedata.normalize("NFKC", directions)
    wrong = directions.replace(written(2, system), written(3, system), 1)
    with pytest.raises(lc.InputError) as info:
        lc.build_label(HALF_MG, attrs.evolve(order, directions=wrong))
    assert info.value.code == "directions-dose-mismatch"


@settings(max_examples=300, deadline=None)
@given(
    prescribed_units=st.integers(1, 3),
    prescribed_per_day=st.integers(1, 3),
    units=st.integers(1, 4),
    per_day=st.integers(1, 4),
    system=st.sampled_from([*DIGITS, "words"]),
    style=st.integers(0, 2),
    mass=st.sampled_from(["none", "mg", "mcg"]),
)
def test_no_label_dose_or_daily_total_differs_from_the_prescription(
    prescribed_units, prescribed_per_day, units, per_day, system, style, mass
):
    strength = Decimal("0.5")
    noun = "capsule" if units == 1 else "capsules"
    amount = ""
    milligrams = units * strength
    if mass == "mg" and system == "words":
        amount = f" ({milligrams} mg)"
    elif mass == "mg":
        whole, half = divmod(milligrams, 1)
        tail = f".{written(5, system)}" if half else ""
        amount = f" ({written(int(whole), system)}{tail} mg)"
    elif mass == "mcg":
        amount = f" ({int(milligrams * 1000)} mcg)"
    directions = (
        f"Take {written(units, system)} {noun}{amount} by mouth {frequency(per_day, style)}."
    )
    order = label_order(
        dose=lc.mass(f"{prescribed_units * strength} mg"),
        doses_per_day=Decimal(prescribed_per_day),
        directions=directions,
    )
    try:
        label = lc.build_label(HALF_MG, order)
    except lc.InputError as err:
        # a written amount may also fail the dose guards at the prescribed frequency
        assert err.code in (
            "directions-dose-mismatch",
            "directions-frequency-mismatch",
            "daily-dose-above-range",
        ), err
        assert (units, per_day) != (prescribed_units, prescribed_per_day)
        return
    # accepted: the directions state the prescribed dose and daily total, exactly
    read = read_directions(label.directions, "directions")
    counts = [a.number for a in read.amounts if a.unit.startswith("capsule")]
    assert counts == [prescribed_units]
    assert [f.per_day for f in read.frequencies] == [prescribed_per_day]
    assert counts[0] * strength * read.frequencies[0].per_day == (
        prescribed_units * strength * prescribed_per_day
    )


DROPS = orders.FORMULATE["drops"](orders.drops())
LIQUID = orders.FORMULATE["liquid"](orders.liquid())


def written_number(value: Decimal, system: str) -> str:
    """A decimal number in a digit system (the point kept as it is)."""
    zero = DIGITS["ascii" if system == "words" else system]
    text = format(value.normalize(), "f")
    return "".join(ch if ch == "." else chr(zero + int(ch)) for ch in text)


@settings(max_examples=200, deadline=None)
@given(
    prep=st.sampled_from(["drops", "liquid"]),
    factor=st.sampled_from([Decimal(1), Decimal(1), Decimal(10), Decimal("0.1"), Decimal(2)]),
    per_day=st.integers(1, 3),
    system=st.sampled_from([*DIGITS, "words"]),
    style=st.integers(0, 2),
)
def test_no_liquid_or_drops_label_states_another_measure_or_frequency(
    prep, factor, per_day, system, style
):
    """Drops and oral liquids: the drops or mL a dose, in any digits (drops also in words),
    and the frequency; accepted only as prescribed."""
    result = DROPS if prep == "drops" else LIQUID
    prescribed = result.order.doses_per_day
    if prep == "drops":
        n = result.drops_per_dose * factor
        if n != int(n):
            return
        count = written(int(n), system) if int(n) < len(WORDS) else written(int(n), "ascii")
        directions = f"Place {count} drops under the tongue {frequency(per_day, style)}."
        measure = Decimal(result.drops_per_dose)
    else:
        ml = result.dose_measured.magnitude * factor
        directions = f"Take {written_number(ml, system)} mL by mouth {frequency(per_day, style)}."
        measure = result.dose_measured.magnitude
    try:
        label = lc.build_label(result, label_order(directions=directions))
    except lc.InputError as err:
        assert err.code in (
            "directions-dose-mismatch",
            "directions-frequency-mismatch",
            "too-precise",
        ), err
        assert (factor, per_day) != (1, prescribed)
        return
    read = read_directions(label.directions, "directions")
    assert [a.number for a in read.amounts] == [measure]
    assert [f.per_day for f in read.frequencies] == [prescribed]


# --- what the reader cannot read as the same dose is refused (probe F1, F6, F7, F17, F19, F28) --

TROCHES = orders.FORMULATE["troches"](orders.troches())  # 1.5 mg under the tongue, once daily
BUCCAL = orders.FORMULATE["troches"](orders.troches(route=lc.Route.BUCCAL))
BASE = orders.FORMULATE["capsules"](orders.capsules(source=orders.api(), dose_basis="base"))


@pytest.mark.parametrize(
    ("directions", "code"),
    [
        # a second, extra, repeated, conditional or changing dose
        ("Take 1 capsule by mouth once daily. Take 1 more capsule if needed.", "extra-dose"),
        ("Take 1 capsule by mouth once daily, may repeat once.", "extra-dose"),
        ("Take 1 capsule by mouth daily and another capsule 12 hours later.", "extra-dose"),
        ("Take 1 capsule by mouth once daily (4.5 mg x 2).", "extra-dose"),
        ("Take 1 capsule by mouth once daily (4.5 mg); dose may be doubled.", "extra-dose"),
        ("Take one capsule by mouth once daily; increase by one capsule each week.", "extra-dose"),
        ("Take 1 capsule by mouth daily x2.", "extra-dose"),
        ("Take 1 capsule by mouth once daily with a second capsule at noon.", "extra-dose"),
        ("Take 1 capsule by mouth once daily and repeat in the evening.", "extra-dose"),
        ("Take 1 capsule by mouth once daily, double the dose on weekends.", "extra-dose"),
        ("Take 1 capsule by mouth every day, or two if pain persists.", "extra-dose"),
        ("Take 1 capsule by mouth once daily as needed.", "extra-dose"),
        ("Take 1 capsule by mouth once daily. Take 1 capsule at bedtime.", "extra-dose"),
        ("Take 1 capsule by mouth once daily (once a day).", "extra-dose"),
        ("Take 1 capsule by mouth once a day and once at night.", "extra-dose"),
        # counts the reader did not know, and numbers it cannot read
        ("Open 1 capsule and take one quarter of the contents by mouth once daily.", "unreadable"),
        ("Take a couple of capsules by mouth once daily.", "dose-mismatch"),
        ("Take a pair of capsules by mouth once daily.", "dose-mismatch"),
        ("Take ii capsules by mouth once daily.", "dose-mismatch"),
        ("Take several capsules by mouth once daily.", "unreadable"),
        ("Take 50 % of 1 capsule by mouth once daily.", "unreadable"),
        ("Take one (2) capsules by mouth once daily.", "unreadable"),
        ("Take 1 capsule by mouth once.", "unreadable"),
        ("Take 1 capsule by mouth once daily, twice on Sundays.", "unreadable"),
        ("Take 1 capsule by mouth once daily (45 mg/10).", "unreadable"),
        ("Take 1 capsule (45 мг) by mouth once daily.", "unreadable"),
        ("Take 1 capsule (45 毫克) by mouth once daily.", "unreadable"),
        ("Take 1 capsule by mouth once daily. Tome 2 cápsulas dos veces al día.", "unreadable"),
        # strengths, salt forms and routes
        ("Take 1 capsule (4.5 mg) by mouth once daily (1 mg/mL).", "dose-mismatch"),
        ("Take 1 capsule (4.5 mg naltrexone base) by mouth once daily.", "dose-mismatch"),
        ("Take 1 capsule (4.5 mg dihydrate) by mouth once daily.", "dose-mismatch"),
        ("Insert 1 capsule rectally once daily.", "route-mismatch"),
        ("Take 1 capsule under the tongue once daily.", "route-mismatch"),
        ("Take 1 capsule by mouth once daily (one teaspoonful of water).", "refused-unit"),
    ],
)
def test_capsule_directions_the_reader_cannot_read_as_the_dose_are_refused(directions, code):
    err = refused(CAPSULES, directions=directions)
    full = code if code == "refused-unit" else f"directions-{code}"
    assert (err.code, err.field) == (full, "directions"), err.message


def test_the_refusals_name_what_was_written_and_what_was_expected():
    err = refused(CAPSULES, directions="Take 1 capsule once daily; may repeat once.")
    assert err.message == (
        "directions: 'repeat' adds a dose, makes the dose conditional or changes it, "
        "which a label for one fixed dose cannot say; expected directions for 1 capsule a "
        "dose, once daily, and nothing more."
    )
    err = refused(CAPSULES, directions="Take 1 capsule (45 мг) once daily.")
    assert err.message.startswith("directions: '45 мг' is a number or count the directions")
    err = refused(TROCHES, directions="Swallow 1 troche whole once daily.")
    assert err.message == (
        "directions: 'Swallow' names another route than the label's (under the tongue); "
        "expected directions that say under the tongue, or name no route."
    )
    err = refused(BASE, directions="Take 1 capsule (4.5 mg naltrexone HCl) once daily.")
    assert err.code == "directions-dose-mismatch"
    assert "'4.5 mg hcl'" in err.message and "naltrexone (base)" in err.message


@pytest.mark.parametrize(
    "directions",
    [
        "Take 1 capsule (4.5 mg naltrexone HCl) by mouth once daily.",
        "Take 1 capsule (4.5 mg of naltrexone hydrochloride) by mouth once daily.",
        "Take 1 capsule by mouth once daily for 30 days.",
        "Take 1 capsule by mouth once daily, 2 hours after dinner.",
        "Swallow 1 capsule whole once daily with a glass of water.",
        "Take 1 capsule by mouth once every 24 hours.",
        "Take 1 capsule by mouth once in the evening.",
        "Take 1 capsule by mouth once at bedtime.",
        "Take 1 capsule by mouth once daily with 240 mL of water.",
        "Take one (1) capsule by mouth once daily.",
        "Take 1 capsule by mouth 1 time daily.",
        "Take 1 capsule by mouth daily x 30 days.",
        "Take 1 capsule by mouth daily. May take in the morning if sleep is disturbed.",
        "Hold 1 capsule for 30 seconds, then swallow it once daily.",
    ],
)
def test_directions_the_reader_reads_as_the_dose_are_still_printed(directions):
    assert lc.build_label(CAPSULES, label_order(directions=directions)).directions == directions


def test_a_salt_form_is_the_dose_basis_of_the_result():
    good = "Take 1 capsule (4.5 mg naltrexone base) by mouth once daily."
    assert lc.build_label(BASE, label_order(directions=good)).directions == good
    assert refused(BASE, directions=good.replace("base", "HCl")).code == (
        "directions-dose-mismatch"
    )


def test_drops_directions_state_the_strength_volume_and_route_of_the_drops():
    n, volume = DROPS.drops_per_dose, DROPS.dose_volume  # 9 drops, 0.5625 mL; 8 mg/mL
    good = [
        f"Place {n} drops under the tongue once daily ({volume}).",
        f"Place {n} drops under the tongue once daily ({DROPS.concentration}).",
        f"Place {n} drops ({DROPS.per_drop}) under the tongue once daily.",
    ]
    for text in good:
        assert lc.build_label(DROPS, label_order(directions=text)).directions == text
    for text, code in (
        (f"Place {n} drops under the tongue once daily (1.5 mL).", "directions-dose-mismatch"),
        (f"Place {n} drops under the tongue once daily (1 mg/mL).", "directions-dose-mismatch"),
        (f"Place {n} drops (5 mg/drop) under the tongue once daily.", "directions-dose-mismatch"),
        (f"Place {n} drops under the tongue once daily, then {n} more drops at night.", "more"),
        (f"Place {n} drops under the tongue once daily; if no effect, use 4.", "extra"),
        (f"Place {n} drops in each eye once daily.", "directions-route-mismatch"),
        ("Place one dropperful under the tongue once daily.", "refused-unit"),
    ):
        err = refused(DROPS, directions=text)
        expected = "directions-extra-dose" if code in ("more", "extra") else code
        assert (err.code, err.field) == (expected, "directions"), err.message


def test_liquid_directions_state_the_strength_syringe_and_a_single_dose():
    ml = LIQUID.dose_measured.magnitude  # 1.8 mL of 2.5 mg/mL with the 3 mL oral syringe
    good = f"Take {ml} mL by mouth once daily ({LIQUID.concentration})."
    assert lc.build_label(LIQUID, label_order(directions=good)).directions == good
    for text, code in (
        (f"Take {ml} mL by mouth once daily (1 mg/mL).", "directions-dose-mismatch"),
        (f"Take {ml} mL by mouth once daily; strength 0.25 mg/mL.", "directions-dose-mismatch"),
        (f"Take {ml} mL by mouth once daily, then {ml} mL again at bedtime.", "extra"),
        (f"Take {ml} mL by mouth once daily using a 0.5 mL syringe.", "directions-dose-mismatch"),
        (f"Take {ml} mL by mouth once daily (one teaspoonful).", "refused-unit"),
        (f"Take {ml} mL by mouth once daily (1 tablespoon).", "refused-unit"),
    ):
        err = refused(LIQUID, directions=text)
        expected = "directions-extra-dose" if code == "extra" else code
        assert (err.code, err.field) == (expected, "directions"), err.message


def test_troche_directions_keep_to_the_troches_route():
    assert lc.build_label(
        TROCHES, label_order(directions="Dissolve 1 troche under the tongue once daily.")
    )
    assert lc.build_label(
        BUCCAL, label_order(directions="Dissolve 1 troche between the cheek and gum daily.")
    )
    for result, text in (
        (BUCCAL, "Dissolve 1 troche under the tongue once daily."),
        (TROCHES, "Swallow 1 troche whole once daily."),
        (TROCHES, "Dissolve 1 troche in the cheek once daily."),
        (TROCHES, "Dissolve 1 troche in the ear once daily."),
    ):
        assert refused(result, directions=text).code == "directions-route-mismatch"
    err = refused(BUCCAL, directions="Dissolve 1 troche in the cheek once daily; may use 2.")
    assert err.code == "directions-unreadable"
    # swallowing after the troche or the drops were held where the route says is no contradiction
    held = "Dissolve 1 troche under the tongue once daily; do not chew or swallow it whole."
    assert lc.build_label(TROCHES, label_order(directions=held)).directions == held
    n = DROPS.drops_per_dose
    held = f"Place {n} drops under the tongue, hold for 1 minute, then swallow; once daily."
    assert lc.build_label(DROPS, label_order(directions=held)).directions == held


@pytest.mark.parametrize(
    "directions",
    [
        "Take 1 capsule by mouth twic\u0435 daily.",  # Cyrillic ie
        "Take 1 capsule by m\u043euth once daily.",  # Cyrillic o
        "Take 1 c\u03b1psule by mouth once daily.",  # Greek alpha
    ],
)
def test_words_of_mixed_scripts_are_refused(directions):
    assert refused(CAPSULES, directions=directions).code == "mixed-script"
    assert refused(CAPSULES, timing=directions.removeprefix("Take 1 capsule ")).code == (
        "mixed-script"
    )


def test_a_micro_sign_unit_is_not_a_mixed_script_word():
    text = "Take 1 capsule (4500 \u00b5g) by mouth once daily."
    assert lc.build_label(CAPSULES, label_order(directions=text))
    assert mixed_script_word("m\u0304g \u043c\u0433 once") is None  # a mark splits words
    assert mixed_script_word("once tw\u0456ce") == "tw\u0456ce"


def test_only_the_oral_syringe_of_a_liquid_is_read():
    n = DROPS.drops_per_dose
    text = f"Place {n} drops under the tongue once daily (not with the 1 mL oral syringe)."
    assert lc.build_label(DROPS, label_order(directions=text)).directions == text


def test_the_step_text_is_read_like_the_directions():
    good = "Step 2 of 9: days 15-28, 2026-12-15 to 2026-12-28"
    assert lc.build_label(CAPSULES, label_order(step=good)).step == good
    for step, code in (
        ("Take 2 capsules (9 mg) twice daily", "dose-above-range"),
        ("Take 2 capsules twice daily", "directions-dose-mismatch"),
        ("Take 1 capsule twice daily", "directions-frequency-mismatch"),
        ("Take 1 more capsule if needed", "directions-extra-dose"),
    ):
        err = refused(CAPSULES, step=step)
        assert (err.code, err.field) == (code, "step"), err.message


def kit() -> lc.TitrationResult:
    steps = (lc.parse_step("0.5 mg:7"), lc.parse_step("1 mg:7"))
    template = orders.capsules(dose=lc.mass("0.5 mg"), source=orders.api())
    return lc.plan_titration(
        lc.TitrationOrder(
            steps=steps,
            maintenance=lc.mass("2 mg"),
            maintenance_days=14,
            start=orders.DAY,
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=template),
        )
    )


def test_a_step_text_for_a_kit_is_refused_not_replaced():
    made = kit()
    with pytest.raises(lc.InputError) as info:
        lc.build_kit_labels(made, label_order(step="Step 1 of 2"))
    assert (info.value.code, info.value.field) == ("step-set-by-kit", "step")
    with pytest.raises(lc.InputError) as info:
        lc.build_kit_labels(made, label_order(directions="Take 1 capsule by mouth once daily"))
    assert (info.value.code, info.value.field) == ("directions-set-by-kit", "directions")
    assert "would be replaced: a kit's labels carry the directions" in info.value.message
    assert lc.build_kit_labels(made, label_order())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient", "Take 2 capsules twice daily"),
        ("prescriber", "Dr X, 9 mg"),
        ("rx_number", "RX1 every 12 hours"),
        ("lot", "A1 2 capsules"),
    ],
)
def test_other_label_text_may_state_no_dose(field, value):
    err = refused(CAPSULES, **{field: value})
    assert (err.code, err.field) == ("dose-in-label-text", field)


def test_a_pharmacy_address_may_state_no_dose():
    pharmacy = attrs.evolve(PHARMACY, address="Take 2 capsules twice daily")
    err = refused(CAPSULES, pharmacy=pharmacy)
    assert (err.code, err.field) == ("dose-in-label-text", "pharmacy.address")
    assert lc.build_label(CAPSULES, label_order(patient="Jane Daily", lot="L20261121-3F9A0C"))


@pytest.mark.parametrize("per_day", ["0.3333", "0.5", "1.1"])
def test_composed_directions_need_a_whole_number_of_doses_a_day(per_day):
    err = refused(HALF_MG, doses_per_day=Decimal(per_day))
    assert (err.code, err.field) == ("doses-per-day-not-whole", "doses_per_day")
    assert f"'{per_day}'" in err.message and "times a day" in err.message
    every_other = "Take 1 capsule every other day."
    order = label_order(doses_per_day=Decimal("0.5"), directions=every_other)
    assert lc.build_label(HALF_MG, order).directions == every_other


def test_the_command_line_refuses_what_the_reader_cannot_read():
    text = lc.dumps(CAPSULES)
    for extra, message in (
        (
            ["--directions", "Take 1 capsule once daily, may repeat once."],
            "Error: --directions: 'repeat' adds a dose",
        ),
        (
            ["--directions", "Take 1 capsule under the tongue once daily."],
            "Error: --directions: 'under the tongue' names another route",
        ),
        (
            ["--directions", "Take 1 capsule twic\u0435 daily."],
            "Error: --directions: 'twic\u0435' mixes letters of different scripts",
        ),
        (["--step", "Take 2 capsules twice daily"], "Error: --step: '2 capsules' does not match"),
        (
            ["--pharmacy-address", "Take 2 capsules twice daily"],
            "Error: --pharmacy-address: 'Take 2 capsules twice daily' states a dose",
        ),
    ):
        res = CliRunner().invoke(cli, ["label", "-", *LABEL, *extra], input=text)
        assert res.exit_code == 2, res.output
        assert message in res.output, res.output
    unfrequent = lc.dumps(HALF_MG)
    res = CliRunner().invoke(
        cli, ["label", "-", *LABEL, "--doses-per-day", "0.3333"], input=unfrequent
    )
    assert res.exit_code == 2, res.output
    assert "Error: --doses-per-day: '0.3333' is not a whole number of doses a day" in res.output


def test_the_command_line_refuses_a_step_for_a_kit():
    made = lc.dumps(kit())
    res = CliRunner().invoke(cli, ["label", "-", *LABEL, "--step", "Step 1"], input=made)
    assert res.exit_code == 2, res.output
    assert "Error: --step: 'Step 1' would be replaced" in res.output
    sig = "Take 1 capsule once daily"
    res = CliRunner().invoke(cli, ["label", "-", *LABEL, "--directions", sig], input=made)
    assert res.exit_code == 2, res.output
    assert f"Error: --directions: '{sig}' would be replaced" in res.output


#: fragments of directions for the 4.5 mg once-daily capsule: (text, states the prescription)
AMOUNTS = [
    *(("1 capsule", True), ("one capsule", True), ("a capsule", True), ("2 capsules", False)),
    *(("ii capsules", False), ("a couple of capsules", False), ("half a capsule", False)),
    *(("one quarter of a capsule", False), ("several capsules", False)),
]
MASSES = [
    *(("", True), (" (4.5 mg)", True), (" (4500 mcg)", True), (" (4.5 mg naltrexone HCl)", True)),
    *((" (9 mg)", False), (" (4.5 mg base)", False), (" (45 мг)", False)),
    *((" (4.5 mg x 2)", False), (" (1 mg/mL)", False), (" (45 mg/10)", False)),
]
ROUTE_WORDS = [
    *((" by mouth", True), ("", True), (" under the tongue", False), (" rectally", False)),
    (" in each eye", False),
]
FREQUENCIES = [
    *((" once daily", True), (" every 24 hours", True), (" at bedtime", True)),
    *((" once a day", True), (" twice daily", False), (" once daily and once at night", False)),
    *((" every 12 hours", False), (" twic\u0435 daily", False), (" 1.5 times a day", False)),
]
TAILS = [
    *(("", True), (" with food", True), (" for 30 days", True), (", may repeat once", False)),
    *(("; 1 more if needed", False), (", double on weekends", False), (" x2", False)),
    *(("; increase weekly", False), (", or two if pain persists", False)),
    *((" (one teaspoonful)", False), (". Take 1 capsule at bedtime", False)),
]


@settings(max_examples=400, deadline=None)
@given(
    amount=st.sampled_from(AMOUNTS),
    mass=st.sampled_from(MASSES),
    route=st.sampled_from(ROUTE_WORDS),
    freq=st.sampled_from(FREQUENCIES),
    tail=st.sampled_from(TAILS),
)
def test_directions_are_printed_exactly_when_every_part_states_the_prescription(
    amount, mass, route, freq, tail
):
    """Any directions text the reader accepts states exactly the prescribed amount and
    frequency: one capsule (4.5 mg of naltrexone HCl) by mouth once daily, and nothing
    more; and directions made only of parts that state it are accepted."""
    parts = (amount, mass, route, freq, tail)
    directions = "Take " + "".join(text for text, _ in parts) + "."
    safe = all(ok for _, ok in parts)
    try:
        label = lc.build_label(CAPSULES, label_order(directions=directions))
    except lc.InputError as err:
        assert not safe, f"{directions!r}: {err.message}"
        return
    assert safe, f"{directions!r} was accepted"
    read = read_directions(label.directions, "directions")
    counts = [a for a in read.amounts if a.unit.lower().startswith("capsule")]
    assert [a.number for a in counts] == [1]
    assert {f.per_day for f in read.frequencies} == {1}
    assert not read.unread and not read.extra and not read.household


# a pharmacist's findings (realistic-findings.md U1, F2, F3, F12): every time a dose is taken
# at counts as a dose a day; one dose at one of two times, and waits written as ranges, do not
@pytest.mark.parametrize(
    "directions",
    [
        "Take 1 capsule by mouth at bedtime and upon waking",
        "Take 1 capsule by mouth at bedtime and on rising",
        "Take 1 capsule by mouth at bedtime and at 3 am",
        "Take 1 capsule by mouth at bedtime and when you wake up",
        "Take 1 capsule by mouth at bedtime and at lunchtime",
        "Take 1 capsule by mouth at 8 am and at 20:00",
        "Take 1 capsule by mouth at nighttime and in the afternoon",
        "Take 1 capsule by mouth at bedtime or in the morning, and at noon",
        "Take 1 capsule by mouth at bedtime. You may take it in the morning as well.",
        "Take 1 capsule by mouth at bedtime. May take in the morning too.",
        "Take 1 capsule by mouth at bedtime. May take in the morning and at noon.",
    ],
)
def test_every_dose_time_named_counts_as_a_dose_a_day(directions):
    err = refused(CAPSULES, directions=directions)
    assert (err.code, err.field) == ("directions-frequency-mismatch", "directions"), err.message
    err = refused(CAPSULES, directions=directions, doses_per_day=Decimal(1))
    assert err.code == "directions-frequency-mismatch"
    assert "doses a day (the times of day it names)" in err.message


@pytest.mark.parametrize(
    "directions",
    [
        "Take 1 capsule by mouth at bedtime. May take in the morning if sleep is disturbed.",
        "Take 1 capsule by mouth at bedtime or in the morning",
        "Take 1 capsule by mouth once daily, morning or evening",
        "Take 1 capsule by mouth once daily in the morning or at bedtime",
        "Take 1 capsule by mouth at bedtime. If sleep is disturbed, take in the morning instead.",
        "Take 1 capsule by mouth once daily at bedtime (or in the morning if vivid dreams)",
        "Take 1 capsule by mouth at bedtime, 1 to 2 hours after dinner",
        "Take 1 capsule by mouth once nightly",
        "Take 1 capsule by mouth at nighttime",
        "Take 1 capsule by mouth before going to sleep",
        "Take 1 capsule by mouth upon waking",
        "Take 1 capsule by mouth between 9 pm and 3 am",
    ],
)
def test_one_dose_at_one_of_two_times_and_other_common_wording_is_printed(directions):
    assert lc.build_label(CAPSULES, label_order(directions=directions)).directions == directions
    no_rx_frequency = orders.FORMULATE["capsules"](orders.capsules(doses_per_day=None))
    assert lc.build_label(no_rx_frequency, label_order(directions=directions))


def test_alternative_times_are_reported_with_or_never_and():
    read = read_directions("Take 1 capsule at bedtime or in the morning", "directions")
    assert [(f.per_day, f.written) for f in read.frequencies] == [(1, "bedtime or morning")]
    read = read_directions("Take 1 capsule at noon and at bedtime or in the morning", "d")
    assert [(f.per_day, f.written) for f in read.frequencies] == [
        (2, "noon and bedtime or morning")
    ]


def test_waits_and_holding_times_written_as_ranges_are_read():
    n = DROPS.drops_per_dose
    for text in (
        f"Place {n} drops under the tongue once daily, hold for 1 to 2 minutes then swallow",
        f"Place {n} drops under the tongue once daily; hold for 1-2 minutes then swallow",
    ):
        assert lc.build_label(DROPS, label_order(directions=text)).directions == text
    text = "Dissolve 1 troche under the tongue once daily. Allow 15 to 30 minutes to dissolve."
    assert lc.build_label(TROCHES, label_order(directions=text)).directions == text


def test_the_command_line_counts_every_dose_time_and_prints_one_of_two():
    text = lc.dumps(CAPSULES)
    for sig in ("at bedtime and upon waking", "at bedtime and at 3 am"):
        res = CliRunner().invoke(
            cli,
            ["label", "-", *LABEL, "--doses-per-day", "1", "--directions", f"Take 1 capsule {sig}"],
            input=text,
        )
        assert res.exit_code == 2, res.output
        assert "means 2 doses a day" in res.output, res.output
    sig = "Take 1 capsule by mouth at bedtime. May take in the morning if sleep is disturbed."
    args = ["label", "-", *LABEL, "--directions", sig, "--format", "json"]
    res = CliRunner().invoke(cli, args, input=text)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["directions"] == sig


@pytest.mark.parametrize(
    "address",
    ["12 Drop Lane, Suite 2, Springfield", "1 Capsule Way", "3 Tablet Hill Rd", "7 drops road"],
)
def test_a_street_named_like_a_form_is_an_address_not_a_dose(address):
    pharmacy = attrs.evolve(PHARMACY, address=address)
    assert lc.build_label(CAPSULES, label_order(pharmacy=pharmacy)).pharmacy.address == address
    res = CliRunner().invoke(
        cli,
        ["label", "-", *LABEL, "--pharmacy-address", address, "--format", "json"],
        input=lc.dumps(CAPSULES),
    )
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("patient", "Jane 2 capsules"), ("lot", "L1 2 Capsules"), ("prescriber", "Dr X 3 drops")],
)
def test_a_counted_dose_in_a_name_is_still_refused(field, value):
    assert refused(CAPSULES, **{field: value}).code == "dose-in-label-text"


@pytest.mark.parametrize(
    "directions",
    [
        "Take 1 capsule by mouth at bedtime for CRPS type 1",
        "Take 1 capsule by mouth at bedtime for Type 2 diabetes related pain",
    ],
)
def test_an_indication_with_a_type_number_is_printed(directions):
    assert lc.build_label(CAPSULES, label_order(directions=directions)).directions == directions
    res = CliRunner().invoke(
        cli, ["label", "-", *LABEL, "--directions", directions], input=lc.dumps(CAPSULES)
    )
    assert res.exit_code == 0, res.output


RDT = orders.FORMULATE["troches"](
    orders.troches(
        dosage_form=lc.TrocheForm.RDT, base=lc.BaseLot(base="rdt", lot="R1", expiry=orders.EXP)
    )
)


def _sigs() -> list[tuple[Any, str]]:
    n, ml = DROPS.drops_per_dose, LIQUID.dose_measured.magnitude
    return [
        (
            CAPSULES,
            "Take 1 capsule by mouth nightly. If you miss a dose, skip it. Do not double the dose.",
        ),
        (CAPSULES, "Take 1 capsule by mouth nightly. Never take more than 1 capsule in 24 hours."),
        (CAPSULES, "Take 1 capsule by mouth at bedtime. Max 1 capsule per day."),
        (CAPSULES, "Take 1 capsule by mouth at bedtime. No more than 4.5 mg a day."),
        (CAPSULES, "Take 1 capsule by mouth at bedtime starting 12/07/2026"),
        (CAPSULES, "Take 1 capsule by mouth at bedtime starting December 7"),
        (DROPS, f"Place {n} drops under the tongue once daily. Max {n} drops a day."),
        (
            DROPS,
            f"Place {n} drops under the tongue once daily ({DROPS.per_drop.magnitude} mg per drop).",
        ),
        (LIQUID, f"Take {ml} mL by mouth once daily. Fill the syringe to the {ml} mL mark."),
        (
            LIQUID,
            f"Take {ml} mL by mouth once daily. Contains {LIQUID.concentration.magnitude} mg per mL.",
        ),
        (RDT, "Place 1 rapid-dissolve tablet under the tongue once daily."),
    ]


@pytest.mark.parametrize("index", range(11))
def test_safety_advice_start_dates_marks_strengths_and_the_rdt_name_are_printed(index):
    result, directions = _sigs()[index]
    assert lc.build_label(result, label_order(directions=directions)).directions == directions
    args = ["label", "-", *LABEL, "--directions", directions, "--format", "json"]
    res = CliRunner().invoke(cli, args, input=lc.dumps(result))
    assert res.exit_code == 0, res.output


def _wrong() -> list[tuple[Any, str, str]]:
    n, ml = DROPS.drops_per_dose, LIQUID.dose_measured.magnitude
    limit = "directions-limit-mismatch"
    return [
        (CAPSULES, "Take 1 capsule by mouth at bedtime. Max 2 capsules per day.", limit),
        (CAPSULES, "Take 1 capsule at bedtime. Never take more than 9 mg in 24 hours.", limit),
        (CAPSULES, "Take 1 capsule at bedtime. Do not take more than 1 drop a day.", limit),
        (DROPS, f"Place {n} drops under the tongue once daily. Max {n + 1} drops a day.", limit),
        (DROPS, f"Place {n} drops under the tongue once daily. Max 2 capsules a day.", limit),
        (LIQUID, f"Take {ml} mL by mouth once daily. Max 5 mL per day.", limit),
        (DROPS, f"Place {n} drops under the tongue once daily (5 mg per drop).", "mismatch"),
        (LIQUID, f"Take {ml} mL by mouth once daily. Contains 1 mg per mL.", "mismatch"),
        (
            LIQUID,
            f"Take {ml} mL by mouth once daily. Fill the syringe to the 2 mL mark.",
            "mismatch",
        ),
        (RDT, "Place 2 rapid-dissolve tablets under the tongue once daily.", "mismatch"),
        (CAPSULES, "Take 1 capsule by mouth at bedtime. Double the dose if no relief.", "extra"),
    ]


@pytest.mark.parametrize("index", range(11))
def test_a_limit_strength_or_mark_other_than_the_prescription_is_refused(index):
    result, directions, code = _wrong()[index]
    code = {"mismatch": "directions-dose-mismatch", "extra": "directions-extra-dose"}.get(
        code, code
    )
    err = refused(result, directions=directions)
    assert (err.code, err.field) == (code, "directions"), err.message
    res = CliRunner().invoke(
        cli, ["label", "-", *LABEL, "--directions", directions], input=lc.dumps(result)
    )
    assert res.exit_code == 2, res.output
    assert "Error: --directions: " in res.output


def test_the_limit_refusal_names_the_limit_and_the_prescribed_dose():
    err = refused(CAPSULES, directions="Take 1 capsule at bedtime. Max 2 capsules per day.")
    assert err.message == (
        "directions: '2 capsules' is a daily maximum other than the prescribed daily dose; "
        "expected no daily maximum, or one equal to the prescribed dose (1 capsule once daily)."
    )


def test_a_daily_maximum_is_no_frequency():
    no_rx_frequency = orders.FORMULATE["capsules"](orders.capsules(doses_per_day=None))
    err = refused(no_rx_frequency, directions="Take 1 capsule by mouth. Max 1 capsule per day.")
    assert (err.code, err.field) == ("directions-no-frequency", "directions")


# --- wording a pharmacist writes that is not about the dose (stop 19 leftovers) ----------------

#: sentences that say nothing about the dose of one capsule once daily: a negated amount more
#: than the dose, a storage temperature, the water it is taken with, a telephone number
NOT_ABOUT_THE_DOSE = [
    "Do not take 2 capsules at the same time.",
    "If you miss a dose, do not take 2 doses.",
    "Do not take 2 doses to make up for a missed dose.",
    "Never take two capsules at once.",
    "Store at 20-25 °C (68-77 °F).",
    "Store below 25°C.",
    "Store at 20 to 25 degrees C.",
    "Do not refrigerate.",
    "Take it with 8 oz of water.",
    "Swallow it with a glass (240 mL) of water.",
    "Take it with 8 fl oz (240 mL) of water.",
    "Call 555-123-4567 with questions.",
    "Questions: (020) 7946 0018.",
    "Pharmacy: +44 20 7946 0018.",
    "Call the pharmacy on 555-0100.",
    "Take it with 1 glass of water.",
    "Take it with one 8-ounce glass of water.",
    "Call 911 in an emergency.",
]
#: near misses: each still says something about the dose, and is refused (with its code)
NEAR_MISSES = [
    ("Take 2 capsules with 8 oz of water.", "directions-dose-mismatch"),
    ("Store 2 capsules at 25 °C.", "directions-dose-mismatch"),
    ("Store at 25 °C and take 2 capsules.", "directions-dose-mismatch"),
    ("Do not take 1 capsule at the same time.", "directions-dose-mismatch"),
    ("Do not take 1 dose.", "directions-dose-mismatch"),
    ("Do not take 2 tablets at once.", "directions-dose-mismatch"),
    ("Do not take 2 capsules a day.", "directions-dose-mismatch"),
    ("Do not take 2 capsules if you feel unwell.", "directions-dose-mismatch"),
    ("Do not take 2 capsules more than once a day.", "directions-extra-dose"),
    ("Do not take more than 2 capsules a day.", "directions-limit-mismatch"),
    ("Take it at 25 C.", "directions-unreadable"),
    ("Take it with 8 oz.", "refused-unit"),
    ("Take it with 8 oz of water, 1 more if needed.", "directions-extra-dose"),
    ("Then 555-0100.", "directions-unreadable"),
    ("Call 555-123-4567 capsules.", "directions-unreadable"),
    ("Call (020) 7946 0018 mg.", "directions-unreadable"),
    ("Take it with 4.5 mg of water.", "directions-unreadable"),
    ("Call 4.5 mg with questions.", "directions-unreadable"),
    ("Take it with 1 capsule of water.", "directions-unreadable"),
    ("Call 555-123-4567 twice daily.", "directions-extra-dose"),
]
ONCE_DAILY = "Take 1 capsule by mouth once daily."


@pytest.mark.parametrize("sentence", NOT_ABOUT_THE_DOSE)
def test_wording_that_is_not_about_the_dose_is_printed(sentence):
    directions = f"{ONCE_DAILY} {sentence}"
    label = lc.build_label(CAPSULES, label_order(directions=directions))
    assert label.directions == unicodedata.normalize("NFKC", directions)
    read = read_directions(directions, "directions")
    assert [a.number for a in read.amounts] == [1] and not read.unread and not read.extra


@pytest.mark.parametrize(("sentence", "code"), NEAR_MISSES)
def test_a_near_miss_of_that_wording_is_still_refused(sentence, code):
    err = refused(CAPSULES, directions=f"{ONCE_DAILY} {sentence}")
    assert (err.code, err.field) == (code, "directions"), err.message


def test_the_negated_amount_must_be_more_than_the_dose_in_the_labels_measure():
    """'Do not take N at the same time' is more than the dose: two doses, more capsules than
    one dose is, more drops than one dose is; the dose itself or another form is refused."""
    two = "Take 2 capsules (1 mg) by mouth twice daily."
    order = label_order(dose=lc.mass("1 mg"), doses_per_day=Decimal(2))
    for tail, code in (
        ("Do not take 4 capsules at the same time.", None),
        ("Do not take 3 capsules at once.", None),
        ("Do not take 2 capsules at the same time.", "directions-dose-mismatch"),
    ):
        text = f"{two} {tail}"
        if code is None:
            assert lc.build_label(HALF_MG, attrs.evolve(order, directions=text)).directions == text
        else:
            with pytest.raises(lc.InputError) as info:
                lc.build_label(HALF_MG, attrs.evolve(order, directions=text))
            assert info.value.code == code
    n = DROPS.drops_per_dose
    drops = f"Place {n} drops under the tongue once daily."
    assert lc.build_label(
        DROPS, label_order(directions=f"{drops} Do not take {2 * n} drops at once.")
    )
    assert refused(DROPS, directions=f"{drops} Do not take {n} drops at once.").code == (
        "directions-dose-mismatch"
    )
    err = refused(CAPSULES, directions=f"{ONCE_DAILY} Do not take 1 capsule at the same time.")
    assert err.message == (
        "directions: '1 capsule' is what the directions say not to take, and is not more than "
        "the prescribed dose in the label's own measure; expected no such sentence, or one "
        "naming more than the prescribed dose (1 capsule), such as 'Do not take 2 doses at the "
        "same time'."
    )


def test_liquid_and_drops_directions_with_storage_water_and_a_phone_number():
    ml = LIQUID.dose_measured.magnitude
    liquid = (
        f"Take {ml} mL by mouth once daily in 8 oz (240 mL) of water. Store at 2-8 °C. "
        "Call 555-123-4567 with questions."
    )
    assert lc.build_label(LIQUID, label_order(directions=liquid)).directions == liquid
    # the vehicle is not the dose: a dose in it is still read ('with 18 mL of the liquid')
    for text in (
        f"Take {ml} mL by mouth once daily. Fill the syringe with 18 mL of the liquid.",
        f"Take {10 * ml} mL by mouth once daily in 8 oz of water.",
        f"Take {ml} mL by mouth once daily. Do not take 2 capsules at once.",
    ):
        assert refused(LIQUID, directions=text).code == "directions-dose-mismatch"
    n = DROPS.drops_per_dose
    drops = (
        f"Place {n} drops under the tongue once daily. "
        "Keep in the fridge at 2 °C to 8 °C (36 °F to 46 °F)."
    )
    assert lc.build_label(DROPS, label_order(directions=drops)).directions == drops


@settings(max_examples=200, deadline=None)
@given(
    amount=st.sampled_from(AMOUNTS),
    route=st.sampled_from(ROUTE_WORDS),
    freq=st.sampled_from(FREQUENCIES),
    tail=st.sampled_from(TAILS),
    sentence=st.sampled_from(NOT_ABOUT_THE_DOSE),
    near=st.sampled_from([near for near, _ in NEAR_MISSES]),
)
def test_a_sentence_not_about_the_dose_changes_no_verdict(
    amount, route, freq, tail, sentence, near
):
    """Property: directions with a sentence that is not about the dose are printed exactly
    when the directions alone are, and refused with the same code when they are not (no
    refusal is weakened); with a near miss instead, they are always refused."""
    directions = "Take " + "".join(text for text, _ in (amount, route, freq, tail)) + "."

    def verdict(text: str) -> str:
        try:
            lc.build_label(CAPSULES, label_order(directions=text))
        except lc.InputError as err:
            return err.code
        return "printed"

    alone = verdict(directions)
    assert verdict(f"{directions} {sentence}") == alone
    assert verdict(f"{directions} {near}") != "printed"


def test_the_command_line_prints_wording_not_about_the_dose_and_refuses_its_near_misses():
    text = lc.dumps(CAPSULES)
    good = (
        f"{ONCE_DAILY} Do not take 2 capsules at the same time. Store at 20-25 °C (68-77 °F). "
        "Take it with 8 oz of water. Call 555-123-4567 with questions."
    )
    res = CliRunner().invoke(cli, ["label", "-", *LABEL, "--directions", good], input=text)
    assert res.exit_code == 0, res.output
    assert "555-123-4567" in res.output and "Traceback" not in res.output
    for directions, message in (
        (
            f"{ONCE_DAILY} Do not take 1 capsule at the same time.",
            "Error: --directions: '1 capsule' is what the directions say not to take",
        ),
        (
            "Take 2 capsules by mouth once daily with 8 oz of water.",
            "Error: --directions: '2 capsules' does not match",
        ),
        (f"{ONCE_DAILY} Then 555-0100.", "Error: --directions: '555 -' is a number"),
    ):
        res = CliRunner().invoke(
            cli, ["label", "-", *LABEL, "--directions", directions], input=text
        )
        assert res.exit_code == 2, res.output
        assert message in res.output, res.output
        assert "Traceback" not in res.output


# --- storage and beyond-use wording in the directions (probe3 Q12, Q19) -------------------------

#: (storage wording, printed on a refrigerated preparation, printed on a room-temperature one)
STORAGE_WORDING = [
    ("Store at 2-8 °C.", True, False),
    ("Keep in the fridge at 2 °C to 8 °C (36 °F to 46 °F).", True, False),
    ("Keep refrigerated, do not freeze.", True, False),
    ("Store below 8 °C.", True, False),
    ("Do not store at room temperature.", True, False),
    ("Store at 20-25 °C (68-77 °F).", False, True),
    ("Store at 20 to 25 degrees C.", False, True),
    ("Store below 25°C.", False, True),
    ("Do not store above 30 °C.", False, True),
    ("Do not refrigerate.", False, True),
    ("Do not freeze.", True, True),
    ("Protect from freezing.", True, True),
    ("Store at -20 C.", False, False),
    ("Store at 40 °C.", False, False),
    ("Freeze.", False, False),
    ("Store in the freezer.", False, False),
    ("Store above 2 °C.", False, False),
    ("Keep in the refrigerator or at room temperature.", False, False),
]


@pytest.mark.parametrize(("wording", "fridge", "room"), STORAGE_WORDING)
def test_storage_wording_must_agree_with_the_preparations_storage(wording, fridge, room):
    """A storage sentence in the directions is printed only where it agrees with the storage
    the beyond-use date was given for (LIQUID and DROPS: refrigerator; CAPSULES: room)."""
    n = DROPS.drops_per_dose
    for result, first, printed in (
        (LIQUID, f"Take {LIQUID.dose_measured.magnitude} mL by mouth once daily.", fridge),
        (DROPS, f"Place {n} drops under the tongue once daily.", fridge),
        (CAPSULES, ONCE_DAILY, room),
    ):
        directions = f"{first} {wording}"
        if printed:
            label = lc.build_label(result, label_order(directions=directions))
            assert label.directions == unicodedata.normalize("NFKC", directions)
        else:
            err = refused(result, directions=directions)
            assert (err.code, err.field) == ("directions-storage-mismatch", "directions")


#: wording that states a date or a period to discard by, use within or expire
KEEP_WORDING = [
    "Discard after 2027-06-04.",
    "Use within 90 days.",
    "Discard 6 months after opening.",
    "Expires 2027-12-31.",
    "Do not use after December 31, 2027.",
    "Good for one month.",
    "Throw away any unused liquid after 14 days.",
]


@settings(max_examples=60, deadline=None)
@given(
    wording=st.sampled_from(KEEP_WORDING),
    result=st.sampled_from([CAPSULES, LIQUID, DROPS, TROCHES]),
)
def test_no_discard_date_or_period_is_printed_beside_the_bud(wording, result):
    """Property: the label states one beyond-use date; directions stating a date or a period
    to discard by, use within or expire are refused on every form, whatever the date."""
    facts = lc.build_label(result, label_order())
    directions = f"{facts.directions} {wording}"
    err = refused(result, directions=directions)
    assert (err.code, err.field) == ("directions-bud-statement", "directions"), err.message
    assert facts.bud.isoformat() in err.message


def test_the_refusals_of_storage_and_keeping_wording_say_what_the_label_states():
    ml = LIQUID.dose_measured.magnitude
    err = refused(LIQUID, directions=f"Take {ml} mL by mouth once daily. Do not refrigerate.")
    assert err.message == (
        "directions: 'Do not refrigerate' says to store the preparation other than as its "
        "beyond-use date was given for (in the refrigerator); expected no storage wording, or "
        "wording that agrees with the label's: 'Keep in the refrigerator (2-8 °C). Do not "
        "freeze.'."
    )
    bud = LIQUID.bud.date.isoformat()
    err = refused(LIQUID, directions=f"Take {ml} mL by mouth once daily. Use within 90 days.")
    assert err.message == (
        "directions: 'Use within 90 days' states a date or a period to discard by, use within "
        f"or expire, which the label states once, as its beyond-use date ({bud}); expected no "
        f"such date or period in the directions (the label prints 'Do not use after {bud}')."
    )
    # a sentence without a date or period is not a second beyond-use date
    text = f"Take {ml} mL by mouth once daily. Discard any unused liquid."
    assert lc.build_label(LIQUID, label_order(directions=text)).directions == text


def test_the_command_line_refuses_storage_and_keeping_wording():
    ml = LIQUID.dose_measured.magnitude
    for tail, message in (
        ("Store at 20-25 °C (68-77 °F).", "Error: --directions: 'Store at 20-25 °C (68-77 °F)'"),
        ("Discard after 2027-06-04.", "Error: --directions: 'Discard after 2027-06-04'"),
    ):
        res = CliRunner().invoke(
            cli,
            ["label", "-", *LABEL, "--directions", f"Take {ml} mL by mouth once daily. {tail}"],
            input=lc.dumps(LIQUID),
        )
        assert res.exit_code == 2, res.output
        assert message in res.output and "Traceback" not in res.output


# --- a negated mass or volume is compared with the dose in every measure (probe3 Q1) -----------


@pytest.mark.parametrize(
    ("result", "first", "tail", "printed"),
    [
        (CAPSULES, ONCE_DAILY, "Do not take 4.5 mg at the same time.", False),
        (CAPSULES, ONCE_DAILY, "Do not take 4500 mcg at the same time.", False),
        (CAPSULES, ONCE_DAILY, "Do not take 4.5 milligrams.", False),
        (CAPSULES, ONCE_DAILY, "Do not take 2 mg at the same time.", False),
        (CAPSULES, ONCE_DAILY, "Do not take 5 mL at once.", False),
        (CAPSULES, ONCE_DAILY, "Do not take 9 mg at the same time.", True),
        (LIQUID, "liquid", "Do not take 4.5 mg at the same time.", False),
        (LIQUID, "liquid", "Do not take {ml} mL at the same time.", False),
        (LIQUID, "liquid", "Do not take {two} mL at the same time.", True),
        (LIQUID, "liquid", "Do not take 9 mg at the same time.", True),
    ],
)
def test_a_negated_mass_or_volume_must_be_more_than_one_dose(result, first, tail, printed):
    ml = LIQUID.dose_measured.magnitude
    if first == "liquid":
        first = f"Take {ml} mL by mouth once daily."
    directions = f"{first} {tail.format(ml=ml, two=2 * ml)}"
    if printed:
        assert lc.build_label(result, label_order(directions=directions)).directions == directions
    else:
        err = refused(result, directions=directions)
        assert (err.code, err.field) == ("directions-dose-mismatch", "directions"), err.message


# --- the water a liquid dose is chased with, and what is not water (probe3 Q2, Q23) -----------


@pytest.mark.parametrize(
    ("tail", "printed"),
    [
        (", then 9 mL of water.", True),
        (", followed by 9 mL of water.", True),
        (" with 1 glass of water.", True),
        (" with 9 mL of water mixed with this liquid.", False),
        (" with 9 mL of milk of magnesia.", False),
        (" with 4.5 mg of water.", False),
        (". Call 4.5 mg with questions.", False),
    ],
)
def test_the_water_a_liquid_dose_is_taken_with_ends_at_the_water(tail, printed):
    """'then 9 mL of water' names the water after the dose (the dose is stated on its own);
    water mixed with the liquid, another liquid 'of' something, a mass of water or an
    amount in a sentence about calling are not read as water or a telephone number."""
    ml = LIQUID.dose_measured.magnitude
    directions = f"Take {ml} mL by mouth once daily{tail}"
    if printed:
        label = lc.build_label(LIQUID, label_order(directions=directions))
        assert label.directions == directions
    else:
        err = refused(LIQUID, directions=directions)
        assert err.code in ("directions-unreadable", "directions-dose-mismatch"), err.message
