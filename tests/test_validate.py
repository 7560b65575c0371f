"""Field validators: caller text, the one character rule every free-text field shares."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound._labels import check_caller_text
from ldncompound._numbers import plain
from ldncompound._validate import check_doses_per_day, check_text_characters, text_field

#: what -> (text, the code point the refusal names)
REFUSED = {
    "a terminal escape": ("Rx \x1b[31m1", "U+001B"),
    "an OSC title escape": ("T\x1b]0;owned\x07", "U+001B"),
    "a NUL": ("T1\x00", "U+0000"),
    "a C1 control (CSI)": ("T\x9b1", "U+009B"),
    "DEL": ("T\x7f1", "U+007F"),
    "a line feed": ("T1\nT2", "U+000A"),
    "a line separator": ("T1\u2028T2", "U+2028"),
    "a paragraph separator": ("T1\u2029", "U+2029"),
    "a right-to-left override": ("T\u202e1X", "U+202E"),
    "a left-to-right isolate": ("T\u20661", "U+2066"),
    "a lone surrogate": ("T\ud8001", "U+D800"),
    "a private-use character": ("T\ue0001", "U+E000"),
    "an unassigned code point": ("T\u0378", "U+0378"),
}
ACCEPTED = ["José Ñúñez", "王小明", "محمد علی", "क्‍ष", "T-123/4 (b)", "Lot\u00a0A1"]


@pytest.mark.parametrize(("text", "point"), REFUSED.values(), ids=REFUSED.keys())
def test_control_characters_are_refused_naming_the_code_point(text, point):
    with pytest.raises(lc.InputError) as info:
        check_text_characters("lot", text)
    err = info.value
    assert (err.code, err.field) == ("control-character", "lot")
    assert err.message.startswith("lot: ") and f"({point})" in err.message


@pytest.mark.parametrize("text", ACCEPTED)
def test_any_script_and_the_zero_width_joiner_are_accepted(text):
    check_text_characters("patient", text)
    text_field("lot")(None, None, text)


@pytest.mark.parametrize(
    ("text", "code"), [("", "empty"), ("   ", "empty"), ("x" * 201, "too-long")]
)
def test_blank_and_overlong_text_is_refused(text, code):
    with pytest.raises(lc.InputError) as info:
        text_field("lot")(None, None, text)
    assert (info.value.code, info.value.field) == (code, "lot")


def test_text_fields_and_label_text_refuse_the_same_characters():
    for text, _ in REFUSED.values():
        with pytest.raises(lc.InputError):
            lc.ApiLot(
                form="hcl",
                assay=lc.percent("99 %"),
                assay_basis=lc.AssayBasis.AS_IS,
                expiry=dt.date(2030, 1, 1),
                lot=text,
            )
        with pytest.raises(lc.InputError):
            check_caller_text("patient", text)


@pytest.mark.parametrize(
    "make",
    [
        lambda ref: lc.CapsuleOrder(
            dose=lc.mass("4.5 mg"),
            count=30,
            source=lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=dt.date(2030, 1, 1)),
            reference=ref,
        ),
        lambda ref: lc.LiquidOrder(
            dose=lc.mass("4.5 mg"),
            volume=lc.volume("30 mL"),
            source=lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=dt.date(2030, 1, 1)),
            reference=ref,
        ),
    ],
    ids=["capsules", "liquid"],
)
@pytest.mark.parametrize(("ref", "code"), [("Rx \x1b[2J1", "control-character"), ("", "empty")])
def test_the_order_reference_is_caller_text(make, ref, code):
    """The reference is printed on worksheets and labels: it was not checked before."""
    with pytest.raises(lc.InputError) as info:
        make(ref)
    assert (info.value.code, info.value.field) == (code, "reference")
    assert make("Rx 1042").reference == "Rx 1042"


#: what -> (text, the code point the refusal names): Unicode format characters (category Cf)
INVISIBLE = {
    "a zero-width space": ("RX\u200b1", "U+200B"),
    "a word joiner": ("RX\u20601", "U+2060"),
    "a soft hyphen": ("RX\u00ad1", "U+00AD"),
    "a byte-order mark": ("\ufeffRX1", "U+FEFF"),
    "a left-to-right mark": ("RX1\u200e", "U+200E"),
    "an invisible times": ("4\u2062mg", "U+2062"),
    "a zero-width joiner between ASCII letters": ("A\u200dB", "U+200D"),
    "a zero-width non-joiner at the end": ("محمد\u200c", "U+200C"),
    "a Mongolian vowel separator": ("A\u180eB", "U+180E"),
}


@pytest.mark.parametrize(("text", "point"), INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_are_refused_naming_the_code_point(text, point):
    for check in (
        lambda: check_text_characters("lot", text),
        lambda: text_field("lot")(None, None, text),
        lambda: check_caller_text("lot", text),
    ):
        with pytest.raises(lc.InputError) as info:
            check()
        err = info.value
        assert (err.code, err.field) == ("invisible-character", "lot")
        assert err.message.startswith("lot: ") and f"({point}, " in err.message
        assert "\n" not in err.message and err.message.endswith(".")


@pytest.mark.parametrize(
    "text", ["\u3000", "\u2800", "\u3164 \u3164", "\u0301\u0301", " \u00a0\u2003 "]
)
def test_text_that_prints_blank_is_refused(text):
    with pytest.raises(lc.InputError) as info:
        text_field("patient")(None, None, text)
    assert (info.value.code, info.value.field) == ("empty", "patient")


def test_text_is_kept_in_its_nfkc_form():
    order = lc.CapsuleOrder(
        dose=lc.mass("4.5 mg"),
        count=30,
        source=lc.TabletSource(
            average_weight=lc.mass("200 mg"), expiry=dt.date(2030, 1, 1), lot="ＬＯＴ\u00a0４２"
        ),
        reference="Ｒｘ １２３",
    )
    assert order.reference == "Rx 123"
    assert order.source.lot == "LOT 42"
    assert (
        lc.LabelOrder(
            patient="ﬁona",
            prescriber="Dr Ｘ",
            pharmacy=lc.Pharmacy(name="P", address="A", phone="1"),
            rx_number="RX-１",
            record_id="CR-1",
        ).patient
        == "fiona"
    )


def test_text_that_grows_past_its_limit_under_nfkc_is_refused():
    # U+FDFA is one character that NFKC writes as 18
    with pytest.raises(lc.InputError) as info:
        text_field("lot", max_length=10)(None, None, "\ufdfa")
    assert info.value.code == "too-long"


def test_text_items_are_normalised_and_checked():
    source = lc.TabletSource(
        average_weight=lc.mass("200 mg"),
        expiry=dt.date(2030, 1, 1),
        allergens_declared=("ｌａｃｔｏｓｅ",),
    )
    assert source.allergens_declared == ("lactose",)
    with pytest.raises(lc.InputError) as info:
        lc.TabletSource(
            average_weight=lc.mass("200 mg"),
            expiry=dt.date(2030, 1, 1),
            allergens_declared=("lac\u00adtose",),
        )
    assert info.value.code == "invisible-character"


def test_non_text_is_refused():
    with pytest.raises(lc.InputError) as info:
        text_field("lot")(None, None, 42)
    assert info.value.code == "not-text"


def test_a_study_reference_is_kept_in_nfkc_form():
    study = lc.StudyBud(
        reference="Ｓｔｕｄｙ １",
        days=30,
        storage=lc.Storage.REFRIGERATOR,
        matches_formula_vehicle_container=True,
    )
    assert study.reference == "Study 1"


def test_the_fast_path_passes_only_characters_the_rules_accept():
    """Text wholly of the fast path's characters skips the lookup per character: every one of
    them must be accepted by the character rules, and every other one in the first 512 code
    points must take the lookup (so that the soft hyphen and the controls are still refused)."""
    from ldncompound import _validate  # noqa: PLC0415

    fast = [chr(c) for c in range(512) if _validate._PLAIN_TEXT.fullmatch(chr(c))]
    assert "§" in fast and "µ" in fast and "\u00ad" not in fast and "\x9b" not in fast
    for ch in fast:
        category = unicodedata.category(ch)
        assert category[0] in "LNPSZ" and category not in ("Zl", "Zp"), repr(ch)
    for ch in map(chr, range(512)):
        if ch not in fast:
            assert ch == "\u00ad" or unicodedata.category(ch)[0] in "CL", repr(ch)
    with pytest.raises(lc.InputError) as err:
        check_text_characters("lot", "A\u00adB §")
    assert err.value.code == "invisible-character"


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(24), places=4))
def test_doses_a_day_are_whole_numbers_from_1_to_24(value):
    """Probe F2: one rule for every order's doses a day; a fraction is refused, naming the
    field, the value and "a whole number of doses a day (1 to 24)"."""
    if value == value.to_integral_value():
        check_doses_per_day(value)
        return
    with pytest.raises(lc.InputError) as info:
        check_doses_per_day(value)
    assert (info.value.field, info.value.code) == ("doses_per_day", "doses-per-day-not-whole")
    assert info.value.message.startswith(f"doses_per_day: '{plain(value)}' is not a whole number")
    assert "a whole number of doses a day (1 to 24)" in info.value.message
