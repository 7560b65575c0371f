"""Field validators for the value objects: each names its field in the refusal sentence."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from ._errors import InputError
from ._numbers import plain
from ._units import Dimension, Quantity, Unit

Validator = Callable[[Any, Any, Any], None]
T = TypeVar("T")


def table_entry(
    table: Iterable[T],
    key: str,
    key_of: Callable[[T], str | None],
    *,
    field: str,
    what: str,
    code: str,
    otherwise: str = "",
) -> T:
    """The entry of a cited table whose key is ``key``; any other key is refused in one
    sentence naming the table's keys (``what``: "a capsule size"; ``otherwise``: what else
    the field takes, after the keys)."""
    for entry in table:
        if key_of(entry) == key:
            return entry
    known = ", ".join(key_of(e) or "" for e in table)
    raise InputError.about(
        field, key, f"is not {what} in the table", f"one of {known}{otherwise}", code=code
    )


#: attrs metadata key: the dimension a Quantity field holds (read by the order-document loader).
DIMENSION = "ldncompound.dimension"
#: attrs metadata key of a field added to a class after its documents were published: it is
#: written (to JSON and documents) only when it differs from its default (always an empty one:
#: None or ()), and a document or JSON object may leave it out, so the documents and results of
#: every earlier order stay exactly as they were.
OMITTABLE = "ldncompound.omittable"
OMIT_IF_DEFAULT = OMITTABLE  # the same rule under the name the capsule actives gave it


def omittable(default: Any, validator: Validator | None = None) -> Any:
    """An attrs field marked :data:`OMIT_IF_DEFAULT` (see there)."""
    return attrs.field(default=default, validator=validator, metadata={OMIT_IF_DEFAULT: True})


def omitted(a: attrs.Attribute[Any], value: Any) -> bool:
    """Whether field ``a`` with ``value`` is left out of JSON and documents."""
    return bool(a.metadata.get(OMIT_IF_DEFAULT)) and value == a.default


def repr_omitting(self: Any) -> str:
    """attrs' repr, without the :data:`OMIT_IF_DEFAULT` fields that hold their default (the
    repr of every earlier value stays as it was)."""
    parts = [
        f"{a.name}={getattr(self, a.name)!r}"
        for a in attrs.fields(type(self))
        if a.repr and not omitted(a, getattr(self, a.name))
    ]
    return f"{type(self).__qualname__}({', '.join(parts)})"


def qfield(
    dimension: Dimension,
    validator: Validator | None = None,
    *,
    default: Any = attrs.NOTHING,
    omittable: bool = False,
) -> Any:
    """An attrs field holding a :class:`Quantity` of ``dimension`` (declared in its metadata);
    ``omittable``: a document may leave it out, and it is written only when it holds a value
    (a field added after documents were written without it)."""
    metadata: dict[str, Any] = {DIMENSION: dimension}
    if omittable:
        metadata[OMITTABLE] = True
    return attrs.field(default=default, validator=validator, metadata=metadata)


def _quantity_field(
    field: str, dimension: Dimension, expected: str, then: Callable[[Quantity], None]
) -> Validator:
    """A validator of a :class:`Quantity` of ``dimension``, or ``None``: anything else is
    refused (``expected``: "a mass such as '200 mg'"), and a quantity is checked by ``then``."""

    def check(_i: object, _a: object, value: Quantity | None) -> None:
        if value is None:
            return
        if not isinstance(value, Quantity):
            raise InputError.about(field, value, "is not a quantity", expected)
        value.require(dimension, field)
        then(value)

    return check


def mass_field(field: str) -> Validator:
    """A positive mass, or ``None``."""

    def positive(value: Quantity) -> None:
        if value.magnitude <= 0:
            raise InputError.about(
                field, str(value), "is not positive", "a mass greater than zero", code="zero"
            )

    return _quantity_field(field, Dimension.MASS, "a mass such as '200 mg'", positive)


def _bounded(
    field: str, dimension: Dimension, unit: Unit, high: Decimal, example: str
) -> Validator:
    def in_range(value: Quantity) -> None:
        if value.magnitude <= 0 or value.m_as(unit) > high:
            raise InputError.about(
                field,
                str(value),
                "is out of range",
                f"more than 0 and at most {plain(high)} {unit.display}",
                code="out-of-range",
            )

    return _quantity_field(field, dimension, f"{dimension.described} such as {example}", in_range)


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

    def in_range(value: Quantity) -> None:
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

    return _quantity_field(field, Dimension.FRACTION, "a percentage such as '10 %'", in_range)


#: The lightest density taken as plausible (g/mL): the lightest pharmaceutical powders are
#: about 0.1 g/mL, so anything lower is most likely mg/mL written for g/mL.
MIN_DENSITY = Decimal("0.05")


def density_field(field: str, high: Decimal = Decimal(5), what: str = "density") -> Validator:
    """A plausible powder or liquid density in g/mL (at least :data:`MIN_DENSITY`), or
    ``None``."""

    def plausible(value: Quantity) -> None:
        g_ml = value.m_as(Unit.G_PER_ML)
        if g_ml < MIN_DENSITY or g_ml > high:
            raise InputError.about(
                field,
                str(value),
                f"is not a plausible {what}",
                f"{plain(MIN_DENSITY)} to {plain(high)} g/mL (check mg/mL against g/mL)",
                code="out-of-range",
            )

    return _quantity_field(
        field, Dimension.CONCENTRATION, "a density such as '0.35 g/mL'", plausible
    )


#: Bidirectional overrides and isolates can make text display differently from what it is.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Control, surrogate, private-use and unassigned code points, and line or paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
#: The zero-width non-joiner and joiner: format characters that Persian, Indic and other
#: scripts need inside a word (``می‌خواهم``, ``क्‍ष``); accepted only between two non-ASCII
#: letters or marks, where they join or separate letters. Every other format character
#: (Unicode category Cf: zero-width space, word joiner, soft hyphen, BOM...) is refused.
_JOINERS = frozenset({"\u200c", "\u200d"})
#: Text every character of which is printable ASCII or a printable Latin-1 character other
#: than the soft hyphen (letters, digits, punctuation, symbols and spaces: "§", "µ", "×",
#: "°"): nothing in it is refused, so it passes without a lookup per character.
#: tests/test_validate.py checks each of these characters against the rules below.
_PLAIN_TEXT = re.compile("[ -~\u00a0-\u00ac\u00ae-\u00ff]*")
#: Characters that are letters or symbols to Unicode but print nothing (Hangul fillers, the
#: blank Braille pattern): text made only of these and spaces prints blank.
_BLANK_GLYPHS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"})


def _joins_letters(value: str, i: int) -> bool:
    """Whether the joiner at ``value[i]`` stands between two non-ASCII letters or marks."""
    if i == 0 or i == len(value) - 1:
        return False
    before, after = value[i - 1], value[i + 1]
    return all(not c.isascii() and unicodedata.category(c)[0] in "LM" for c in (before, after))


def check_text_characters(field: str, value: str) -> None:
    """Refuse caller text holding a control character (C0/C1, DEL: terminal escapes), a line
    separator, a bidirectional control, a surrogate, private-use or unassigned code point
    (code ``control-character``), or any other format or invisible character: Unicode
    category Cf, such as the zero-width space, word joiner, soft hyphen or byte-order mark
    (code ``invisible-character``).

    Any Unicode letters, marks, digits, punctuation and spaces are accepted, and the
    zero-width joiner and non-joiner between two non-ASCII letters or marks, as some scripts
    need them.
    """
    if _PLAIN_TEXT.fullmatch(value) is not None:
        return  # printable ASCII and Latin-1: the usual case, without a lookup per character
    for i, ch in enumerate(value):
        category = unicodedata.category(ch)
        if category in _REFUSED_CATEGORIES or ch in _BIDI_CONTROLS:
            raise InputError.about(
                field,
                value,
                f"contains a control character (U+{ord(ch):04X})",
                "printable text (control characters and terminal escapes are refused)",
                code="control-character",
            )
        if category == "Cf" and not (ch in _JOINERS and _joins_letters(value, i)):
            name = unicodedata.name(ch, "format character").lower()
            raise InputError.about(
                field,
                value,
                f"contains an invisible character (U+{ord(ch):04X}, {name})",
                "text that prints as it reads (invisible and format characters are refused)",
                code="invisible-character",
            )


def _prints(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_GLYPHS


def normalise_text(field: str, value: object, max_length: int = 200) -> str:
    """Caller text as the library keeps it: refused unless it is text (``not-text``) without
    control or invisible characters (:func:`check_text_characters`) that prints something
    (``empty``: only spaces, marks or blank glyphs) within ``max_length`` characters
    (``too-long``); returned in Unicode normal form NFKC, so that fullwidth letters and
    digits, ligatures and compatibility forms read as their plain characters."""
    if not isinstance(value, str):
        raise InputError.about(field, value, "is not text", "text", code="not-text")
    check_text_characters(field, value)
    text = unicodedata.normalize("NFKC", value)
    if text != value:
        check_text_characters(field, text)
    if not any(_prints(ch) for ch in text):
        raise InputError.about(
            field,
            value,
            "is empty" if not text.strip() else "prints blank",
            "text",
            code="empty",
        )
    if len(text) > max_length:
        raise InputError.about(
            field,
            value,
            f"is {len(text)} characters long",
            f"at most {max_length} characters",
            code="too-long",
        )
    return text


def text_field(field: str, max_length: int = 200) -> Validator:
    """Caller text as :func:`normalise_text` accepts it, or ``None``.

    On an attrs instance the field is replaced by its NFKC form (the one rule for every
    free-text field of orders, sources, devices and labels: what is kept and printed is the
    normalised text the checks read)."""

    def check(instance: object, attribute: Any, value: object) -> None:
        if value is None:
            return
        text = normalise_text(field, value, max_length)
        if text != value and instance is not None and attribute is not None:
            object.__setattr__(instance, attribute.name, text)  # frozen: set once, in __init__

    return check


def text_items(field: str) -> Validator:
    """A tuple of caller texts (allergens), each as :func:`text_field` checks it, or ``None``."""

    def check(instance: object, attribute: Any, value: object) -> None:
        if value is None:
            return
        if not isinstance(value, (tuple, list)):
            raise InputError.about(field, value, "is not a list", "a tuple of texts")
        texts = tuple(normalise_text(field, item) for item in value)
        if texts != tuple(value) and instance is not None and attribute is not None:
            object.__setattr__(instance, attribute.name, type(value)(texts))

    return check


def check_doses_per_day(value: object, maximum: int = 24) -> None:
    """Refuse a number of doses a day that is not a whole number from 1 to ``maximum``
    (``None``, not given, passes): the one rule for every preparation order and kit.

    A patient cannot follow "1.1 times a day" (probe F2), and a fraction such as 0.3333 is a
    computing artefact; an every-other-day regimen is written in the label's directions
    ("every other day"), with the order's doses a day left out (or a liquid's volume given).
    """
    if value is None:
        return
    expected = f"a whole number of doses a day (1 to {maximum})"
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal(0) < value <= maximum:
        raise InputError.about(
            "doses_per_day", str(value), "is out of range", expected, code="out-of-range"
        )
    if value != value.to_integral_value():
        raise InputError.about(
            "doses_per_day",
            plain(value),
            "is not a whole number of doses a day, which a patient cannot follow",
            f"{expected}; write an every-other-day regimen in the label's directions",
            code="doses-per-day-not-whole",
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
