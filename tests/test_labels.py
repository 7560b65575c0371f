"""Labels: every rule in JSON and text, patient-facing numbers, caller text, wrapping."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from decimal import Decimal

import pytest
import test_liquids
import wcwidth
from hypothesis import given
from hypothesis import strategies as st
from strategies import decimals

import ldncompound as lc

DAY = dt.date(2026, 11, 21)
PHARMACY = lc.Pharmacy(
    name="Main Street Pharmacy", address="1 Main Street, Springfield", phone="555-0100"
)


def order(**kw) -> lc.LabelOrder:
    args = {
        "patient": "Jane Doe",
        "prescriber": "Dr A. Smith",
        "pharmacy": PHARMACY,
        "rx_number": "RX-1001",
        "record_id": "CR-1",
        **kw,
    }
    return lc.LabelOrder(**args)


def capsules(source=None, **kw) -> lc.CapsuleResult:
    source = source or lc.TabletSource(
        average_weight=lc.mass("200 mg"), tablets_weighed=10, expiry=dt.date(2028, 1, 1), lot="T"
    )
    args = {
        "dose": lc.mass("4.5 mg"),
        "count": 30,
        "source": source,
        "compounded_on": DAY,
        "doses_per_day": Decimal(1),
        **kw,
    }
    return lc.formulate_capsules(lc.CapsuleOrder(**args))


def codes(label: lc.Label) -> list[str]:
    return [a.code for a in label.auxiliary]


def test_capsule_label_fields_json_and_text():
    label = lc.build_label(capsules(), order(timing="at bedtime"))
    assert label.drug == "naltrexone HCl"
    assert label.strength_text == "4.5 mg per capsule"
    assert (label.strength.value, label.strength.unit, label.strength.display) == (
        "4.5",
        "mg",
        "4.5 mg",
    )
    assert label.quantity.display == "30 capsules"
    assert label.directions == "Take 1 capsule (4.5 mg) by mouth once daily at bedtime."
    assert label.bud == dt.date(2027, 5, 19)
    assert label.storage is None  # room temperature is not printed
    assert label.compounded_statement
    data = lc.to_json(label)
    assert data["schema"] == "ldncompound/label/1"
    assert lc.from_json(json.loads(json.dumps(data))) == label
    text = lc.render_label(label, width=48)
    for piece in (
        "RX-1001",
        "Jane Doe",
        "Dr A. Smith",
        "Main Street Pharmacy",
        "555-0100",
        "2027-05-19",
    ):
        assert piece in text


def test_opioid_warning_and_keep_out_of_reach_on_every_label():
    api = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A",
    )
    for result in (capsules(), capsules(source=api)):
        label = lc.build_label(result, order())
        assert codes(label)[0] == "opioid"
        assert codes(label)[-1] == "keep-out-of-reach"
        text = lc.render_label(label)
        assert "opioid" in text
        assert "Carry a card" in text
        assert "Keep out of reach of children." in text


def test_lactose_from_tablets_or_filler_and_none_from_api_with_mcc():
    api = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A",
    )
    from_tablets = lc.build_label(capsules(), order())
    lactose_filler = lc.build_label(
        capsules(source=api, filler=lc.FillerLot(filler="lactose")), order()
    )
    plain_api = lc.build_label(capsules(source=api), order())
    for label in (from_tablets, lactose_filler):
        assert "allergen-lactose" in codes(label)
        assert lc.to_json(label)["allergens"] == ["lactose"]
        assert "Contains lactose." in lc.render_label(label)
    assert "allergen-lactose" not in codes(plain_api)
    assert "Contains lactose." not in lc.render_label(plain_api)


def test_refrigerated_capsules_print_one_storage_statement():
    label = lc.build_label(capsules(storage=lc.Storage.REFRIGERATOR), order())
    assert label.storage == "Keep in the refrigerator (2-8 °C). Do not freeze."
    assert "refrigerate" not in codes(label)
    assert " ".join(lc.render_label(label).split()).count("refrigerator") == 1


def test_timing_is_never_added_on_its_own():
    label = lc.build_label(capsules(), order())
    assert "bedtime" not in label.directions and "morning" not in label.directions
    assert "bedtime" not in lc.render_label(label)


def test_a_microgram_order_is_labelled_in_mg():
    """Probe F3: the label states the strength and the dose in mg whatever unit the order
    used, so "4.5 mg per capsule" never stands beside "(4500 mcg)"."""
    label = lc.build_label(capsules(dose=lc.mass("500 mcg")), order())
    assert (label.strength.value, label.strength.unit, label.strength.display) == (
        "0.5",
        "mg",
        "0.5 mg",
    )
    assert label.strength_text == "0.5 mg per capsule"
    assert label.directions.startswith("Take 1 capsule (0.5 mg)")
    text = lc.render_label(label)
    assert "mcg" not in text and "µg" not in text and "500" not in text


def test_a_label_dose_in_mcg_is_printed_in_mg():
    label = lc.build_label(
        capsules(doses_per_day=None), order(doses_per_day=Decimal(1), dose=lc.mass("4500 mcg"))
    )
    assert label.directions.startswith("Take 1 capsule (4.5 mg)")
    assert "mcg" not in lc.render_label(label)


@pytest.mark.parametrize(
    ("concentration", "strength", "dose"),
    [
        (("0.001", lc.Unit.G_PER_ML), "1 mg/mL", "(2 mg)"),
        (("1000", lc.Unit.MCG_PER_ML), "1 mg/mL", "(2 mg)"),
        (("0.0005", lc.Unit.G_PER_ML), "0.5 mg/mL", "(2 mg)"),
    ],
)
def test_a_liquid_strength_in_g_or_mcg_is_labelled_in_mg_per_ml(concentration, strength, dose):
    result = lc.formulate_liquid(
        test_liquids.order(
            dose=lc.mass("2 mg"),
            concentration=lc.Quantity(Decimal(concentration[0]), concentration[1]),
            overage=lc.percent("0 %"),
        )
    )
    label = lc.build_label(result, order())
    assert label.strength.display == strength and label.strength.unit == "mg/mL"
    assert dose in label.directions
    text = lc.render_label(label)
    assert " g/mL" not in text and "mcg" not in text


@given(
    decimals("0.001", "9999", 3).filter(lambda d: d > 0),
    st.sampled_from([lc.Unit.MCG, lc.Unit.MG, lc.Unit.G]),
)
def test_every_patient_facing_mass_is_in_mg_and_exact(value, unit):
    amount = lc.LabelAmount.of(lc.Quantity(value, unit))
    assert amount.unit == "mg" and amount.display == f"{amount.value} mg"
    assert lc.Quantity(Decimal(amount.value), lc.Unit.MG) == lc.Quantity(value, unit)


def test_two_capsules_per_dose_and_refused_fraction():
    label = lc.build_label(capsules(dose=lc.mass("1.5 mg")), order(dose=lc.mass("3 mg")))
    assert label.directions.startswith("Take 2 capsules (3 mg)")
    with pytest.raises(lc.InputError) as info:
        lc.build_label(capsules(dose=lc.mass("1.5 mg")), order(dose=lc.mass("2 mg")))
    assert info.value.code == "not-whole-units"


def test_directions_need_a_frequency():
    with pytest.raises(lc.InputError) as info:
        lc.build_label(capsules(doses_per_day=None), order())
    assert info.value.field == "doses_per_day"
    label = lc.build_label(
        capsules(doses_per_day=None), order(directions="Take 1 capsule by mouth at night.")
    )
    assert label.directions == "Take 1 capsule by mouth at night."


@pytest.mark.parametrize(
    "bad", ["Jane\x1b[31mDoe", "Jane\nDoe", "Jane\u202eeoD", "Jane\x00", "", "   "]
)
def test_caller_text_with_control_characters_refused(bad):
    with pytest.raises(lc.InputError) as info:
        order(patient=bad)
    assert info.value.field == "patient"


@pytest.mark.parametrize(
    "name",
    [
        "José Ñúñez",
        "王小明",
        "Zoë O'Brien-Łukasiewicz",
        "محمد علی",
        "Ἀλέξανδρος",
        "मोहन",
        "می\u200cخواهم",
    ],
)
def test_any_unicode_letters_are_accepted_and_printed(name):
    label = lc.build_label(capsules(), order(patient=name))
    assert name in lc.render_label(label, width=40)


def test_wide_characters_wrap_by_display_width():
    name = " ".join(["王小明"] * 12)
    text = lc.render_label(lc.build_label(capsules(), order(patient=name)), width=30)
    assert all(wcwidth.wcswidth(line) <= 30 for line in text.splitlines())


@pytest.mark.parametrize("width", range(20, 49))
def test_a_number_never_ends_a_line_without_its_unit(width):
    """A line ending in a bare '4.5' is a dose without its unit (probe F18)."""
    text = lc.render_label(lc.build_label(capsules(), order(timing="at bedtime")), width=width)
    lines = text.splitlines()
    for line, after in itertools.pairwise(lines):
        if re.search(r"[0-9]$", line):
            assert not re.match(r"(mg|mcg|mL|capsules?)\b", after), (line, after)
    assert "4.5 mg" in text.replace("\n", " ")


def test_a_word_too_wide_raises_rather_than_truncates():
    with pytest.raises(lc.InputError) as info:
        lc.render_label(lc.build_label(capsules(), order(patient="X" * 45)), width=40)
    assert info.value.code == "label-too-narrow"
    assert info.value.field == "patient"


caller_text = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=60
).filter(
    lambda s: (
        any(unicodedata.category(c)[0] in "LNPS" for c in unicodedata.normalize("NFKC", s))
        and all(len(w) <= 12 for w in s.split(" "))
    )
)


@given(caller_text)
def test_text_rendering_never_loses_a_character_of_caller_text(name):
    try:
        label = lc.build_label(capsules(), order(patient=name))
    except lc.InputError as err:  # a blank glyph (a Hangul filler), or a dose ('1 mg')
        assert err.code in ("empty", "dose-in-label-text")
        return
    assert label.patient == unicodedata.normalize("NFKC", name)
    try:
        text = lc.render_label(label, width=48)
    except lc.InputError as err:
        assert err.code == "label-too-narrow"
        return
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", label.patient) in squeezed


@given(decimals("0.001", "999", 3).filter(lambda d: d > 0))
def test_patient_facing_numbers_have_a_leading_zero_and_no_trailing_zero(value):
    amount = lc.LabelAmount.of(lc.Quantity(value, lc.Unit.MG))
    text = amount.value
    assert not text.startswith(".")
    if "." in text:
        assert not text.endswith("0")
        assert text.split(".")[0] != ""
    assert Decimal(text) == value
    assert amount.display == f"{text} mg"


def test_counted_units_are_singular_for_one():
    assert lc.LabelAmount.of(lc.Quantity(1, lc.Unit.CAPSULE)).display == "1 capsule"
    assert lc.LabelAmount.of(lc.Quantity(2, lc.Unit.CAPSULE)).display == "2 capsules"
