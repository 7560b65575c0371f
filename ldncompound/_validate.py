"""Field validators for the value objects: each names its field in the refusal sentence."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from ._errors import InputError
from ._numbers import plain
from ._units import Dimension, Quantity, Unit

__all__ = [
    "DIMENSION",
    "MIN_DENSITY",
    "check_doses_per_day",
    "check_one_day",
    "check_text_characters",
    "concentration_field",
    "density_field",
    "mass_field",
    "percent_field",
    "qfield",
    "text_field",
    "text_items",
    "volume_field",
]

Validator = Callable[[Any, Any, Any], None]

#: C0 and C1 control characters (code points below 32, and 0x7F to 0x9F).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

#: attrs metadata key: the dimension a Quantity field holds (read by the order-document loader).
DIMENSION = "ldncompound.dimension"


def qfield(
    dimension: Dimension, validator: Validator | None = None, *, default: Any = attrs.NOTHING
) -> Any:
    """An attrs field holding a :class:`Quantity` of ``dimension`` (declared in its metadata)."""
    return attrs.field(default=default, validator=validator, metadata={DIMENSION: dimension})


def mass_field(field: str) -> Validator:
    """A positive mass, or ``None``."""

    def check(_i: object, _a: object, value: Quantity | None) -> None:
        if value is None:
            return
        if not isinstance(value, Quantity):
            raise InputError.about(field, value, "is not a quantity", "a mass such as '200 mg'")
        value.require(Dimension.MASS, field)
        if value.magnitude <= 0:
            raise InputError.about(
                field, str(value), "is not positive", "a mass greater than zero", code="zero"
            )

    return check


def _bounded(
    field: str, dimension: Dimension, unit: Unit, high: Decimal, example: str
) -> Validator:
    def check(_i: object, _a: object, value: Quantity | None) -> None:
        if value is None:
            return
        if not isinstance(value, Quantity):
            raise InputError.about(
                field, value, "is not a quantity", f"{dimension.described} such as {example}"
            )
        value.require(dimension, field)
        if value.magnitude <= 0 or value.m_as(unit) > high:
            raise InputError.about(
                field,
                str(value),
                "is out of range",
                f"more than 0 and at most {plain(high)} {unit.display}",
                code="out-of-range",
            )

    return check


def volume_field(field: str, high: Decimal = Decimal(1000)) -> Validator:
    """A positive volume of at most ``high`` mL, or ``None``."""
    return _bounded(field, Dimension.VOLUME, Unit.ML, high, "'5 mL'")


def concentration_field(field: str, high: Decimal = Decimal(1000)) -> Validator:
    """A positive mass per volume of at most ``high`` mg/mL, or ``None``."""
    return _bounded(field, Dimension.CONCENTRATION, Unit.MG_PER_ML, high, "'1 mg/mL'")


def percent_field(
    field: str, low: Decimal, high: Decimal, *, low_included: bool = True
) -> Validator:
    """A percentage in ``[low, high]`` (or ``(low, high]``), or ``None``."""

    def check(_i: object, _a: object, value: Quantity | None) -> None:
        if value is None:
            return
        if not isinstance(value, Quantity):
            raise InputError.about(field, value, "is not a quantity", "a percentage such as '10 %'")
        value.require(Dimension.FRACTION, field)
        pct = value.m_as(Unit.PERCENT)
        if pct < low or pct > high or (pct == low and not low_included):
            bracket = "[" if low_included else "("
            raise InputError.about(
                field,
                str(value),
                "is out of range",
                f"a percentage in {bracket}{plain(low)}, {plain(high)}] %",
                code="out-of-range",
            )

    return check


#: The lightest density taken as plausible (g/mL): the lightest pharmaceutical powders are
#: about 0.1 g/mL, so anything lower is most likely mg/mL written for g/mL.
MIN_DENSITY = Decimal("0.05")


def density_field(field: str, high: Decimal = Decimal(5), what: str = "density") -> Validator:
    """A plausible powder or liquid density in g/mL (at least :data:`MIN_DENSITY`), or
    ``None``."""

    def check(_i: object, _a: object, value: Quantity | None) -> None:
        if value is None:
            return
        if not isinstance(value, Quantity):
            raise InputError.about(
                field, value, "is not a quantity", "a density such as '0.35 g/mL'"
            )
        value.require(Dimension.CONCENTRATION, field)
        g_ml = value.m_as(Unit.G_PER_ML)
        if g_ml < MIN_DENSITY or g_ml > high:
            raise InputError.about(
                field,
                str(value),
                f"is not a plausible {what}",
                f"{plain(MIN_DENSITY)} to {plain(high)} g/mL (check mg/mL against g/mL)",
                code="out-of-range",
            )

    return check


#: Bidirectional overrides and isolates can make text display differently from what it is.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Control, surrogate, private-use and unassigned code points, and line or paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_text_characters(field: str, value: str) -> None:
    """Refuse caller text holding a control character (C0/C1, DEL: terminal escapes), a line
    separator, a bidirectional override, or a surrogate, private-use or unassigned code point.

    Any Unicode letters, marks, digits, punctuation and spaces are accepted, including the
    zero-width joiners some scripts need.
    """
    if value.isascii() and _CONTROL.search(value) is None:
        return  # printable ASCII: the usual case, checked without a lookup per character
    for ch in value:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES or ch in _BIDI_CONTROLS:
            raise InputError.about(
                field,
                value,
                f"contains a control character (U+{ord(ch):04X})",
                "printable text (control characters and terminal escapes are refused)",
                code="control-character",
            )


def text_field(field: str, max_length: int = 200) -> Validator:
    """Non-empty caller text without control characters (:func:`check_text_characters`), or
    ``None``."""

    def check(_i: object, _a: object, value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise InputError.about(field, value, "is not text", "text", code="not-text")
        if not value.strip():
            raise InputError.about(field, value, "is empty", "text", code="empty")
        if len(value) > max_length:
            raise InputError.about(
                field,
                value,
                f"is {len(value)} characters long",
                f"at most {max_length} characters",
                code="too-long",
            )
        check_text_characters(field, value)

    return check


def text_items(field: str) -> Validator:
    """A tuple of caller texts (allergens), each as :func:`text_field` checks it, or ``None``."""
    check_item = text_field(field)

    def check(_i: object, _a: object, value: object) -> None:
        if value is None:
            return
        if not isinstance(value, (tuple, list)):
            raise InputError.about(field, value, "is not a list", "a tuple of texts")
        for item in value:
            check_item(None, None, item)

    return check


def check_doses_per_day(value: object, maximum: int = 24) -> None:
    """Refuse a number of doses a day that is not a finite Decimal above 0 and at most
    ``maximum`` (``None``, not given, passes)."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal(0) < value <= maximum:
        raise InputError.about(
            "doses_per_day",
            str(value),
            "is out of range",
            f"a number of doses a day above 0 and at most {maximum}",
            code="out-of-range",
        )


def check_one_day(count: int, doses_per_day: Decimal | None, units: str) -> None:
    """Refuse a count of units below one day's doses (a swapped or shifted value, most often)."""
    if doses_per_day is not None and count < doses_per_day:
        raise InputError.about(
            "count",
            count,
            f"is less than one day's doses ({plain(doses_per_day)} {units} a day)",
            "at least one day's supply; check count and doses_per_day",
            code="less-than-one-day",
        )
