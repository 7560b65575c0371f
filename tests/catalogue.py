"""The catalogue of bad input, kept as data: input class x entry point.

Each case is one input that a tired person, a spreadsheet or a careless sender produces, the
entry point it arrives through, and exactly what must happen: the error class, its code and
the field (the document path; on the command line, the option), or, for an input that is
accepted, the warnings and the dose the result must show. ``tests/test_catalogue.py`` runs
every case (one parametrised test per entry point) and checks that every cell of the matrix
has cases. Nothing may crash, hang, print a traceback or compute.

Entry points:

``cli``
    an option of ``ldncompound capsules|liquid|drops|troches`` (or ``label``) through
    ``CliRunner``: exit 2 for an ``InputError``, 1 for a ``FormulationError``, one sentence
    that starts with the option;
``document``
    ``run_order`` on an order document (a dict, or raw JSON text);
``jsonl``
    one JSON Lines record through ``run_batch`` and ``ldncompound batch``;
``csv``
    one CSV row under the preparation's header through ``run_batch(input_format="csv")`` and
    ``ldncompound batch --input-format csv``.

The valid orders every case starts from are in ``tests/orders.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import orders
from examples import flatten

import ldncompound as lc
from ldncompound import DimensionError, FormulationError, InputError, UnitError

ENTRY_POINTS = ("cli", "document", "jsonl", "csv")

#: input class -> what it covers
CLASSES: dict[str, str] = {
    "dose-typo": "a dose mistyped by a factor (45 mg for 4.5 mg, mcg for mg) or too often",
    "wrong-unit": "wrong units and dimensions",
    "abbreviation": "banned or ambiguous abbreviations: gr, cc, U, IU, t, T, tsp, tbsp, MG, ML",
    "decimal-comma": "a comma for the decimal point",
    "thousands-separator": "digit-group separators (1,000 and 1 000)",
    "exponent": "exponent notation",
    "unicode-digit": "full-width and other Unicode digits",
    "micro-sign": "both micro signs (µ U+00B5 and μ U+03BC), accepted as mcg",
    "garbage": "leading and trailing garbage",
    "empty": "empty and whitespace-only values",
    "nan": "NaN",
    "infinity": "infinities",
    "negative": "negative values",
    "zero": "zeros",
    "enormous": "enormous values",
    "overlong": "overlong strings and records",
    "control-characters": "control characters and terminal escapes in free text",
    "malformed": "malformed JSON and CSV",
    "shifted": "shifted columns and values moved to the wrong field",
    "implausible": "a figure that scales the drug typed into an implausible range, or a date",
    "dilution-choice": "a pharmacist's dilution (ratio, aliquot, stock volume, dose per drop) "
    "that breaks a weighing or measuring rule, or a base made for another dosage form",
}


@dataclass(frozen=True)
class Refused:
    """Nothing is computed: ``error`` (the exact class), ``code`` and ``field`` (``None`` for
    a record that cannot be read as a document). Batch entries check the code and field."""

    error: type[lc.LdnCompoundError]
    code: str
    field: str | None


@dataclass(frozen=True)
class Accepted:
    """The input is read as meant: the result carries ``warnings`` and shows ``dose``."""

    warnings: tuple[str, ...] = ()
    dose: str | None = None


@dataclass(frozen=True)
class Raw:
    """A whole record that is not a valid document: JSON text (document, JSON Lines), or CSV
    bytes after the preparation's header (``header=False``) or with their own header."""

    data: bytes
    header: bool = False
    note: str = ""  # names the case where the bytes do not


@dataclass(frozen=True)
class JsonText:
    """A value written into the JSON text as is (a number such as ``3e1``, or ``NaN``)."""

    text: str


@dataclass(frozen=True)
class Command:
    """A whole command line (``{dir}`` is replaced by a folder holding ``files``)."""

    args: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...] = ()


Changes = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Case:
    input_class: str
    entry: str
    preparation: str
    given: Changes | Raw | Command
    expect: Refused | Accepted

    @property
    def id(self) -> str:
        if isinstance(self.given, Raw):
            data = self.given.data
            shown = self.given.note or repr(data if len(data) < 80 else data[:30] + data[-30:])
        elif isinstance(self.given, Command):
            shown = " ".join(self.given.args[-2:]) + repr(self.given.files)[:60]
        else:
            shown = ",".join(
                f"{k}=<{v.bit_length()}-bit int>" if _huge(v) else f"{k}={v!r}"[:50]
                for k, v in self.given
            )
        return f"{self.input_class}|{self.preparation}|{shown}"


def _huge(value: Any) -> bool:
    return isinstance(value, int) and value.bit_length() > 1000


#: document path -> the command-line option that sets it
FLAG = {
    "dose": "--dose",
    "count": "--count",
    "doses_per_day": "--doses-per-day",
    "days_supply": "--days",
    "volume": "--volume",
    "concentration": "--concentration",
    "overage": "--overage",
    "reference": "--reference",
    "acknowledge": "--acknowledge",
    "compounded_on": "--compounded-on",
    "source.lot": "--lot",
    "source.expiry": "--expiry",
    "source.product": "--tablet-product",
    "source.supplier": "--supplier",
    "source.average_weight": "--tablet-weight",
    "source.tablets_weighed": "--tablets-weighed",
    "source.assay": "--assay",
    "source.powder_density": "--source-density",
    "source.allergens_declared": "--tablet-allergen",
    "calibration.volume": "--calibration-volume",
    "calibration.drops": "--calibration-drops",
    "calibration.dropper": "--dropper",
    "mold.blank_weight": "--blank-weight",
    "vehicle.lot": "--vehicle-lot",
    "trituration_ratio": "--trituration-ratio",
    "aliquot_mass": "--aliquot-mass",
    "stock_volume": "--stock-volume",
    "dose_per_drop": "--dose-per-drop",
    "solubility": "--solubility",
    "base.base": "--base",
    "shells.weight": "--shell-weight",
    "balance.minimum_weight": "--min-weight",
    "balance.capacity": "--balance-capacity",
}

CASES: list[Case] = []


def _option(value: Any) -> Any:
    """A document value as an option value: a list of one item is its item, and "default"
    is the option left out."""
    if isinstance(value, list):
        return value[0]
    return None if value == "default" else value


def each(
    input_class: str,
    preparation: str,
    path: str,
    value: Any,
    expect: Refused | Accepted,
    *,
    entries: tuple[str, ...] = ENTRY_POINTS,
    cli: Refused | Accepted | None = None,
    csv: Refused | Accepted | None = None,
    document: Refused | Accepted | None = None,
    also: Changes = (),
) -> None:
    """One case per entry point: ``path`` set to ``value`` (and ``also`` set) in the valid
    order of ``preparation``. A refusal's field is the path, and on the command line the
    option; ``cli``/``csv``/``document`` (also used for JSON Lines) override the expectation.
    """
    for entry in entries:
        want = {"cli": cli, "csv": csv, "document": document, "jsonl": document}[entry] or expect
        changes: Changes = ((path, value), *also)
        if entry == "cli":  # one option per change; a list of one item is its item
            changes = tuple((FLAG[p], _option(v)) for p, v in changes)
            if cli is None and isinstance(want, Refused) and want.field is not None:
                want = Refused(want.error, want.code, FLAG.get(want.field, want.field))
        CASES.append(Case(input_class, entry, preparation, changes, want))


def raw(
    input_class: str, entry: str, preparation: str, data: bytes | Command, expect: Refused
) -> None:
    """A case whose input is a whole record (or command line), not one field."""
    given = data if isinstance(data, Command) else Raw(data)
    CASES.append(Case(input_class, entry, preparation, given, expect))


def raw_csv(
    input_class: str, preparation: str, data: bytes, expect: Refused, *, header: bool = False
) -> None:
    """A case whose input is CSV bytes (after the header, or with their own)."""
    CASES.append(Case(input_class, "csv", preparation, Raw(data, header=header), expect))


# --- a dose mistyped by a factor, or taken too often ----------------------------------------------

for prep in ("capsules", "liquid", "drops", "troches"):
    each("dose-typo", prep, "dose", "45 mg", Refused(InputError, "dose-above-range", "dose"))
    # a computed dose copied with its artefact figures (4.5 x 0.99998): did you mean 4.5 mg?
    each("dose-typo", prep, "dose", "4.4999 mg", Refused(InputError, "dose-precision", "dose"))
    each("dose-typo", prep, "dose", "4.5 mcg", Refused(InputError, "dose-below-range", "dose"))
each("dose-typo", "capsules", "dose", "4.5 g", Refused(InputError, "dose-above-range", "dose"))
each(
    "dose-typo",
    "capsules",
    "doses_per_day",
    "10",
    Refused(InputError, "daily-dose-above-range", "doses_per_day"),
    also=(("count", 30),),
    csv=Refused(InputError, "daily-dose-above-range", "doses_per_day"),
)
each(
    "dose-typo",
    "capsules",
    "dose",
    "50 mcg",
    Accepted(warnings=("dose-below-range",), dose="50 mcg"),
    also=(("acknowledge", ["dose-below-range"]),),
    cli=Accepted(warnings=("dose-below-range",), dose="50 mcg"),
)

# --- a pharmacist's dilution that breaks a weighing or measuring rule (issue 13 §1, §3) --------
# Refused while the plan is made, naming the order field (on the command line, its option).

each(
    "dilution-choice",
    "capsules",
    "aliquot_mass",
    "10 mg",
    Refused(InputError, "below-minimum-weight", "aliquot_mass"),
)
each(
    "dilution-choice",
    "capsules",
    "trituration_ratio",
    1,
    Refused(InputError, "out-of-range", "trituration_ratio"),
)
each(
    "dilution-choice",
    "troches",
    "trituration_ratio",
    1000,
    Refused(InputError, "dilution-beyond-mix", "trituration_ratio"),
)
each(
    "dilution-choice",
    "liquid",
    "stock_volume",
    "33.3 mL",
    Refused(InputError, "stock-not-measurable", "stock_volume"),
)
each(
    "dilution-choice",
    "drops",
    "dose_per_drop",
    "0.4 mg",
    Refused(InputError, "dose-per-drop-not-whole", "dose_per_drop"),
)
each(
    "dilution-choice",
    "troches",
    "base.base",
    "rdt",
    Refused(InputError, "base-not-for-form", "base"),
    cli=Refused(InputError, "base-not-for-form", "--base"),
)
raw(
    "dilution-choice",
    "cli",
    "capsules",
    Command((*orders.COMMANDS["capsules"], "--trituration-ratio", "1 to 10")),
    Refused(InputError, "bad-ratio", "--trituration-ratio"),
)

# --- a figure that scales the drug, typed into an implausible range (issue 11 §1) ---------------
# Refused where the figure is used, so the field is the library's name of it (as for the other
# refusals made while computing, e.g. an expired component), and on the command line its option.


def implausible(
    preparation: str, path: str, value: Any, code: str, field: str, option: str
) -> None:
    each(
        "implausible",
        preparation,
        path,
        value,
        Refused(InputError, code, field),
        cli=Refused(InputError, code, option),
    )


implausible(
    "capsules",
    "source.average_weight",
    "2014 mg",
    "tablet-weight-implausible",
    "tablets.average_weight",
    "--tablet-weight",
)
implausible(
    "troches",
    "source.average_weight",
    "20.14 mg",
    "out-of-range",  # lighter than its 50 mg of drug: refused as it always was
    "source.average_weight",
    "--tablet-weight",
)
implausible("liquid", "source.assay", "9.95 %", "assay-implausible", "api.assay", "--assay")
implausible("drops", "source.assay", "90 %", "assay-implausible", "api.assay", "--assay")
implausible(
    "capsules",
    "source.powder_density",
    "0.08 g/mL",  # above the 0.05 g/mL floor, below any powder (documents cap 1000 mg/mL)
    "density-implausible",
    "tablets.powder_density",
    "--source-density",
)
implausible(
    "drops",
    "calibration.drops",
    200,
    "dropper-implausible",
    "calibration.drops",
    "--calibration-drops",
)
implausible(
    "troches",
    "mold.blank_weight",
    "12 g",
    "blank-weight-implausible",
    "mold.blank_weight",
    "--blank-weight",
)
# an empty shell weighed as 9600 mg (a total for 100 shells): the option, and the document's
# shells object (the valid order's shells are "default")
each(
    "implausible",
    "capsules",
    "shells.weight",
    "9600 mg",
    Refused(InputError, "shell-weight-implausible", "shells.weight"),
    entries=("cli",),
)
each(
    "implausible",
    "capsules",
    "shells",
    {"material": "gelatin", "lot": "S1", "expiry": "2028-01-01", "weight": "9600 mg"},
    Refused(InputError, "shell-weight-implausible", "shells.weight"),
    entries=("document", "jsonl"),
)
# a size-0 shell weight (96 mg) on the valid order's size 4 capsules: the window is per size
each(
    "implausible",
    "capsules",
    "shells.weight",
    "96 mg",
    Refused(InputError, "shell-weight-implausible", "shells.weight"),
    entries=("cli",),
)
each(
    "implausible",
    "capsules",
    "shells",
    {"material": "gelatin", "lot": "S1", "expiry": "2028-01-01", "weight": "96 mg", "size": "5"},
    Refused(InputError, "shell-weight-implausible", "shells.weight"),
    entries=("document", "jsonl"),
    also=(("size", "5"),),
)
implausible(
    "capsules",
    "compounded_on",
    "2062-11-21",
    "compounded-on-future",
    "compounded_on",
    "--compounded-on",
)
implausible(
    "liquid",
    "compounded_on",
    "2025-11-21",
    "bud-already-past",
    "compounded_on",
    "--compounded-on",
)
each(
    "implausible",
    "capsules",
    "source.average_weight",
    "2014 mg",
    Accepted(warnings=("tablet-weight-implausible",), dose="4.5 mg"),
    also=(("acknowledge", ["tablet-weight-implausible"]),),
)

# --- liquids, drops and BUD (probe findings F5, F10, F21, F25, F30, F33, F37) -------------------
# A preservative meaning "none" is refused outright; the rest are implausible-but-possible and
# lifted by their acknowledgement.

_DOC = ("document", "jsonl", "csv")
_LIQUID = orders.COMMANDS["liquid"]
_DECLARED = orders.command("liquid", **{"--vehicle": None})
each(
    "implausible",
    "liquid",
    "vehicle.vehicle.preservative",
    "none",
    Refused(InputError, "preservative-none", "vehicle.preservative"),
    entries=_DOC,
)
each(
    "implausible",
    "liquid",
    "vehicle.vehicle.preservative",
    "grapefruit seed extract",
    Refused(InputError, "preservative-unknown", "vehicle.preservative"),
    entries=_DOC,
)
raw(
    "implausible",
    "cli",
    "liquid",
    Command((*_LIQUID, "--added-preservative", "n/a", "--storage", "room")),
    Refused(InputError, "preservative-none", "--added-preservative"),
)
raw(
    "implausible",
    "cli",
    "liquid",
    Command((*_DECLARED, "--vehicle-name", "house water", "--aqueous", "--preservative", "GSE")),
    Refused(InputError, "preservative-unknown", "--preservative"),
)
# probe3 Q15, Q7: a component declared (or taken as) water-free whose name says water
raw(
    "implausible",
    "cli",
    "liquid",
    Command(
        (
            *_DECLARED,
            *("--vehicle-name", "purified water", "--nonaqueous"),
            *("--water-activity-basis", "no water in the formula"),
        )
    ),
    Refused(InputError, "name-says-water", "--vehicle-name"),
)
raw(
    "implausible",
    "cli",
    "troches",
    Command((*orders.COMMANDS["troches"], "--ingredient", "simple syrup:50 mg")),
    Refused(InputError, "name-says-water", "--ingredient"),
)
each(
    "implausible",
    "liquid",
    "study",
    {
        "reference": "S",
        "days": 3650,
        "storage": "refrigerator",
        "matches_formula_vehicle_container": True,
    },
    Refused(InputError, "study-bud-above-limit", "study.days"),
    entries=("document", "jsonl"),
    also=(("storage", "refrigerator"),),
)
raw(
    "implausible",
    "cli",
    "liquid",
    Command(
        (
            *_LIQUID,
            "--storage",
            "refrigerator",
            "--study-reference",
            "S",
            "--study-days",
            "3650",
            "--study-confirmed",
        )
    ),
    Refused(InputError, "study-bud-above-limit", "--study-days"),
)
implausible(
    "liquid",
    "source.expiry",
    "2026-11-21",
    "bud-on-compounding-day",
    "active.expiry",
    "--expiry",
)
implausible(
    "liquid", "solubility", "200 mg/mL", "solubility-implausible", "solubility", "--solubility"
)
# 4.5 mg a drop at 16 drops/mL is 72 mg/mL: 72 % of the solubility, kept in the refrigerator
# (probe P4); acknowledged, it is made with the warning
implausible(
    "drops",
    "dose_per_drop",
    "4.5 mg",
    "near-solubility-limit",
    "dose_per_drop",
    "--dose-per-drop",
)
each(
    "implausible",
    "drops",
    "dose_per_drop",
    "4.5 mg",
    Accepted(warnings=("near-solubility-limit",), dose="4.5 mg"),
    also=(("acknowledge", ["near-solubility-limit"]),),
)
implausible(
    "liquid",
    "concentration",
    "50 mg/mL",  # 0.09 mL: 9 % of the 1 mL oral syringe
    "dose-below-measurable-fraction",
    "concentration",
    "--concentration",
)
raw(
    "implausible",
    "cli",
    "liquid",
    Command((*_LIQUID, "--syringe-capacity", "5 mL", "--syringe-graduation", "0.001 mL")),
    Refused(InputError, "syringe-graduation-implausible", "--syringe-graduation"),
)
raw(
    "implausible",
    "cli",
    "drops",
    Command(
        tuple(
            orders.command("drops", **{"--vehicle": "mct-oil", "--dose": "1.5 mg", "--days": "14"})
        )
    ),
    Refused(InputError, "aliquot-solubility-unknown", "--solubility"),
)
each(
    "dilution-choice",
    "drops",
    "dose_per_drop",
    "0.6429 mg",  # 4.5 mg / 7 drops, a repeating decimal cut short
    Refused(InputError, "dose-per-drop-repeating", "dose_per_drop"),
)

# --- wrong units and dimensions -------------------------------------------------------------------

each("wrong-unit", "capsules", "dose", "4.5 mL", Refused(DimensionError, "wrong-dimension", "dose"))
# a percentage for a strength per volume: never guessed w/v or w/w (probe P5)
each(
    "wrong-unit",
    "liquid",
    "concentration",
    "4 %",
    Refused(UnitError, "percent-strength", "concentration"),
)
each(
    "wrong-unit",
    "liquid",
    "concentration",
    "0.4 % w/v",
    Refused(UnitError, "percent-strength", "concentration"),
)
each(
    "wrong-unit",
    "drops",
    "concentration",
    "1 % w/w",
    Refused(UnitError, "percent-strength", "concentration"),
)
each(
    "wrong-unit",
    "capsules",
    "dose",
    "4.5 mg/mL",
    Refused(DimensionError, "wrong-dimension", "dose"),
)
each("wrong-unit", "capsules", "dose", "4.5 kilos", Refused(UnitError, "unknown-unit", "dose"))
each("wrong-unit", "capsules", "dose", "4.5 mg/kg", Refused(UnitError, "refused-unit", "dose"))
each(
    "wrong-unit",
    "capsules",
    "overage",
    "10 mg",
    Refused(DimensionError, "wrong-dimension", "overage"),
)
each(
    "wrong-unit",
    "troches",
    "source.average_weight",
    "201.4 mL",
    Refused(DimensionError, "wrong-dimension", "source.average_weight"),
)
each(
    "wrong-unit",
    "liquid",
    "concentration",
    "1 mg",
    Refused(DimensionError, "wrong-dimension", "concentration"),
    cli=Refused(UnitError, "missing-unit", "--concentration"),  # read as a strength there
)
each(
    "wrong-unit",
    "liquid",
    "concentration",
    "1 mg/mL/day",
    Refused(InputError, "malformed-strength", "concentration"),
)
each(
    "wrong-unit",
    "drops",
    "calibration.volume",
    "2.5 mg",
    Refused(DimensionError, "wrong-dimension", "calibration.volume"),
)

each(
    "wrong-unit",
    "capsules",
    "source.powder_density",
    "0.42 mg/mL",  # mg/mL written for g/mL: a thousandth of any powder's density
    Refused(InputError, "out-of-range", "source.powder_density"),
)

# --- banned or ambiguous abbreviations ------------------------------------------------------------

for text in ("4.5 gr", "5 U", "5 IU", "4.5 MG", "4.5 Mg", "4.5 MCG"):
    each("abbreviation", "capsules", "dose", text, Refused(UnitError, "refused-unit", "dose"))
for text in ("1 t", "1 T", "1 tsp", "1 tbsp", "30 cc", "30 ML", "30 l"):
    each(
        "abbreviation",
        "liquid",
        "volume",
        text,
        Refused(UnitError, "refused-unit", "volume"),
        also=(("days_supply", "default"),),
        cli=Refused(UnitError, "refused-unit", "--volume"),
    )
each(
    "abbreviation",
    "drops",
    "calibration.volume",
    "2.5 cc",
    Refused(UnitError, "refused-unit", "calibration.volume"),
)
each(
    "abbreviation",
    "liquid",
    "concentration",
    "1 mg/5 cc",
    Refused(UnitError, "refused-unit", "concentration"),
)

# --- decimal commas -------------------------------------------------------------------------------

each("decimal-comma", "capsules", "dose", "4,5 mg", Refused(InputError, "comma", "dose"))
each("decimal-comma", "capsules", "dose", "0,5 mg", Refused(InputError, "comma", "dose"))
each(
    "decimal-comma",
    "capsules",
    "doses_per_day",
    "1,5",
    Refused(InputError, "comma", "doses_per_day"),
)
each(
    "decimal-comma",
    "liquid",
    "concentration",
    "0,5 mg/mL",
    Refused(InputError, "comma", "concentration"),
)
each("decimal-comma", "troches", "overage", "7,5 %", Refused(InputError, "comma", "overage"))
each(
    "decimal-comma",
    "troches",
    "source.average_weight",
    "201,4 mg",
    Refused(InputError, "comma", "source.average_weight"),
)

# --- thousands separators -------------------------------------------------------------------------

each("thousands-separator", "capsules", "dose", "4,500 mcg", Refused(InputError, "comma", "dose"))
each("thousands-separator", "capsules", "dose", "4 500 mcg", Refused(InputError, "comma", "dose"))
each(
    "thousands-separator",
    "capsules",
    "dose",
    "4\u00a0500 mcg",
    Refused(InputError, "comma", "dose"),
)
each(
    "thousands-separator",
    "capsules",
    "source.average_weight",
    "1,201.4 mg",
    Refused(InputError, "comma", "source.average_weight"),
)
each(
    "thousands-separator",
    "capsules",
    "count",
    "1,000",
    Refused(InputError, "comma", "count"),
    entries=("cli", "csv"),
)
each(
    "thousands-separator",
    "capsules",
    "count",
    "1,000",
    Refused(InputError, "wrong-type", "count"),  # a count is a JSON number in a document
    entries=("document", "jsonl"),
)

# --- exponents ------------------------------------------------------------------------------------

each("exponent", "capsules", "dose", "4.5e0 mg", Refused(InputError, "exponent", "dose"))
each("exponent", "capsules", "dose", "1E-3 mg", Refused(InputError, "exponent", "dose"))
each("exponent", "capsules", "dose", "45e-1 mg", Refused(InputError, "exponent", "dose"))
each("exponent", "liquid", "doses_per_day", "1e0", Refused(InputError, "exponent", "doses_per_day"))
each(
    "exponent",
    "capsules",
    "count",
    "3e1",
    Refused(InputError, "exponent", "count"),
    entries=("cli", "csv"),
)
each(
    "exponent",
    "capsules",
    "count",
    JsonText("3e1"),  # a JSON number with an exponent is a float, not a whole number
    Refused(InputError, "wrong-type", "count"),
    entries=("document", "jsonl"),
)
each(
    "exponent",
    "capsules",
    "count",
    JsonText("1e400"),  # a float too large for a double: infinity
    Refused(InputError, "wrong-type", "count"),
    entries=("document", "jsonl"),
)

# --- full-width and other Unicode digits ----------------------------------------------------------

for text in (
    "\uff14.\uff15 mg",  # full-width
    "\u0664.\u0665 mg",  # Arabic-Indic
    "\u096a.\u096b mg",  # Devanagari
    "4\u00b2 mg",  # superscript two
    "\U0001d7d2.\U0001d7d3 mg",  # mathematical bold
    "\u2463 mg",  # circled four
):
    each("unicode-digit", "capsules", "dose", text, Refused(InputError, "non-ascii-digit", "dose"))
each(
    "unicode-digit",
    "capsules",
    "count",
    "\uff13\uff10",
    Refused(InputError, "non-ascii-digit", "count"),
    entries=("cli", "csv"),
)
each(
    "unicode-digit",
    "liquid",
    "doses_per_day",
    "\uff11",
    Refused(InputError, "non-ascii-digit", "doses_per_day"),
)

# --- micro signs: both accepted as mcg; look-alikes refused ---------------------------------------

for mu in ("\u00b5", "\u03bc"):
    each("micro-sign", "capsules", "dose", f"500 {mu}g", Accepted(dose="500 mcg"))
    each("micro-sign", "troches", "dose", f"500 {mu}g", Accepted(dose="500 mcg"))
    each(
        "micro-sign",
        "capsules",
        "dose",
        f"50 {mu}g",
        Refused(InputError, "dose-below-range", "dose"),  # read as mcg, so still guarded
    )
each(  # 0.2 mL of 2.5 mg/mL: 20 % of the 1 mL syringe, below its measurable share
    "micro-sign",
    "liquid",
    "dose",
    "500 \u00b5g",
    Accepted(warnings=("dose-below-measurable-fraction",), dose="500 mcg"),
    also=(("acknowledge", ["dose-below-measurable-fraction"]),),
)
each("micro-sign", "drops", "dose", "4500 \u03bcg", Accepted(dose="4500 mcg"))
each(
    "micro-sign", "capsules", "dose", "500 \u039cg", Refused(UnitError, "unknown-unit", "dose")
)  # capital mu
each("micro-sign", "capsules", "dose", "500 \u00b5G", Refused(UnitError, "refused-unit", "dose"))

# --- leading and trailing garbage -----------------------------------------------------------------

each("garbage", "capsules", "dose", "4.5 mg x", Refused(InputError, "trailing-text", "dose"))
each("garbage", "capsules", "dose", "4.5 mg 5", Refused(InputError, "trailing-text", "dose"))
each("garbage", "capsules", "dose", "x4.5 mg", Refused(InputError, "no-number", "dose"))
each("garbage", "capsules", "dose", "'4.5 mg'", Refused(InputError, "no-number", "dose"))
each("garbage", "capsules", "dose", "~4.5 mg", Refused(InputError, "no-number", "dose"))
each("garbage", "capsules", "dose", "4.5 mg;", Refused(UnitError, "unknown-unit", "dose"))
each("garbage", "capsules", "dose", "4.5.1 mg", Refused(InputError, "multiple-points", "dose"))
each("garbage", "capsules", "dose", ".5 mg", Refused(InputError, "leading-point", "dose"))
each("garbage", "capsules", "dose", "5. mg", Refused(InputError, "trailing-point", "dose"))
each("garbage", "capsules", "dose", "1:1000", Refused(InputError, "ratio", "dose"))
each("garbage", "capsules", "dose", "four mg", Refused(InputError, "no-number", "dose"))
each("garbage", "capsules", "dose", "4.5", Refused(UnitError, "missing-unit", "dose"))
each(
    "garbage",
    "capsules",
    "compounded_on",
    "2026-11-21x",
    Refused(InputError, "bad-date", "compounded_on"),
)
each(
    "garbage",
    "capsules",
    "compounded_on",
    "21/11/2026",
    Refused(InputError, "bad-date", "compounded_on"),
)
# a month-year expiry as a container prints it: the sentence names the last day to write
# (probe P10); a month and year on another date is refused with the day to give
each(
    "garbage",
    "capsules",
    "source.expiry",
    "2030-01",
    Refused(InputError, "month-year-date", "source.expiry"),
)
each(
    "garbage",
    "liquid",
    "source.expiry",
    "Feb 2028",
    Refused(InputError, "month-year-date", "source.expiry"),
)
each(
    "garbage",
    "capsules",
    "compounded_on",
    "11/2026",
    Refused(InputError, "month-year-date", "compounded_on"),
)
each(
    "garbage",
    "capsules",
    "compounded_on",
    "2026-02-30",
    Refused(InputError, "bad-date", "compounded_on"),
)
each(
    "garbage",
    "capsules",
    "count",
    "30 capsules",
    Refused(InputError, "not-whole", "count"),
    entries=("cli", "csv"),
)
each(
    "garbage",
    "capsules",
    "count",
    "30.0",
    Refused(InputError, "not-whole", "count"),
    entries=("cli", "csv"),
)
each(
    "garbage",
    "capsules",
    "count",
    30.0,
    Refused(InputError, "wrong-type", "count"),
    entries=("document", "jsonl"),
)
each(
    "garbage", "liquid", "doses_per_day", "1x", Refused(InputError, "not-a-number", "doses_per_day")
)
each(
    "garbage",
    "capsules",
    "acknowledge",
    "dose-above-rang",
    Refused(InputError, "unknown-acknowledgement", "acknowledge"),
    entries=("cli", "csv"),
)
each(
    "garbage",
    "capsules",
    "acknowledge",
    ["dose-above-rang"],
    Refused(InputError, "unknown-acknowledgement", "acknowledge"),
    entries=("document", "jsonl"),
)

each(  # a code acknowledged twice: a template's column copied on top of a row's (probe F34)
    "shifted",
    "capsules",
    "acknowledge",
    ["dose-above-range", "dose-above-range"],
    Refused(InputError, "duplicate-acknowledgement", "acknowledge"),
    entries=("document", "jsonl"),
)
raw(
    "shifted",
    "cli",
    "capsules",
    Command(
        (
            *orders.command("capsules", **{"--dose": "45 mg"}),
            *("--acknowledge", "dose-above-range", "--acknowledge", "dose-above-range"),
        )
    ),
    Refused(InputError, "duplicate-acknowledgement", "--acknowledge"),
)

# --- empty and whitespace-only values -------------------------------------------------------------

for blank in ("", "   ", "\u00a0", "\u202f \u00a0"):
    each(
        "empty",
        "capsules",
        "dose",
        blank,
        Refused(InputError, "empty", "dose"),
        # an empty CSV cell is an absent field: a required one is refused as missing
        csv=Refused(InputError, "missing-field", "dose") if blank == "" else None,
    )
each(
    "empty",
    "liquid",
    "source.lot",
    "",
    Refused(InputError, "empty", "source.lot"),
    csv=Refused(InputError, "missing-field", "source.lot"),
    cli=Refused(InputError, "empty", "--lot"),
)
each("empty", "liquid", "source.lot", "  ", Refused(InputError, "empty", "source.lot"))
each("empty", "capsules", "reference", " ", Refused(InputError, "empty", "reference"))
each("empty", "troches", "doses_per_day", " ", Refused(InputError, "empty", "doses_per_day"))
each(
    "empty", "capsules", "count", " ", Refused(InputError, "empty", "count"), entries=("cli", "csv")
)
each(
    "empty",
    "capsules",
    "count",
    "",
    Refused(InputError, "empty", "count"),
    entries=("cli", "csv"),
    csv=Refused(InputError, "missing-field", "count"),
)
each(
    "empty",
    "capsules",
    "count",
    "",
    Refused(InputError, "wrong-type", "count"),
    entries=("document", "jsonl"),
)

# --- NaN ------------------------------------------------------------------------------------------

for text in ("NaN mg", "nan mg", "sNaN mg", "NaN"):
    each("nan", "capsules", "dose", text, Refused(InputError, "not-a-number", "dose"))
each("nan", "liquid", "doses_per_day", "NaN", Refused(InputError, "not-a-number", "doses_per_day"))
each(
    "nan",
    "capsules",
    "count",
    "NaN",
    Refused(InputError, "not-a-number", "count"),
    entries=("cli", "csv"),
)
each(
    "nan",
    "liquid",
    "concentration",
    "NaN mg/mL",
    Refused(InputError, "not-a-number", "concentration"),
)

each(
    "nan",
    "capsules",
    "count",
    JsonText("NaN"),  # not JSON at all: the record cannot be read
    Refused(InputError, "bad-json", None),
    entries=("document", "jsonl"),
)

# --- infinities -----------------------------------------------------------------------------------

for text in ("inf mg", "Infinity mg", "INF mg"):
    each("infinity", "capsules", "dose", text, Refused(InputError, "not-a-number", "dose"))
each("infinity", "capsules", "dose", "\u221e mg", Refused(InputError, "no-number", "dose"))
each(
    "infinity",
    "troches",
    "doses_per_day",
    "inf",
    Refused(InputError, "not-a-number", "doses_per_day"),
)
each(
    "infinity",
    "capsules",
    "count",
    "Infinity",
    Refused(InputError, "not-a-number", "count"),
    entries=("cli", "csv"),
)

each(
    "infinity",
    "capsules",
    "count",
    JsonText("Infinity"),
    Refused(InputError, "bad-json", None),
    entries=("document", "jsonl"),
)
each(
    "infinity",
    "capsules",
    "count",
    JsonText("-1e999"),  # a JSON number that is minus infinity as a float
    Refused(InputError, "wrong-type", "count"),
    entries=("document", "jsonl"),
)

# --- negatives ------------------------------------------------------------------------------------

each("negative", "capsules", "dose", "-4.5 mg", Refused(InputError, "negative", "dose"))
each(
    "negative", "capsules", "dose", "\u22124.5 mg", Refused(InputError, "negative", "dose")
)  # minus sign
each(
    "negative", "capsules", "dose", "\u20134.5 mg", Refused(InputError, "negative", "dose")
)  # en dash
each("negative", "capsules", "dose", "+4.5 mg", Refused(InputError, "sign", "dose"))
each("negative", "capsules", "overage", "-5 %", Refused(InputError, "negative", "overage"))
each("negative", "liquid", "doses_per_day", "-1", Refused(InputError, "negative", "doses_per_day"))
each(
    "negative",
    "capsules",
    "count",
    "-30",
    Refused(InputError, "negative", "count"),
    entries=("cli", "csv"),
)
each(
    "negative",
    "capsules",
    "count",
    -30,
    Refused(InputError, "negative", "count"),
    entries=("document", "jsonl"),
)

# --- zeros ----------------------------------------------------------------------------------------

each("zero", "capsules", "dose", "0 mg", Refused(InputError, "zero", "dose"))
each("zero", "capsules", "dose", "0.000 mcg", Refused(InputError, "zero", "dose"))
each("zero", "liquid", "doses_per_day", "0", Refused(InputError, "zero", "doses_per_day"))
each("zero", "liquid", "concentration", "0 mg/mL", Refused(InputError, "zero", "concentration"))
each("zero", "liquid", "concentration", "1 mg/0 mL", Refused(InputError, "zero", "concentration"))
each("zero", "capsules", "count", "0", Refused(InputError, "zero", "count"), entries=("cli", "csv"))
each(
    "zero",
    "capsules",
    "count",
    0,
    Refused(InputError, "zero", "count"),
    entries=("document", "jsonl"),
)
each(
    "zero",
    "drops",
    "calibration.drops",
    0,
    Refused(InputError, "zero", "calibration.drops"),
    entries=("document", "jsonl"),
)
each(
    "zero",
    "drops",
    "calibration.drops",
    "0",
    Refused(InputError, "zero", "calibration.drops"),
    entries=("cli", "csv"),
)

# --- enormous values ------------------------------------------------------------------------------

each("enormous", "capsules", "dose", "12345678 mg", Refused(InputError, "too-large", "dose"))
each("enormous", "capsules", "dose", "2000 g", Refused(InputError, "too-large", "dose"))
each("enormous", "capsules", "dose", "0.0000001 mg", Refused(InputError, "too-precise", "dose"))
each(
    "enormous",
    "capsules",
    "count",
    10_001,
    Refused(InputError, "too-large", "count"),
    entries=("document", "jsonl"),
)
each(
    "enormous",
    "capsules",
    "count",
    "10001",
    Refused(InputError, "too-large", "count"),
    entries=("cli", "csv"),
)
each(
    "enormous",
    "capsules",
    "count",
    "99999999999999999999",
    Refused(InputError, "too-large", "count"),
    entries=("cli", "csv"),
)
each(
    "enormous",
    "capsules",
    "count",
    10**40,
    Refused(InputError, "too-large", "count"),
    entries=("document", "jsonl"),
)
each(  # Python cannot even print it: the message describes its size
    "enormous",
    "capsules",
    "count",
    10**5000,
    Refused(InputError, "too-large", "count"),
    entries=("document",),
)
each(  # the BUD would fall after 9999-12-31, the end of the calendar
    "enormous",
    "capsules",
    "compounded_on",
    "9999-12-31",
    Refused(InputError, "date-out-of-range", "compounded_on"),
    also=(("source.expiry", "9999-12-31"), ("acknowledge", ["compounded-on-future"])),
)
each(
    "enormous",
    "capsules",
    "doses_per_day",
    "25",
    Refused(InputError, "out-of-range", "doses_per_day"),
    cli=Refused(InputError, "too-large", "--doses-per-day"),  # the option's own maximum
)
for _prep, _per_day in (
    ("capsules", "1.1"),
    ("liquid", "0.5"),
    ("troches", "0.3333"),
    ("drops", "2.5"),
):
    each(  # probe F2: a patient cannot follow "1.1 times a day"; one rule for every order
        "dose-typo",
        _prep,
        "doses_per_day",
        _per_day,
        Refused(InputError, "doses-per-day-not-whole", "doses_per_day"),
    )
each(
    "enormous",
    "liquid",
    "days_supply",
    366,
    Refused(InputError, "out-of-range", "days_supply"),
    entries=("document", "jsonl"),
)
each(
    "enormous",
    "liquid",
    "days_supply",
    "366",
    Refused(InputError, "out-of-range", "days_supply"),
    entries=("cli", "csv"),
    cli=Refused(InputError, "too-large", "--days"),
)
each(
    "enormous",
    "liquid",
    "volume",
    "20 L",
    Refused(InputError, "too-large", "volume"),
    also=(("days_supply", "default"),),
    cli=Refused(InputError, "too-large", "--volume"),
)
each(
    "enormous",
    "liquid",
    "concentration",
    "5000 mg/mL",
    Refused(InputError, "too-large", "concentration"),
)
each(
    "enormous",
    "liquid",
    "concentration",
    "150 mg/mL",  # above the solubility (100 mg/mL): refused with the limit
    Refused(FormulationError, "above-solubility", "concentration"),
)

# a concentration that would move the prescribed dose: never rounded to a syringe mark or
# to whole drops (issue 11 §3)
each(
    "dose-typo",
    "liquid",
    "concentration",
    "1 mg/mL",  # 4.5 mg is 4.5 mL: no table syringe has that mark (read as 4.6 mL = 4.6 mg)
    Refused(FormulationError, "dose-off-graduation", "concentration"),
)
each(
    "dose-typo",
    "drops",
    "concentration",
    "5 mg/mL",  # 4.5 mg is 14.4 drops at 16 drops/mL
    Refused(FormulationError, "dose-not-whole-drops", "concentration"),
)

# --- overlong strings and records -----------------------------------------------------------------

each(
    "overlong", "capsules", "dose", "4." + "5" * 62 + "mg", Refused(InputError, "too-long", "dose")
)
each("overlong", "capsules", "dose", "0" * 60 + "4.5 mg", Refused(InputError, "too-long", "dose"))
each("overlong", "capsules", "source.lot", "T" * 201, Refused(InputError, "too-long", "source.lot"))
each(
    "overlong",
    "capsules",
    "source.product",
    "N" * 300,
    Refused(InputError, "too-long", "source.product"),
)
each("overlong", "liquid", "reference", "R" * 10_000, Refused(InputError, "too-long", "reference"))
each(
    "overlong",
    "capsules",
    "compounded_on",
    "2026-11-21" * 7,
    Refused(InputError, "too-long", "compounded_on"),
)
raw(
    "overlong",
    "jsonl",
    "capsules",
    b'{"schema": "' + b"x" * (1 << 20) + b'"}\n',
    Refused(InputError, "too-long", None),
)
raw_csv(
    "overlong", "capsules", b"x" * ((1 << 20) + 10) + b"\n", Refused(InputError, "too-long", None)
)

# --- control characters and terminal escapes in free text -----------------------------------------

for text, where in (
    ("T1\x1b[31m", "source.lot"),  # SGR colour
    ("T1\x1b]0;owned\x07", "source.lot"),  # OSC window title
    ("Rx 1\x1b[2J", "reference"),  # clear screen
    ("Rx\x00 1", "reference"),
    ("Rx 1\r", "reference"),
    ("Naltrexone\u202e05", "source.product"),  # right-to-left override
    ("Naltrexone\u2028 50 mg", "source.product"),  # line separator
    ("T\x9b1", "source.lot"),  # C1 CSI
):
    each(
        "control-characters",
        "capsules",
        where,
        text,
        Refused(InputError, "control-character", where),
    )
each(
    "control-characters",
    "liquid",
    "vehicle.lot",
    "W1\x1b[0m",
    Refused(InputError, "control-character", "vehicle.lot"),
)
each(
    "control-characters",
    "drops",
    "calibration.dropper",
    "dropper\x1b[8m",
    Refused(InputError, "control-character", "calibration.dropper"),
)
each(
    "control-characters",
    "capsules",
    "source.allergens_declared",
    ["lactose\x1b[8m"],
    Refused(InputError, "control-character", "source.allergens_declared[0]"),
    cli=Refused(InputError, "control-character", "--tablet-allergen"),
    csv=Refused(InputError, "control-character", "source.allergens_declared[0]"),
)
CASES.extend(  # bytes that are not UTF-8 in argv reach Python as lone surrogates (U+DCxx)
    Case(
        "control-characters",
        "cli",
        "capsules",
        ((flag, "T\udcff1"),),
        Refused(InputError, "control-character", flag),
    )
    for flag in ("--lot", "--tablet-allergen", "--shell-lot", "--filler-lot", "--reference")
)
CASES.extend(  # a key is shown escaped, never as written
    Case(
        "control-characters",
        entry,
        "capsules",
        (("\x1b[2J", "x"),),
        Refused(InputError, "unknown-field", "\\x1b[2J"),
    )
    for entry in ("document", "jsonl")
)
raw_csv(
    "control-characters",
    "capsules",
    b"schema,\x1b[2J\nldncompound/order/capsules/1,x\n",
    Refused(InputError, "bad-header", "\\x1b[2J"),
    header=True,
)
each(
    "control-characters",
    "capsules",
    "dose",
    "4.5\x1b[31m mg",
    Refused(InputError, "control-character", "dose"),
)
each(
    "control-characters",
    "capsules",
    "dose",
    "4.5 mg\u200b",
    Refused(InputError, "control-character", "dose"),
)

# format and invisible characters (Unicode category Cf) in any free-text field: text that
# prints the same as another text but is not equal to it (a lot, a patient, an Rx reference)
for text, field in (
    ("Rx\u200b1", "reference"),  # zero-width space
    ("Rx 1\u2060", "reference"),  # word joiner
    ("LOT\u00ad7", "source.lot"),  # soft hyphen
    ("\ufeffLOT7", "source.lot"),  # byte-order mark
):
    each(
        "control-characters",
        "capsules",
        field,
        text,
        Refused(InputError, "invisible-character", field),
    )
each("empty", "capsules", "reference", "\u3164", Refused(InputError, "empty", "reference"))

#: ``ldncompound label`` for the valid capsule result, which the test writes to result.json
_LABEL = (
    "label",
    "{dir}/result.json",
    *("--prescriber", "Dr A. Smith", "--rx", "RX-1", "--pharmacy-name", "Main Street Pharmacy"),
    *("--pharmacy-address", "1 Main Street", "--pharmacy-phone", "555-0100"),
    *("--record-id", "CR-1"),
)
for text in ("Jane\x1b[2JDoe", "Jane\u202eeoD", "Jane\nDoe"):
    raw(
        "control-characters",
        "cli",
        "capsules",
        Command((*_LABEL, "--patient", text)),
        Refused(InputError, "control-character", "--patient"),
    )
for option, text in (
    ("--patient", "Jane\u200bDoe"),
    ("--patient", "Jane\u00adDoe"),
    ("--directions", "Take 1 capsule\u2060 by mouth once daily."),
    ("--timing", "at\ufeff bedtime"),
):
    raw(
        "control-characters",
        "cli",
        "capsules",
        Command((*_LABEL, "--patient", "Jane Doe", option, text)),
        Refused(InputError, "invisible-character", option),
    )
raw(
    "empty",
    "cli",
    "capsules",
    Command((*_LABEL, "--patient", "\u2800")),
    Refused(InputError, "empty", "--patient"),
)
raw(  # probe2 P15: no lot and no record to generate one from (the result alone is shared)
    "empty",
    "cli",
    "capsules",
    Command((*_LABEL[:-2], "--patient", "Jane Doe")),
    Refused(InputError, "lot-not-given", "--lot"),
)
for _given, _placeholder in (("--record-id", "N/A"), ("--lot", "default"), ("--lot", "-")):
    raw(  # probe3 Q8: a placeholder is no lot, and no record to generate one from
        "empty",
        "cli",
        "capsules",
        Command((*_LABEL[:-2], "--patient", "Jane Doe", _given, _placeholder)),
        Refused(InputError, "lot-not-given", _given),
    )

# label directions, timing and result files that contradict the prescription (issue 11 §5)
_RESULT = lc.dumps(orders.FORMULATE["capsules"](orders.capsules()))  # 4.5 mg once daily
_EDITED = json.loads(_RESULT)
_EDITED["dose"]["value"] = "45"  # the stored dose edited; its order still says 4.5 mg
_FORTY_FIVE = json.dumps(_EDITED, indent=2)
for input_class, option, text, code in (
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule (45 mg) by mouth once daily.",
        "dose-above-range",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 10 capsules by mouth once daily.",
        "directions-dose-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule ten times a day.",
        "directions-frequency-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule every 12 hours.",
        "directions-frequency-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth as directed.",
        "directions-no-frequency",
    ),
    ("dose-typo", "--timing", "twice daily", "directions-frequency-mismatch"),
    ("unicode-digit", "--directions", "Take ２ capsules once daily.", "directions-dose-mismatch"),
    ("unicode-digit", "--directions", "Take ١ capsule (٤٥ mg) once daily.", "dose-above-range"),
    ("unicode-digit", "--directions", "Take 𝟏𝟎 capsules once daily.", "directions-dose-mismatch"),
    ("abbreviation", "--directions", "Take 1 capsule qd.", "directions-abbreviation"),
    ("abbreviation", "--directions", "Take 1 capsule b.i.d.", "directions-abbreviation"),
    ("decimal-comma", "--directions", "Take 1 capsule (4,5 mg) once daily.", "comma"),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command((*_LABEL, "--patient", "Jane Doe", option, text)),
        Refused(InputError, code, option),
    )
for input_class, data, code, field in (
    ("dose-typo", _FORTY_FIVE.encode(), "result-not-recomputed", "result.dose"),
    (
        "malformed",
        _RESULT.replace('"count": 30,', '"count": 30,\n  "count": 300,', 1).encode(),
        "duplicate-field",
        "RESULT",
    ),
    ("nan", _RESULT.replace('"count": 30', '"count": NaN', 1).encode(), "bad-json", "RESULT"),
    (
        "infinity",
        _RESULT.replace('"count": 30', '"count": Infinity', 1).encode(),
        "bad-json",
        "RESULT",
    ),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command(
            ("label", "{dir}/edited.json", *_LABEL[2:], "--patient", "Jane Doe"),
            (("edited.json", data),),
        ),
        Refused(InputError, code, field),
    )

# label text the directions reader cannot read as the prescribed dose (probe F1, F2, F6, F7,
# F17, F19, F28): an extra, conditional or changing dose, a number or unit it cannot read, a
# strength, salt form, route or syringe other than the result's, a look-alike letter, a dose
# printed in another field, a fractional frequency in composed directions
for input_class, option, text, code in (
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule once daily, may repeat once.",
        "directions-extra-dose",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule once daily (4.5 mg x 2).",
        "directions-extra-dose",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule daily; 1 more if needed.",
        "directions-extra-dose",
    ),
    ("dose-typo", "--directions", "Take ii capsules once daily.", "directions-dose-mismatch"),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule once daily, twice on Sundays.",
        "directions-unreadable",
    ),
    (
        "dose-typo",
        "--directions",
        "Insert 1 capsule rectally once daily.",
        "directions-route-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule (4.5 mg base) once daily.",
        "directions-dose-mismatch",
    ),
    ("wrong-unit", "--directions", "Take 1 capsule (45 мг) once daily.", "directions-unreadable"),
    (
        "wrong-unit",
        "--directions",
        "Take 1 capsule (45 mg/10) once daily.",
        "directions-unreadable",
    ),
    (
        "wrong-unit",
        "--directions",
        "Take 1 capsule (1 mg/mL) once daily.",
        "directions-dose-mismatch",
    ),
    ("wrong-unit", "--directions", "Take 1 capsule with a teaspoonful daily.", "refused-unit"),
    ("unicode-digit", "--directions", "Take 1 capsule twic\u0435 daily.", "mixed-script"),
    ("unicode-digit", "--timing", "at b\u0435dtime", "mixed-script"),
    ("shifted", "--step", "Take 2 capsules (9 mg) twice daily", "dose-above-range"),
    ("shifted", "--step", "Take 1 capsule twice daily", "directions-frequency-mismatch"),
    ("shifted", "--pharmacy-address", "Take 2 capsules twice daily", "dose-in-label-text"),
    ("shifted", "--rx", "RX-1 every 12 hours", "dose-in-label-text"),
    # a second dose time in words or a clock time (realistic-findings U1)
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at bedtime and upon waking",
        "directions-frequency-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at bedtime and at 3 am",
        "directions-frequency-mismatch",
    ),
    # a daily maximum above the prescribed daily dose invites a second dose
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at bedtime. Max 2 capsules per day.",
        "directions-limit-mismatch",
    ),
    # wording that is not about the dose is read as such (stop 19 leftovers); its near
    # misses still say something about the dose, and are refused
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at bedtime. Do not take 1 capsule at the same time.",
        "directions-dose-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 2 capsules by mouth at bedtime with 8 oz of water.",
        "directions-dose-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at bedtime. Store 2 capsules at 25 °C.",
        "directions-dose-mismatch",
    ),
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at 25 C at bedtime.",
        "directions-unreadable",
    ),
    # a negated mass equal to the dose, storage other than the preparation's, a second
    # beyond-use date (probe3 Q1, Q12, Q19)
    (
        "dose-typo",
        "--directions",
        "Take 1 capsule by mouth at bedtime. Do not take 4.5 mg at the same time.",
        "directions-dose-mismatch",
    ),
    (
        "implausible",
        "--directions",
        "Take 1 capsule by mouth at bedtime. Store at 40 °C.",
        "directions-storage-mismatch",
    ),
    (
        "implausible",
        "--directions",
        "Take 1 capsule by mouth at bedtime. Discard after 2027-06-04.",
        "directions-bud-statement",
    ),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command((*_LABEL, "--patient", "Jane Doe", option, text)),
        Refused(InputError, code, option),
    )
_NO_FREQUENCY = lc.dumps(orders.FORMULATE["capsules"](orders.capsules(doses_per_day=None)))
for per_day in ("0.3333", "1.1"):
    raw(
        "dose-typo",
        "cli",
        "capsules",
        Command(
            (
                "label",
                "{dir}/free.json",
                *_LABEL[2:],
                "--patient",
                "Jane",
                "--doses-per-day",
                per_day,
            ),
            (("free.json", _NO_FREQUENCY.encode()),),
        ),
        Refused(InputError, "doses-per-day-not-whole", "--doses-per-day"),
    )
#: 9 drops (0.5625 mL) of 8 mg/mL; 1.8 mL of 2.5 mg/mL with the 3 mL oral syringe
_OTHER_RESULTS = {
    "drops": lc.dumps(lc.formulate_drops(orders.drops(), today=orders.DAY)).encode(),
    "liquid": lc.dumps(lc.formulate_liquid(orders.liquid(), today=orders.DAY)).encode(),
}
_MISMATCH, _ROUTE, _EXTRA = (
    "directions-dose-mismatch",
    "directions-route-mismatch",
    "directions-extra-dose",
)
for input_class, name, text, code in (
    ("dose-typo", "drops", "Place 9 drops under the tongue daily (1.5 mL).", _MISMATCH),
    ("dose-typo", "drops", "Place 9 drops in each eye once daily.", _ROUTE),
    ("dose-typo", "drops", "Place 9 drops daily, then 9 more at night.", _EXTRA),
    ("wrong-unit", "drops", "Place 9 drops (1 mg/mL) under the tongue daily.", _MISMATCH),
    ("wrong-unit", "liquid", "Take 1.8 mL once daily (one teaspoonful).", "refused-unit"),
    ("dose-typo", "liquid", "Take 1.8 mL daily with a 0.5 mL syringe.", _MISMATCH),
    ("dose-typo", "liquid", "Take 1.8 mL daily, then 1.8 mL again at night.", _EXTRA),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command(
            (
                "label",
                f"{{dir}}/{name}.json",
                *_LABEL[2:],
                "--patient",
                "Jane",
                "--directions",
                text,
            ),
            ((f"{name}.json", _OTHER_RESULTS[name]),),
        ),
        Refused(InputError, code, "--directions"),
    )

#: ``ldncompound label ... --format pdf`` (docs/printing.md): the page, the fonts, the barcode
_PDF_LABEL = (*_LABEL, "--format", "pdf", "--output", "{dir}/label.pdf")
for input_class, extra, code, field in (
    ("malformed", ("--patient", "Jane Doe", "--page", "4x2"), "bad-page", "--page"),
    ("malformed", ("--patient", "Jane Doe", "--page", "4,5x2in"), "bad-page", "--page"),
    ("enormous", ("--patient", "Jane Doe", "--page", "1000x50mm"), "out-of-range", "--page"),
    ("zero", ("--patient", "Jane Doe", "--page", "0x0mm"), "out-of-range", "--page"),
    ("overlong", ("--patient", "Jane" + "e" * 190), "word-too-wide", "--patient"),
    # probe2 P6: text taller than the page names the page and the least height that holds it
    (
        "overlong",
        ("--patient", "Jane " * 30 + "Doe", "--page", "4x2in"),
        "label-does-not-fit",
        "--page",
    ),
    ("malformed", ("--patient", "Jane Doe", "--page", "2x1in"), "label-does-not-fit", "--page"),
    ("garbage", ("--patient", "Jane Doe", "--rx", "RX-1|7"), "not-barcodable", "--rx"),
    ("unicode-digit", ("--patient", "Jane Doe", "--rx", "RX-١٢"), "not-printable", "--rx"),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command((*_PDF_LABEL, *extra)),
        Refused(InputError, code, field),
    )

#: ``ldncompound label SAVED.json``: a saved label is made again from the result and label
#: order it embeds, and printed only if nothing differs (docs/labels-and-records.md)
_LABEL_ORDER = lc.LabelOrder(
    patient="Jane Doe",
    prescriber="Dr A. Smith",
    pharmacy=lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100"),
    rx_number="RX-1",
    record_id="CR-1",
)
_SAVED = json.loads(
    lc.dumps(lc.build_label(lc.read_result(_RESULT), _LABEL_ORDER, today=orders.DAY))
)


def _saved(edit: Any) -> bytes:
    data = json.loads(json.dumps(_SAVED))
    edit(data)
    return json.dumps(data, indent=2).encode()


_OLD_RESULT = orders.FORMULATE["capsules"](
    orders.capsules(compounded_on=dt.date(2025, 1, 2), acknowledge=("bud-already-past",))
)
_PAST = lc.dumps(lc.build_label(_OLD_RESULT, _LABEL_ORDER, today=dt.date(2025, 1, 2)))
for i, (input_class, data, code, field) in enumerate(
    (
        (
            "dose-typo",
            _saved(lambda d: d.update(directions="Take 1 capsule (45 mg) by mouth once daily.")),
            "label-not-recomputed",
            "label.directions",
        ),
        (
            "dose-typo",
            _saved(lambda d: d["strength"].update(value="45", display="45 mg")),
            "label-not-recomputed",
            "label.strength.value",
        ),
        (
            "dose-typo",
            _saved(lambda d: d["result"]["dose"].update(value="45")),
            "result-not-recomputed",
            "result.dose",
        ),
        ("implausible", _PAST.encode(), "bud-already-past", "bud"),
        (
            "malformed",
            _saved(lambda d: (d.pop("result"), d.pop("order"))),
            "label-not-rederivable",
            "label",
        ),
        (
            "malformed",
            json.dumps(_SAVED).replace('"lot"', '"lot": "L1", "lot"', 1).encode(),
            "duplicate-field",
            "RESULT",
        ),
        (  # a saved label whose schema id was edited to a result's is still a label
            "malformed",
            _saved(lambda d: d.update(schema=lc.CAPSULES_SCHEMA)),
            "label-schema-mismatch",
            "schema",
        ),
    )
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command(("label", f"{{dir}}/saved{i}.json"), ((f"saved{i}.json", data),)),
        Refused(InputError, code, field),
    )
raw(  # an option that makes a new label, given with a saved one
    "shifted",
    "cli",
    "capsules",
    Command(
        ("label", "{dir}/saved.json", "--patient", "John Roe"),
        (("saved.json", json.dumps(_SAVED).encode()),),
    ),
    Refused(InputError, "option-for-new-label", "--patient"),
)
raw(  # probe F35: a dropper named without its calibration (said only "--calibration-drops")
    "shifted",
    "cli",
    "drops",
    Command(("calibrate-dropper", "--dropper", "D1")),
    Refused(InputError, "dropper-without-calibration", "--dropper"),
)

# --- malformed JSON and CSV -----------------------------------------------------------------------

for data, code in (
    (b'{"schema": "ldncompound/order/capsules/1", "dose": "4.5 mg",', "bad-json"),
    (b'{"schema": "ldncompound/order/capsules/1",}', "bad-json"),
    (b"{'schema': 'ldncompound/order/capsules/1'}", "bad-json"),
    (b'{"schema": "ldncompound/order/capsules/1", "dose": NaN}', "bad-json"),
    (b'{"schema": "ldncompound/order/capsules/1", "count": Infinity}', "bad-json"),
    (b'{"schema": "ldncompound/order/capsules/1", "count": -Infinity}', "bad-json"),
    (b"[" * 100_000, "bad-json"),
    (b"[" * 100_000 + b"]" * 100_000, "bad-json"),
    (b'{"schema": "ldncompound/order/capsules/1", "count": ' + b"1" * 5000 + b"}", "bad-json"),
    (b"[1, 2]", "not-an-object"),
    (b'"ldncompound/order/capsules/1"', "not-an-object"),
    (b"null", "not-an-object"),
    (
        b'{"schema": "ldncompound/order/capsules/1", "dose": "4.5 mg", "dose": "45 mg"}',
        "duplicate-field",
    ),
    (b'{"schema": "ldncompound/order/capsules/1", "dose": "4.5 \xb5g"}', "bad-encoding"),  # Latin-1
    ('{"schema": "x"}'.encode("utf-16"), "bad-encoding"),
    (b'{"schema": "ldncompound/order/capsules/2"}', "unknown-schema"),
    (b'{"dose": "4.5 mg"}', "unknown-schema"),
):
    field = "dose" if code == "duplicate-field" else "schema" if code == "unknown-schema" else None
    raw("malformed", "document", "capsules", data, Refused(InputError, code, field))
    raw("malformed", "jsonl", "capsules", data + b"\n", Refused(InputError, code, field))
raw("malformed", "jsonl", "capsules", b"\n", Refused(InputError, "blank-line", None))
raw("malformed", "jsonl", "capsules", b"  \t\r\n", Refused(InputError, "blank-line", None))
raw(
    "malformed",
    "jsonl",
    "capsules",
    b'{"schema": "ldncompound/order/capsules/1", "dose": "4.5',
    Refused(InputError, "truncated", None),
)
raw_csv(
    "malformed",
    "capsules",
    b'"unterminated,quote\n',
    Refused(InputError, "unterminated-quote", None),
)
_VALID_ROW = io.StringIO()
csv.writer(_VALID_ROW).writerow(list(flatten(orders.document("capsules")).values()))
raw_csv(  # the valid row, cut: the input ends without a line break inside its last cell
    "malformed",
    "capsules",
    _VALID_ROW.getvalue().encode().rstrip(b"\r\n"),
    Refused(InputError, "truncated", None),
)
raw_csv("malformed", "capsules", b"a,b,c\n", Refused(InputError, "wrong-field-count", None))
raw_csv("malformed", "capsules", b'"a"b,c\n', Refused(InputError, "bad-csv", None))
raw_csv("malformed", "capsules", b"\xff\xfe,\n", Refused(InputError, "bad-encoding", None))
raw_csv(
    "malformed",
    "capsules",
    b"schema,dose,dose\nldncompound/order/capsules/1,4.5 mg,45 mg\n",
    Refused(InputError, "bad-header", "dose"),
    header=True,
)
raw_csv(
    "malformed",
    "capsules",
    b"schema,Dose\nldncompound/order/capsules/1,4.5 mg\n",
    Refused(InputError, "bad-header", "Dose"),
    header=True,
)
raw_csv(
    "malformed",
    "capsules",
    b"schema,dose\nldncompound/order/capsules/1,4.5 mg\n",  # a header without most columns
    Refused(InputError, "missing-field", "count"),
    header=True,
)
raw_csv(
    "malformed",
    "capsules",
    b"schema,dose,filler,filler.filler\nldncompound/order/capsules/1,4.5 mg,default,mcc\n",
    Refused(InputError, "conflicting-columns", "filler"),
    header=True,
)
raw(
    "malformed",
    "cli",
    "capsules",
    Command(
        ("label", "{dir}/bad.json", *_LABEL[2:], "--patient", "Jane Doe"),
        (("bad.json", b'{"schema": '),),
    ),
    Refused(InputError, "bad-json", "RESULT"),
)
raw(
    "malformed",
    "cli",
    "capsules",
    Command(
        ("label", "{dir}/bad.json", *_LABEL[2:], "--patient", "Jane Doe"),
        (("bad.json", b"\xff\xfe{}"),),
    ),
    Refused(InputError, "bad-encoding", "RESULT"),
)
raw(
    "malformed",
    "cli",
    "capsules",
    Command(("verify", "{dir}/bad.json"), (("bad.json", b"[1, 2"),)),
    Refused(InputError, "bad-json", "RECORD"),
)
raw(
    "malformed",
    "cli",
    "capsules",
    Command(("fhir", "{dir}/bad.json"), (("bad.json", b'{"schema": '),)),
    Refused(InputError, "bad-json", "RESULT"),
)
raw(  # a result given where the label goes
    "malformed",
    "cli",
    "capsules",
    Command(("fhir", "{dir}/result.json", "--label", "{dir}/result.json")),
    Refused(InputError, "not-a-label", "--label"),
)
# probe2 P1: a saved label or result is checked wherever it is used, as `label SAVED.json`
# checks it: the FHIR dispense and the compounding record never take an edited one
for input_class, command, data, code, field in (
    (
        "dose-typo",
        ("fhir", "{dir}/result.json", "--label", "{dir}/edited.json"),
        _saved(lambda d: d.update(directions="Take 10 capsules (45 mg) by mouth twice daily.")),
        "label-not-recomputed",
        "label.directions",
    ),
    (
        "shifted",  # another patient's name and Rx number typed into a saved label
        ("fhir", "{dir}/result.json", "--label", "{dir}/edited.json"),
        _saved(lambda d: d.update(patient="John Roe", rx_number="RX-999")),
        "label-not-recomputed",
        "label.rx_number",
    ),
    (
        "malformed",
        ("fhir", "{dir}/result.json", "--label", "{dir}/edited.json"),
        _saved(lambda d: (d.pop("result"), d.pop("order"))),
        "label-not-rederivable",
        "label",
    ),
    (
        "dose-typo",
        ("fhir", "{dir}/edited.json"),
        _FORTY_FIVE.encode(),
        "result-not-recomputed",
        "result.dose",
    ),
    (
        "dose-typo",
        ("record", "{dir}/edited.json", "--record-id", "R1", "--compounded-by", "A"),
        _FORTY_FIVE.encode(),
        "result-not-recomputed",
        "result.dose",
    ),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command(command, (("edited.json", data),)),
        Refused(InputError, code, field),
    )

# --- compounding records: `ldncompound record` and `ldncompound verify` -----------------------------

#: ``ldncompound record`` for the valid capsule result (result.json, 33 capsules made)
_RECORD = ("record", "{dir}/result.json", "--record-id", "R1", "--compounded-by", "A")
raw(
    "enormous",
    "cli",
    "capsules",
    Command((*_RECORD, "--weighing-tolerance", "1000 %")),
    Refused(InputError, "weighing-tolerance-above-limit", "--weighing-tolerance"),
)
raw(  # no acknowledgement lifts a tolerance above 10 % (probe F26)
    "enormous",
    "cli",
    "capsules",
    Command(
        (
            *_RECORD,
            *("--weighing-tolerance", "11 %"),
            *("--acknowledge", "weighing-tolerance-above-policy=viscous base, SOP 12"),
        )
    ),
    Refused(InputError, "weighing-tolerance-above-limit", "--weighing-tolerance"),
)
raw(  # a reason of one character is no reason (probe F26)
    "garbage",
    "cli",
    "capsules",
    Command(
        (
            *_RECORD,
            *("--weighing-tolerance", "10 %"),
            *("--acknowledge", "weighing-tolerance-above-policy=x"),
        )
    ),
    Refused(InputError, "reason-too-short", "--acknowledge"),
)
raw(  # the same check acknowledged twice (probe F34)
    "shifted",
    "cli",
    "capsules",
    Command(
        (
            *_RECORD,
            *("--weighing-tolerance", "10 %"),
            *("--acknowledge", "weighing-tolerance-above-policy=viscous base, SOP 12"),
            *("--acknowledge", "weighing-tolerance-above-policy=viscous base, SOP 12"),
        )
    ),
    Refused(InputError, "duplicate-acknowledgement", "--acknowledge"),
)
raw(
    "enormous",
    "cli",
    "capsules",
    Command((*_RECORD, "--weighing-tolerance", "10 %")),
    Refused(InputError, "weighing-tolerance-above-policy", "--weighing-tolerance"),
)
# a batch whose weighings the balance's stated capacity cannot hold (probe2 P2)
for prep in ("capsules", "troches"):
    each(
        "enormous",
        prep,
        "balance.capacity",
        "1 g",
        Refused(FormulationError, "above-balance-capacity", "balance.capacity"),
    )
raw(  # an over-yield is recorded and warned, not refused (probe2 P11)
    "enormous",
    "cli",
    "capsules",
    Command((*_RECORD, "--yield", "34")),
    Accepted(warnings=("yield-above-batch", "weight-check-not-recorded")),
)
_RECORD_TEXT = lc.dumps(
    lc.make_record(
        orders.FORMULATE["capsules"](orders.capsules()),
        record_id="R1",
        compounded_by="A",
        yield_units=30,
    )
)
for text, input_class, code in (
    (
        _RECORD_TEXT.replace('"yield_units": 30', '"yield_units": 30, "yield_units": 3'),
        "malformed",
        "duplicate-field",
    ),
    (_RECORD_TEXT.replace('"yield_units": 30', '"yield_units": NaN'), "nan", "not-a-number"),
    (
        _RECORD_TEXT.replace('"yield_units": 30', '"yield_units": "\uff13\uff10"'),
        "unicode-digit",
        "non-ascii-digit",
    ),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command(("verify", "{dir}/record.json"), (("record.json", text.encode()),)),
        Refused(InputError, code, "RECORD"),
    )

#: a record stored by 0.1.0: its result's schema id is /1 and its order is not in document form
_RECORD_0_1_0 = json.loads(_RECORD_TEXT)
_RECORD_0_1_0["result"]["schema"] = "ldncompound/capsules/1"
_RECORD_0_1_0["result"]["order"] = {"dose": {"value": "4.5", "unit": "mg"}, "count": 30}
raw(
    "malformed",
    "cli",
    "capsules",
    Command(
        ("verify", "{dir}/record.json"),
        (("record.json", json.dumps(_RECORD_0_1_0).encode()),),
    ),
    Refused(InputError, "retired-schema", "RECORD"),
)

# --- shifted columns and values moved to the wrong field ------------------------------------------

#: (preparation, direction, column, expected): a CSV row whose cells from ``column`` on
#: moved one column right (an empty cell inserted, the last one dropped) or left (the cell
#: deleted, an empty one added at the end), as a spreadsheet's "insert/delete cells" does
SHIFTED_ROWS: tuple[tuple[str, str, str, Refused], ...] = (
    ("capsules", "right", "dose", Refused(InputError, "missing-field", "dose")),
    ("capsules", "left", "dose", Refused(UnitError, "missing-unit", "dose")),  # dose <- '30'
    ("capsules", "right", "count", Refused(InputError, "missing-field", "count")),
    ("capsules", "left", "count", Refused(InputError, "no-number", "count")),
    ("capsules", "right", "overage", Refused(InputError, "missing-field", "overage")),
    # the 'default' cells after it shift among themselves; tablet_margin gets acknowledge's '[]'
    ("capsules", "left", "doses_per_day", Refused(InputError, "no-number", "tablet_margin")),
    ("capsules", "left", "acknowledge", Refused(InputError, "missing-field", "reference")),
    ("capsules", "right", "schema", Refused(InputError, "unknown-schema", "schema")),
    ("capsules", "left", "schema", Refused(InputError, "unknown-schema", "schema")),
    ("liquid", "right", "dose", Refused(InputError, "missing-field", "dose")),
    ("liquid", "left", "doses_per_day", Refused(DimensionError, "wrong-dimension", "volume")),
    ("troches", "left", "count", Refused(InputError, "no-number", "count")),  # 'tablets'
    (
        "drops",
        "right",
        "calibration.volume",
        Refused(InputError, "missing-field", "calibration.volume"),
    ),
)


def shifted_row(preparation: str, direction: str, column: str) -> bytes:
    """The preparation's CSV header and its valid row, shifted from ``column`` on."""
    cells = flatten(orders.document(preparation))
    names, values = list(cells), list(cells.values())
    k = names.index(column)
    right = [*values[:k], "", *values[k:-1]]
    left = [*values[:k], *values[k + 1 :], ""]
    values = right if direction == "right" else left
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    writer.writerow(values)
    return out.getvalue().encode()


for prep, direction, column, expect in SHIFTED_ROWS:
    data = shifted_row(prep, direction, column)
    CASES.append(
        Case("shifted", "csv", prep, Raw(data, True, f"{direction} from {column}"), expect)
    )
for data, code, field in (
    # values moved one field over in a document: dose <- count, count <- dose
    ({"dose": 30, "count": "4.5 mg"}, "wrong-type", "dose"),
    # count and frequency swapped: 1 capsule, 30 doses a day
    ({"count": 1, "doses_per_day": "30"}, "out-of-range", "doses_per_day"),
    # count and frequency swapped within range: 2 capsules at 3 a day
    ({"count": 2, "doses_per_day": "3", "dose": "1 mg"}, "less-than-one-day", "count"),
    # the reference moved into acknowledge
    ({"acknowledge": ["Rx 1"], "reference": "default"}, "unknown-acknowledgement", "acknowledge"),
):
    CASES.extend(
        Case("shifted", entry, "capsules", tuple(data.items()), Refused(InputError, code, field))
        for entry in ("document", "jsonl")
    )
for changes, expect in (
    ((("--dose", "30"), ("--count", "4.5 mg")), Refused(UnitError, "missing-unit", "--dose")),
    (
        (("--count", "1"), ("--doses-per-day", "30")),
        Refused(InputError, "too-large", "--doses-per-day"),
    ),
    (
        (("--dose", "1 mg"), ("--count", "2"), ("--doses-per-day", "3")),
        Refused(InputError, "less-than-one-day", "--count"),
    ),
    ((("--lot", "2028-01-01"), ("--expiry", "T1")), Refused(InputError, "bad-date", "--expiry")),
    (
        (("--days", None), ("--volume", "14"), ("--doses-per-day", "1")),
        Refused(UnitError, "missing-unit", "--volume"),
    ),
):
    prep = "liquid" if changes[0][0] == "--days" else "capsules"
    CASES.append(Case("shifted", "cli", prep, changes, expect))

# --- the pharmacy profile (docs/profile.md): a bad file is refused whole, naming its line ------

_PROFILE_TABLET = (
    '[[tablets]]\nproduct = "Generic 50"\nstrength = "50 mg"\nlot = "T1"\n'
    'expiry = 2028-01-01\naverage_weight = "{}"\ntablets_weighed = 20\n'
)
#: the issue's command line, the rest from the profile file written beside it
_PROFILED = (
    "capsules",
    "--dose",
    "4.5 mg",
    "--count",
    "30",
    "--source",
    "tablets",
    "--compounded-on",
    "2026-11-21",
    "--profile",
    "{dir}/ldncompound.toml",
)
for input_class, text, error, code in (
    ("implausible", _PROFILE_TABLET.format("2014 mg"), InputError, "tablet-weight-implausible"),
    ("dose-typo", _PROFILE_TABLET.format("20.14 mg"), InputError, "out-of-range"),
    ("wrong-unit", _PROFILE_TABLET.format("201.4 mL"), DimensionError, "wrong-dimension"),
    ("decimal-comma", _PROFILE_TABLET.format("201,4 mg"), InputError, "comma"),
    ("empty", _PROFILE_TABLET.format(""), InputError, "empty"),
    ("garbage", _PROFILE_TABLET.format("201.4 mg!"), UnitError, "unknown-unit"),
    (
        "malformed",
        _PROFILE_TABLET.format("201.4 mg").replace(" = 20\n", " = \n"),
        InputError,
        "bad-toml",
    ),
    (
        "shifted",
        _PROFILE_TABLET.format("201.4 mg").replace("lot =", "weight ="),
        InputError,
        "invalid-profile",
    ),
    (
        "control-characters",
        '[pharmacy]\nname = "A\\u001b[2J"\naddress = "B"\nphone = "1"\n',
        InputError,
        "control-character",
    ),
    # the same product and lot twice (which entry would the order take?)
    (
        "shifted",
        "# twice\n" + 2 * _PROFILE_TABLET.format("201.4 mg"),
        InputError,
        "profile-duplicate",
    ),
    # the documents' word for "not given" as a lot
    (
        "empty",
        "# default\n" + _PROFILE_TABLET.format("201.4 mg").replace('"T1"', '"default"'),
        InputError,
        "reserved-word",
    ),
    (
        "implausible",
        '[shells]\nweight = "9600 mg"\nsize = "4"\n',
        InputError,
        "shell-weight-implausible",
    ),
    # a size-0 shell weight stated for size 5 (the window is per size)
    (
        "implausible",
        '[shells]\nweight = "96 mg"\nsize = "5"\n',
        InputError,
        "shell-weight-implausible",
    ),
    # a shell weight without the size it was weighed for (it would apply to every size)
    ("shifted", '[shells]\nweight = "96 mg"\n', InputError, "invalid-profile"),
    ("garbage", '[shells]\nweight = "96 mg"\nsize = "0!"\n', InputError, "unknown-size"),
    (
        "implausible",
        '[filler]\nfiller = "mcc"\npack_stat = "9800 mg"\npack_stat_size = "1"\n',
        InputError,
        "pack-stat-implausible",
    ),
    # a TOML datetime where an amount belongs (shown as written, not as Python's repr)
    (
        "wrong-unit",
        "# datetime\n" + _PROFILE_TABLET.format("x").replace('"x"', "2027-09-30T10:00:00"),
        InputError,
        "invalid-profile",
    ),
):
    raw(
        input_class,
        "cli",
        "capsules",
        Command(_PROFILED, (("ldncompound.toml", text.encode()),)),
        Refused(error, code, None),
    )
# --- a figure of the order against the profile's figure of the same lot or device (probe2 P14) --
# the caller's tablet weight (300 mg) for the profile's lot weighed at 201.4 mg: +49 % drug
raw(
    "implausible",
    "cli",
    "capsules",
    Command(
        (*_PROFILED, "--tablet-weight", "300 mg"),
        (("ldncompound.toml", _PROFILE_TABLET.format("201.4 mg").encode()),),
    ),
    Refused(InputError, "tablet-weight-differs-from-profile", None),
)
# the same dropper in the same vehicle counted at half the profile's drops per mL
_PROFILE_DROPPER = '[[droppers]]\ndropper = "dropper d7"\nvehicle = "nz-preserved"\ndrops = 40\nvolume = "1.25 mL"\n'
raw(
    "implausible",
    "cli",
    "drops",
    Command(
        (*orders.COMMANDS["drops"], "--profile", "{dir}/ldncompound.toml"),
        (("ldncompound.toml", _PROFILE_DROPPER.encode()),),
    ),
    Refused(InputError, "dropper-calibration-differs-from-profile", None),
)


def _profile_figure(field: str, value: str, key: str) -> list[dict[str, str]]:
    return [{"field": field, "value": value, "key": key, "of": "lot T1"}]


# the same in an order document: the profile's figures it was filled with
for prep, path, value, key, code, field in (
    (
        "capsules",
        "source.average_weight",
        "300 mg",
        "tablets[1].average_weight",
        "tablet-weight-differs-from-profile",
        "tablets.average_weight",
    ),
    (
        "drops",
        "calibration",
        "32 drops/mL",
        "droppers[1]",
        "dropper-calibration-differs-from-profile",
        "calibration",
    ),
):
    each(
        "implausible",
        prep,
        "profile_figures",
        _profile_figure(path, value, key),
        Refused(InputError, code, field),
        entries=("document", "jsonl"),
    )
    each(
        "implausible",
        prep,
        "profile_figures",
        _profile_figure(path, value, key),
        Accepted(warnings=(code,), dose="4.5 mg"),
        entries=("document", "jsonl"),
        also=(("acknowledge", [code]),),
    )
# the valid order's balance (minimum weight 50 mg) against the profile's 100 mg for it
_BALANCE_FIGURE = [
    {"field": "balance.minimum_weight", "value": "100 mg", "key": "balances[1]", "of": "B1"}
]
each(
    "implausible",
    "capsules",
    "profile_figures",
    _BALANCE_FIGURE,
    Refused(InputError, "balance-differs-from-profile", "balance.minimum_weight"),
    entries=("document", "jsonl"),
)
# a profile's figure of the wrong kind in a document (a volume for a tablet weight)
each(
    "wrong-unit",
    "capsules",
    "profile_figures",
    _profile_figure("source.average_weight", "201.4 mL", "tablets[1].average_weight"),
    Refused(DimensionError, "wrong-dimension", "profile_figures[0].value"),
    entries=("document", "jsonl"),
)

# --- several actives, shell volumes and pack stats (issue 13 §1): document fields only --------
# (no command-line option and no CSV column: a list of actives has no flat form)

_OTHER_DRUG = {
    "name": "DHEA",
    "forms": [
        {
            "key": "base",
            "name": "DHEA",
            "short_name": "DHEA",
            "molar_mass": "288.42",
            "anhydrous": "default",
            "water": 0,
        }
    ],
    "default_basis": "base",
}


def _active(dose: str = "20 mg", drug: Any = _OTHER_DRUG, **more: Any) -> dict[str, Any]:
    source = {
        "kind": "api",
        "form": "hcl" if drug == "naltrexone" else "base",
        "assay": "100 %",
        "assay_basis": "as-is",
        "expiry": "2028-01-01",
        "lot": "D1",
        "assay_as": "default",
        "water_content": "default",
        "loss_on_drying": "default",
        "bulk_density": "default",
        "supplier": "default",
        "drug": drug,
    }
    return {"dose": dose, "source": source, "dose_basis": "default", "pack_stat": "default"} | more


_DOCUMENT_ONLY = ("document", "jsonl")
each(
    "shifted",  # the order's own drug given again as another active
    "capsules",
    "additional_actives",
    [_active("4.5 mg", drug="naltrexone")],
    Refused(InputError, "duplicate-active", "additional_actives[0].source.drug"),
    entries=_DOCUMENT_ONLY,
)
each(
    "shifted",  # the order's own drug under another name (salt word, synonym) as another active
    "capsules",
    "additional_actives",
    [_active("1.5 mg", drug=_OTHER_DRUG | {"name": "Naltrexone HCl"})],
    Refused(InputError, "duplicate-active", "additional_actives[0].source.drug"),
    entries=_DOCUMENT_ONLY,
)
raw(
    "shifted",  # the order's own drug as a troche's other ingredient: two doses labelled as one
    "cli",
    "troches",
    Command((*orders.COMMANDS["troches"], "--ingredient", "LDN:1.5 mg")),
    Refused(InputError, "duplicate-active", "--ingredient"),
)
# probe2 P16: the drug under a brand name, another drug as an excipient (no dose check)
for prep, args, code, option in (
    ("troches", ("--ingredient", "Vivitrol:4.5 mg"), "duplicate-active", "--ingredient"),
    ("troches", ("--ingredient", "NTX:4.5 mg"), "duplicate-active", "--ingredient"),
    ("troches", ("--ingredient", "naloxone:4.5 mg"), "drug-as-excipient", "--ingredient"),
    ("liquid", ("--flavour", "Revia"), "duplicate-active", "--flavour"),
    ("liquid", ("--flavour", "naloxone"), "drug-as-excipient", "--flavour"),
    ("drops", ("--added-preservative", "methadone"), "drug-as-excipient", "--added-preservative"),
    # probe3 Q5, Q6, Q16, Q24: glued, punctuated, a brand of another drug, the source product
    ("troches", ("--ingredient", "NaltrexoneHCl:4.5 mg"), "duplicate-active", "--ingredient"),
    ("troches", ("--ingredient", "L.D.N.:4.5 mg"), "duplicate-active", "--ingredient"),
    ("troches", ("--ingredient", "OxyContin:4.5 mg"), "drug-as-excipient", "--ingredient"),
    ("liquid", ("--flavour", "Wellbutrin"), "drug-as-excipient", "--flavour"),
    (
        "capsules",
        ("--tablet-product", "Oxycodone HCl 50 mg tablets"),
        "source-is-another-drug",
        "--tablet-product",
    ),
    (
        "troches",
        ("--base-preservative", "NTX", "--acknowledge", "preservative-unknown"),
        "duplicate-active",
        "--base-preservative",
    ),
):
    raw(
        "shifted",
        "cli",
        prep,
        Command((*orders.COMMANDS[prep], *args)),
        Refused(InputError, code, option),
    )
for prep, name, code in (
    ("liquid", "Nalorex", "duplicate-active"),
    ("drops", "Narcan", "drug-as-excipient"),
):
    each(
        "shifted",
        prep,
        "additives",
        [
            {
                "role": "flavour",
                "name": name,
                "lot": "default",
                "expiry": "default",
                "contains_water": True,
            }
        ],
        Refused(InputError, code, "additive.name"),
        entries=_DOCUMENT_ONLY,
    )
each(
    "shifted",  # a drug object under a built-in drug's name (its dose range would be lost)
    "capsules",
    "additional_actives",
    [_active(drug=_OTHER_DRUG | {"name": "naltrexone"})],
    Refused(InputError, "builtin-drug-redefined", "additional_actives[0].source.drug.name"),
    entries=_DOCUMENT_ONLY,
)
each(
    "enormous",
    "capsules",
    "additional_actives",
    [_active(drug=_OTHER_DRUG | {"name": f"D{i}"}) for i in range(10)],
    Refused(InputError, "too-many-actives", "additional_actives"),
    entries=_DOCUMENT_ONLY,
)
each(
    "enormous",  # an additional active that overfills the capsule: refused with each share
    "capsules",
    "additional_actives",
    [_active("5 g")],
    Refused(FormulationError, "overfill", "size"),
    entries=_DOCUMENT_ONLY,
)
each(
    "implausible",
    "capsules",
    "shell_volumes",
    [{"size": "1", "volume": "5 mL"}],
    Refused(InputError, "shell-volume-implausible", "shell_volumes[0].volume"),
    entries=_DOCUMENT_ONLY,
)
each(
    "implausible",  # 0.36 mL for size 1: plausible alone, but smaller than size 2's 0.37 mL
    "capsules",
    "shell_volumes",
    [{"size": "1", "volume": "0.36 mL"}],
    Refused(InputError, "shell-volume-implausible", "shell_volumes"),
    entries=_DOCUMENT_ONLY,
)
each(
    "wrong-unit",
    "capsules",
    "shell_volumes",
    [{"size": "1", "volume": "0.5 mg"}],
    Refused(DimensionError, "wrong-dimension", "shell_volumes[0].volume"),
    entries=_DOCUMENT_ONLY,
)
each(
    "implausible",  # 5 mg of powder filling a size 1 capsule: 0.01 g/mL
    "capsules",
    "active_pack_stat",
    {"size": "1", "per_capsule": "5 mg"},
    Refused(InputError, "pack-stat-implausible", "active_pack_stat"),
    entries=_DOCUMENT_ONLY,
)
each(
    "implausible",  # one size given twice in the supplier's table: which volume is meant?
    "capsules",
    "shell_volumes",
    [{"size": "1", "volume": "0.5 mL"}, {"size": "1", "volume": "0.48 mL"}],
    Refused(InputError, "duplicate-size", "shell_volumes"),
    entries=_DOCUMENT_ONLY,
)
raw(
    "implausible",  # a trituration stock "made" after the compounding date
    "cli",
    "capsules",
    Command(
        (
            *("capsules", "--dose", "4.5 mg", "--count", "30", "--source", "stock"),
            *("--stock-strength", "10 %", "--stock-diluent", "lactose", "--lot", "S1"),
            *("--expiry", "2027-05-01", "--stock-made-on", "2026-11-25"),
            *("--compounded-on", "2026-11-21", "--class-iii"),
        )
    ),
    Refused(InputError, "stock-made-after-compounding", "--stock-made-on"),
)
for prep in ("capsules", "troches", "liquid"):
    each(
        "implausible",  # a documented minimum of two scale intervals: 5 mg weighed 10 % off
        prep,
        "balance.minimum_weight",
        "2 mg",
        Refused(InputError, "minimum-weight-below-rule", "balance.minimum_weight"),
        entries=("cli", "document", "jsonl"),
    )
each(
    "implausible",  # a 0.02 % rounding tolerance the order's balance cannot keep for 0.77 mg
    "capsules",
    "additional_actives",
    [_active("0.77 mg")],
    Refused(FormulationError, "rounding-beyond-tolerance", "rounding_tolerance"),
    entries=_DOCUMENT_ONLY,
    also=(("rounding_tolerance", "0.02 %"),),
)

# --- titration kits: a step above the maintenance dose, a kit compounded after its start -----
# (a hostile test found protocol kits stepping past the prescribed dose, and capsule kits
# accepted with their whole schedule before the day they were compounded)
_KIT = (
    "titrate",
    "--maintenance-days",
    "14",
    "--start",
    "2026-12-01",
    *orders._TABLETS_ARGS,
    *orders._BALANCE_ARGS,
)
raw(
    "dose-typo",  # a step typed above the maintenance dose it titrates to
    "cli",
    "capsules",
    Command((*_KIT, "--form", "capsules", "--maintenance", "3 mg", "--step", "4 mg:7")),
    Refused(InputError, "step-above-maintenance", "--step"),
)
raw(
    "dose-typo",  # a template titrating 1.5 -> 3 -> 4.5 mg for a 1 mg maintenance dose
    "cli",
    "capsules",
    Command(
        (
            *_KIT,
            "--form",
            "capsules",
            "--maintenance",
            "1 mg",
            "--protocol",
            "ldnrt-1.5-every-7",
            "--confirm-protocol",
        )
    ),
    Refused(InputError, "maintenance-outside-protocol", "--maintenance"),
)
CASES.append(
    Case(
        "dose-typo",  # a template stopped below a lower maintenance dose: steps 0.5-2.5 mg, 3 mg
        "cli",
        "capsules",
        Command(
            (
                *_KIT,
                "--form",
                "capsules",
                "--maintenance",
                "3 mg",
                "--protocol",
                "ldnrt-0.5-every-7",
                "--confirm-protocol",
            )
        ),
        Accepted(warnings=("protocol-template", "protocol-below-target")),
    )
)
for _form in ("capsules", "liquid"):
    raw(
        "implausible",  # a kit starting yesterday, compounded today (no date given)
        "cli",
        _form,
        Command(
            (
                *_KIT,
                "--form",
                _form,
                "--maintenance",
                "4.5 mg",
                "--step",
                "1.5 mg:7",
                "--start",
                "2026-11-20",
            )
        ),
        Refused(InputError, "compounded-after-start", "--start"),
    )
    raw(
        "implausible",  # compounded today for a kit that started yesterday
        "cli",
        _form,
        Command(
            (
                *_KIT,
                "--form",
                _form,
                "--maintenance",
                "4.5 mg",
                "--step",
                "1.5 mg:7",
                "--start",
                "2026-11-20",
                "--compounded-on",
                "2026-11-21",
            )
        ),
        Refused(InputError, "compounded-after-start", "--compounded-on"),
    )

# directions given for a titration kit, whose labels carry each container's own directions
# (realistic-findings U4: they were ignored silently)
_KIT_RESULT = lc.dumps(
    lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("0.5 mg:7"), lc.parse_step("1 mg:7")),
            maintenance=lc.mass("2 mg"),
            maintenance_days=14,
            start=orders.DAY,
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(
                template=orders.capsules(dose=lc.mass("0.5 mg"), source=orders.api())
            ),
        )
    )
).encode()
raw(
    "shifted",
    "cli",
    "capsules",
    Command(
        (
            "label",
            "{dir}/kit.json",
            *_LABEL[2:],
            "--patient",
            "Jane",
            "--directions",
            "Take 1 capsule by mouth once daily",
        ),
        (("kit.json", _KIT_RESULT),),
    ),
    Refused(InputError, "directions-set-by-kit", "--directions"),
)
