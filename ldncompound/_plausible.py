"""Plausibility of every figure that scales the amount of drug, and the one table of checks an
order may acknowledge.

A figure outside its plausible window (an assay of 9.95 %, a tablet weighed as 2014 mg, a
density in mg/mL, a dropper counted wrong, a date a year off) is most often a typing error
that would multiply or divide every dose. It is refused as bad input, naming the field, the
value and the window, unless the order acknowledges the check's code; an acknowledged figure
is used, with a warning in the result that names the code.

Every window is data with its source and status mark (domain.md); the windows marked [U] are
library defaults that an order overrides by acknowledging the code.

Each code is one :class:`Check` of :data:`CHECKS` (code, meaning, rule), declared with the
window it cites; a check against a fixed window is a :class:`Limit` (the window, what the
figure is of, what was expected) applied to a :class:`Quantity`, so the figure is compared in
the window's unit and shown as given. A call site names the check, the field and the figure;
:data:`ACKNOWLEDGEABLE` is the table's codes and meanings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import InputError
from ._numbers import plain, significant
from ._trace import Recorder
from ._units import Quantity, Unit

if TYPE_CHECKING:
    from ._capsule_data import CapsuleSize


@attrs.frozen(kw_only=True)
class Window:
    """A plausible window ``[low, high]`` in ``unit``, with its source and status mark."""

    low: Decimal
    high: Decimal
    unit: Unit
    source: str

    def describe(self) -> str:
        return f"{plain(self.low)}-{plain(self.high)} {self.unit.display}"

    def holds(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


def _window(low: str, high: str, unit: Unit, source: str) -> Window:
    """One of the windows below, its bounds written as in the source."""
    return Window(low=Decimal(low), high=Decimal(high), unit=unit, source=source)


@attrs.frozen
class Check:
    """One check an order may acknowledge (a row of :data:`CHECKS`): its code, what
    acknowledging it means, and the rule it holds a figure to, with the rule's source and
    status mark (domain.md).

    A check of a figure against a fixed window may leave ``rule`` out: its windows are the
    :class:`Limit` s declared with them below. A check whose bound depends on the order (a
    date, a shell's size, a tablet's strength) says in ``rule`` how the bound is made."""

    code: str
    meaning: str
    rule: str | None = None

    def refuse(self, rec: Recorder, field: str, shown: str, problem: str, expected: str) -> None:
        """Refuse ``shown`` in ``field`` unless the order acknowledged this check (then warn)."""
        if self.code not in rec.acknowledged:
            raise InputError.about(
                field,
                shown,
                problem,
                f"{expected}, or the acknowledgement {self.code!r} on the order if the figure is right",
                code=self.code,
            )
        rec.warn(self.code, f"{field} {shown} {problem}; acknowledged on the order.", field)

    def within(self, window: Window, *, what: str, expected: str) -> Limit:
        """This check against a window made for the order (a form's water, a size's shell
        weight), for a figure of ``what``."""
        return Limit(check=self, window=window, what=what, expected=expected)


@attrs.frozen(kw_only=True)
class Limit:
    """A check of a figure against a window: what the figure is of (``what``, as in "outside
    the plausible 0.1-1.5 g/mL for a powder's bulk density") and what the order should give
    instead (``expected``)."""

    check: Check
    window: Window
    what: str
    expected: str

    def apply(
        self, rec: Recorder, field: str, figure: Quantity, *, given: str | None = None
    ) -> None:
        """Refuse (or, acknowledged, warn about) ``figure`` outside the window: compared in
        the window's unit, shown as it was given. A figure the order gave in other terms (a
        dropper's drops counted into a volume) is shown as ``given``, followed by the figure
        in the window's unit."""
        value = figure.m_as(self.window.unit)
        if self.window.holds(value):
            return
        what = self.what
        if given is not None:
            what = f"{what} (this is {significant(value, 4)} {self.window.unit.display})"
        self.check.refuse(
            rec,
            field,
            str(figure) if given is None else given,
            f"is outside the plausible {self.window.describe()} for {what}",
            self.expected,
        )


_DOSE_PROFILE = "the drug's dose profile, its source and status mark given per drug (_drug.py) [D]"
_CERTIFICATE = (
    "the drug's certificate data, its source and status mark given per drug (_drug.py) [D]"
)

#: The dose guards (_dose.py): a dose against the drug's dose profile.
DOSE_ABOVE_RANGE = Check(
    "dose-above-range", "a single dose above the drug's dose profile", _DOSE_PROFILE
)
DOSE_BELOW_RANGE = Check(
    "dose-below-range",
    "a single dose below the drug's dose profile (microgram doses)",
    _DOSE_PROFILE,
)
DAILY_DOSE_ABOVE_RANGE = Check(
    "daily-dose-above-range", "a daily total above the drug's daily limit", _DOSE_PROFILE
)
DOSE_PRECISION = Check(
    "dose-precision",
    "a dose stated to more figures than any plan resolves (4.4999 mg)",
    "a dose within 0.1 % of a value with fewer significant figures is an upstream "
    "computation, not a prescription (_dose.DOSE_RESOLUTION) [D]",
)
#: An API lot's assay: the certificate window on its basis; as is, less the form's water.
ASSAY_IMPLAUSIBLE = Check(
    "assay-implausible",
    "an API assay outside the plausible window for its basis and form",
    f"{_CERTIFICATE}; an as-is assay less the form's plausible water (WATER_IMPLAUSIBLE)",
)
#: A tablet's labelled strength: within 1 % of a marketed strength of the drug.
TABLET_STRENGTH_UNMARKETED = Check(
    "tablet-strength-unmarketed",
    "a tablet strength that no marketed tablet of the drug has",
    f"within 1 % of a marketed tablet strength: {_CERTIFICATE}",
)
#: A troche's density (displacement) factor (_troches.USUAL_FACTORS).
DENSITY_FACTOR_UNUSUAL = Check(
    "density-factor-unusual",
    "a density (displacement) factor outside 0.5-5",
    "most drugs and excipients have density factors of 0.5-5 (domain.md §4.4) [D]",
)
#: A compounding date whose BUD is already past (_bud.assign_bud).
BUD_ALREADY_PAST = Check(
    "bud-already-past",
    "a compounding date so far back that the beyond-use date has passed",
    "the beyond-use date not before today: an earlier one is most likely a mistyped year [D]",
)
#: A BUD on the compounding day (_bud.assign_bud; probe finding F30).
BUD_ON_COMPOUNDING_DAY = Check(
    "bud-on-compounding-day",
    "a beyond-use date on the compounding day (a component expiring)",
    "a preparation is not dispensed at its beyond-use date (probe finding F30) [D]",
)
#: A study-supported BUD beyond _bud.STUDY_BUD_LIMIT_DAYS (probe finding F5).
STUDY_BUD_ABOVE_LIMIT = Check(
    "study-bud-above-limit",
    "a study-supported BUD longer than the 180 days USP <795> allows",
    "USP <795> (2023): at most 180 days for a nonaqueous preparation (domain.md §2.1) [S]",
)
#: A preservative outside _vehicles.PRESERVATIVES (with its source).
PRESERVATIVE_UNKNOWN = Check(
    "preservative-unknown",
    "a preservative the library's table of preservatives does not list",
    "one of the preservatives of _vehicles.PRESERVATIVES (PRESERVATIVES_SOURCE) [V][S]",
)
#: A component declared water-free whose name says water (_vehicles.water_word).
NAME_SAYS_WATER = Check(
    "name-says-water",
    "a component declared water-free (a nonaqueous vehicle, a water-free additive or troche "
    "ingredient) whose name says water (water, syrup, juice, Ora-Sweet, ...)",
    "USP <795>: water in any ingredient makes a preparation aqueous (domain.md §2.1) [S]",
)
#: A declared syringe scale finer than _devices.SYRINGE_SCALE_SOURCE allows.
SYRINGE_GRADUATION_IMPLAUSIBLE = Check(
    "syringe-graduation-implausible",
    "an oral syringe scale finer than any oral syringe has",
    "at most 100 marks of at least 0.01 mL (_devices.SYRINGE_SCALE_SOURCE) [S][D][U]",
)
#: A dose below the measurable share of its syringe (_devices.MEASURABLE_FRACTION).
DOSE_BELOW_MEASURABLE_FRACTION = Check(
    "dose-below-measurable-fraction",
    "a dose below the measurable share of the oral syringe",
    "at least the measurable share of the syringe's capacity "
    "(_devices.MEASURABLE_FRACTION_SOURCE) [D]",
)
#: A stated solubility above _liquid_batch.SOLUBILITY_MARGIN x the library's (probe F33).
SOLUBILITY_IMPLAUSIBLE = Check(
    "solubility-implausible",
    "a stated solubility above 1.5 x the solubility the library knows",
    "at most 1.5 x the solubility the library knows (_liquid_batch.SOLUBILITY_MARGIN_SOURCE) "
    "[D][U]",
)
#: A liquid aliquot from a stock whose solubility is not known (_liquid_batch).
ALIQUOT_SOLUBILITY_UNKNOWN = Check(
    "aliquot-solubility-unknown",
    "a liquid aliquot from a stock whose solubility is not known",
    "a measured part of a stock carries the calculated drug only if the stock is dissolved [D]",
)
#: A balance minimum weight below the weighing-error rule (_weighing.WEIGHING_ERROR).
MINIMUM_WEIGHT_BELOW_RULE = Check(
    "minimum-weight-below-rule",
    "a balance minimum weight below the 5 % weighing-error rule",
    "a weighing at the minimum weight errs by at most 5 % (USP <1176>; domain.md §5.2; "
    "_weighing.WEIGHING_ERROR_SOURCE) [V]",
)


#: Water (Karl Fischer) or loss on drying of a form without crystal water. The USP monograph
#: asks for the water content to be determined but sets no limit (USP 28 "Naltrexone
#: Hydrochloride", Water, Method I <921>; domain.md §1.1) [V]; more than 5 % is over half the
#: dihydrate's 8.70 % of crystal water, i.e. most likely a hydrate declared as water-free [D].
WATER_FREE_WATER = _window(
    "0",
    "5",
    Unit.PERCENT,
    (
        "form without crystal water: at most 5 %, over half the 8.70 % crystal water of the "
        "dihydrate (USP 28 sets no water limit; domain.md §1.1) [D][U]"
    ),
)
#: A hydrate's water (or loss on drying) lies within this share of its crystal water either
#: side: the dihydrate's 2 x 18.015 / 413.89 = 8.70 % gives 6.53-10.88 % [D][U].
HYDRATE_WATER_SPREAD = Decimal("0.25")
HYDRATE_WATER_SOURCE = (
    "hydrate: its crystal water (M(hydrate) - M(water-free)) / M(hydrate) +/- 25 %, e.g. "
    "6.53-10.88 % for naltrexone HCl dihydrate (8.70 %; domain.md §1.1) [D][U]"
)
#: A water content or loss on drying: within the window of the form (above).
WATER_IMPLAUSIBLE = Check(
    "water-implausible",
    "a water content or loss on drying outside the window for the form",
    "WATER_FREE_WATER for a form without crystal water, the crystal water +/- "
    "HYDRATE_WATER_SPREAD for a hydrate (_sources._water_window) [D][U]",
)

#: A powder's or a base's density: the windows POWDER_DENSITY and BASE_DENSITY below.
DENSITY_IMPLAUSIBLE = Check(
    "density-implausible", "a powder or base density outside its plausible window"
)
#: Loose bulk density of a pharmaceutical powder (filler, API, crushed tablets): Avicel
#: 0.28-0.45, hypromellose 0.25-0.70, calcium carbonate 0.1-1.3 g/mL (domain.md §3.3) [V][S];
#: anything outside 0.1-1.5 g/mL is most likely a unit or decimal slip [D].
POWDER_DENSITY = _window(
    "0.1",
    "1.5",
    Unit.G_PER_ML,
    (
        "powder bulk densities 0.1-1.3 g/mL (Avicel 0.28-0.45 [V], hypromellose 0.25-0.70 [S], "
        "calcium carbonate 0.1-1.3 [S]; domain.md §3.3), widened to 0.1-1.5 g/mL [D]"
    ),
)
POWDER_DENSITY_CHECK = DENSITY_IMPLAUSIBLE.within(
    POWDER_DENSITY,
    what="a powder's bulk density",
    expected="the measured bulk density in g/mL (check mg/mL against g/mL)",
)
#: Packed density a pack stat implies (mg per capsule / capsule volume): lactose packs at
#: 0.978 g/mL in the UNC table, aspirin at 0.46-0.74 (domain.md §3.2) [V][D].
PACKED_DENSITY = _window(
    "0.1",
    "1.5",
    Unit.G_PER_ML,
    (
        "packed fill densities of the UNC capsule table: lactose 0.978 g/mL, aspirin "
        "0.46-0.74 g/mL (domain.md §3.2) [V]; window 0.1-1.5 g/mL as for bulk powders [D]"
    ),
)
#: A filler of the table packs within this factor of its table density, either way: a
#: tapped density is at most about 1.6 x the bulk density (USP <1174> "Powder Flow": a
#: Hausner ratio above 1.60 is "very, very poor" flow) [V]; twice or half the table figure is
#: most likely another filler, another size or a slip [D][U].
PACKING_FACTOR = Decimal(2)
PACKING_FACTOR_SOURCE = (
    "a pack stat within 0.5-2 x the filler's table density: a tapped density is at most "
    "about 1.6 x the bulk (USP <1174>, Hausner ratio above 1.60 'very, very poor') [V]; "
    "beyond that another filler, size or a slip [D][U]"
)


def packed_window(density: Decimal | None, name: str) -> Window:
    """The packed densities a pack stat of a filler may imply: within :data:`PACKING_FACTOR`
    of its table density ``density`` (g/mL) and inside :data:`PACKED_DENSITY`, or the whole
    of :data:`PACKED_DENSITY` for a filler the table gives no density."""
    if density is None:
        return PACKED_DENSITY
    return Window(
        low=max(PACKED_DENSITY.low, density / PACKING_FACTOR),
        high=min(PACKED_DENSITY.high, density * PACKING_FACTOR),
        unit=Unit.G_PER_ML,
        source=f"{name}, table density {plain(density)} g/mL: {PACKING_FACTOR_SOURCE}",
    )


#: A pack stat: the packed density it implies within PACKED_DENSITY (a table filler's within
#: its packed_window).
PACK_STAT_IMPLAUSIBLE = Check(
    "pack-stat-implausible",
    "a pack stat whose implied packed density is outside the window",
    "the pack stat over the capsule volume within PACKED_DENSITY, a table filler's within "
    "0.5-2 x its table density (USP <1174> Hausner ratio) [V][D][U]",
)
#: Density of a troche or RDT base as molded (blank weight / cavity volume, or the base lot's
#: stated density): Medisca RDT blanks 750 mg in 0.93 mL = 0.81 g/mL (domain.md §4.4) [V][D];
#: PEG and gelatin bases are about 1.1-1.3 g/mL [U].
BASE_DENSITY = _window(
    "0.7",
    "2",
    Unit.G_PER_ML,
    (
        "molded bases: Medisca RDT 750 mg / 0.93 mL = 0.81 g/mL (domain.md §4.4) [V][D]; "
        "PEG and gelatin bases about 1.1-1.3 g/mL [U]; window 0.7-2 g/mL [D]"
    ),
)
BASE_DENSITY_CHECK = DENSITY_IMPLAUSIBLE.within(
    BASE_DENSITY, what="a troche or RDT base", expected="the base's true density in g/mL"
)
#: A mold's blank weight (BLANK_WEIGHT), and the base density it implies (BASE_DENSITY).
BLANK_WEIGHT_IMPLAUSIBLE = Check(
    "blank-weight-implausible",
    "a mold's blank weight or implied base density outside the window",
    "the blank weight within BLANK_WEIGHT, and the blank weight over the cavity volume "
    "within BASE_DENSITY [V][D]",
)
#: Weight of one blank troche or RDT: Medisca RDT blanks weigh 750 mg (domain.md §4.4) [V];
#: troches are usually 1-2 g [U]; outside 0.3-5 g is most likely a total typed for an average,
#: or g for mg [D][U].
BLANK_WEIGHT = _window(
    "300",
    "5000",
    Unit.MG,
    (
        "Medisca RDT blank 750 mg (domain.md §4.4) [V]; troches usually 1-2 g [U]; window "
        "300-5000 mg [D][U]"
    ),
)
BLANK_WEIGHT_CHECK = BLANK_WEIGHT_IMPLAUSIBLE.within(
    BLANK_WEIGHT,
    what="one blank troche or RDT",
    expected="the average weight of one perfect blank of this base in this mold",
)
#: A dropper calibration: DROPS_PER_ML below.
DROPPER_IMPLAUSIBLE = Check(
    "dropper-implausible", "a dropper calibration outside the window of oral droppers"
)
#: Drops per mL of an oral dropper: the USP medicine dropper gives 20 drops of water per mL
#: (18-22; USP <1101>, domain.md §6.2) [V]; viscous liquids give larger drops, oily and
#: alcoholic ones smaller, so half to three times the nominal [D][U].
DROPS_PER_ML = _window(
    "10",
    "60",
    Unit.DROP_PER_ML,
    (
        "USP medicine dropper 20 drops of water per mL, 18-22 (USP <1101>; domain.md §6.2) [V]; "
        "other liquids differ, window half to three times the nominal: 10-60 drops/mL [D][U]"
    ),
)
DROPS_PER_ML_CHECK = DROPPER_IMPLAUSIBLE.within(
    DROPS_PER_ML,
    what="an oral dropper",
    expected="the drops counted into a measured volume of the preparation",
)
#: The share of the (room-temperature) solubility a liquid may hold without the acknowledgement
#: ``near-solubility-limit``, by where it is kept. At room temperature: 65 %, the strength
#: the USP "completeness of solution" test guarantees dissolves (650 mg of naltrexone HCl in
#: 10 mL of water, 65 % of the REVIA label's "about 100 mg/mL"; domain.md §1.3) [V][D]. In
#: the refrigerator: 50 %, as no solubility of naltrexone HCl at 2-8 °C was found and most
#: salts dissolve less when cold, so a solution near saturation at room temperature may
#: crystallise in the refrigerator and the doses then carry less drug [D][U] (probe P4).
SOLUBILITY_SHARE_ROOM = Decimal("0.65")
SOLUBILITY_SHARE_COLD = Decimal("0.5")
SOLUBILITY_SHARE_SOURCE = (
    "65 % at room temperature, the strength the USP completeness-of-solution test guarantees "
    "[V][D]; 50 % in the refrigerator, as the solubility falls in the cold [D][U]"
)
#: A liquid above the share of its solubility that stays dissolved where it is kept.
NEAR_SOLUBILITY_LIMIT = Check(
    "near-solubility-limit",
    "a liquid above the share of its solubility that stays dissolved where kept",
    SOLUBILITY_SHARE_SOURCE,
)
#: Average tablet weight per mg of labelled strength. The AOP 50 mg tablet holds 126.8 mg of
#: lactose besides its 50 mg of drug, so it weighs more than 176.8 mg (3.5 x; domain.md §1.5)
#: [V][D]; no published total weight was found, so the upper bound (8 x, 400 mg for 50 mg)
#: is a library default [U].
TABLET_WEIGHT_RATIO = _window(
    "3.5",
    "8",
    Unit.ONE,
    (
        "marketed naltrexone 50 mg tablets weigh more than 176.8 mg (50 mg drug + 126.8 mg "
        "lactose, AOP SmPC; domain.md §1.5) [V][D]; total weight not published: window "
        "3.5-8 x the strength (175-400 mg for 50 mg) [U]"
    ),
)


def tablet_weight_window(strength: Decimal) -> Window:
    """The plausible average weight of a tablet of ``strength`` mg: TABLET_WEIGHT_RATIO times
    the strength."""
    ratio = TABLET_WEIGHT_RATIO
    return Window(
        low=ratio.low * strength, high=ratio.high * strength, unit=Unit.MG, source=ratio.source
    )


#: A tablet's average weight: TABLET_WEIGHT_RATIO times its strength.
TABLET_WEIGHT_IMPLAUSIBLE = Check(
    "tablet-weight-implausible",
    "an average tablet weight outside the window for its strength",
    "TABLET_WEIGHT_RATIO times the labelled strength (tablet_weight_window) [D][U]",
)
#: Weight of one empty hard capsule shell, per size: the library's typical figure for the size
#: (28 mg for size 5 to 163 mg for size 000; _capsule_data.py, manufacturer literature
#: recalled [U]; domain.md §3.1 cites the sizes' volumes only, no shell weights) +/- 30 %
#: [D][U]. Outside it is most likely a weight measured for another size (a size-0 figure on
#: size 4 capsules), a total typed for an average, g for mg or a slipped decimal point.
SHELL_WEIGHT_SPREAD = Decimal("0.3")
#: An empty shell's weight: its size's typical weight +/- SHELL_WEIGHT_SPREAD.
SHELL_WEIGHT_IMPLAUSIBLE = Check(
    "shell-weight-implausible",
    "an empty capsule shell's weight outside the window of hard shells of its size",
    "the size's typical shell weight +/- SHELL_WEIGHT_SPREAD (shell_weight_window) [D][U]",
)


def shell_weight_window(size: CapsuleSize) -> Window:
    """The plausible weight of one empty shell of ``size``: its typical weight +/- 30 %."""
    typical = size.shell_weight.m_as(Unit.MG)
    return Window(
        low=typical * (1 - SHELL_WEIGHT_SPREAD),
        high=typical * (1 + SHELL_WEIGHT_SPREAD),
        unit=Unit.MG,
        source=(
            f"typical empty size {size.code} hard-shell weight {size.shell_weight}, "
            "manufacturer literature recalled [U] (domain.md §3.1 gives volumes only); "
            "window +/- 30 % [D][U]"
        ),
    )


def check_shell_weight(rec: Recorder, field: str, weight: Quantity, size: CapsuleSize) -> None:
    """Refuse (or, acknowledged, warn about) an empty-shell weight outside the window of its
    size (:func:`shell_weight_window`): the one check of a shell weight from an order, an
    option or a pharmacy profile."""
    SHELL_WEIGHT_IMPLAUSIBLE.within(
        shell_weight_window(size),
        what=f"one empty size {size.code} hard capsule shell",
        expected=f"the average weight of one empty size {size.code} shell (weigh 10, divide by 10)",
    ).apply(rec, field, weight)


#: A compounding date may be at most this far after today (an order written the evening
#: before, or across a time zone); later is most likely a mistyped year or month [D].
COMPOUNDING_DATE_ALLOWANCE = dt.timedelta(days=1)
#: A compounding date, or a kit's first day, too far after today.
COMPOUNDED_ON_FUTURE = Check(
    "compounded-on-future",
    "a compounding date more than a day after today",
    "at most COMPOUNDING_DATE_ALLOWANCE after today, a kit's start at most "
    "_titration.KIT_START_HORIZON: later is most likely a mistyped year or month [D][U]",
)


#: The checks made against today's date: a result computed again later (a label, a record's
#: verification, both on the date compounded) cannot reproduce their warnings, so the
#: comparison leaves them out (:func:`without_dated_warnings`).
DATED_CHECKS = frozenset({COMPOUNDED_ON_FUTURE.code, BUD_ALREADY_PAST.code})


def without_dated_warnings(data: Any) -> Any:
    """The JSON form ``data`` with every warning of :data:`DATED_CHECKS` left out."""
    if isinstance(data, dict):
        return {
            k: (
                [w for w in v if not (isinstance(w, dict) and w.get("code") in DATED_CHECKS)]
                if k == "warnings" and isinstance(v, list)
                else without_dated_warnings(v)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [without_dated_warnings(v) for v in data]
    return data


#: Every check an order may acknowledge, in the order the refusal of an unknown code lists
#: them. Each is refused as bad input unless acknowledged; acknowledged, the result carries a
#: warning with the code.
_PROFILE_RULE = (
    "the order's own figure against the pharmacy profile's figure of the same lot or device, "
    "within the tolerance of _supplied.PROFILE_FIGURES: tablet weights 5 % [D][U], dropper "
    "calibrations 15 % (USP <1101>) [V], filler pack stats and densities and shell weights "
    "10 % [U], a balance's figures exactly [D]"
)
#: An order's own figure against the profile's figure of the same lot or device (probe2 P14).
TABLET_WEIGHT_DIFFERS_FROM_PROFILE = Check(
    "tablet-weight-differs-from-profile",
    "a tablet weight more than 5 % off the profile's for that lot",
    _PROFILE_RULE,
)
DROPPER_CALIBRATION_DIFFERS_FROM_PROFILE = Check(
    "dropper-calibration-differs-from-profile",
    "a dropper calibration 15 % off the profile's for it",
    _PROFILE_RULE,
)
FILLER_DIFFERS_FROM_PROFILE = Check(
    "filler-differs-from-profile",
    "a filler pack stat or density more than 10 % off the profile's for that lot",
    _PROFILE_RULE,
)
BALANCE_DIFFERS_FROM_PROFILE = Check(
    "balance-differs-from-profile",
    "a balance figure other than the profile's for that balance",
    _PROFILE_RULE,
)
SHELL_WEIGHT_DIFFERS_FROM_PROFILE = Check(
    "shell-weight-differs-from-profile",
    "a shell weight more than 10 % off the profile's for that lot and size",
    _PROFILE_RULE,
)

CHECKS: tuple[Check, ...] = (
    DOSE_ABOVE_RANGE,
    DOSE_BELOW_RANGE,
    DAILY_DOSE_ABOVE_RANGE,
    DOSE_PRECISION,
    ASSAY_IMPLAUSIBLE,
    WATER_IMPLAUSIBLE,
    TABLET_STRENGTH_UNMARKETED,
    TABLET_WEIGHT_IMPLAUSIBLE,
    DENSITY_IMPLAUSIBLE,
    PACK_STAT_IMPLAUSIBLE,
    DROPPER_IMPLAUSIBLE,
    BLANK_WEIGHT_IMPLAUSIBLE,
    SHELL_WEIGHT_IMPLAUSIBLE,
    DENSITY_FACTOR_UNUSUAL,
    COMPOUNDED_ON_FUTURE,
    BUD_ALREADY_PAST,
    BUD_ON_COMPOUNDING_DAY,
    STUDY_BUD_ABOVE_LIMIT,
    PRESERVATIVE_UNKNOWN,
    NAME_SAYS_WATER,
    SYRINGE_GRADUATION_IMPLAUSIBLE,
    DOSE_BELOW_MEASURABLE_FRACTION,
    SOLUBILITY_IMPLAUSIBLE,
    ALIQUOT_SOLUBILITY_UNKNOWN,
    NEAR_SOLUBILITY_LIMIT,
    MINIMUM_WEIGHT_BELOW_RULE,
    TABLET_WEIGHT_DIFFERS_FROM_PROFILE,
    DROPPER_CALIBRATION_DIFFERS_FROM_PROFILE,
    FILLER_DIFFERS_FROM_PROFILE,
    BALANCE_DIFFERS_FROM_PROFILE,
    SHELL_WEIGHT_DIFFERS_FROM_PROFILE,
)

#: Every check an order may acknowledge, code -> what acknowledging it means (from
#: :data:`CHECKS`).
ACKNOWLEDGEABLE: dict[str, str] = {check.code: check.meaning for check in CHECKS}
#: Every check by its code.
CHECKS_BY_CODE: dict[str, Check] = {check.code: check for check in CHECKS}
