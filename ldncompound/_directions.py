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
  ``N a day``, ``(once) every N hours`` (24/N a day), ``every N days``, ``every other day``,
  ``daily``, ``nightly``, ``once in the morning``/``once at bedtime`` (one dose); and the
  parts of the day named (morning, midday, afternoon, evening, night, by word or clock time:
  ``at bedtime``, ``in the morning and at bedtime``, ``at 8 am and 8 pm``): one dose each,
  read as the frequency when none is written, and as a frequency of its own when two or
  more are named (``once daily, morning and evening`` says two things, and one of them is
  refused).

Latin frequency abbreviations (``qd``, ``qod``, ``bid``, ``tid``, ``qid``, ``qhs``, ``hs``,
``q12h``) are refused: ``qd`` and ``qod`` are on the ISMP list of error-prone abbreviations
and the others are read differently by patients; the words say the same thing safely. So is
a word that mixes scripts (``twicе`` with a Cyrillic ``е``: ``mixed-script``), which prints
like a word the reader knows but is not read as one.

It also notes what it cannot read as the same dose, for the label to refuse:

* every number (digits, number words, ``once``/``twice``, ``half``, ``quarter``, ``couple``,
  ``pair``, Roman numerals before a counted unit) that is not part of an amount, a frequency,
  a time of day, a duration (``for 30 days``, ``hold for 1 minute``), a step (``Step 2 of 9:
  days 15-28``), a date, a daily maximum (:attr:`ReadDirections.limits`), a sentence saying
  not to take an amount (``Do not take 2 capsules at the same time.``:
  :attr:`ReadDirections.negated`, which the label checks is more than the dose), a storage
  temperature, the water a dose is taken with (``with 8 oz of water``) or a telephone
  number; and every number followed by a word that is not a unit it knows (``45 мг``,
  ``2 cápsulas``, ``45 mg/10``): :attr:`ReadDirections.unread`;
* words that add a dose, make it conditional or change it (``more``, ``another``, ``again``,
  ``repeat``, ``double``, ``extra``, ``second``, ``increase``, ``x 2``, ``or two``,
  ``if needed``, ``as needed``, ``later``...): :attr:`ReadDirections.extra`;
* household measures (``teaspoonful``, ``tablespoon``, ``spoonful``, ``cupful``):
  :attr:`ReadDirections.household`;
* the routes named (``under the tongue``, ``between the cheek and gum``, ``by mouth``,
  ``swallow``, ``in the eye``, ``in the ear``, ``rectally``...): :attr:`ReadDirections.routes`;
* the salt form written after a mass (``4.5 mg naltrexone HCl``, ``4.5 mg base``):
  :attr:`Amount.form`.

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
from ._parse import REFUSED_UNITS, UNIT_SPELLINGS
from ._units import Dimension

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

_DAY = r"(?:daily|nightly|a\s+day|per\s+day|each\s+day|every\s+day|a\s+24[- ]hour\s+day)"
_COUNT = rf"(?:[0-9]+|{_WHOLE_WORDS})"
#: explicit frequencies: (pattern, how many a day from the match)
_EXPLICIT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\bonce\s+{_DAY}", re.IGNORECASE), "1"),
    # 'once in the morning', 'once at bedtime': one dose, at the time named
    (
        re.compile(
            r"\bonce\s+(?:(?:in|at|during)\s+(?:the\s+)?|each\s+|every\s+)?"
            r"(?:morning|afternoon|evening|night|bedtime|noon|midday)\b",
            re.IGNORECASE,
        ),
        "1",
    ),
    (re.compile(rf"\btwice\s+{_DAY}", re.IGNORECASE), "2"),
    (re.compile(rf"\bthrice\s+{_DAY}", re.IGNORECASE), "3"),
    (re.compile(rf"\b(?P<n>{_COUNT})\s*(?:times?|x)\s+{_DAY}", re.IGNORECASE), "n"),
    (re.compile(rf"\b(?P<n>{_COUNT})\s+(?:a|per|each)\s+day\b", re.IGNORECASE), "n"),
    (re.compile(rf"\b(?:once\s+)?every\s+(?P<n>{_COUNT})\s+hours?\b", re.IGNORECASE), "24/n"),
    (re.compile(r"\b(?:once\s+)?every\s+hour\b", re.IGNORECASE), "24"),
    (re.compile(rf"\b(?:once\s+)?every\s+(?P<n>{_COUNT})\s+days\b", re.IGNORECASE), "1/n"),
    (
        re.compile(r"\b(?:(?:once\s+)?every\s+other\s+day|on\s+alternate\s+days)\b", re.IGNORECASE),
        "1/2",
    ),
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
    r"\b(?P<morning>mornings?|breakfast|wak(?:e|es|ing)(?:\s+up)?|(?:a|up)?rising|getting\s+up"
    r"|sunrise)\b|\b(?P<midday>noon|midday|lunch(?:time)?)\b"
    r"|\b(?P<afternoon>afternoons?)\b|\b(?P<evening>evenings?|dinner|supper)\b"
    r"|\b(?P<night>nights?|nightly|night-?time|bedtime|bed|before\s+(?:going\s+to\s+)?sleep)\b"
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


#: the parts of a day by the hour they end (a clock time names the part it falls in; the
#: small hours are a part of their own: 'at bedtime and at 3 am' is two doses)
_HOURS = ((4, "small hours"), (12, "morning"), (13, "midday"), (17, "afternoon"), (21, "evening"))


#: words after a number that are neither units nor doses: clock times and durations
_NOT_UNITS = frozenset(
    (
        *("am", "pm", "o'clock", "minute", "minutes", "min", "mins", "second", "seconds"),
        *("hour", "hours", "hr", "hrs", "day", "days", "week", "weeks", "month", "months"),
    )
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
#: numbers that are not about the dose: a date, a step or fill of a kit, a day range
_NON_DOSE = re.compile(
    r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b"
    rf"|\b{_COUNT}\s*(?:-|\u2013|to)\s*{_COUNT}\s+(?:minutes?|mins?|seconds?|secs?|hours?|hrs?)\b"
    r"|\b[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\b"  # a start date: 'starting 12/07/2026'
    rf"|\b(?:{_MONTHS})\.?\s+[0-9]{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+[0-9]{{4}}\b)?"
    rf"|\b[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b(?:,?\s+[0-9]{{4}}\b)?"
    r"|\btype\s+(?:[0-9]|i{1,3})\b"  # an indication: 'for CRPS type 1', 'type 2 diabetes'
    rf"|\b(?:steps?|fills?|days?|weeks?)\s+{_COUNT}(?:\s*(?:-|to|through)\s*{_COUNT})?"
    rf"(?:\s+of\s+{_COUNT})?\b",
    re.IGNORECASE,
)
#: every number the text holds, in digits or words: each must be read as part of something
_NUMBER_TOKENS = re.compile(
    rf"[0-9]+(?:[.,/:][0-9]+)*|\b(?:{_ONE_WORD}|{_TEN_WORD}|half|halves|quarters?|thirds?"
    r"|once|twice|thrice|couple|pair|dozen|times)\b",
    re.IGNORECASE,
)
_COUNTED_WORD = r"(?P<unit>capsules?|tablets?|troches?|lozenges?|drops?)\b"
#: counts that are not numbers: 'a couple of capsules', 'ii capsules' (a Latin sig), and
#: vague ones ('several drops'), which state no amount at all
_OTHER_COUNTS = re.compile(
    rf"\b(?:(?:a\s+)?(?P<two>couple|pair)(?:\s+of)?|(?P<roman>i{{1,3}}|iv|vi{{0,3}}|ix|x)"
    rf"|(?P<vague>few|several|some|many|multiple|various)(?:\s+of)?(?:\s+the)?)\s+{_COUNTED_WORD}",
    re.IGNORECASE,
)
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
#: words that add a dose, make it conditional or change it over time
_EXTRA = re.compile(
    r"\b(?:more|another|again|repeat\w*|doubl\w*|tripl\w*|extra|additional|second|plus"
    r"|increas\w*|decreas\w*|titrat\w*|escalat\w*|up\s+to|as\s+needed|when\s+needed"
    r"|as\s+required|when\s+required|if\s+(?:needed|necessary|required)|prn|p\.r\.n|later"
    rf"|or\s+(?:{_COUNT}|a\s+half|half))\b"
    r"|\bif\b[^.;]*?\b(?:pain|symptom|effect|relief|improv|persist|worse|continu|still"
    r"|return)\w*"
    # 'x 2', '2x' (but 'x 30 days' is a duration)
    r"|(?<!\w)[x\u00d7]\s*[0-9]+(?![0-9]|\s*(?:days?|weeks?|months?)\b)"
    r"|\b[0-9]+\s*[x\u00d7](?!\w)",
    re.IGNORECASE,
)
#: household measures: a kitchen spoon holds 2.5 to 7 mL
_HOUSEHOLD = re.compile(
    r"\b(?:(?:tea|table|dessert)spoon(?:ful)?s?|(?:tea|table|dessert)spoonsful"
    r"|spoonfuls?|cupfuls?|dropperfuls?|capfuls?)\b",
    re.IGNORECASE,
)
#: route words: (route, pattern); a label's own route line is read with the same table
ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (route, re.compile(pattern, re.IGNORECASE))
    for route, pattern in (
        ("sublingual", r"\bunder\s+(?:the|your)\s+tongue\b|\bsublingual(?:ly)?\b"),
        ("buccal", r"\b(?:cheeks?|gums?)\b|\bbuccal(?:ly)?\b"),
        ("oral", r"\bby\s+mouth\b|\borally\b"),
        ("swallow", r"\bswallow\w*"),
        ("eye", r"\beyes?\b|\bophthalmic\b"),
        ("ear", r"\bears?\b|\botic\b"),
        ("nose", r"\bnose\b|\bnostrils?\b|\b(?:intra)?nasal(?:ly)?\b"),
        ("rectal", r"\brect(?:al|ally|um)\b|\bsuppositor\w*"),
        ("vaginal", r"\bvagina\w*"),
        ("skin", r"\bskin\b|\btopical(?:ly)?\b|\btransdermal\w*"),
        ("injection", r"\binject\w*|\bintramuscular\w*|\bsubcutaneous\w*|\bintravenous\w*"),
        ("inhaled", r"\binhal\w*"),
    )
)
#: the salt form written after a mass: '4.5 mg naltrexone HCl', '4.5 mg (base)'
_FORM_AFTER = re.compile(
    r"[ \u00a0]*\(?[ \u00a0]*(?:(?:as|of)\s+)?(?:[^\W\d_]+\s+)?"
    r"(?P<form>(?:hcl|hydrochloride)\s+dihydrate|dihydrate|hcl|hydrochloride|free\s+base|base"
    r"|salt)\b",
    re.IGNORECASE,
)


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
    #: the salt form written after it ('HCl', 'base', 'dihydrate'), lower case
    form: str | None = None

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
    #: numbers not read as part of an amount, a frequency, a time or a step, and numbers
    #: followed by a word that is not a unit ('45 мг'), as written
    unread: tuple[str, ...] = ()
    #: words that add a dose, make it conditional or change it ('more', 'if needed', 'x 2')
    extra: tuple[str, ...] = ()
    #: household measures named ('teaspoonful')
    household: tuple[str, ...] = ()
    #: the routes named: (route, as written)
    routes: tuple[tuple[str, str], ...] = ()
    #: the most to take in a day, as stated ('Never take more than 1 capsule in 24 hours',
    #: 'Max 1 capsule per day'): a limit, not a dose, which must be the prescribed daily dose
    limits: tuple[Amount, ...] = ()
    #: what a sentence says not to take ('Do not take 2 capsules at the same time', 'do not
    #: take 2 doses'): neither a dose nor a limit, which must be more than the prescribed dose
    negated: tuple[Amount, ...] = ()
    #: what the sentences about storage say (a place, a temperature), for the label to
    #: compare with the preparation's storage
    storage: tuple[StorageStatement, ...] = ()
    #: sentences stating a date or a period to discard by, use within or expire
    #: ('Discard after 2027-06-04', 'Use within 90 days'): the label states the one
    #: beyond-use date
    keep_periods: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class StorageStatement:
    """What a sentence about storage says: a place (``refrigerator``, ``freezer``, ``room``),
    said to keep it in or, ``negated``, not to ('Do not refrigerate'); or a temperature range
    in °C (``low``/``high``; ``None`` for an open end: 'below 25 °C')."""

    written: str
    place: str | None = None
    negated: bool = False
    low: Decimal | None = None
    high: Decimal | None = None


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


def _script(ch: str) -> str:
    """The script of a letter by its Unicode name ('LATIN', 'CYRILLIC', 'GREEK'...)."""
    return unicodedata.name(ch, "?").split(" ")[0]


def mixed_script_word(text: str) -> str | None:
    """The first word of ``text`` (in NFKC) whose letters are of more than one script
    ('twicе' with a Cyrillic 'е'), ``None`` when there is none; a unit the grammar spells
    with a micro sign ('μg') is one word of its own."""
    words: list[str] = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", text))
    for word in words:
        if word.isascii() or word in UNIT_SPELLINGS:
            continue
        if len({_script(ch) for ch in word}) > 1:
            return word
    return None


def refuse_mixed_script(text: str, field: str) -> None:
    """Refuse text with a word of mixed scripts (``mixed-script``)."""
    word = mixed_script_word(text)
    if word is not None:
        raise InputError.about(
            field,
            word,
            "mixes letters of different scripts (a look-alike letter such as a Cyrillic 'е' "
            "in a Latin word), so it prints like a word it is not",
            "the word typed in one script",
            code="mixed-script",
        )


def read_directions(text: str, field: str) -> ReadDirections:
    """The amounts and frequencies ``text`` states, and what it cannot read as the dose (see
    the module's documentation).

    Refuses a Latin frequency abbreviation (``directions-abbreviation``) and a word of mixed
    scripts (``mixed-script``).
    """
    refuse_mixed_script(text, field)
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
    read: list[tuple[int, int]] = []  # the spans read as something
    limits, masked = _limits(text, read)
    negated, masked = _negated(masked, read)
    masked = _not_about_the_dose(masked, read)
    for pattern, rule in _EXPLICIT:
        for m in pattern.finditer(masked):
            per_day = _per_day(rule, m)
            read.append(m.span())
            if per_day is not None:
                frequencies.append(Frequency(per_day=per_day, written=m.group(0)))
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    # the parts of the day named: one dose each, when no frequency is written, and a
    # frequency of its own when two or more are ('once daily, morning and evening')
    parts, alternatives = _times_named(text, read)
    implied = False
    if parts and (not frequencies or len(parts) > 1):
        implied = not frequencies
        written = " or ".join((" and ".join(parts.values()), *alternatives.values()))
        frequencies.append(Frequency(per_day=Decimal(len(parts)), written=written, from_times=True))
    read.extend(m.span() for m in _NON_DOSE.finditer(masked))
    masked = _NON_DOSE.sub(lambda m: " " * len(m.group(0)), masked)
    masked = _without_echoes(masked, read)
    # 'Place 1 rapid-dissolve tablet ...': the RDT's name, read as its counted unit
    masked = _RDT_WORDS.sub(lambda m: " " * len(m.group(0)), masked)
    extra = tuple(m.group(0) for m in _EXTRA.finditer(masked))
    amounts, unread = _amounts(masked, read)
    unread += [
        _with_next_word(text, m)
        for m in _NUMBER_TOKENS.finditer(text)
        if not any(a <= m.start() and m.end() <= b for a, b in read)
    ]
    return ReadDirections(
        text=text,
        amounts=tuple(amounts),
        frequencies=tuple(frequencies),
        implied=implied,
        unread=tuple(unread),
        extra=extra,
        household=tuple(m.group(0) for m in _HOUSEHOLD.finditer(text)),
        routes=tuple((r, m.group(0)) for r, p in ROUTES for m in p.finditer(text)),
        limits=tuple(limits),
        negated=tuple(negated),
        storage=tuple(_storage_statements(text)),
        keep_periods=tuple(_keep_periods(text)),
    )


_LIMIT_UNIT = r"(?:capsules?|tablets?|troches?|lozenges?|drops?|mg|mcg|milligrams?|mL)"
#: the most to take in a day: 'Never take more than 1 capsule in 24 hours', 'Max 1 capsule
#: per day', 'no more than 4.5 mg a day'
_LIMIT = re.compile(
    r"\b(?:(?:(?:do\s+not|don't|never)\s+(?:take|use)\s+)?(?:no\s+|not\s+)?more\s+than"
    r"|max(?:imum)?\.?(?:\s+of)?|at\s+most)\s+"
    rf"(?P<number>[0-9]+(?:\.[0-9]+)?|{_WHOLE_WORDS})\s*(?P<unit>{_LIMIT_UNIT})\b"
    r"(?:\s+\w+)?\s+(?:in|per|a|each|every|within)\s+(?:(?:any|one|1|a)\s+)?"
    r"(?:24[- ]hours?(?:\s+period)?|day)\b",
    re.IGNORECASE,
)
#: missed-dose advice that restricts the dose: 'Do not double the dose', 'never double up'
_NO_DOUBLE = re.compile(
    r"\b(?:do\s+not|don't|never)\s+(?:take\s+(?:a\s+)?)?doubl\w*"
    r"(?:\s+(?:up|(?:(?:the|a|your|this)\s+)?(?:next\s+)?doses?))?\b",
    re.IGNORECASE,
)


def _limits(text: str, read: list[tuple[int, int]]) -> tuple[list[Amount], str]:
    """The daily limits ``text`` states, and ``text`` with them and the missed-dose advice not
    to double a dose blanked out (their spans added to ``read``)."""
    limits = [_matched_amount(m) for m in _LIMIT.finditer(text)]
    masked = text
    for pattern in (_LIMIT, _NO_DOUBLE):
        masked = _blanked(pattern, masked, read)
    return limits, masked


def _matched_amount(m: re.Match[str]) -> Amount:
    """The amount a limit or a negated amount names (its ``number`` and ``unit`` groups)."""
    number = m.group("number")
    return Amount(
        number=Decimal(number) if number[0].isdigit() else _count_value(number),
        number_text=number,
        unit=m.group("unit"),
        start=m.start("number"),
        end=m.end("unit"),
    )


def _blanked(pattern: re.Pattern[str], masked: str, read: list[tuple[int, int]]) -> str:
    """``masked`` with what ``pattern`` matches blanked out, its spans added to ``read``."""
    read.extend(m.span() for m in pattern.finditer(masked))
    return pattern.sub(lambda m: " " * len(m.group(0)), masked)


#: a sentence that says not to take an amount or a number of doses, and nothing more:
#: 'Do not take 2 capsules at the same time.', 'If you miss a dose, do not take 2 doses.'
#: (a limit, 'do not take more than...', is read first; 'do not take 2 capsules a day' or
#: '... if ...' says more, and is read as it is)
_NEGATED = re.compile(
    r"\b(?:do\s+not|don't|never)\s+(?:take|use|swallow)\s+"
    rf"(?P<number>[0-9]+(?:\.[0-9]+)?|{_WHOLE_WORDS})\s*"
    r"(?P<unit>capsules?|tablets?|troches?|lozenges?|drops?|doses?|mg|mcg|milligrams?"
    r"|micrograms?|mL|millilit(?:er|re)s?)\b"
    r"(?:\s+(?:at\s+(?:the\s+)?same\s+time|at\s+once|together"
    r"|to\s+make\s+up\s+for\s+(?:a|the)\s+missed\s+(?:one|dose)))?"
    r"(?=\s*(?:[.;!]|$))",
    re.IGNORECASE,
)


def _negated(masked: str, read: list[tuple[int, int]]) -> tuple[list[Amount], str]:
    """The amounts ``masked`` says not to take (:data:`_NEGATED`), and ``masked`` with them
    blanked out (their spans added to ``read``): the label checks each is more than the
    prescribed dose."""
    negated = [_matched_amount(m) for m in _NEGATED.finditer(masked)]
    return negated, _blanked(_NEGATED, masked, read)


_TEMPERATURE = r"-?[0-9]+(?:\.[0-9]+)?"
_DEGREES = r"(?:[ \u00a0]*\u00b0[ \u00a0]*[CF]?|[ \u00a0]*degrees?(?:[ \u00a0]+[CF])?|[ \u00a0]*[CF])(?!\w)"
#: a storage temperature or range: '25°C', '20-25 °C', '(68-77 °F)', '2-8 C', '25 degrees'
_TEMPERATURES = re.compile(
    rf"(?<![\w.])(?P<low>{_TEMPERATURE})(?:{_DEGREES})?[ \u00a0]*(?:-|\u2013|to|and)[ \u00a0]*"
    rf"(?P<high>{_TEMPERATURE})(?P<scale>{_DEGREES})"
    rf"|(?<![\w.])(?P<one>{_TEMPERATURE})(?P<one_scale>{_DEGREES})",
    re.IGNORECASE,
)
#: a sentence about storage, where a temperature may be written
_STORAGE = re.compile(
    r"\b(?:stor(?:e|ed|age)|keep|kept|refrigerat\w*|fridge|freez\w*|temperature)\b",
    re.IGNORECASE,
)
#: the amount of water, juice or milk a dose is taken with or in (not the drug):
#: 'with 8 oz of water', 'with a glass (240 mL) of water', 'in 8 fl oz (240 mL) of juice'
_VEHICLE_AMOUNT = (
    r"[0-9]+(?:\.[0-9]+)?[ \u00a0]*(?:fl\.?[ \u00a0]*)?(?:oz|ounces?|mL|millilit(?:er|re)s?)"
)
_VEHICLE = re.compile(
    r"\b(?:with|in|into|to|then|followed\s+by)\s+(?:(?:an?|1|one)\s+"
    r"(?:(?:full|large|small|half|[0-9]+[- ](?:ounce|oz|fl\.?\s*oz))\s+)?(?:glass|cup)"
    rf"(?:\s*\(\s*{_VEHICLE_AMOUNT}\s*\))?|{_VEHICLE_AMOUNT}"
    rf"(?:\s*\(\s*{_VEHICLE_AMOUNT}\s*\))?)\s+(?:of\s+)?(?:\w+\s+)?"
    # the drink ends the phrase: '9 mL of water mixed with this liquid' and '9 mL of milk of
    # magnesia' are not water
    r"(?:water|juice|milk)\b(?!\s*(?:of|mixed|containing|plus|with\s+(?:this|the|your))\b)",
    re.IGNORECASE,
)
#: a mass or a count of a drink ('4.5 mg of water'): not the volume of water taken, nor a dose
_OF_DRINK = re.compile(r"\s+of\s+(?:\w+\s+)?(?:water|juice|milk)\b", re.IGNORECASE)
#: an emergency number after a word that says to call it: 'Call 911', 'dial 999'
_EMERGENCY = re.compile(
    r"\b(?:call|dial|phone|ring)\s+(?P<number>911|999|112|000)\b", re.IGNORECASE
)
#: a sentence that is about calling someone: an amount in it is not a dose ('Call 4.5 mg
#: with questions')
_CALL_SENTENCE = re.compile(
    r"\W*(?:call|phone|telephone|ring|contact|text|dial|questions?)\b", re.IGNORECASE
)
#: a telephone number: groups of digits ('555-123-4567', '(020) 7946 0018', '+44 20 7946
#: 0018'), not followed by a unit or 'doses'
_PHONE = re.compile(
    r"(?<![\w.,/])(?P<plus>\+[0-9]{1,3}[ .-]?)?(?P<area>\([0-9]{2,5}\)[ .-]?|[0-9]{1,5}[ .-])"
    r"(?:[0-9]{2,5}[ .-])*[0-9]{3,5}(?![\w.,/]|[ \u00a0-]*(?:capsules?|tablets?|troches?"
    r"|lozenges?|drops?|doses?|mg|mcg|ml|g|grams?|milli\w+|micro\w+|times?|x)\b)",
    re.IGNORECASE,
)
#: words that say a number is a telephone number
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|telephone|tel|ring|contact|questions?|helpline|hotline|fax|text"
    r"|pharmacy|pharmacist|number)\b",
    re.IGNORECASE,
)


def _not_about_the_dose(masked: str, read: list[tuple[int, int]]) -> str:
    """``masked`` with the numbers that are not about the dose blanked out, their spans added
    to ``read``: a temperature in a sentence about storage, the amount of water a dose is
    taken with, and a telephone number (seven digits or more in groups, with a word such as
    'call' in its sentence unless it has an area code in brackets, a '+' or ten digits).
    Anything else in those sentences is read as it is ('Store 2 capsules' states 2 capsules)."""
    spans = [m.span() for m in _VEHICLE.finditer(masked)]
    spans += [m.span("number") for m in _EMERGENCY.finditer(masked)]
    for m in re.finditer(r"(?:[^.;!]|\.(?=[0-9]))+", masked):
        sentence = m.group(0)
        if _STORAGE.search(sentence):
            spans += [(m.start() + a, m.start() + b) for a, b in _spans(_TEMPERATURES, sentence)]
        for phone in _PHONE.finditer(sentence):
            digits = sum(ch.isdigit() for ch in phone.group(0))
            marked = phone.group("plus") or phone.group("area").startswith("(") or digits >= 10
            if digits >= 7 and (marked or _PHONE_WORDS.search(sentence)):
                spans.append((m.start() + phone.start(), m.start() + phone.end()))
    for a, b in spans:
        read.append((a, b))
        masked = masked[:a] + " " * (b - a) + masked[b:]
    return masked


#: the places a sentence about storage may name
_PLACES = re.compile(
    r"\b(?:(?P<refrigerator>refrigerat\w*|fridge)|(?P<freezer>freez\w*|frozen)"
    r"|(?P<room>room[ \u00a0-]+temperature))\b",
    re.IGNORECASE,
)
#: words before a place or a temperature in its clause that say not to: 'Do not refrigerate',
#: 'protect from freezing', 'keep out of the fridge', 'do not store above 25 °C'
_NOT = re.compile(r"\b(?:not|never|avoid|no|from|out\s+of)\b|n't\b", re.IGNORECASE)
#: a bound written before a temperature: 'below 25 °C' (upper), 'above 2 °C' (lower)
_BOUND = re.compile(
    r"\b(?:(?P<upper>below|under|beneath|up\s+to|at\s+most|max\w*|cooler\s+than)"
    r"|(?P<lower>above|over|exceed\w*|warmer\s+than|at\s+least))\W*$",
    re.IGNORECASE,
)


def _celsius(value: str, scale: str) -> Decimal:
    degrees = Decimal(value)
    if scale.strip().upper().endswith("F"):
        return CONTEXT.divide((degrees - 32) * 5, Decimal(9))
    return degrees


def _storage_statements(text: str) -> list[StorageStatement]:
    """What the sentences about storage in ``text`` say: each place named (and whether its
    clause says not to), each temperature or range (in °C, with a bound written before it)."""
    found: list[StorageStatement] = []
    for sentence in re.finditer(r"(?:[^.;!]|\.(?=[0-9]))+", text):
        if not _STORAGE.search(sentence.group(0)):
            continue
        for clause in re.finditer(r"[^,:]+", sentence.group(0)):
            words = clause.group(0)
            for m in _PLACES.finditer(words):
                place = next(p for p in ("refrigerator", "freezer", "room") if m.group(p))
                negated = _NOT.search(words, 0, m.start()) is not None
                found.append(StorageStatement(written=words.strip(), place=place, negated=negated))
            for m in _TEMPERATURES.finditer(words):
                low: Decimal | None
                high: Decimal | None
                if m.group("one") is not None:
                    low = high = _celsius(m.group("one"), m.group("one_scale"))
                else:
                    low = _celsius(m.group("low"), m.group("scale"))
                    high = _celsius(m.group("high"), m.group("scale"))
                bound = _BOUND.search(words, 0, m.start())
                if bound is not None:
                    negated = _NOT.search(words, 0, bound.start()) is not None
                    if (bound.group("upper") is not None) != negated:
                        low = None
                    else:
                        high = None
                found.append(StorageStatement(written=words.strip(), low=low, high=high))
    return found


#: words that state how long a preparation keeps: a discard, expiry or use-within statement
_KEEP_WORDS = re.compile(
    r"\b(?:discard\w*|throw\s+(?:\w+\s+)?away|dispos\w*|expir\w*|use\s+(?:\w+\s+)?within"
    r"|use\s+(?:\w+\s+)?(?:by|before|until)|(?:do\s+not|don't|never)\s+use\s+(?:\w+\s+)?after"
    r"|good\s+(?:for|until)|best\s+before|beyond[- ]use|bud|stable\s+for|lasts?"
    r"|keeps?\s+for|valid\s+(?:for|until))\b",
    re.IGNORECASE,
)
#: a date or a period in such a statement
_WHEN = re.compile(
    rf"[0-9]|\b(?:{_ONE_WORD}|{_TEN_WORD}|{_MONTHS})\b|\b(?:days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def _keep_periods(text: str) -> list[str]:
    """The sentences in ``text`` that state a date or a period to discard by, use within or
    expire ('Discard after 2027-06-04', 'Use within 90 days', 'Expires 2027-12-31')."""
    return [
        m.group(0).strip()
        for m in re.finditer(r"(?:[^.;!]|\.(?=[0-9]))+", text)
        if _KEEP_WORDS.search(m.group(0)) and _WHEN.search(m.group(0))
    ]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


#: a time named as another time the one dose may be taken at: 'at bedtime or in the
#: morning', 'morning or evening', 'May take in the morning if ...', '... in the morning instead'
_OR_BEFORE = re.compile(r"\bor\s+(?:(?:in|at|on|upon|during|before|after|with)\s+)?(?:the\s+)?$")
_ALTERNATIVE_SENTENCE = re.compile(
    r"\binstead\b|^\W*(?:\w+\s+){0,3}?(?:may|can|could)\s+(?:\w+\s+)?(?:take|be\s+taken|use)\b",
    re.IGNORECASE,
)
#: words that make a time named in a 'may take' sentence a dose of its own
_AS_WELL = re.compile(
    r"\b(?:also|as\s+well|too|both|additionally|in\s+addition|another|again)\b", re.IGNORECASE
)


def _alternative_sentence(sentence: str) -> bool:
    """Whether a sentence names another time for the one dose ('May take in the morning if
    sleep is disturbed', 'take it in the morning instead'): it says so, names one part of the
    day only, and does not say 'also', 'as well', 'too'..."""
    parts = {_part_of_day(m) for m in _TIME_WORDS.finditer(sentence)}
    return (
        len(parts) == 1
        and _ALTERNATIVE_SENTENCE.search(sentence) is not None
        and _AS_WELL.search(sentence) is None
    )


#: a time that is not a dose time: the second end of a window ('between 9 pm and 3 am') and
#: a meal a wait is counted from ('1 to 2 hours after dinner')
_NOT_A_DOSE_TIME = re.compile(
    r"\bbetween\s+\S+(?:\s*[ap]\.?m\.?)?\s+(?:and|to|-)\s+(?P<end>\S+(?:\s*[ap]\.?m\.?)?)"
    r"|\b(?:minutes?|mins?|hours?|hrs?)\s+(?:after|before)\s+(?:(?:a|the|your)\s+)?"
    r"(?P<meal>breakfast|lunch|dinner|supper)\b",
    re.IGNORECASE,
)


def _times_named(text: str, read: list[tuple[int, int]]) -> tuple[dict[str, str], dict[str, str]]:
    """The parts of the day ``text`` names as dose times (each one dose a day), and those it
    names as another time the same dose may be taken at ('or in the morning', 'May take in the
    morning if ...', '... instead'), each part with the first words naming it; the spans read
    are added to ``read``."""
    skipped = [
        m.span(g) for m in _NOT_A_DOSE_TIME.finditer(text) for g in ("end", "meal") if m.group(g)
    ]
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.;]+", text)]
    parts: dict[str, str] = {}
    alternatives: dict[str, str] = {}
    for m in _TIME_WORDS.finditer(text):
        read.append(m.span())
        if any(a <= m.start() < b for a, b in skipped):
            continue
        start, end = next((a, b) for a, b in sentences if a <= m.start() < b)
        alternative = bool(
            _OR_BEFORE.search(text, start, m.start()) or _alternative_sentence(text[start:end])
        )
        (alternatives if alternative else parts).setdefault(_part_of_day(m), m.group(0))
    if not parts:  # 'May take in the morning or at bedtime': the first is the dose time
        parts = dict(list(alternatives.items())[:1])
    for part in parts:
        alternatives.pop(part, None)
    return parts, alternatives


def dose_words(text: str) -> str | None:
    """The first amount with a unit ('2 capsules', '9 mg') or counted frequency ('twice
    daily', 'every 12 hours') in ``text``, for a field that must state none (a patient's
    name, an address); ``None`` when there is none. Bare 'daily' is a word, not a dose."""
    text = ascii_digits(text)
    for pattern, _rule in _EXPLICIT[:-1]:
        m = pattern.search(text)
        if m is not None:
            return m.group(0)
    for m in _AMOUNT.finditer(text):
        unit = m.group("unit").rstrip("'\"!?\u2019\u201d")
        if _unit_kind(unit) == "unit" and not m.group("article"):
            if unit.lower() in COUNTED and _NAME_AFTER.match(text, m.end("unit")):
                continue  # a street or a name: '12 Drop Lane', '1 Capsule Way'
            return m.group(0)
    return None


#: a word after a form's name that makes it part of a name or an address ('12 Drop Lane',
#: '1 Capsule Way', '3 Tablet Hill Rd'): a capitalised word or a street word
_NAME_AFTER = re.compile(
    r"[ \u00a0]+(?:[A-Z][\w'-]*|(?i:lane|ln|way|road|rd|street|st|avenue|ave|drive|dr|court|ct"
    r"|place|pl|boulevard|blvd|close|circle|terrace|square|plaza|park|hill|row|suite)\b)"
)


#: the words of a rapid-dissolve tablet's name before 'tablet'
_RDT_WORDS = re.compile(
    r"(?<=\s)(?:rapid(?:ly)?[- ]dissolv\w*|orally[- ]disintegrating|orodispersible)"
    r"(?=[ \u00a0]+tablets?\b)",
    re.IGNORECASE,
)
#: a number in words followed by the same number in digits: 'one (1) capsule'
_ECHOED = re.compile(rf"\b(?P<word>{_WHOLE_WORDS})[ \u00a0]*\((?P<digits>[0-9]+)\)", re.IGNORECASE)


def _without_echoes(masked: str, read: list[tuple[int, int]]) -> str:
    """``masked`` with the digits that repeat a number in words blanked out ('one (1)
    capsule' reads as 'one capsule'; 'one (2) capsules' is left to be refused), their spans
    added to ``read``."""

    def blank(m: re.Match[str]) -> str:
        if _count_value(m.group("word")) != Decimal(m.group("digits")):
            return m.group(0)
        read.append((m.end("word"), m.end()))
        return m.group("word") + " " * (m.end() - m.end("word"))

    return _ECHOED.sub(blank, masked)


def _with_next_word(text: str, m: re.Match[str]) -> str:
    """A number as written, with the word after it ('twice on', '4')."""
    tail = re.match(r"[ \u00a0]*[^\s.,;:()\[\]]*", text[m.end() :])
    return (m.group(0) + (tail.group(0) if tail else "")).strip()


def _amounts(masked: str, read: list[tuple[int, int]]) -> tuple[list[Amount], list[str]]:
    """The amounts in ``masked`` (frequencies blanked out), adding the spans read to ``read``;
    and the numbers followed by a word that is neither a unit nor a time or duration."""
    amounts: list[Amount] = []
    unread: list[str] = []
    # amounts are read outside the frequencies ('every 12 hours' is not an amount)
    for m in _AMOUNT.finditer(masked):
        if any(a <= m.start() < b for a, b in read):
            continue  # a clock time ('7:30 pm')
        unit = m.group("unit").rstrip("'\"!?\u2019\u201d")
        kind = _unit_kind(unit)
        if kind == "none" or (kind == "unknown" and m.group("article")):
            read.append(m.span())  # 'a glass', '10 minutes'
            continue
        if kind == "unknown":
            read.append(m.span())
            unread.append(f"{m.group(0)[: m.start('unit') - m.start()].strip()} {unit}")
            continue
        number = _number(m)
        read.append(m.span())
        if number is None:
            continue
        if _OF_DRINK.match(masked, m.end()) or _in_call_sentence(masked, m.start()):
            unread.append(m.group(0))  # '4.5 mg of water', 'Call 4.5 mg with questions'
            continue
        unit, end = _per_measure(masked, unit, m.start("unit") + len(unit), read)
        form = _FORM_AFTER.match(masked, m.end())
        amounts.append(
            Amount(
                number=number[0],
                number_text=number[1],
                unit=unit,
                start=m.start(),
                end=end,
                form=None if form is None else " ".join(form.group("form").lower().split()),
            )
        )
    _other_counts(masked, read, amounts, unread)
    return amounts, unread


def _other_counts(
    masked: str, read: list[tuple[int, int]], amounts: list[Amount], unread: list[str]
) -> None:
    """Add the counts that are not numbers ('a couple of capsules', 'ii capsules') to
    ``amounts``, and the vague ones ('several drops') to ``unread``."""
    for m in _OTHER_COUNTS.finditer(masked):
        read.append(m.span())
        if m.group("vague"):
            unread.append(m.group(0))
            continue
        count = 2 if m.group("two") else _ROMAN[m.group("roman").lower()]
        written = m.group(0)[: m.start("unit") - m.start()].strip()
        amounts.append(
            Amount(
                number=Decimal(count),
                number_text=written,
                unit=m.group("unit"),
                start=m.start(),
                end=m.end(),
            )
        )


def _in_call_sentence(text: str, at: int) -> bool:
    """Whether the sentence of ``text`` holding ``at`` is about calling someone."""
    start = max(text.rfind(".", 0, at), text.rfind(";", 0, at), text.rfind("!", 0, at)) + 1
    return _CALL_SENTENCE.match(text, start) is not None


#: the measure a strength is per: 'mg per mL', 'mg per drop'
_PER_AFTER = re.compile(r"[ \u00a0]+per[ \u00a0]+(?:(?:1|one|each)[ \u00a0]+)?(?P<per>mL|drop)\b")


def _per_measure(masked: str, unit: str, end: int, read: list[tuple[int, int]]) -> tuple[str, int]:
    """A unit written with the measure it is per ('1 mg per mL' reads as '1 mg/mL'), and where
    the amount ends; the unit as is when no measure follows."""
    per = _PER_AFTER.match(masked, end)
    if per is None or unit not in UNIT_SPELLINGS:
        return unit, end
    read.append(per.span())
    return f"{unit}/{per.group('per')}", per.end()


#: the dimensions of the units an amount in directions may have: a dose, a strength
_READ_DIMENSIONS = (
    *(Dimension.MASS, Dimension.VOLUME, Dimension.DROPS),
    *(Dimension.CONCENTRATION, Dimension.MASS_PER_DROP),
)


def _unit_kind(word: str) -> str:
    """'unit' for a word the reader knows as a unit (or the grammar refuses as one), 'none'
    for a time or duration, 'unknown' otherwise."""
    lower = word.lower()
    unit = UNIT_SPELLINGS.get(word)
    if unit is not None and unit.dimension not in _READ_DIMENSIONS:
        return "unknown"  # a share ('50 %' of a dose) or a molar mass is not a dose
    if lower in COUNTED or lower in SPELLED or unit is not None or word in REFUSED_UNITS:
        return "unit"
    return "none" if lower.rstrip(".") in _NOT_UNITS else "unknown"


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
