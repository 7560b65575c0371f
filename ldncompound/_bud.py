"""Beyond-use dates by USP <795> (2023), capped by every component's expiry.

The category decides the longest date and the storage it allows; the earliest component
expiry caps it; the day-counting convention is explicit (by default the compounding day is
day 1, so a 14-day BUD from 1 January is 14 January). A longer, study-supported date is
accepted only with its reference and the caller's confirmation that the study matches the
formula, vehicle and container.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from . import _clock
from ._errors import FormulationError, InputError
from ._plausible import (
    BUD_ALREADY_PAST,
    BUD_ON_COMPOUNDING_DAY,
    COMPOUNDED_ON_FUTURE,
    COMPOUNDING_DATE_ALLOWANCE,
    STUDY_BUD_ABOVE_LIMIT,
)
from ._sources import Component
from ._trace import Recorder
from ._units import Quantity, Unit
from ._validate import text_field

USP_795 = "USP <795> (2023), BUD limits by type of preparation (domain.md §2.1) [S]"
DAY_ONE_SOURCE = (
    "compounding day counted as day 1 (University of Illinois SOP on <795>; the 2023 chapter's "
    "own wording was not verified, domain.md §2.1) [U]"
)

#: The longest study-supported BUD accepted without the acknowledgement
#: ``study-bud-above-limit`` (probe finding F5).
STUDY_BUD_LIMIT_DAYS = 180
STUDY_BUD_LIMIT_SOURCE = (
    "USP <795> (2023) extends a BUD beyond its default only with CNSP-specific stability data "
    "from a stability-indicating method, with antimicrobial effectiveness testing (USP <51>) "
    "for aqueous preparations (Fagron Academy, 'Understanding new requirements for beyond use "
    "date extension', 2023; domain.md §2.1) [S], and to at most 180 days "
    "(maximapharmaceuticals.com, on the proposed chapter §10.5) [S]; the chapter's own text was "
    "not seen [U]"
)


class Storage(enum.Enum):
    """Storage conditions (USP General Notices / <659>)."""

    ROOM = "room"
    REFRIGERATOR = "refrigerator"

    @property
    def described(self) -> str:
        return {
            Storage.ROOM: "controlled room temperature, 20-25 °C",
            Storage.REFRIGERATOR: "refrigerator, 2-8 °C",
        }[self]


class BudCategory(enum.Enum):
    """The USP <795> (2023) categories, decided by water activity and preservation."""

    NONAQUEOUS_SOLID = "nonaqueous-solid"
    NONAQUEOUS_ORAL_LIQUID = "nonaqueous-oral-liquid"
    AQUEOUS_PRESERVED = "aqueous-preserved"
    AQUEOUS_NONPRESERVED = "aqueous-nonpreserved"

    @property
    def days(self) -> int:
        return _DAYS[self]

    @property
    def storages(self) -> tuple[Storage, ...]:
        if self is BudCategory.AQUEOUS_NONPRESERVED:
            return (Storage.REFRIGERATOR,)
        return (Storage.ROOM, Storage.REFRIGERATOR)

    @property
    def described(self) -> str:
        return _DESCRIBED[self]


_DAYS = {
    BudCategory.NONAQUEOUS_SOLID: 180,
    BudCategory.NONAQUEOUS_ORAL_LIQUID: 90,
    BudCategory.AQUEOUS_PRESERVED: 35,
    BudCategory.AQUEOUS_NONPRESERVED: 14,
}
_DESCRIBED = {
    BudCategory.NONAQUEOUS_SOLID: "nonaqueous dosage form (aw < 0.60), e.g. capsules, troches",
    BudCategory.NONAQUEOUS_ORAL_LIQUID: "nonaqueous oral liquid (aw < 0.60)",
    BudCategory.AQUEOUS_PRESERVED: "aqueous preparation (aw >= 0.60) with a preservative",
    BudCategory.AQUEOUS_NONPRESERVED: "aqueous preparation (aw >= 0.60) without a preservative",
}


class DayCount(enum.Enum):
    """Whether the compounding day is day 1 (default) or day 0 of the BUD period."""

    COMPOUNDING_DAY_IS_DAY_1 = "day-1"
    COMPOUNDING_DAY_IS_DAY_0 = "day-0"


@attrs.frozen(kw_only=True)
class StudyBud:
    """A study-supported BUD: the reference, its days and storage, and the confirmation."""

    reference: str
    days: int
    storage: Storage
    matches_formula_vehicle_container: bool

    def __attrs_post_init__(self) -> None:
        text_field("study.reference")(self, attrs.fields(StudyBud).reference, self.reference)
        if isinstance(self.days, bool) or not 1 <= self.days <= 3650:
            raise InputError.about(
                "study.days", self.days, "is out of range", "1 to 3650 days", code="out-of-range"
            )
        if not self.matches_formula_vehicle_container:
            raise InputError.about(
                "study.matches_formula_vehicle_container",
                self.matches_formula_vehicle_container,
                "is not confirmed",
                "confirmation that the study used the same formula, vehicle and container",
                code="study-not-confirmed",
            )


@attrs.frozen(kw_only=True)
class BeyondUseDate:
    """The assigned BUD with everything needed to print and audit it."""

    date: dt.date
    days: int
    category: BudCategory
    category_days: int
    storage: Storage
    compounded_on: dt.date
    day_count: DayCount
    limited_by: str
    rule: str
    reference: str


def compounding_date(given: dt.date | None, today: dt.date | None, rec: Recorder) -> dt.date:
    """The compounding date: the order's, else ``today`` (the caller's, else the calendar's),
    echoed as a default with its source.

    A date more than :data:`COMPOUNDING_DATE_ALLOWANCE` after today is refused unless the
    order acknowledges ``compounded-on-future`` (a mistyped year or month, most often).
    """
    day = today or _clock.today()
    if given is None:
        rec.default("compounded_on", day.isoformat(), "today's date (no compounding date given)")
        return day
    if given > day + COMPOUNDING_DATE_ALLOWANCE:
        COMPOUNDED_ON_FUTURE.refuse(
            rec,
            "compounded_on",
            given.isoformat(),
            f"is more than {COMPOUNDING_DATE_ALLOWANCE.days} day after today ({day.isoformat()})",
            "the day the preparation is compounded",
        )
    return given


@attrs.frozen
class BudStart:
    """When and how a batch is kept: the compounding date, storage and day count."""

    compounded_on: dt.date
    storage: Storage
    day_count: DayCount


def bud_start(
    order: Any,
    today: dt.date | None,
    rec: Recorder,
    *,
    storage: Storage,
    storage_source: str,
) -> BudStart:
    """The compounding date, storage and day count of any preparation's ``order``: the
    order's own, else ``storage`` (with ``storage_source``), day 1 and today, each echoed as
    a default with its source."""
    compounded_on = compounding_date(order.compounded_on, today, rec)
    chosen = order.storage
    if chosen is None:
        chosen = storage
        rec.default("storage", chosen.value, storage_source)
    day_count = order.day_count
    if day_count is None:
        day_count = DayCount.COMPOUNDING_DAY_IS_DAY_1
        rec.default("day_count", day_count.value, DAY_ONE_SOURCE)
    return BudStart(compounded_on=compounded_on, storage=chosen, day_count=day_count)


def warn_no_expiry(rec: Recorder, subject: str, field: str) -> None:
    """An undated component: the BUD cannot be checked against it."""
    rec.warn(
        "expiry-not-given",
        f"{subject} is not given, so the BUD is not checked against it.",
        field,
    )


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def _end(start: dt.date, days: int, day_count: DayCount) -> dt.date:
    offset = days - 1 if day_count is DayCount.COMPOUNDING_DAY_IS_DAY_1 else days
    try:
        return start + dt.timedelta(days=offset)
    except OverflowError:  # the calendar ends on 9999-12-31
        raise InputError.about(
            "compounded_on",
            start.isoformat(),
            f"is so late that the beyond-use date {offset} days on would fall after "
            f"{dt.date.max.isoformat()}, the end of the calendar",
            "a real compounding date",
            code="date-out-of-range",
        ) from None


def _length(start: dt.date, end: dt.date, day_count: DayCount) -> int:
    extra = 1 if day_count is DayCount.COMPOUNDING_DAY_IS_DAY_1 else 0
    return (end - start).days + extra


def assign_bud(
    *,
    category: BudCategory,
    compounded_on: dt.date,
    storage: Storage,
    components: tuple[Component, ...],
    rec: Recorder,
    day_count: DayCount = DayCount.COMPOUNDING_DAY_IS_DAY_1,
    study: StudyBud | None = None,
    today: dt.date | None = None,
) -> BeyondUseDate:
    """The BUD for ``category`` from ``compounded_on``, capped by the components' expiries.

    Refuses a storage the category does not allow (a non-preserved aqueous preparation at
    room temperature) and a component that has expired by the compounding day. A BUD before
    ``today`` (the caller's, else the calendar's) is refused unless ``rec`` holds the
    acknowledgement ``bud-already-past``: a compounding date typed a year or more back.
    """
    if storage not in category.storages:
        raise FormulationError.about(
            "storage",
            storage.value,
            f"is not allowed for {_article(category.described)} {category.described} under USP <795>",
            " or ".join(s.described for s in category.storages),
            code="storage-not-allowed",
        )
    for c in components:
        if c.expiry is not None and c.expiry < compounded_on:
            raise FormulationError.about(
                f"{c.role}.expiry",
                c.expiry.isoformat(),
                f"is before the compounding date {compounded_on.isoformat()} ({c.name} has expired)",
                "a component that is in date",
                code="component-expired",
            )
    if study is not None:
        days, rule, reference = _study_rule(study, category, storage, rec)
    else:
        days = category.days
        rule = f"USP <795> (2023): {category.described}, at most {days} days, {storage.described}"
        reference = USP_795
    end = _end(compounded_on, days, day_count)
    rec.step(
        "bud-category",
        "longest BUD for the category",
        "BUD = compounding date + days (day-count convention applied)",
        end.isoformat(),
        compounded_on=compounded_on.isoformat(),
        days=Quantity(days, Unit.DAY),
        convention=day_count.value,
    )
    limited_by = "category"
    dated = [c for c in components if c.expiry is not None]
    if dated:
        earliest = min(dated, key=lambda c: c.expiry or dt.date.max)
        if earliest.expiry is not None and earliest.expiry < end:
            end = earliest.expiry
            limited_by = f"{earliest.role}: {earliest.name} expires {earliest.expiry.isoformat()}"
            rec.warn(
                "bud-limited-by-component",
                f"The BUD is cut to {end.isoformat()} because {earliest.name} expires then.",
                f"{earliest.role}.expiry",
            )
        rec.step(
            "bud-expiry-cap",
            "BUD capped by the earliest component expiry",
            "BUD = min(category BUD, earliest expiry)",
            end.isoformat(),
            earliest=(earliest.expiry or end).isoformat(),
        )
    if end == compounded_on:
        _on_compounding_day(end, limited_by, rec)
    now = today or _clock.today()
    if end < now:
        BUD_ALREADY_PAST.refuse(
            rec,
            "compounded_on",
            compounded_on.isoformat(),
            f"gives a beyond-use date of {end.isoformat()}, already past today ({now.isoformat()})",
            "the day the preparation is compounded",
        )
    return BeyondUseDate(
        date=end,
        days=_length(compounded_on, end, day_count),
        category=category,
        category_days=days,
        storage=storage,
        compounded_on=compounded_on,
        day_count=day_count,
        limited_by=limited_by,
        rule=rule,
        reference=reference,
    )


def _on_compounding_day(end: dt.date, limited_by: str, rec: Recorder) -> None:
    """Refuse (unless acknowledged) a BUD on the compounding day: the preparation would be at
    its beyond-use date when it is dispensed (probe finding F30)."""
    field, shown = "compounded_on", end.isoformat()
    if limited_by != "category":  # "role: name expires date"
        field = f"{limited_by.split(':', 1)[0]}.expiry"
    BUD_ON_COMPOUNDING_DAY.refuse(
        rec,
        field,
        shown,
        f"makes the beyond-use date the compounding day {shown}: the preparation would be at "
        "its beyond-use date when it is dispensed",
        "a component in date after the compounding day",
    )


def _study_rule(
    study: StudyBud, category: BudCategory, storage: Storage, rec: Recorder
) -> tuple[int, str, str]:
    """The days, rule and reference of a study-supported BUD. Refuses a study at another
    storage, and (unless acknowledged) one beyond :data:`STUDY_BUD_LIMIT_DAYS`; warns when
    one lengthens the BUD of a non-preserved aqueous preparation."""
    if study.storage is not storage:
        raise InputError.about(
            "study.storage",
            study.storage.value,
            f"differs from the storage {storage.value}",
            "the study's storage",
        )
    rec.warn(
        "bud-from-study",
        f"The BUD follows the cited study ({study.reference}), not the USP <795> default of "
        f"{category.days} days; keep the study with the master formulation record.",
        "study",
    )
    if study.days > STUDY_BUD_LIMIT_DAYS:
        STUDY_BUD_ABOVE_LIMIT.refuse(
            rec,
            "study.days",
            str(study.days),
            f"is more than the {STUDY_BUD_LIMIT_DAYS} days USP <795> allows a study-supported BUD",
            f"a study-supported BUD of at most {STUDY_BUD_LIMIT_DAYS} days",
        )
    if category is BudCategory.AQUEOUS_NONPRESERVED and study.days > category.days:
        rec.warn(
            "study-bud-unpreserved-aqueous",
            f"The cited study ({study.reference}) gives {days_text(study.days)} to an aqueous "
            f"preparation without a preservative (USP <795> default {days_text(category.days)}): "
            "an extended BUD needs stability data from a stability-indicating method and "
            "evidence that the preparation resists microbial growth (USP <51>).",
            "study",
        )
    rule = f"study-supported BUD of {days_text(study.days)} ({storage.described})"
    return study.days, rule, study.reference


def days_text(days: int) -> str:
    """``"1 day"``, ``"14 days"``."""
    return f"{days} day" if days == 1 else f"{days} days"


def component_cuts_supply(bud: BeyondUseDate, days_supply: int, rec: Recorder, field: str) -> None:
    """Warn ``component-expires-before-supply`` when a component's expiry, not the category,
    makes the BUD shorter than the days' supply: later fills need a new lot."""
    if bud.limited_by == "category" or days_supply <= bud.days:
        return
    rec.warn(
        "component-expires-before-supply",
        f"The fills are cut to {days_text(bud.days)} because {bud.limited_by.split(': ', 1)[1]}: "
        f"the later fills cannot be made from this lot; replace it (with a lot in date a fill "
        f"may last up to {days_text(bud.category_days)}).",
        field,
    )


def check_supply(bud: BeyondUseDate, days_supply: int, rec: Recorder, *, field: str) -> int:
    """Warn when the BUD is shorter than the days' supply; return the number of fills needed."""
    if days_supply <= bud.days:
        return 1
    # a BUD of 0 days (day-0 counting, a component expiring on the compounding day) still
    # lets the preparation be used on the day it is made: one day per fill, never a division
    # by zero
    per_fill = max(bud.days, 1)
    fills = -(-days_supply // per_fill)
    rec.warn(
        "bud-shorter-than-supply",
        f"The BUD allows {days_text(bud.days)} but the order covers {days_text(days_supply)}; "
        f"dispense in {fills} fills of at most {days_text(per_fill)} each.",
        field,
    )
    component_cuts_supply(bud, days_supply, rec, field)
    return fills
