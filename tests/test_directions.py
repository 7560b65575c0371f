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
from ldncompound._directions import ascii_digits, read_directions

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")
LABEL = [
    *("--patient", "Jane Doe", "--prescriber", "Dr Smith", "--pharmacy-name", "Main St"),
    *("--pharmacy-address", "1 Main St", "--pharmacy-phone", "555-0100", "--rx", "RX1"),
]


def label_order(**kw: Any) -> lc.LabelOrder:
    args = {"patient": "Jane Doe", "prescriber": "Dr Smith", "pharmacy": PHARMACY}
    return lc.LabelOrder(**(args | {"rx_number": "RX-1"} | kw))


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
