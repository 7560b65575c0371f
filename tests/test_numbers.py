"""Display of decimals: ``plain`` is the shortest exact text, whatever path it takes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

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
