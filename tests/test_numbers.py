"""Display of decimals: ``plain`` is the shortest exact text, whatever path it takes."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound._numbers import CONTEXT, plain


def _normalised(value: Decimal) -> str:
    """The definition ``plain`` keeps (its general path)."""
    return "0" if value.is_zero() else format(value.normalize(CONTEXT), "f")


@given(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=-45, max_value=12),
)
def test_plain_is_the_normalised_text(coefficient, exponent):
    value = Decimal(f"{coefficient}E{exponent}")
    assert plain(value) == _normalised(value)


def test_plain_edge_cases():
    for text in (
        "0",
        "-0",
        "0.00",
        "0E-7",
        "150",
        "-150",
        "4.50",
        "100.0",
        "150.0000",
        "10.10",
        "-0.10",
        "1E+3",
        "1E-7",
        "0.000001",
        "4.495693125985306076778446248493942",
        "1.00000000000000000000000000000000000001",
        "NaN",
        "Infinity",
    ):
        assert plain(Decimal(text)) == _normalised(Decimal(text)), text


def test_tidy_removes_the_noise_of_the_34_digit_context():
    from ldncompound._numbers import tidy  # noqa: PLC0415

    noisy = Decimal("3.963999999999999999999999999999999")
    assert tidy(noisy) == Decimal("3.964") and str(tidy(noisy)) == "3.964"
    assert tidy(Decimal("5.199999999999999999999999999999999")) == Decimal("5.2")
    assert tidy(Decimal("0.5000000000000000000000000000000001")) == Decimal("0.5")
    third = Decimal(1) / Decimal(3)
    assert tidy(third) == Decimal("0." + "3" * 28)  # a repeating value keeps 28 digits
    assert tidy(Decimal("4.5")) == Decimal("4.5")  # short values are untouched
    assert tidy(Decimal("0.1030927835051546391752577")) == Decimal("0.1030927835051546391752577")
    assert lc.Quantity(noisy, lc.Unit.MG).magnitude == Decimal("3.964")


def test_plain_remembers_texts_by_value_within_a_bound():
    """The text cache keys on the value: equal values of any exponent share one text, a
    signalling NaN (no hash) is still refused, and the cache never grows past its size."""
    from ldncompound import _numbers  # noqa: PLC0415

    assert plain(Decimal("1.50")) == plain(Decimal("1.5")) == "1.5"
    assert plain(Decimal("1.5")) == "1.5"  # from the cache
    assert plain(Decimal("-0.0")) == plain(Decimal(0)) == "0"
    with pytest.raises(decimal.InvalidOperation):
        plain(Decimal("sNaN"))
    for i in range(_numbers._PLAIN_SIZE + 10):
        value = Decimal(i) / 8
        assert plain(value) == _numbers._plain(value)
        assert Decimal(plain(value)) == value
    assert len(_numbers._PLAIN) <= _numbers._PLAIN_SIZE


def _digits_reference(value: Decimal) -> Decimal:
    """tidy as it was written with as_tuple() (the reference for the text-based count)."""
    digits = len(value.as_tuple().digits)
    if digits <= 20:
        return value
    top = value.adjusted()
    snapped = value.quantize(Decimal(1).scaleb(top - 19), context=CONTEXT)
    if abs(value - snapped) <= abs(value) * Decimal("1e-26"):
        return snapped.normalize(CONTEXT) if snapped else snapped
    if digits <= 28:
        return value
    return value.quantize(Decimal(1).scaleb(top - 27), context=CONTEXT)


@given(
    st.integers(min_value=-(10**34) + 1, max_value=10**34 - 1),
    st.integers(min_value=-60, max_value=30),
)
def test_tidy_counts_digits_on_the_text_as_as_tuple_does(coefficient, exponent):
    """Leading zeros, signs, points and exponent notation: the same value, the same form."""
    from ldncompound._numbers import tidy  # noqa: PLC0415

    value = Decimal(coefficient).scaleb(exponent, CONTEXT)
    got, expected = tidy(value), _digits_reference(value)
    assert got.as_tuple() == expected.as_tuple()
    for text in ("-0.000000000000000000000000", "1.000000000000000000000000E-20", "9" * 30):
        assert tidy(Decimal(text)).as_tuple() == _digits_reference(Decimal(text)).as_tuple()


def test_the_quanta_are_exact_and_kept_within_a_bound():
    from ldncompound import _numbers  # noqa: PLC0415

    for exponent in range(-5000, 100):
        assert _numbers._quantum(exponent) == Decimal(1).scaleb(exponent, CONTEXT)
    assert len(_numbers._QUANTA) <= 4096
