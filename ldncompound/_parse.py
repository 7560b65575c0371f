"""The input grammar: text to :class:`Quantity` and :class:`Strength`, by our own code.

pint's expression parser is never given user text (it reads ``"250 mg/5 mL"`` as mg·mL and
``"4,5 mg"`` as 45 mg). The grammar, in full::

    quantity := number [spaces] unit
    strength := number [spaces] mass-unit [spaces] "/" [spaces] [number [spaces]] volume-unit
    number   := digits ["." digits]          ASCII 0-9 only; at most 7 digits before the
                                             point and 6 after; no sign, comma or exponent
    spaces   := one or more of U+0020, U+00A0, U+202F

Spaces around the whole text are ignored. Units are case-sensitive and come from a short
allow-list (mg, g, mcg/µg/μg/ug, mL/ml, L, %, and their ratios). Everything else is refused
with an :class:`InputError` whose one-sentence message names the field, the value and what
was expected; ``docs/units.md`` has the table of accepted and refused inputs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

import attrs

from ._errors import DimensionError, InputError, UnitError
from ._numbers import CONTEXT, plain
from ._units import Dimension, Quantity, Unit

MAX_INPUT_LENGTH = 64
MAX_INTEGER_DIGITS = 7
MAX_FRACTION_DIGITS = 6

_MASS = {
    "mg": Unit.MG,
    "g": Unit.G,
    "mcg": Unit.MCG,
    "µg": Unit.MCG,
    "μg": Unit.MCG,
    "ug": Unit.MCG,
}
_VOLUME = {"mL": Unit.ML, "ml": Unit.ML, "L": Unit.L}
_PER_VOLUME = {Unit.MCG: Unit.MCG_PER_ML, Unit.MG: Unit.MG_PER_ML, Unit.G: Unit.G_PER_ML}
_PER_DROP = {Unit.MCG: Unit.MCG_PER_DROP, Unit.MG: Unit.MG_PER_DROP}

#: Every accepted unit spelling.
UNIT_SPELLINGS: dict[str, Unit] = {**_MASS, **_VOLUME, "%": Unit.PERCENT, "g/mol": Unit.G_PER_MOL}
for _m, _mu in _MASS.items():
    if _mu in _PER_DROP:
        UNIT_SPELLINGS[f"{_m}/drop"] = _PER_DROP[_mu]
    for _v, _vu in _VOLUME.items():
        if _vu is Unit.ML:
            UNIT_SPELLINGS[f"{_m}/{_v}"] = _PER_VOLUME[_mu]
for _d in ("drop", "drops"):
    UNIT_SPELLINGS[_d] = Unit.DROP
    UNIT_SPELLINGS[f"{_d}/mL"] = Unit.DROP_PER_ML
    UNIT_SPELLINGS[f"{_d}/ml"] = Unit.DROP_PER_ML

#: Spellings refused with a specific reason: (the spellings, separated by spaces; why they
#: are dangerous; what to write instead).
_REFUSED_SPELLINGS = (
    ("gr grain grains", "uses 'gr', which is ambiguous (grain, 64.8 mg, or gram)", "mg or g"),
    ("cc", "uses 'cc', a do-not-use abbreviation (misread as 'u' or '00')", "mL"),
    (
        "U u IU iu units unit",
        "is in units of activity, which naltrexone compounding does not use",
        "a mass such as mg",
    ),
    (
        "t T tsp tbsp Tbsp TBSP TSP teaspoon teaspoons tablespoon tablespoons",
        "is a household measure (t and T are easily confused)",
        "mL, measured with an oral syringe",
    ),
    (
        "MG Mg mG",
        "uses an unknown capitalisation (units are case-sensitive; 'Mg' is megagram)",
        "mg",
    ),
    ("ML Ml", "uses an unknown capitalisation (units are case-sensitive; 'ML' is megalitre)", "mL"),
    ("MCG Mcg UG Ug µG μG", "uses an unknown capitalisation (units are case-sensitive)", "mcg"),
    ("l", "uses 'l', which is easily misread as the digit 1", "mL or L"),
    ("kg", "is in kilograms, far outside compounding amounts", "mg or g"),
    ("ng", "is in nanograms, which the library does not accept", "mcg"),
    ("mcl mcL µl µL μl μL ul uL", "is in microlitres, which are not accepted", "mL"),
    ("gtt gtts", "uses 'gtt', a Latin abbreviation", "'drops' where drops are meant"),
    ("dr dram drams oz lb minim minims", "is an apothecary or avoirdupois unit", "mg, g or mL"),
    ("mEq mmol mol", "is an amount of substance, which is not accepted", "a mass such as mg"),
    (
        "mg/kg mcg/kg mg/kg/day",
        "is a weight-based dose, which the library does not compute",
        "a dose in mg",
    ),
    ("mg/L mcg/L g/L mg/l", "is per litre", "a strength per mL, or written as '250 mg/5 mL'"),
    (
        "w/v w/w v/v %w/v %w/w",
        "is a percentage strength with a qualifier",
        "a strength such as 1 mg/mL, or '%' alone",
    ),
)
#: Every refused spelling, with its reason and what to write instead.
REFUSED_UNITS: dict[str, tuple[str, str]] = {
    spelling: (problem, expected)
    for spellings, problem, expected in _REFUSED_SPELLINGS
    for spelling in spellings.split()
}

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_SPACE = "[ \u00a0\u202f]"
_UNIT_TOKEN = r"[^\s0-9.,:;+\-\u2212][^\s]*"  # noqa: S105 - a pattern, not a password
_QUANTITY_RE = re.compile(rf"({_NUMBER}){_SPACE}*({_UNIT_TOKEN})")
_STRENGTH_RE = re.compile(
    rf"({_NUMBER}){_SPACE}*([^\s/]+){_SPACE}*/{_SPACE}*(?:({_NUMBER}){_SPACE}*)?([^\s/]+)"
)
_DECIMAL_RE = re.compile(_NUMBER)
#: A percentage written where a strength per volume is read: "4 %", "4 % w/v", "4%w/w".
_PERCENT_STRENGTH_RE = re.compile(
    rf"({_NUMBER}){_SPACE}*%{_SPACE}*(w{_SPACE}*/{_SPACE}*v|w{_SPACE}*/{_SPACE}*w|v{_SPACE}*/"
    rf"{_SPACE}*v)?",
    re.IGNORECASE,
)

#: A value larger than this in the canonical unit is absurd for compounding (per dimension).
ABSURD: dict[Dimension, Decimal] = {
    Dimension.MASS: Decimal(1_000_000),  # mg = 1 kg
    Dimension.VOLUME: Decimal(10_000),  # mL = 10 L
    Dimension.CONCENTRATION: Decimal(1000),  # mg/mL = 1 g/mL
    Dimension.FRACTION: Decimal(1000),  # %
    Dimension.DROPS: Decimal(10_000),
    Dimension.DROPS_PER_VOLUME: Decimal(200),
    Dimension.MASS_PER_DROP: Decimal(1000),  # mg per drop
    Dimension.MOLAR_MASS: Decimal(100_000),
    Dimension.CAPSULES: Decimal(100_000),
    Dimension.TABLETS: Decimal(10_000),
    Dimension.TIME: Decimal(3650),
}


@attrs.frozen(repr=False)
class Strength:
    """A strength as written on an order: ``amount`` per ``volume`` ("250 mg/5 mL").

    :attr:`concentration` gives it per mL; the written form is kept for display and records.
    """

    amount: Quantity
    volume: Quantity

    def __attrs_post_init__(self) -> None:
        self.amount.require(Dimension.MASS, "strength amount")
        self.volume.require(Dimension.VOLUME, "strength volume")
        if self.amount.magnitude <= 0 or self.volume.magnitude <= 0:
            raise InputError.about(
                "strength", str(self), "is not positive", "a positive amount per positive volume"
            )

    @property
    def concentration(self) -> Quantity:
        """Mass per mL in the amount's mass unit family (mg/mL for mg, mcg/mL for mcg)."""
        per = _PER_VOLUME[self.amount.unit]
        return Quantity(CONTEXT.divide(self.amount.magnitude, self.volume.m_as(Unit.ML)), per)

    def __str__(self) -> str:
        vol = self.volume
        if vol.magnitude == 1:
            return f"{plain(self.amount.magnitude)} {self.amount.unit.display}/{vol.unit.display}"
        return f"{self.amount}/{vol}"

    def __repr__(self) -> str:
        return f"Strength({str(self)!r})"


def _describe_char(ch: str) -> str:
    name = unicodedata.name(ch, None)
    code = f"U+{ord(ch):04X}"
    return f"{code} {name}" if name else code


def _screen(
    text: object, field: str, wanted: str = "an amount with a unit such as '4.5 mg'"
) -> str:
    """Common checks for every text input; returns it stripped of surrounding spaces.

    ``wanted`` says what the field holds, for the refusal of blank text.
    """
    if not isinstance(text, str):
        if isinstance(text, float):
            raise InputError.about(
                field,
                text,
                "is a binary float, which is inexact",
                "text such as '4.5 mg' or a Decimal",
                code="float",
            )
        raise InputError.about(
            field, text, f"is a {type(text).__name__}", "text such as '4.5 mg'", code="not-text"
        )
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError.about(
            field,
            text,
            f"is {len(text)} characters long",
            f"at most {MAX_INPUT_LENGTH} characters",
            code="too-long",
        )
    for ch in text:
        if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}:
            raise InputError.about(
                field,
                text,
                f"contains the control or invisible character {_describe_char(ch)}",
                "plain text such as '4.5 mg'",
                code="control-character",
            )
    stripped = text.strip(" \u00a0\u202f\t")
    if not stripped:
        raise InputError.about(field, text, "is empty", wanted, code="empty")
    return stripped


#: What a number that is not in the grammar most likely is, checked in order: a test of the
#: text, the problem, what was expected (``{example}`` is the field's example) and the code.
_Mistake = tuple[Callable[[str], object], str, str, str]
_SIGN_MISTAKES: tuple[_Mistake, ...] = (
    (
        lambda t: t[0] in "-\u2212\u2013",
        "is negative",
        "a positive amount such as {example}",
        "negative",
    ),
    (lambda t: t[0] == "+", "has a sign", "an unsigned amount such as {example}", "sign"),
    (
        lambda t: re.match(r"(s?nan|inf(inity)?)\b", t.lower()),
        "is not a number",
        "an amount such as {example}",
        "not-a-number",
    ),
)
_FORM_MISTAKES: tuple[_Mistake, ...] = (
    (
        lambda t: re.match(r"[0-9.]*,", t) or re.match(r"[0-9]+[ \u00a0\u202f][0-9]{3}\b", t),
        "uses a comma or a digit-group separator",
        "a point as the decimal separator and no thousands separator, e.g. {example} or '1000 mg'",
        "comma",
    ),
    (
        lambda t: re.match(r"[0-9.]+[eE][+-]?[0-9]", t),
        "uses exponent notation",
        "a plain number such as {example}",
        "exponent",
    ),
    (lambda t: ":" in t, "is a ratio", "an amount with a unit such as {example}", "ratio"),
    (
        lambda t: t[0] == ".",
        "has no leading zero (a naked decimal point is misread)",
        "a leading zero such as '0.5 mg'",
        "leading-point",
    ),
    (
        lambda t: re.match(r"[0-9]+\.[0-9]+\.", t),
        "has more than one decimal point",
        "a number such as {example}",
        "multiple-points",
    ),
    (
        lambda t: re.match(r"[0-9]+\.(?![0-9])", t),
        "ends its number with a point",
        "digits after the point, or no point",
        "trailing-point",
    ),
    (
        lambda t: not t[0].isdigit(),
        "does not start with a number",
        "an amount such as {example}",
        "no-number",
    ),
)


def _refuse_mistakes(mistakes: tuple[_Mistake, ...], text: str, field: str, example: str) -> None:
    for test, problem, expected, code in mistakes:
        if test(text):
            raise InputError.about(
                field, text, problem, expected.format(example=example), code=code
            )


def _diagnose_number(text: str, field: str, example: str) -> None:
    """Raise the most specific error for text whose number part is not in the grammar."""
    _refuse_mistakes(_SIGN_MISTAKES, text, field, example)
    for ch in text:
        if (ch.isdigit() and not ("0" <= ch <= "9")) or unicodedata.category(ch) == "No":
            raise InputError.about(
                field,
                text,
                f"contains the character {_describe_char(ch)} where a digit 0-9 is expected",
                f"ASCII digits, e.g. {example}",
                code="non-ascii-digit",
            )
    _refuse_mistakes(_FORM_MISTAKES, text, field, example)


def _check_digits(number: str, text: str, field: str) -> Decimal:
    whole, _, frac = number.partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise InputError.about(
            field,
            text,
            "is absurdly large",
            f"at most {MAX_INTEGER_DIGITS} digits before the point",
            code="too-large",
        )
    if len(frac) > MAX_FRACTION_DIGITS:
        raise InputError.about(
            field,
            text,
            "has more decimals than any balance or syringe can measure",
            f"at most {MAX_FRACTION_DIGITS} digits after the point (use a smaller unit)",
            code="too-precise",
        )
    return Decimal(number)


def _unit_for(token: str, text: str, field: str, dimensions: tuple[Dimension, ...]) -> Unit:
    unit = UNIT_SPELLINGS.get(token)
    wanted = " or ".join(d.described for d in dimensions)
    if unit is None:
        if token in REFUSED_UNITS:
            problem, expected = REFUSED_UNITS[token]
            raise UnitError.about(field, text, problem, expected, code="refused-unit")
        raise UnitError.about(
            field, text, f"has the unknown unit {token!r}", wanted, code="unknown-unit"
        )
    if unit.dimension not in dimensions:
        raise DimensionError.about(field, text, f"is {unit.dimension.described}", wanted)
    return unit


def _check_range(
    q: Quantity, text: str, field: str, *, allow_zero: bool, maximum: Quantity | None
) -> Quantity:
    if q.magnitude == 0 and not allow_zero:
        raise InputError.about(field, text, "is zero", "an amount greater than zero", code="zero")
    limit = maximum.canonical() if maximum is not None else ABSURD[q.dimension]
    if q.canonical() > limit:
        shown = (
            str(maximum) if maximum is not None else f"{plain(limit)} {q.unit.canonical.display}"
        )
        raise InputError.about(field, text, "is too large", f"at most {shown}", code="too-large")
    return q


def parse_quantity(
    text: object,
    *,
    field: str,
    dimension: Dimension | tuple[Dimension, ...],
    allow_zero: bool = False,
    maximum: Quantity | None = None,
) -> Quantity:
    """Parse ``"4.5 mg"``-style text into a :class:`Quantity` of the given dimension(s).

    Refuses (with :class:`InputError` naming ``field``): non-text, over-long or empty input,
    control characters, signs, NaN and infinity, non-ASCII digits, commas, exponents,
    ratios, naked or trailing decimal points, bare numbers, unknown or dangerous units, the
    wrong dimension, zero (unless ``allow_zero``) and amounts above ``maximum`` or absurd.
    """
    dims = dimension if isinstance(dimension, tuple) else (dimension,)
    if (
        dims == (Dimension.CONCENTRATION,)
        and isinstance(text, str)
        and ("/" in text or "%" in text)
    ):
        # one grammar for a mass per volume wherever it is read: '250 mg/5 mL' is 50 mg/mL in
        # an order document as on the command line, and '1 mg/5 cc' is refused for its 'cc'
        return parse_strength(text, field=field, maximum=maximum).concentration
    example = (
        "'4.5 mg'"
        if Dimension.MASS in dims
        else "'1 mg/mL'"
        if Dimension.CONCENTRATION in dims
        else "'5 mL'"
    )
    if Dimension.FRACTION in dims and len(dims) == 1:
        example = "'10 %'"
    s = _screen(text, field, f"an amount with a unit such as {example}")
    m = _QUANTITY_RE.fullmatch(s)
    if m is None:
        _diagnose_number(s, field, example)
        number = _DECIMAL_RE.match(s)
        if number is None:  # pragma: no cover - _diagnose_number refuses text without a number
            raise AssertionError(s)
        rest = s[number.end() :].strip(" \u00a0\u202f\t")
        if not rest:
            wanted = " or ".join(d.described for d in dims)
            raise UnitError.about(
                field, s, "has no unit", f"{wanted}, e.g. {example}", code="missing-unit"
            )
        _unit_for(rest.split()[0], s, field, dims)
        raise InputError.about(
            field,
            s,
            "has unexpected text after the unit",
            f"only an amount and a unit, e.g. {example}",
            code="trailing-text",
        )
    number_text, token = m.group(1), m.group(2)
    if re.match(r"[eE][+-]?[0-9]", token):
        _diagnose_number(s, field, example)
    value = _check_digits(number_text, s, field)
    unit = _unit_for(token, s, field, dims)
    return _check_range(Quantity(value, unit), s, field, allow_zero=allow_zero, maximum=maximum)


def parse_strength(text: object, *, field: str, maximum: Quantity | None = None) -> Strength:
    """Parse ``"1 mg/mL"`` or ``"250 mg/5 mL"`` (= 50 mg/mL) into a :class:`Strength`.

    The volume amount is optional; both amounts must be positive. Also refuses everything
    :func:`parse_quantity` refuses.
    """
    s = _screen(text, field, "a strength such as '1 mg/mL'")
    _refuse_percent_strength(s, field)
    m = _STRENGTH_RE.fullmatch(s)
    if m is None:
        _diagnose_number(s, field, "'1 mg/mL'")
        if "/" not in s:
            raise UnitError.about(
                field,
                s,
                "is not a strength per volume",
                "an amount per volume such as '1 mg/mL' or '250 mg/5 mL'",
                code="missing-unit",
            )
        raise InputError.about(
            field,
            s,
            "is not in the form AMOUNT UNIT/VOLUME UNIT",
            "e.g. '1 mg/mL' or '250 mg/5 mL'",
            code="malformed-strength",
        )
    amount_text, mass_token, volume_text, volume_token = m.groups()
    combined = f"{mass_token}/{volume_token}"  # 'mg/L' and 'mg/kg' are refused as written
    if volume_text is None and (combined in REFUSED_UNITS or _VOLUME.get(volume_token) is Unit.L):
        problem, expected = REFUSED_UNITS.get(combined, REFUSED_UNITS["mg/L"])
        raise UnitError.about(field, s, problem, expected, code="refused-unit")
    amount = _check_digits(amount_text, s, field)
    mass_unit = _unit_for(mass_token, s, field, (Dimension.MASS,))
    volume_unit = _unit_for(volume_token, s, field, (Dimension.VOLUME,))
    volume = Decimal(1) if volume_text is None else _check_digits(volume_text, s, field)
    if amount == 0:
        raise InputError.about(field, s, "is zero", "a strength greater than zero", code="zero")
    if volume == 0:
        raise InputError.about(field, s, "is per zero volume", "a positive volume", code="zero")
    strength = Strength(Quantity(amount, mass_unit), Quantity(volume, volume_unit))
    _check_range(strength.concentration, s, field, allow_zero=False, maximum=maximum)
    return strength


def _refuse_percent_strength(s: str, field: str) -> None:
    """Refuse a percentage where a strength per volume is read (probe finding P5), naming the
    conversion: "4 % w/v" is 4 g in 100 mL, '40 mg/mL'; a bare "4 %" is never guessed to be
    w/v, and a w/w (or v/v) percentage needs the liquid's density, which the library does not
    guess either."""
    m = _PERCENT_STRENGTH_RE.fullmatch(s)
    if m is None:
        return
    number = _check_digits(m.group(1), s, field)
    basis = re.sub(r"\s", "", (m.group(2) or "")).lower()
    as_wv = f"write {plain(number)} % w/v as '{plain(number * 10)} mg/mL'"
    problem, expected = {
        "w/v": (
            f"is a percentage strength ({plain(number)} g in 100 mL)",
            f"it per volume: {as_wv}",
        ),
        "w/w": (
            "is a w/w percentage, which needs the liquid's density to become a strength per volume",
            "a strength per volume such as '1 mg/mL', from the liquid's measured density",
        ),
        "v/v": (
            "is a v/v percentage (a liquid in a liquid), not the strength of a weighed drug",
            "a strength per volume such as '1 mg/mL'",
        ),
        "": (
            "is a percentage without its basis (w/v or w/w), which the library does not guess",
            f"a strength per volume: {as_wv} (a w/w percentage needs the liquid's density)",
        ),
    }[basis]
    raise UnitError.about(field, s, problem, expected, code="percent-strength")


def parse_decimal(
    text: object,
    *,
    field: str,
    allow_zero: bool = False,
    maximum: Decimal | None = None,
) -> Decimal:
    """Parse a plain decimal number (no unit) with the same rules as amounts."""
    if isinstance(text, Decimal) and text.is_finite():
        value = text
        s = str(text)
    else:
        s = _screen(text, field, "a number such as '4.5'")
        if _DECIMAL_RE.fullmatch(s) is None:
            _diagnose_number(s, field, "'4.5'")
            raise InputError.about(
                field,
                s,
                "is not a plain number",
                "digits with at most one point, e.g. '4.5'",
                code="not-a-number",
            )
        value = _check_digits(s, s, field)
    if value < 0:
        raise InputError.about(field, s, "is negative", "a positive number", code="negative")
    if value == 0 and not allow_zero:
        raise InputError.about(field, s, "is zero", "a number greater than zero", code="zero")
    if maximum is not None and value > maximum:
        raise InputError.about(
            field, s, "is too large", f"at most {plain(maximum)}", code="too-large"
        )
    return value


#: what a count is, in its refusals
_WHOLE = "a whole number such as 30"


def parse_count(
    text: object, *, field: str, maximum: int = 100_000, allow_zero: bool = False
) -> int:
    """Parse a whole number of units (capsules, tablets, drops, days): digits only."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
        shown: object = text
    else:
        s = _screen(text, field, _WHOLE)
        shown = s
        if not re.fullmatch(r"[0-9]+", s):
            _diagnose_number(s, field, "'30'")
            # '30.0' is refused too (a count has no decimal point), saying why
            pointed = re.fullmatch(r"[0-9]+\.0+", s) is not None
            raise InputError.about(
                field,
                s,
                "is written with a decimal point" if pointed else "is not a whole number",
                f"{_WHOLE}, with no decimal point" if pointed else _WHOLE,
                code="not-whole",
            )
        if len(s.lstrip("0")) > 9:
            raise InputError.about(
                field, s, "is absurdly large", f"at most {maximum}", code="too-large"
            )
        value = int(s)
    if value < 0:
        raise InputError.about(
            field, shown, "is negative", "a positive whole number", code="negative"
        )
    if value == 0 and not allow_zero:
        raise InputError.about(
            field, shown, "is zero", "a whole number greater than zero", code="zero"
        )
    if value > maximum:
        raise InputError.about(field, shown, "is too large", f"at most {maximum}", code="too-large")
    return value


#: A month and year without a day, as API containers and tablet packs print an expiry:
#: "2030-01", "2030/01", "01/2030", "1-2030", "Jan 2030", "JAN-2030", "January 2030".
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_YEAR_RE = (
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})"),
    re.compile(r"(?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})"),
    re.compile(rf"(?P<n>[a-z]{{3,9}})\.?{_SPACE}*[-/]?{_SPACE}*(?P<y>[0-9]{{4}})", re.IGNORECASE),
)


def _month_year(s: str) -> tuple[int, int] | None:
    """(year, month) when ``s`` is a month and year without a day, else ``None``."""
    for pattern in _MONTH_YEAR_RE:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        name = (m.groupdict().get("n") or "").lower()
        if name:  # "Jan", "JAN.", "January": a month's name or its first letters
            month = next((k for k, full in enumerate(_MONTHS, 1) if full.startswith(name)), 0)
        else:
            month = int(m.group("m"))
        year = int(m.group("y"))
        return (year, month) if 1 <= month <= 12 and year >= 1 else None
    return None


def _refuse_month_year(s: str, field: str) -> None:
    """Refuse a month and year without a day (probe finding P10), naming the rule: an expiry
    given as a month and year means the last day of that month (USP General Notices), so the
    sentence names the day to write; the day is never filled in silently."""
    found = _month_year(s)
    if found is None:
        return
    year, month = found
    if "expir" in field.lower():
        last = dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
        rule = "a month-year expiry means the last day of that month"
        expected = f"the date in the form YYYY-MM-DD: write '{last}', the last day of that month"
    else:
        rule = "the library never guesses the day"
        expected = f"the full date in the form YYYY-MM-DD ('{year:04d}-{month:02d}-DD')"
    raise InputError.about(
        field, s, f"is a month and year without a day ({rule})", expected, code="month-year-date"
    )


def parse_date(text: object, *, field: str) -> dt.date:
    """Parse an ISO date ``YYYY-MM-DD`` (dates are never guessed from other layouts)."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    s = _screen(text, field, "a date such as '2027-03-31'")
    _refuse_month_year(s, field)
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s):
        raise InputError.about(
            field, s, "is not a date in the form YYYY-MM-DD", "e.g. '2027-03-31'", code="bad-date"
        )
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise InputError.about(
            field, s, "is not a calendar date", "a real date such as '2027-03-31'", code="bad-date"
        ) from None


def mass(text: object, *, field: str = "mass") -> Quantity:
    """``mass("4.5 mg")``: a positive mass by the input grammar."""
    return parse_quantity(text, field=field, dimension=Dimension.MASS)


def volume(text: object, *, field: str = "volume") -> Quantity:
    """``volume("5 mL")``: a positive volume by the input grammar."""
    return parse_quantity(text, field=field, dimension=Dimension.VOLUME)


def percent(text: object, *, field: str = "percent", allow_zero: bool = True) -> Quantity:
    """``percent("99.5 %")``: a percentage by the input grammar (zero allowed by default)."""
    return parse_quantity(text, field=field, dimension=Dimension.FRACTION, allow_zero=allow_zero)


#: Densities go up to 5 g/mL, as the density fields accept (the generic cap for a mass per
#: volume is 1 g/mL, which would refuse every base, syrup and true powder density above water's).
MAX_DENSITY = Quantity(Decimal(5), Unit.G_PER_ML)


def density(text: object, *, field: str = "density") -> Quantity:
    """``density("0.35 g/mL")``: a mass per volume by the input grammar, at most 5 g/mL."""
    return parse_quantity(text, field=field, dimension=Dimension.CONCENTRATION, maximum=MAX_DENSITY)
