"""Plausibility of every figure that scales the amount of drug, and the one table of checks an
order may acknowledge.

A figure outside its plausible window (an assay of 9.95 %, a tablet weighed as 2014 mg, a
density in mg/mL, a dropper counted wrong, a date a year off) is most often a typing error
that would multiply or divide every dose. It is refused as bad input, naming the field, the
value and the window, unless the order acknowledges the check's code; an acknowledged figure
is used, with a warning in the result that names the code.

Every window is data with its source and status mark (domain.md); the windows marked [U] are
library defaults that an order overrides by acknowledging the code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import InputError
from ._numbers import plain
from ._trace import Recorder
from ._units import Quantity, Unit

if TYPE_CHECKING:
    from ._capsule_data import CapsuleSize

#: Every check an order may acknowledge, with what acknowledging it means. Each is refused
#: as bad input unless acknowledged; acknowledged, the result carries a warning with the code.
ACKNOWLEDGEABLE: dict[str, str] = {
    "dose-above-range": "a single dose above the drug's dose profile",
    "dose-below-range": "a single dose below the drug's dose profile (microgram doses)",
    "daily-dose-above-range": "a daily total above the drug's daily limit",
    "dose-precision": "a dose stated to more figures than any plan resolves (4.4999 mg)",
    "assay-implausible": "an API assay outside the plausible window for its basis and form",
    "water-implausible": "a water content or loss on drying outside the window for the form",
    "tablet-strength-unmarketed": "a tablet strength that no marketed tablet of the drug has",
    "tablet-weight-implausible": "an average tablet weight outside the window for its strength",
    "density-implausible": "a powder or base density outside its plausible window",
    "pack-stat-implausible": "a pack stat whose implied packed density is outside the window",
    "dropper-implausible": "a dropper calibration outside the window of oral droppers",
    "blank-weight-implausible": "a mold's blank weight or implied base density outside the window",
    "shell-weight-implausible": "an empty capsule shell's weight outside the window of hard shells of its size",
    "density-factor-unusual": "a density (displacement) factor outside 0.5-5",
    "compounded-on-future": "a compounding date more than a day after today",
    "bud-already-past": "a compounding date so far back that the beyond-use date has passed",
    "bud-on-compounding-day": "a beyond-use date on the compounding day (a component expiring)",
    "study-bud-above-limit": "a study-supported BUD longer than the 180 days USP <795> allows",
    "preservative-unknown": "a preservative the library's table of preservatives does not list",
    "syringe-graduation-implausible": "an oral syringe scale finer than any oral syringe has",
    "dose-below-measurable-fraction": "a dose below the measurable share of the oral syringe",
    "solubility-implausible": "a stated solubility above 1.5 x the solubility the library knows",
    "aliquot-solubility-unknown": "a liquid aliquot from a stock whose solubility is not known",
    "near-solubility-limit": "a liquid above the share of its solubility that stays dissolved where kept",
    "minimum-weight-below-rule": "a balance minimum weight below the 5 % weighing-error rule",
}


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
#: Weight of one empty hard capsule shell, per size: the library's typical figure for the size
#: (28 mg for size 5 to 163 mg for size 000; _capsule_data.py, manufacturer literature
#: recalled [U]; domain.md §3.1 cites the sizes' volumes only, no shell weights) +/- 30 %
#: [D][U]. Outside it is most likely a weight measured for another size (a size-0 figure on
#: size 4 capsules), a total typed for an average, g for mg or a slipped decimal point.
SHELL_WEIGHT_SPREAD = Decimal("0.3")


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
    check_window(
        rec,
        "shell-weight-implausible",
        field,
        weight.m_as(Unit.MG),
        shell_weight_window(size),
        shown=str(weight),
        what=f"one empty size {size.code} hard capsule shell",
        expected=f"the average weight of one empty size {size.code} shell (weigh 10, divide by 10)",
    )


#: A compounding date may be at most this far after today (an order written the evening
#: before, or across a time zone); later is most likely a mistyped year or month [D].
COMPOUNDING_DATE_ALLOWANCE = dt.timedelta(days=1)


#: The checks made against today's date: a result computed again later (a label, a record's
#: verification, both on the date compounded) cannot reproduce their warnings, so the
#: comparison leaves them out (:func:`without_dated_warnings`).
DATED_CHECKS = frozenset({"compounded-on-future", "bud-already-past"})


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


def implausible(
    rec: Recorder, code: str, field: str, shown: str, problem: str, expected: str
) -> None:
    """Refuse ``shown`` in ``field`` unless the order acknowledged ``code`` (then warn)."""
    if code not in rec.acknowledged:
        raise InputError.about(
            field,
            shown,
            problem,
            f"{expected}, or the acknowledgement {code!r} on the order if the figure is right",
            code=code,
        )
    rec.warn(code, f"{field} {shown} {problem}; acknowledged on the order.", field)


def check_window(
    rec: Recorder,
    code: str,
    field: str,
    value: Decimal,
    window: Window,
    *,
    shown: str,
    what: str,
    expected: str,
) -> None:
    """Refuse (or, acknowledged, warn about) ``value`` outside ``window``."""
    if window.holds(value):
        return
    implausible(
        rec,
        code,
        field,
        shown,
        f"is outside the plausible {window.describe()} for {what}",
        expected,
    )
