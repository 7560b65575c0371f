"""Decimal arithmetic in a private context, explicit rounding, and display formatting.

The caller's decimal context is never used or changed: every public entry point runs its
arithmetic inside :func:`private_context`. Rounding happens only where a function below is
called by name (balance readability, whole units), never implicitly.
"""

from __future__ import annotations

import decimal
import functools
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from ._errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

P = ParamSpec("P")
R = TypeVar("R")

#: 34 significant digits (IEEE decimal128); traps turn silent NaN/infinity into errors.
CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


#: Significant digits a quantity keeps, and the digits a value within computing noise of a
#: shorter decimal is snapped to. Arithmetic runs at 34 digits, so a quotient carries a
#: last-digit error (``x / (w / p)`` gives 3.963999999999999999999999999999999 for 3.964)
#: that later steps carry on. A value that agrees with its rounding to 20 digits to within
#: 1e-26 of itself is that rounding (3.964: a value that is not short lands that close by
#: chance once in a million); any other value keeps 28 digits. Both are far below anything a
#: balance, a device or a dose could show (library policy) [D].
TIDY_DIGITS = 28
SNAP_DIGITS = 20
_SNAP_NOISE = Decimal("1e-26")


def tidy(value: Decimal) -> Decimal:
    """``value`` without the noise of the 34-digit context: snapped to the short decimal (20
    digits or fewer) it is within 1e-26 (relative) of, else rounded (half even) to 28
    significant digits. A value of 20 digits or fewer is returned as it is."""
    # Every Quantity passes here, so the digits are counted on str(): it has at least one
    # character per digit of the coefficient (a short text proves a short value), and without
    # an exponent its digits are the coefficient's once the sign, the point and the leading
    # zeros are gone. as_tuple() builds a tuple of every digit: several times slower.
    text = str(value)
    if len(text) <= SNAP_DIGITS:
        return value
    if "E" in text or "e" in text:
        digits = len(value.as_tuple().digits)
    else:
        coefficient = text.replace(".", "").lstrip("-0")
        digits = len(coefficient) or 1
        # Within 1e-26 of its 20-digit rounding, a value's digits 21 to 26 are all 0 (it
        # rounds down) or all 9 (up): any other makes the difference at least 1e-25 of it.
        tail = coefficient[SNAP_DIGITS : SNAP_DIGITS + 6]
        if tail.strip("0") and tail.strip("9"):
            return value if digits <= TIDY_DIGITS else _to_tidy_digits(value)
    if digits <= SNAP_DIGITS:
        return value
    top = value.adjusted()
    snapped = value.quantize(_quantum(top - SNAP_DIGITS + 1), context=CONTEXT)
    if abs(value - snapped) <= abs(value) * _SNAP_NOISE:
        return snapped.normalize(CONTEXT) if snapped else snapped
    if digits <= TIDY_DIGITS:
        return value
    return _to_tidy_digits(value)


def _to_tidy_digits(value: Decimal) -> Decimal:
    """``value`` rounded (half even) to TIDY_DIGITS significant digits."""
    return value.quantize(_quantum(value.adjusted() - TIDY_DIGITS + 1), context=CONTEXT)


_QUANTA: dict[int, Decimal] = {}


def _quantum(exponent: int) -> Decimal:
    """``Decimal(1).scaleb(exponent)``, i.e. 1E<exponent>, made once per exponent."""
    quantum = _QUANTA.get(exponent)
    if quantum is None:
        quantum = Decimal((0, (1,), exponent))
        if len(_QUANTA) < 4096:  # (amounts span a few dozen exponents)
            _QUANTA[exponent] = quantum
    return quantum


def private_context(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the library's decimal context (a copy), whatever the caller's is."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with decimal.localcontext(CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


def round_up_to(value: Decimal, step: Decimal) -> Decimal:
    """Smallest multiple of ``step`` that is >= ``value`` (used where less would under-dose)."""
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def round_down_to(value: Decimal, step: Decimal) -> Decimal:
    """Largest multiple of ``step`` that is <= ``value``."""
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def round_to(value: Decimal, step: Decimal) -> Decimal:
    """Nearest multiple of ``step``, halves away from zero (the usual reading of a scale)."""
    return (value / step).to_integral_value(rounding=ROUND_HALF_UP) * step


def ceil_int(value: Decimal) -> int:
    """Whole units, rounded up (tablets, capsules, batch quantities)."""
    return int(value.to_integral_value(rounding=ROUND_CEILING))


#: Texts :func:`plain` gave, by value: the text is a function of the value alone (equal
#: values, whatever their exponent, have one shortest text), and a batch writes the same
#: balances, densities and doses order after order. Bounded: emptied when full.
_PLAIN: dict[Decimal, str] = {}
_PLAIN_SIZE = 4096


def plain(value: Decimal) -> str:
    """Shortest exact text: leading zero, no exponent, no trailing zero ("0.5", "150").

    Exact: ``Decimal(plain(x)) == x`` for every finite ``x`` of at most 34 digits.
    """
    try:
        return _PLAIN[value]
    except (KeyError, TypeError):  # (TypeError: a signalling NaN has no hash)
        pass
    text = _plain(value)
    if len(_PLAIN) >= _PLAIN_SIZE:
        _PLAIN.clear()
    _PLAIN[value] = text
    return text


def _plain(value: Decimal) -> str:
    text = str(value)
    # Every amount in every document passes here, so work on str() when it has no exponent
    # and at most 34 digits (normalize would round more): then the shortest text is str()
    # without the zeros trailing a point. Anything else takes the normalising path.
    if (
        "E" not in text
        and "e" not in text
        and text[-1].isdigit()
        and len(text) - (text[0] == "-") - ("." in text) <= _DIGITS
    ):
        if value.is_zero():
            return "0"
        if "." in text and text[-1] == "0":
            return text.rstrip("0").rstrip(".")
        return text
    if value.is_zero():
        return "0"
    return format(value.normalize(CONTEXT), "f")


_DIGITS = CONTEXT.prec


def fixed(value: Decimal, places: int) -> str:
    """Text with exactly ``places`` decimals (worksheets keep the balance's figures)."""
    quantum = _quantum(-places) if places > 0 else ONE
    return format(value.quantize(quantum, rounding=ROUND_HALF_UP, context=CONTEXT), "f")


def significant(value: Decimal, digits: int = 6) -> str:
    """Round to ``digits`` significant figures for reading (trace display, never for math)."""
    if value.is_zero():
        return "0"
    exponent = value.adjusted() - digits + 1
    quantum = _quantum(exponent)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP, context=CONTEXT)
    return plain(rounded)


def places_of(step: Decimal) -> int:
    """Number of decimals a step such as Decimal('0.1') or Decimal('10') shows (0 if whole)."""
    exponent = step.normalize(CONTEXT).as_tuple().exponent
    if not isinstance(exponent, int):  # pragma: no cover - steps are finite
        raise TypeError(step)
    return max(0, -exponent)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``."""
    return part / whole * HUNDRED


_EXACT_RE = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?")


def parse_exact_decimal(text: object, *, field: str) -> Decimal:
    """Parse a decimal string written by the library (results, traces): sign allowed,
    up to 40 digits each side of the point, no exponent. Not for user input."""
    if not isinstance(text, str) or _EXACT_RE.fullmatch(text) is None:
        raise InputError.about(
            field,
            text,
            "is not an exact decimal string",
            "digits with an optional sign and point, e.g. '-0.25'",
            code="not-a-number",
        )
    return Decimal(text)
