"""Reading caller directions for what they say about the dose: amounts and frequencies.

A label's directions are free text, and free text can contradict the prescription: "Take 2
capsules twice daily" on a label for one capsule once daily, "٤٥ mg" (Arabic-Indic digits) or
"４５ mg" (fullwidth) on a 4.5 mg label, "ten drops" for three. :func:`read_directions` finds

* every **amount**: a number (digits of any script, NFKC forms such as fullwidth or
  mathematical digits, simple fractions ``1/2``, or words: ``one`` ... ``ninety-nine``,
  ``a``/``an``, ``half``, ``one and a half``) followed by a unit: a mass or volume as the
  input grammar spells it (``mg``, ``mcg``, ``mL``...), those units in words
  (``milligrams``, ``micrograms``, ``millilitres``), or a counted unit (``capsules``,
  ``tablets``, ``troches``, ``lozenges``, ``drops``);
* every **frequency**: ``once``/``twice``/``three times``/``N times`` ``daily``/``a day``,
  ``N a day``, ``every N hours`` (24/N a day), ``every N days``, ``every other day``,
  ``daily``, ``nightly``; and the parts of the day named (morning, midday, afternoon,
  evening, night, by word or clock time: ``at bedtime``, ``in the morning and at bedtime``,
  ``at 8 am and 8 pm``): one dose each, read as the frequency when none is written, and
  as a frequency of its own when two or more are named (``once daily, morning and
  evening`` says two things, and one of them is refused).

Latin frequency abbreviations (``qd``, ``qod``, ``bid``, ``tid``, ``qid``, ``qhs``, ``hs``,
``q12h``) are refused: ``qd`` and ``qod`` are on the ISMP list of error-prone abbreviations
and the others are read differently by patients; the words say the same thing safely.

The comparison with the prescription is the label's (:mod:`ldncompound._labels`).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

import attrs

from ._errors import InputError
from ._numbers import CONTEXT

_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ONES)} | {
    w: 20 + 10 * i for i, w in enumerate(_TENS)
}

_ONE_WORD = "|".join(sorted(_ONES, key=len, reverse=True))
_TEN_WORD = "|".join(_TENS)
#: a whole number in words: 'four', 'twenty-five', 'thirty two'
_WHOLE_WORDS = rf"(?:(?:{_TEN_WORD})(?:[- ](?:{_ONE_WORD}))?|{_ONE_WORD})"
#: a number in words, with halves: 'one and a half', 'half a', 'one-half', 'a', 'an'
_NUMBER_WORDS = (
    r"(?:(?P<half>(?:one[- ]|a\s+)?half)(?:\s+(?:of\s+)?an?)?"
    rf"|(?P<whole>{_WHOLE_WORDS})(?P<and_half>\s+and\s+(?:a|one)[- ]half)?"
    r"|(?P<article>an?))"
)
#: a number in digits: decimals (commas kept, to be refused by the grammar), '1 1/2', '1/2'
_NUMBER_DIGITS = (
    r"(?P<mixed>[0-9]+)\s+(?P<mnum>[0-9]+)/(?P<mden>[0-9]+)"
    r"|(?P<num>[0-9]+)/(?P<den>[0-9]+)"
    r"|(?P<digits>[0-9][0-9.,]*)(?P<digits_half>\s+and\s+a\s+half)?"
)

#: counted units: the word -> the singular noun
COUNTED = {
    "capsule": "capsule",
    "capsules": "capsule",
    "tablet": "tablet",
    "tablets": "tablet",
    "troche": "troche",
    "troches": "troche",
    "lozenge": "lozenge",
    "lozenges": "lozenge",
    "drop": "drop",
    "drops": "drop",
}
#: units written as words -> the grammar's symbol
SPELLED = {
    **dict.fromkeys(("milligram", "milligrams", "milligramme", "milligrammes"), "mg"),
    **dict.fromkeys(("microgram", "micrograms", "microgramme", "microgrammes"), "mcg"),
    **dict.fromkeys(("gram", "grams", "gramme", "grammes"), "g"),
    **dict.fromkeys(("milliliter", "milliliters", "millilitre", "millilitres"), "mL"),
}

_AMOUNT = re.compile(
    rf"(?<![\w.,/])(?:{_NUMBER_DIGITS}|\b{_NUMBER_WORDS}\b)"
    r"[ \u00a0\u202f-]*(?P<unit>[^\s0-9.,;:()\[\]]+)",
    re.IGNORECASE,
)

_DAY = r"(?:daily|a\s+day|per\s+day|each\s+day|every\s+day|a\s+24[- ]hour\s+day)"
_COUNT = rf"(?:[0-9]+|{_WHOLE_WORDS})"
#: explicit frequencies: (pattern, how many a day from the match)
_EXPLICIT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\bonce\s+{_DAY}", re.IGNORECASE), "1"),
    (re.compile(rf"\btwice\s+{_DAY}", re.IGNORECASE), "2"),
    (re.compile(rf"\bthrice\s+{_DAY}", re.IGNORECASE), "3"),
    (re.compile(rf"\b(?P<n>{_COUNT})\s*(?:times|x)\s+{_DAY}", re.IGNORECASE), "n"),
    (re.compile(rf"\b(?P<n>{_COUNT})\s+(?:a|per|each)\s+day\b", re.IGNORECASE), "n"),
    (re.compile(rf"\bevery\s+(?P<n>{_COUNT})\s+hours?\b", re.IGNORECASE), "24/n"),
    (re.compile(r"\bevery\s+hour\b", re.IGNORECASE), "24"),
    (re.compile(rf"\bevery\s+(?P<n>{_COUNT})\s+days\b", re.IGNORECASE), "1/n"),
    (re.compile(r"\b(?:every\s+other\s+day|on\s+alternate\s+days)\b", re.IGNORECASE), "1/2"),
    (
        re.compile(
            r"\b(?:daily|nightly|(?:a|per)\s+day|every\s+(?:day|night|morning|evening)"
            r"|each\s+(?:day|night|morning|evening)|once\s+a\s+night)\b",
            re.IGNORECASE,
        ),
        "1",
    ),
)
#: times of day, by the part of the day they name: each part named is one dose a day
_TIME_WORDS = re.compile(
    r"\b(?P<morning>mornings?|breakfast)\b|\b(?P<midday>noon|midday|lunch)\b"
    r"|\b(?P<afternoon>afternoons?)\b|\b(?P<evening>evenings?|dinner|supper)\b"
    r"|\b(?P<night>nights?|nightly|bedtime|bed)\b"
    r"|\b(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)(?!\w)"
    r"|\b(?P<clock>[0-9]{1,2}):[0-9]{2}\b",
    re.IGNORECASE,
)


def _part_of_day(m: re.Match[str]) -> str:
    for part in ("morning", "midday", "afternoon", "evening", "night"):
        if m.group(part):
            return part
    if m.group("clock") is not None:
        hour = int(m.group("clock"))
    else:
        hour = int(m.group("hour")) % 12
        hour += 12 if m.group("half").lower().startswith("p") else 0
    for end, part in _HOURS:
        if hour < end:
            return part
    return "night"


#: the parts of a day by the hour they end (a clock time names the part it falls in)
_HOURS = ((4, "night"), (12, "morning"), (13, "midday"), (17, "afternoon"), (21, "evening"))


#: frequency abbreviations refused in directions (ISMP error-prone abbreviations: qd, qod)
_ABBREVIATIONS = re.compile(
    r"(?<![\w.])(?:q\.?d|q\.?o\.?d|b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?h\.?s|h\.?s|q\.?[0-9]+\.?h)"
    r"\.?(?![\w])",
    re.IGNORECASE,
)


@attrs.frozen(kw_only=True)
class Amount:
    """An amount as written: its number, its unit word, and where it stands."""

    number: Decimal
    number_text: str
    unit: str
    start: int
    end: int

    @property
    def written(self) -> str:
        return f"{self.number_text} {self.unit}"


@attrs.frozen(kw_only=True)
class Frequency:
    """A frequency as written, and how many doses a day it means."""

    per_day: Decimal
    written: str
    #: read from the parts of the day named, not from a written frequency
    from_times: bool = False


@attrs.frozen(kw_only=True)
class ReadDirections:
    """What a text says about the dose: its amounts and frequencies (``implied``: read from
    the times of day named, there being no written frequency)."""

    text: str
    amounts: tuple[Amount, ...]
    frequencies: tuple[Frequency, ...]
    implied: bool = False


_SEPARATORS = {"\u066b": ".", "\u066c": ",", "\u2044": "/", "\u2215": "/"}


def ascii_digits(text: str) -> str:
    """``text`` in NFKC with every decimal digit of any script written as an ASCII digit
    (Arabic-Indic ``٤`` -> ``4``, Devanagari ``४`` -> ``4``; fullwidth and mathematical
    digits are NFKC's), the Arabic decimal and thousands separators as ``.`` and ``,``, and
    the fraction slash as ``/``."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    out = []
    for ch in text:
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None else _SEPARATORS.get(ch, ch))
    return "".join(out)


def _count_value(text: str) -> Decimal:
    text = text.lower()
    if text.isdigit():
        return Decimal(text)
    total = 0
    for word in re.split(r"[- ]+", text):
        total += WORD_VALUES[word]
    return Decimal(total)


def _number(m: re.Match[str]) -> tuple[Decimal, str] | None:
    """The number an amount match holds (``None`` for digits the grammar must judge)."""
    g = m.groupdict()
    if g["mixed"] is not None or g["num"] is not None:
        return _fraction(g)
    if g["digits"] is not None:
        digits = g["digits"].rstrip(".,")
        if "," in digits or digits.count(".") > 1:
            return Decimal(-1), digits  # left to the grammar, which names the problem
        if g["digits_half"]:
            return Decimal(digits) + Decimal("0.5"), f"{digits} and a half"
        return Decimal(digits), digits
    return _spelt(m, g)


def _fraction(g: dict[str, Any]) -> tuple[Decimal, str] | None:
    """A mixed number ('1 1/2') or a fraction ('1/2'); ``None`` for a zero denominator."""
    if g["mixed"] is not None:
        den = Decimal(g["mden"])
        if den == 0:
            return None
        whole = Decimal(g["mixed"]) + CONTEXT.divide(Decimal(g["mnum"]), den)
        return whole, f"{g['mixed']} {g['mnum']}/{g['mden']}"
    den = Decimal(g["den"])
    if den == 0:
        return None
    return CONTEXT.divide(Decimal(g["num"]), den), f"{g['num']}/{g['den']}"


def _spelt(m: re.Match[str], g: dict[str, Any]) -> tuple[Decimal, str]:
    """A number in words ('two', 'one and a half', 'half a') or an article ('a', 'an')."""
    if g["whole"] is not None:
        value = _count_value(g["whole"])
        if g["and_half"]:
            value += Decimal("0.5")
        return value, m.group(0)[: m.start("unit") - m.start()].strip()
    if g["half"] is not None:
        return Decimal("0.5"), m.group(0)[: m.start("unit") - m.start()].strip()
    return Decimal(1), g["article"]


def read_directions(text: str, field: str) -> ReadDirections:
    """The amounts and frequencies ``text`` states (see the module's documentation).

    Refuses a Latin frequency abbreviation (``directions-abbreviation``).
    """
    text = ascii_digits(text)
    bad = _ABBREVIATIONS.search(text)
    if bad is not None:
        raise InputError.about(
            field,
            bad.group(0),
            "is a frequency abbreviation patients and staff misread",
            "the frequency in words: 'once daily', 'twice daily', 'every 12 hours', 'at bedtime'",
            code="directions-abbreviation",
        )
    frequencies: list[Frequency] = []
    masked = text
    for pattern, rule in _EXPLICIT:
        for m in pattern.finditer(masked):
            per_day = _per_day(rule, m)
            if per_day is not None:
                frequencies.append(Frequency(per_day=per_day, written=m.group(0)))
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    # the parts of the day named: one dose each, when no frequency is written, and a
    # frequency of its own when two or more are ('once daily, morning and evening')
    parts: dict[str, str] = {}
    for m in _TIME_WORDS.finditer(text):
        parts.setdefault(_part_of_day(m), m.group(0))
    implied = False
    if parts and (not frequencies or len(parts) > 1):
        implied = not frequencies
        frequencies.append(
            Frequency(
                per_day=Decimal(len(parts)), written=" and ".join(parts.values()), from_times=True
            )
        )
    # amounts are read outside the frequencies ('every 12 hours' is not an amount)
    amounts: list[Amount] = []
    for m in _AMOUNT.finditer(masked):
        read = _number(m)
        if read is None:
            continue
        number, number_text = read
        amounts.append(
            Amount(
                number=number,
                number_text=number_text,
                unit=m.group("unit"),
                start=m.start(),
                end=m.end(),
            )
        )
    return ReadDirections(
        text=text, amounts=tuple(amounts), frequencies=tuple(frequencies), implied=implied
    )


def _per_day(rule: str, m: re.Match[str]) -> Decimal | None:
    if rule == "n":
        return _count_value(m.group("n"))
    if rule == "24/n":
        n = _count_value(m.group("n"))
        return None if n == 0 else CONTEXT.divide(Decimal(24), n)
    if rule == "1/n":
        n = _count_value(m.group("n"))
        return None if n == 0 else CONTEXT.divide(Decimal(1), n)
    if rule == "1/2":
        return Decimal("0.5")
    return Decimal(rule)
