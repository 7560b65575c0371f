"""Titration kits: explicit prescriber steps to a day-by-day schedule and a dispensing plan.

The prescriber's steps (dose and days; then the maintenance dose and how many days of it to
supply) are the input. Named protocols exist only as templates that return steps, and only
when the caller confirms them. The plan gives every day exactly its dose:

* **capsules**: a set of strengths chosen so that each step's dose is one or two capsules of a
  single strength, one labelled container per step with its dates, each strength its own
  batch (and record); by default the fewest strengths, or one capsule per dose on request;
* **liquid** and **drops**: one concentration for the whole kit with per-step directions in
  mg and mL (or drops), split into fills that each lie within their beyond-use date.

No step is above the maintenance dose (a template's steps stop below it), and every kit is
compounded on one day, its template's compounding date or else today, never after its start:
the capsule batches and the first fill are made that day, later fills on their first day.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, NoReturn, TypeVar

import attrs

from . import _clock
from ._bud import compounding_date
from ._capsules import CapsuleOrder, CapsuleResult, formulate_capsules
from ._devices import DEVICES, MEASURABLE_FRACTION, DeviceKind, MeasuringDevice
from ._dose import UNUSED, check_dose, unused_warning, warn_unused
from ._drops import MAX_DROPS, DropsOrder, DropsResult, formulate_drops
from ._errors import FormulationError, InputError
from ._liquid_batch import as_equal
from ._liquids import CONCENTRATIONS, LiquidOrder, LiquidResult, formulate_liquid
from ._numbers import CONTEXT, ONE, plain, private_context, significant
from ._plausible import COMPOUNDED_ON_FUTURE
from ._preparation import Preparation, register
from ._trace import DefaultUsed, Recorder, ResultWarning, Step, stamp
from ._units import Dimension, Quantity, Unit
from ._validate import check_doses_per_day, concentration_field, mass_field, qfield

TITRATION_SCHEMA = "ldncompound/titration/2"
MAX_DAYS = 730


class KitForm(enum.Enum):
    """The dosage form the kit is dispensed in."""

    CAPSULES = "capsules"
    LIQUID = "liquid"
    DROPS = "drops"


class KitStrategy(enum.Enum):
    """How capsule strengths are chosen."""

    FEWEST_BATCHES = "fewest-batches"
    ONE_CAPSULE_PER_DOSE = "one-capsule-per-dose"


@attrs.frozen(kw_only=True)
class TitrationStep:
    """One prescriber step: a dose taken for a number of days."""

    dose: Quantity = qfield(Dimension.MASS, mass_field("steps.dose"))
    days: int

    def __attrs_post_init__(self) -> None:
        if (
            isinstance(self.days, bool)
            or not isinstance(self.days, int)
            or not 1 <= self.days <= MAX_DAYS
        ):
            raise InputError.about(
                "steps.days",
                self.days,
                "is out of range",
                f"1 to {MAX_DAYS} days",
                code="out-of-range",
            )


@attrs.frozen(kw_only=True)
class Protocol:
    """A named titration template (never applied without the caller's confirmation)."""

    name: str
    description: str
    source: str
    start: Decimal
    increment: Decimal
    every_days: int
    target: Decimal


def _protocol(
    name: str,
    start: str,
    increment: str,
    every_days: int,
    target: str,
    description: str,
    source: str,
) -> Protocol:
    """One row of :data:`PROTOCOLS`: doses in mg, as written in the source."""
    return Protocol(
        name=name,
        description=description,
        source=source,
        start=Decimal(start),
        increment=Decimal(increment),
        every_days=every_days,
        target=Decimal(target),
    )


PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        # each row: the name; start, increment (mg) every so many days up to the target (mg)
        _protocol(
            "ldnrt-0.5-every-14",
            "0.5",
            "0.5",
            14,
            "4.5",
            "start 0.5 mg daily, +0.5 mg every 14 days to 4.5 mg",
            "LDN Research Trust prescriber dosing guide 2021 (domain.md §7) [S]",
        ),
        _protocol(
            "ldnrt-1-every-7",
            "1",
            "1",
            7,
            "4.5",
            "start 1 mg daily, +1 mg every 7 days; 4.5 mg by week 5",
            "LDN Research Trust, pharmacist guidance (domain.md §7) [S]",
        ),
        _protocol(
            "ldnrt-1.5-every-7",
            "1.5",
            "1.5",
            7,
            "4.5",
            "start 1.5 mg daily for 7 days, +1.5 mg weekly to 4.5 mg",
            "LDN Research Trust prescriber dosing guide 2021, cancer (domain.md §7) [S]",
        ),
        _protocol(
            "ldnrt-0.5-every-7",
            "0.5",
            "0.5",
            7,
            "4.5",
            "start 0.5 mg daily, +0.5 mg every 7 days to 4.5 mg",
            "LDN Research Trust, titrating LDN (domain.md §7) [S]",
        ),
    )
}


def parse_step(text: object, *, field: str = "step") -> TitrationStep:
    """Parse ``"0.5 mg:14"`` (a dose, a colon, whole days) into a :class:`TitrationStep`."""
    from ._parse import mass, parse_count  # noqa: PLC0415

    if not isinstance(text, str) or text.count(":") != 1:
        raise InputError.about(
            field, text, "is not a step", "DOSE:DAYS, e.g. '0.5 mg:14'", code="malformed-step"
        )
    dose_text, days_text = text.split(":")
    return TitrationStep(
        dose=mass(dose_text, field=f"{field} dose"),
        days=parse_count(days_text, field=f"{field} days", maximum=MAX_DAYS),
    )


def protocol_steps(
    name: str, *, confirmed: bool, maintenance: Quantity | None = None
) -> tuple[tuple[TitrationStep, ...], Quantity]:
    """The steps and maintenance dose of a named protocol, once the caller confirms it.

    A protocol is only a template: the prescriber's own steps are the order. Given the
    prescribed ``maintenance`` dose, the template's steps stop below it (a kit never steps
    above the dose the prescriber titrates to) and that dose is returned as the maintenance;
    a maintenance dose above the template's target, or not above its first step, is refused
    (``maintenance-outside-protocol``): the template does not say how to reach it.
    """
    protocol = PROTOCOLS.get(name)
    if protocol is None:
        raise InputError.about(
            "protocol", name, "is not a known protocol", f"one of {', '.join(PROTOCOLS)}"
        )
    if not confirmed:
        raise InputError.about(
            "protocol",
            name,
            "is a template and was not confirmed",
            "confirmation that the prescriber ordered these steps, or the steps themselves",
            code="protocol-not-confirmed",
        )
    target = Quantity(protocol.target, Unit.MG)
    top = target if maintenance is None else maintenance
    if maintenance is not None and not Quantity(protocol.start, Unit.MG) < top <= target:
        raise InputError.about(
            "maintenance",
            str(maintenance),
            f"is not a dose the template {name!r} titrates to (its steps start at "
            f"{plain(protocol.start)} mg and end at its target of {plain(protocol.target)} mg)",
            f"a maintenance dose above {plain(protocol.start)} mg and at most "
            f"{plain(protocol.target)} mg, or the prescriber's steps themselves",
            code="maintenance-outside-protocol",
        )
    steps = []
    dose = protocol.start
    while Quantity(dose, Unit.MG) < top:
        steps.append(TitrationStep(dose=Quantity(dose, Unit.MG), days=protocol.every_days))
        dose += protocol.increment
    return tuple(steps), top


@attrs.frozen(kw_only=True)
class CapsuleKit:
    """How the capsules of a kit are made: a capsule order used as the template for each
    strength's batch (its dose, count and compounding date are replaced per batch)."""

    template: CapsuleOrder
    strategy: KitStrategy | None = None

    def __attrs_post_init__(self) -> None:
        # a dose of several capsules would multiply the other actives' fixed amounts
        if getattr(self.template, "additional_actives", ()):
            raise InputError.about(
                "template.additional_actives",
                f"{len(self.template.additional_actives)} actives",
                "cannot be titrated: a dose of two capsules would double each other active's "
                "fixed amount per capsule",
                "a kit of the titrated drug alone (compound the other actives separately)",
                code="actives-in-kit",
            )


@attrs.frozen(kw_only=True)
class LiquidKit:
    """How the oral liquid of a kit is made: a liquid order used as the template of every fill
    (its dose, volume, concentration and compounding date are set per fill), and optionally
    the concentration (otherwise the first of 1 mg/mL and the usual ladder at which every step's
    volume is measurable on an oral syringe)."""

    template: LiquidOrder
    concentration: Quantity | None = qfield(
        Dimension.CONCENTRATION, concentration_field("liquid.concentration"), default=None
    )
    syringes: tuple[MeasuringDevice, ...] | None = None

    def __attrs_post_init__(self) -> None:
        for i, s in enumerate(self.syringes or ()):
            if s.kind is not DeviceKind.ORAL_SYRINGE:
                raise InputError.about(
                    f"liquid.syringes[{i}]", s.name, "is not an oral syringe", "oral syringes"
                )


@attrs.frozen(kw_only=True)
class DropsKit:
    """How the drops of a kit are made: a drops order (with its dropper calibration) used as
    the template of every fill; the strength per drop is chosen so that every step is a whole
    number of drops (the largest such strength within the cap on drops per dose)."""

    template: DropsOrder


@attrs.frozen(kw_only=True)
class TitrationOrder:
    """The prescriber's steps, the maintenance dose and the form to dispense them in."""

    steps: tuple[TitrationStep, ...]
    maintenance: Quantity = qfield(Dimension.MASS, mass_field("maintenance"))
    maintenance_days: int
    start: dt.date
    form: KitForm
    capsules: CapsuleKit | None = None
    liquid: LiquidKit | None = None
    drops: DropsKit | None = None
    doses_per_day: Decimal | None = None
    protocol: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.steps:
            raise InputError.about(
                "steps", [], "is empty", "at least one step before the maintenance dose"
            )
        if isinstance(self.maintenance_days, bool) or not 0 <= self.maintenance_days <= MAX_DAYS:
            raise InputError.about(
                "maintenance_days",
                self.maintenance_days,
                "is out of range",
                f"0 to {MAX_DAYS} days",
                code="out-of-range",
            )
        total = sum(s.days for s in self.steps) + self.maintenance_days
        if total > MAX_DAYS:
            raise InputError.about(
                "steps", total, "covers too many days", f"at most {MAX_DAYS} days in one kit"
            )
        if isinstance(total, int) and self.start > dt.date.max - dt.timedelta(days=total):
            raise InputError.about(
                "start",
                self.start.isoformat(),
                f"is so late that the kit's {total} days would run past "
                f"{dt.date.max.isoformat()}, the end of the calendar",
                "a real start date",
                code="date-out-of-range",
            )
        check_doses_per_day(self.doses_per_day)
        needed = {
            KitForm.CAPSULES: self.capsules,
            KitForm.LIQUID: self.liquid,
            KitForm.DROPS: self.drops,
        }[self.form]
        if needed is None:
            raise InputError.about(
                self.form.value,
                None,
                f"is missing for a {self.form.value} kit",
                f"the {self.form.value} details",
            )


@attrs.frozen(kw_only=True)
class ScheduleDay:
    """One day of the schedule: the day number (1 = start), the date, the dose per day."""

    day: int
    date: dt.date
    step: int
    dose: Quantity
    daily_total: Quantity


@attrs.frozen(kw_only=True)
class StepPlan:
    """One step of the kit with its dates (the last step is the maintenance dose)."""

    number: int
    dose: Quantity
    first_day: int
    last_day: int
    start: dt.date
    end: dt.date
    maintenance: bool


@attrs.frozen(kw_only=True)
class KitContainer:
    """One labelled container: a step's capsules, with its strength and directions."""

    step: int
    label: str
    strength: Quantity
    units_per_dose: int
    units: int
    start: dt.date
    end: dt.date
    directions: str


@attrs.frozen(kw_only=True)
class KitDirection:
    """One step of a liquid or drops kit: the dose in mg and in mL (or drops), and how."""

    step: int
    dose: Quantity
    volume: Quantity
    drops: int | None
    device: str
    device_spec: MeasuringDevice | None
    start: dt.date
    end: dt.date
    text: str


@attrs.frozen(kw_only=True)
class KitFill:
    """One fill of a liquid or drops kit, used within its BUD (the first compounded on the
    kit's compounding date, the others on their first day)."""

    number: int
    first_day: int
    last_day: int
    start: dt.date
    end: dt.date
    steps: tuple[int, ...]
    volume: Quantity
    directions: str


@attrs.frozen(kw_only=True)
class TitrationResult:
    """A titration kit: schedule, steps, containers or fills, and the batches to make."""

    SCHEMA: ClassVar[str] = TITRATION_SCHEMA

    schema: str
    library_version: str
    order: TitrationOrder
    doses_per_day: Decimal
    schedule: tuple[ScheduleDay, ...]
    steps: tuple[StepPlan, ...]
    containers: tuple[KitContainer, ...]
    capsule_batches: tuple[CapsuleResult, ...]
    concentration: Quantity | None
    directions: tuple[KitDirection, ...]
    fills: tuple[KitFill, ...]
    liquid_fills: tuple[LiquidResult, ...]
    drops_fills: tuple[DropsResult, ...]
    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]
    trace: tuple[Step, ...]

    @property
    def batches(self) -> tuple[CapsuleResult | LiquidResult | DropsResult, ...]:
        """Every batch the kit makes, in order (capsule strengths, or liquid or drops fills):
        each a preparation result of its own, with its own compounding record."""
        return (*self.capsule_batches, *self.liquid_fills, *self.drops_fills)

    def batch(self, number: int) -> CapsuleResult | LiquidResult | DropsResult:
        """Batch ``number`` (1 = the first) of the kit; refused out of range."""
        found = self.batches
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(found):
            raise InputError.about(
                "batch",
                number,
                f"is not a batch of this kit ({len(found)} batches)",
                f"a batch number from 1 to {len(found)}",
                code="out-of-range",
            )
        return found[number - 1]


def _step_plans(order: TitrationOrder) -> tuple[StepPlan, ...]:
    plans = []
    day = 1
    all_steps = [*order.steps]
    if order.maintenance_days:
        all_steps.append(TitrationStep(dose=order.maintenance, days=order.maintenance_days))
    for i, s in enumerate(all_steps, start=1):
        first, last = day, day + s.days - 1
        plans.append(
            StepPlan(
                number=i,
                dose=s.dose,
                first_day=first,
                last_day=last,
                start=order.start + dt.timedelta(days=first - 1),
                end=order.start + dt.timedelta(days=last - 1),
                maintenance=order.maintenance_days > 0 and i == len(all_steps),
            )
        )
        day = last + 1
    return tuple(plans)


def _schedule(plans: tuple[StepPlan, ...], per_day: Decimal) -> tuple[ScheduleDay, ...]:
    return tuple(
        ScheduleDay(
            day=day,
            date=p.start + dt.timedelta(days=day - p.first_day),
            step=p.number,
            dose=p.dose,
            daily_total=p.dose * per_day,
        )
        for p in plans
        for day in range(p.first_day, p.last_day + 1)
    )


#: A set of strengths as the search compares them: how many, their sum, the sorted strengths.
_Choice = tuple[int, Decimal, tuple[Decimal, ...]]


def _key(choice: _Choice) -> tuple[int, Decimal, tuple[Decimal, ...]]:
    """Fewer strengths first, then the larger sum, then the smaller strengths (sorted tuple)."""
    return choice[0], -choice[1], choice[2]


def _union(*parts: _Choice) -> _Choice:
    return (
        sum(p[0] for p in parts),
        sum((p[1] for p in parts), Decimal(0)),
        tuple(sorted(x for p in parts for x in p[2])),
    )


def choose_strengths(
    doses: list[Decimal], strategy: KitStrategy
) -> dict[Decimal, tuple[Decimal, int]]:
    """For each dose (mg), the capsule strength and units per dose (1 or 2).

    Fewest batches: the smallest set of strengths such that every dose is one or two capsules
    of one strength; ties prefer fewer two-capsule doses, then larger strengths, then the
    smaller strengths listed in order.

    Only the doses themselves are candidate strengths: a half strength that is not a dose
    serves only its own dose, as two capsules, where that dose's strength would serve it as
    one, so it never wins (mutation testing showed the halves never mattered). A dose is then
    served by itself or by its half, if its half is a dose too: each dose has at most one
    "parent" (its half), so the doses form a forest, and a dose left out of the set needs its
    parent in it. The best set is found by dynamic programming over that forest, children
    before parents, in time polynomial in the number of doses (the exhaustive search over
    every subset it replaces is kept in the tests as the reference it must agree with). The
    order of preference decomposes: with the number of strengths fixed, the two-capsule
    doses are the doses left out, so they are fixed too; sums add; and between two sets of
    the same size the smaller sorted tuple is the one holding the smallest strength of their
    symmetric difference, which disjoint subtrees leave unchanged.
    """
    distinct = sorted(set(doses))
    if strategy is KitStrategy.ONE_CAPSULE_PER_DOSE:
        return {d: (d, 1) for d in distinct}
    present = set(distinct)
    children: dict[Decimal, list[Decimal]] = {d: [] for d in distinct}
    roots = []
    for d in distinct:
        half = CONTEXT.divide(d, 2)
        if half in present and half != d:
            children[half].append(d)
        else:
            roots.append(d)
    # chosen[d]: the best set for d's subtree with d a strength; free[d]: the best with d's
    # parent a strength (d itself may then be left out, its children each chosen).
    chosen: dict[Decimal, _Choice] = {}
    free: dict[Decimal, _Choice] = {}
    for d in reversed(distinct):  # a child (about twice its parent) comes before its parent
        kids = children[d]
        chosen[d] = _union((1, d, (d,)), *(free[c] for c in kids))
        left_out = _union(*(chosen[c] for c in kids))
        free[d] = min(chosen[d], left_out, key=_key)
    strengths = set(_union(*(chosen[r] for r in roots))[2])
    return {d: (d, 1) if d in strengths else (CONTEXT.divide(d, 2), 2) for d in distinct}


def _count_text(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@private_context
def plan_titration(order: TitrationOrder, *, today: dt.date | None = None) -> TitrationResult:
    """The day-by-day schedule and the dispensing plan for ``order``.

    Capsule kits compute one capsule batch per strength through :func:`formulate_capsules`
    (each with its own BUD, warnings and trace); liquid and drops kits are planned by the
    liquid and drops preparations when they are available. The kit is compounded on its
    template's compounding date, else on ``today`` (the library's clock when not given),
    echoed as a default; no step may be above the maintenance dose.
    """
    kit = order.capsules or order.liquid or order.drops
    rec = Recorder(acknowledged=frozenset(kit.template.acknowledge if kit is not None else ()))
    per_day = _doses_per_day(order, None if kit is None else kit.template.doses_per_day, rec)
    _check_protocol(order, rec)
    plans = _step_plans(order)
    _check_step_doses(order, per_day, rec)
    _check_steps_below_maintenance(order)
    _check_start(order, today, rec)
    made = _kit_compounded_on(order, today, rec)
    schedule = _schedule(plans, per_day)
    rec.step(
        "schedule",
        "days in the kit: every step's days plus the maintenance days supplied",
        "days = sum(step days) + maintenance days",
        Quantity(len(schedule), Unit.DAY),
        steps=Quantity(len(order.steps), Unit.ONE),
        maintenance_days=Quantity(order.maintenance_days, Unit.DAY),
    )
    _check_progression(order, rec)
    dispensed = _unused_in_kit(
        _dispensed(
            _KitContext(order=order, plans=plans, per_day=per_day, rec=rec, today=today, made=made)
        ),
        rec,
    )
    warn_unused(rec, also=(w for batch in dispensed.batches for w in batch.warnings))
    return TitrationResult(
        **stamp(TITRATION_SCHEMA),
        order=order,
        doses_per_day=per_day,
        schedule=schedule,
        steps=plans,
        **attrs.asdict(dispensed, recurse=False),
        **rec.provenance(),
    )


def _check_protocol(order: TitrationOrder, rec: Recorder) -> None:
    """Refuse an unknown protocol; warn that a known one's steps come from its template, and
    that they stop below its target where the prescribed maintenance dose is lower."""
    if order.protocol is None:
        return
    protocol = PROTOCOLS.get(order.protocol)
    if protocol is None:
        raise InputError.about(
            "protocol",
            order.protocol,
            "is not a known protocol",
            f"one of {', '.join(PROTOCOLS)}",
        )
    rec.warn(
        "protocol-template",
        f"The steps come from the template {order.protocol!r}, confirmed by the caller as the prescriber's order.",
        "protocol",
    )
    if order.maintenance < Quantity(protocol.target, Unit.MG):
        rec.warn(
            "protocol-below-target",
            f"The kit titrates to the prescribed maintenance dose of {order.maintenance}, below "
            f"the template's own target of {plain(protocol.target)} mg: its steps stop below it.",
            "maintenance",
        )


def _check_steps_below_maintenance(order: TitrationOrder) -> None:
    """Refuse a step above the maintenance dose (``step-above-maintenance``): a kit titrates
    up to the prescribed dose and never past it. For a template's steps the maintenance dose
    is named (the template was not stopped below it); otherwise the step."""
    for i, s in enumerate(order.steps):
        if s.dose <= order.maintenance:
            continue
        protocol = PROTOCOLS.get(order.protocol or "")
        if protocol is not None:
            raise InputError.about(
                "maintenance",
                str(order.maintenance),
                f"is below the step of {s.dose} taken from the template {order.protocol!r} "
                f"(its target is {plain(protocol.target)} mg), so the kit would step above the "
                "prescribed dose",
                "the template's steps stopped below the maintenance dose (protocol_steps with "
                "maintenance=), or the template's target",
                code="step-above-maintenance",
            )
        raise InputError.about(
            f"steps[{i}].dose",
            str(s.dose),
            f"is above the maintenance dose of {order.maintenance}, so the kit would step above "
            "the prescribed dose",
            "every step's dose at most the maintenance dose (a dose reduction is a new "
            "prescription, not a titration kit)",
            code="step-above-maintenance",
        )


def _check_progression(order: TitrationOrder, rec: Recorder) -> None:
    """Warn where a step's dose goes down."""
    for a, b in itertools.pairwise(order.steps):
        if b.dose < a.dose:
            rec.warn(
                "dose-decreases",
                f"The dose goes down from {a.dose} to {b.dose}; check the steps.",
                "steps",
            )


@attrs.frozen(kw_only=True)
class _Dispensed:
    """What a kit dispenses (the result's fields of that name): capsule containers and
    batches, or a liquid's or drops' concentration, directions and fills."""

    containers: tuple[KitContainer, ...] = ()
    capsule_batches: tuple[CapsuleResult, ...] = ()
    concentration: Quantity | None = None
    directions: tuple[KitDirection, ...] = ()
    fills: tuple[KitFill, ...] = ()
    liquid_fills: tuple[LiquidResult, ...] = ()
    drops_fills: tuple[DropsResult, ...] = ()

    @property
    def batches(self) -> tuple[CapsuleResult | LiquidResult | DropsResult, ...]:
        return (*self.capsule_batches, *self.liquid_fills, *self.drops_fills)


_Batch = TypeVar("_Batch", CapsuleResult, LiquidResult, DropsResult)


def _unused_in_kit(dispensed: _Dispensed, rec: Recorder) -> _Dispensed:
    """``dispensed`` with each batch's ``acknowledgement-unused`` warning naming only the
    codes no check of the kit fired (the kit's own or any batch's), in its place, or left
    out when the kit used them all: a kit's acknowledgements are used if any step uses them
    (the 4.5 mg batch of a kit whose 9 mg step is two of its capsules does not call the
    template's ``dose-above-range`` unused, though checked on its own it fires nothing)."""
    kit = (*rec.warnings, *(w for b in dispensed.batches for w in b.warnings))
    fired = [w for w in kit if w.code != UNUSED]

    def used(batch: _Batch) -> _Batch:
        warning = unused_warning(batch.order.acknowledge, fired)
        kept = (warning if w.code == UNUSED else w for w in batch.warnings)
        return attrs.evolve(batch, warnings=tuple(w for w in kept if w is not None))

    return attrs.evolve(
        dispensed,
        capsule_batches=tuple(used(b) for b in dispensed.capsule_batches),
        liquid_fills=tuple(used(b) for b in dispensed.liquid_fills),
        drops_fills=tuple(used(b) for b in dispensed.drops_fills),
    )


@attrs.frozen(kw_only=True)
class _KitContext:
    """What a kit of any form is planned with: the order and its steps' plans, the doses a
    day, the recorder, today (``None``: the library's clock) and the day the kit is
    compounded."""

    order: TitrationOrder
    plans: tuple[StepPlan, ...]
    per_day: Decimal
    rec: Recorder
    today: dt.date | None
    made: dt.date


def _dispensed(ctx: _KitContext) -> _Dispensed:
    order = ctx.order
    if order.form is KitForm.CAPSULES:
        containers, batches = _capsule_kit(ctx)
        return _Dispensed(containers=tuple(containers), capsule_batches=tuple(batches))
    liquid = order.form is KitForm.LIQUID
    steps_of = _liquid_directions if liquid else _drops_directions
    concentration, directions = steps_of(order, ctx.plans, ctx.per_day, ctx.rec)
    fills, results = _fills(ctx, concentration, directions)
    return _Dispensed(
        concentration=concentration,
        directions=directions,
        fills=fills,
        liquid_fills=tuple(results) if liquid else (),
        drops_fills=() if liquid else tuple(results),
    )


#: A kit may start at most this long after today: it is compounded ahead of its first day,
#: but a start months away is most likely a mistyped month or year (library policy) [D][U].
KIT_START_HORIZON = dt.timedelta(days=30)


def _check_start(order: TitrationOrder, today: dt.date | None, rec: Recorder) -> None:
    """Refuse a kit starting more than :data:`KIT_START_HORIZON` after today unless the kit's
    template acknowledges ``compounded-on-future`` (``rec`` holds its acknowledgements)."""
    now = today or _clock.today()
    if order.start <= now + KIT_START_HORIZON:
        return
    COMPOUNDED_ON_FUTURE.refuse(
        rec,
        "start",
        order.start.isoformat(),
        f"is more than {KIT_START_HORIZON.days} days after today ({now.isoformat()})",
        "the kit's first day",
    )


def _planned(today: dt.date | None, day: dt.date) -> dt.date:
    """The day a kit's batch or fill is checked against: today, or the later day it is
    planned for (a kit is compounded fill by fill, so its later fills are dated ahead)."""
    return max(today or _clock.today(), day)


def _doses_per_day(order: TitrationOrder, template: Decimal | None, rec: Recorder) -> Decimal:
    """The kit's doses a day: the order's, else its template's (what ``liquid``, ``drops`` or
    ``capsules`` would use for the same order), else once daily; refused when the two differ."""
    per_day = order.doses_per_day
    if per_day is not None and template is not None and per_day != template:
        raise InputError.about(
            "doses_per_day",
            plain(per_day),
            f"differs from the template's {plain(template)} doses a day",
            "one number of doses a day: the same on the kit and its template, or only one of them",
            code="doses-per-day-disagree",
        )
    if per_day is not None:
        return per_day
    if template is not None:
        rec.default("doses_per_day", plain(template), "the kit's template order (doses_per_day)")
        return template
    rec.default(
        "doses_per_day",
        "1",
        "LDN is taken once daily unless the prescriber says otherwise (domain.md §7) [S]",
    )
    return ONE


_Kit = TypeVar("_Kit", bound="CapsuleKit | LiquidKit | DropsKit")


def _given(kit: _Kit | None, order: TitrationOrder) -> _Kit:
    """The order's kit of its form, which the order's validation makes sure is given."""
    if kit is None:  # pragma: no cover - validated on the order
        raise AssertionError(order)
    return kit


def _check_step_doses(order: TitrationOrder, per_day: Decimal, rec: Recorder) -> None:
    """Guard every step's dose, the maintenance dose and their daily totals.

    The strengths compounded do not show them all (a 9 mg step may be two 4.5 mg capsules, a
    liquid fill is checked at its highest dose only), so each dose the prescriber ordered is
    checked against the drug's profile, with the acknowledgements of the kit's template order.
    """
    kits: dict[KitForm, CapsuleKit | LiquidKit | DropsKit | None] = {
        KitForm.CAPSULES: order.capsules,
        KitForm.LIQUID: order.liquid,
        KitForm.DROPS: order.drops,
    }
    kit = _given(kits[order.form], order)
    template = kit.template
    drug = template.source.drug
    basis = template.dose_basis or drug.default_basis
    doses = [(f"steps[{i}].dose", s.dose) for i, s in enumerate(order.steps)]
    for field, dose in [*doses, ("maintenance", order.maintenance)]:
        check_dose(
            drug,
            dose,
            basis,
            doses_per_day=per_day,
            acknowledge=frozenset(template.acknowledge),
            rec=rec,
            field=field,
        )
        if drug.profile is None:
            break  # one "no dose-range check" warning for the kit, not one per step


def _capsule_kit(ctx: _KitContext) -> tuple[list[KitContainer], list[CapsuleResult]]:
    order, plans, per_day, rec = ctx.order, ctx.plans, ctx.per_day, ctx.rec
    kit = _given(order.capsules, order)
    strategy = kit.strategy
    if strategy is None:
        strategy = KitStrategy.FEWEST_BATCHES
        rec.default(
            "capsules.strategy",
            strategy.value,
            "fewest strengths, each dose one or two capsules of one strength [D]",
        )
    mg_doses = [p.dose.m_as(Unit.MG) for p in plans]
    assignment = choose_strengths(mg_doses, strategy)
    containers: list[KitContainer] = []
    per_strength: dict[Decimal, int] = {}
    last_use: dict[Decimal, dt.date] = {}
    for p in plans:
        strength, n = assignment[p.dose.m_as(Unit.MG)]
        container = _container(p, strength, n, per_day, len(plans), rec)
        containers.append(container)
        per_strength[strength] = per_strength.get(strength, 0) + container.units
        last_use[strength] = max(last_use.get(strength, p.end), p.end)
    return containers, _capsule_batches(kit, ctx.made, per_strength, last_use, rec, ctx.today)


def _container(
    p: StepPlan, strength: Decimal, n: int, per_day: Decimal, total_steps: int, rec: Recorder
) -> KitContainer:
    """Step ``p``'s labelled container: ``n`` capsules of ``strength`` mg a dose."""
    days = p.last_day - p.first_day + 1
    count = int(n * days * per_day.to_integral_value(rounding="ROUND_CEILING"))
    if per_day != per_day.to_integral_value():
        raise InputError.about(
            "doses_per_day",
            str(per_day),
            "is not a whole number",
            "whole doses a day for a capsule kit",
        )
    label = (
        f"Step {p.number} of {total_steps}{' (maintenance)' if p.maintenance else ''}: days {p.first_day}-"
        f"{p.last_day}, {p.start.isoformat()} to {p.end.isoformat()}"
    )
    directions = (
        f"Take {_count_text(n, 'capsule')} ({plain(p.dose.magnitude)} {p.dose.unit.display}) by mouth "
        f"{_frequency(per_day)}."
    )
    rec.step(
        f"container-{p.number}",
        f"step {p.number}: {n} x {plain(strength)} mg capsules per dose for {days} days",
        "capsules = units per dose x days x doses per day",
        Quantity(count, Unit.CAPSULE),
        dose=p.dose,
        strength=Quantity(strength, Unit.MG),
    )
    return KitContainer(
        step=p.number,
        label=label,
        strength=Quantity(strength, Unit.MG).to(p.dose.unit),
        units_per_dose=n,
        units=count,
        start=p.start,
        end=p.end,
        directions=directions,
    )


def _capsule_batches(
    kit: CapsuleKit,
    made: dt.date,
    per_strength: dict[Decimal, int],
    last_use: dict[Decimal, dt.date],
    rec: Recorder,
    today: dt.date | None,
) -> list[CapsuleResult]:
    """One capsule batch per strength, each compounded on the kit's compounding date
    ``made`` (its BUD counted from that day) and warned about when its BUD passes before the
    last day its capsules are used."""
    batches: list[CapsuleResult] = []
    for strength in sorted(per_strength):
        template = kit.template
        batch_order = attrs.evolve(
            template,
            dose=Quantity(strength, Unit.MG).to(template.dose.unit),
            count=per_strength[strength],
            compounded_on=made,
            doses_per_day=None,
            acknowledge=template.acknowledge,
        )
        result = formulate_capsules(batch_order, today=_planned(today, made))
        batches.append(result)
        if result.bud.date < last_use[strength]:
            rec.warn(
                "kit-step-beyond-bud",
                f"The {plain(strength)} mg capsules are used until {last_use[strength].isoformat()} but their BUD is "
                f"{result.bud.date.isoformat()}; compound that strength later or in two batches.",
                "capsules",
            )
    return batches


def _frequency(per_day: Decimal) -> str:
    return "once daily" if per_day == 1 else f"{plain(per_day)} times a day"


def _days_text(p: StepPlan) -> str:
    return f"days {p.first_day}-{p.last_day} ({p.start.isoformat()} to {p.end.isoformat()})"


def _syringes(kit: LiquidKit) -> list[MeasuringDevice]:
    if kit.syringes:
        return sorted(kit.syringes, key=lambda d: (d.cap, d.step))
    if kit.template.syringe is not None:
        return [kit.template.syringe]
    return sorted(
        (d for d in DEVICES if d.kind is DeviceKind.ORAL_SYRINGE), key=lambda d: (d.cap, d.step)
    )


def _liquid_directions(
    order: TitrationOrder, plans: tuple[StepPlan, ...], per_day: Decimal, rec: Recorder
) -> tuple[Quantity, tuple[KitDirection, ...]]:
    kit = _given(order.liquid, order)
    template = kit.template
    fraction = (template.measurable_fraction or MEASURABLE_FRACTION).m_as(Unit.PERCENT)
    syringes = _syringes(kit)
    given = kit.concentration or template.concentration
    candidates = (
        [given.m_as(Unit.MG_PER_ML)] if given is not None else [Decimal(1), *CONCENTRATIONS]
    )
    doses = [p.dose.m_as(Unit.MG) for p in plans]

    def fit(c: Decimal) -> list[MeasuringDevice] | None:
        chosen = []
        for d in doses:
            volume = CONTEXT.divide(d, c)
            found = next((s for s in syringes if s.measures(volume, fraction)), None)
            if found is None:
                return None
            chosen.append(found)
        return chosen

    for c in candidates:
        devices = fit(c)
        if devices is not None:
            break
    else:
        _refuse_unmeasurable(plans, candidates, given is not None, syringes, fraction)
    if given is None:
        rec.default(
            "liquid.concentration",
            Quantity(c, Unit.MG_PER_ML),
            "1 mg/mL (the usual LDN liquid, domain.md §6.1) unless a step's volume is not measurable, "
            "then the first of the concentration ladder that measures every step [D]",
        )
    if len({d.name for d in devices}) > 1:
        rec.warn(
            "kit-two-syringes",
            "The steps need more than one oral syringe; each step's directions name the syringe to use.",
            "liquid.template.syringe",
        )
    out = []
    for p, dev in zip(plans, devices, strict=True):
        volume = Quantity(CONTEXT.divide(p.dose.m_as(Unit.MG), c), Unit.ML)
        text = (
            f"Step {p.number}, {_days_text(p)}: take {plain(volume.magnitude)} mL ({plain(p.dose.magnitude)} "
            f"{p.dose.unit.display}) by mouth {_frequency(per_day)}, measured with the {dev.name}."
        )
        out.append(_direction(p, volume, None, dev.name, dev, text))
        rec.step(
            f"step-volume-{p.number}",
            f"step {p.number}: volume of one dose",
            "V = dose / concentration",
            volume,
            dose=p.dose,
            concentration=Quantity(c, Unit.MG_PER_ML),
        )
    return Quantity(c, Unit.MG_PER_ML), tuple(out)


def _refuse_unmeasurable(
    plans: tuple[StepPlan, ...],
    candidates: list[Decimal],
    given: bool,
    syringes: list[MeasuringDevice],
    fraction: Decimal,
) -> NoReturn:
    """Refuse a liquid kit no concentration measures, naming the steps that cannot be measured
    at the closest concentration (the given one, else the ladder's that measures the most
    steps) and what would fix it (probe finding P8: never a value nobody wrote)."""

    def unmeasured(c: Decimal) -> list[StepPlan]:
        return [
            p
            for p in plans
            if not any(
                s.measures(CONTEXT.divide(p.dose.m_as(Unit.MG), c), fraction) for s in syringes
            )
        ]

    candidates = list(dict.fromkeys(candidates))
    closest = min(candidates, key=lambda c: len(unmeasured(c)))  # ties: the ladder's order
    each = [
        f"step {p.number} ({p.dose}) is {significant(CONTEXT.divide(p.dose.m_as(Unit.MG), closest))} mL"
        for p in unmeasured(closest)
    ]
    steps = " and ".join([", ".join(each[:-1]), each[-1]] if len(each) > 1 else each)
    held = ", ".join(s.name for s in dict.fromkeys(syringes))
    where = (
        f"no concentration of the ladder ({', '.join(plain(c) for c in candidates)} mg/mL) "
        f"measures every step; at the closest, {plain(closest)} mg/mL, "
        if not given
        else ""
    )
    raise FormulationError.about(
        "liquid.concentration" if given else "steps",
        f"{plain(closest)} mg/mL" if given else ", ".join(str(p.dose) for p in unmeasured(closest)),
        f"{'does not measure every step' if given else 'cannot be measured'}: {where}{steps}, "
        "not a graduation at "
        f"{plain(fraction)} % or more of the capacity of any oral syringe of the kit ({held})",
        "the kit's concentration set to one that puts every step's volume on a graduation, an "
        "oral syringe of the kit with that volume on its scale, or a capsule or drops kit",
        code="kit-volume-not-measurable",
    )


def _direction(
    p: StepPlan,
    volume: Quantity,
    drops: int | None,
    device: str,
    device_spec: MeasuringDevice | None,
    text: str,
) -> KitDirection:
    """A liquid or drops kit's directions for step ``p``."""
    return KitDirection(
        step=p.number,
        dose=p.dose,
        volume=volume,
        drops=drops,
        device=device,
        device_spec=device_spec,
        start=p.start,
        end=p.end,
        text=text,
    )


def _decimal_gcd(values: list[Decimal]) -> Decimal:
    places = max(max(0, -int(v.normalize().as_tuple().exponent)) for v in values)
    scale = Decimal(10) ** places
    ints = [int(v * scale) for v in values]
    return Decimal(math.gcd(*ints)) / scale


def _drops_directions(
    order: TitrationOrder, plans: tuple[StepPlan, ...], per_day: Decimal, rec: Recorder
) -> tuple[Quantity, tuple[KitDirection, ...]]:
    kit = _given(order.drops, order)
    template = kit.template
    calibration = template.calibration
    if calibration is None:
        raise InputError.about(
            "drops.template.calibration",
            None,
            "is missing: a drops kit needs the calibration of the dropper dispensed",
            "a dropper calibrated with the preparation",
            code="uncalibrated-dropper",
        )
    cap = template.max_drops or MAX_DROPS
    doses = [p.dose.m_as(Unit.MG) for p in plans]
    per_drop = _decimal_gcd(doses)
    if template.dose_per_drop is not None:  # the template's own choice (probe3 Q22)
        per_drop = _template_per_drop(template.dose_per_drop, doses, cap)
    if max(doses) / per_drop > cap:
        raise FormulationError.about(
            "steps",
            ", ".join(plain(d) for d in doses),
            f"cannot all be whole drops of one strength within {cap} drops per dose",
            "steps whose doses share a larger common amount, or a capsule or liquid kit",
            code="kit-drops-not-whole",
        )
    per_ml = calibration.per_ml
    c = per_drop * per_ml
    rec.step(
        "kit-per-drop",
        "strength per drop: the largest amount every step's dose is a whole number of drops of",
        "per drop = gcd(step doses); concentration = per drop x drops per mL",
        Quantity(c, Unit.MG_PER_ML),
        per_drop=Quantity(per_drop, Unit.MG_PER_DROP),
        drops_per_ml=calibration.drops_per_ml,
    )
    out = []
    for p in plans:
        n = int(p.dose.m_as(Unit.MG) / per_drop)
        volume = Quantity(CONTEXT.divide(Decimal(n), per_ml), Unit.ML)
        word = "drop" if n == 1 else "drops"
        text = (
            f"Step {p.number}, {_days_text(p)}: place {n} {word} ({plain(p.dose.magnitude)} {p.dose.unit.display}) "
            f"under the tongue {_frequency(per_day)}."
        )
        out.append(_direction(p, volume, n, calibration.dropper, None, text))
    return Quantity(c, Unit.MG_PER_ML), tuple(out)


def _template_per_drop(given: Quantity, doses: list[Decimal], cap: int) -> Decimal:
    """The template's dose per drop as the kit's strength per drop: every step's dose must
    be a whole number of its drops, within ``cap`` drops."""
    per_drop = given.m_as(Unit.MG)
    off = [d for d in doses if per_drop <= 0 or (d / per_drop) % 1 != 0 or d / per_drop > cap]
    if off:
        raise InputError.about(
            "drops.template.dose_per_drop",
            str(given),
            f"does not make every step's dose a whole number of drops within {cap} drops "
            f"(not {', '.join(plain(d) for d in off)} mg)",
            f"a dose per drop that divides every step's dose, such as "
            f"{plain(_decimal_gcd(doses))} mg, or none (the kit then chooses it)",
            code="dose-per-drop-not-whole",
        )
    return per_drop


def _kit_compounded_on(order: TitrationOrder, today: dt.date | None, rec: Recorder) -> dt.date:
    """The day the kit is compounded, the same rule for every kit form: its template's
    compounding date, else today (echoed as a default, :func:`compounding_date`). Every
    capsule batch and the first liquid or drops fill are made that day; it may not be after
    the kit's start (``compounded-after-start``: the first doses would be taken before they
    are made)."""
    kit = _given(order.capsules or order.liquid or order.drops, order)
    given = kit.template.compounded_on
    made = compounding_date(given, today, rec)
    if made <= order.start:
        return made
    if given is not None:
        raise InputError.about(
            "compounded_on",
            made.isoformat(),
            f"is after the kit's start ({order.start.isoformat()}), so its first doses would be "
            "taken before they are made",
            "a compounding date on or before the start",
            code="compounded-after-start",
        )
    raise InputError.about(
        "start",
        order.start.isoformat(),
        f"is before today ({made.isoformat()}), the day the kit is compounded (no compounding "
        "date given), so its first doses would be taken before they are made",
        "a start on or after the day the kit is compounded",
        code="compounded-after-start",
    )


def _fills(
    ctx: _KitContext, concentration: Quantity, directions: tuple[KitDirection, ...]
) -> tuple[tuple[KitFill, ...], list[Any]]:
    """Split the kit into fills, each used within its BUD: the first compounded on the
    kit's compounding date ``ctx.made``, the others on their first day."""
    order, plans, per_day, rec, made = ctx.order, ctx.plans, ctx.per_day, ctx.rec, ctx.made
    template: LiquidOrder | DropsOrder = (
        order.liquid.template if order.liquid is not None else order.drops.template  # type: ignore[union-attr]
    )
    kit = _FillKit(
        order=order,
        template=template,
        formulate=formulate_liquid if order.liquid is not None else formulate_drops,
        per_day=per_day,
        concentration=concentration,
        daily={day: p for p in plans for day in range(p.first_day, p.last_day + 1)},
        devices={d.step: d.device_spec for d in directions if d.device_spec is not None},
        made_first=made,
        made_given=template.compounded_on is not None,
        today=ctx.today,
    )
    total_days = plans[-1].last_day
    fills: list[KitFill] = []
    results: list[Any] = []
    first = 1
    planned: list[int] = []
    while first <= total_days:
        left = total_days - first + 1
        want = planned.pop(0) if planned else left
        fill = _fitted_fill(kit, first, want)
        got = fill.last - first + 1
        if got < want:
            # its BUD allows fewer days than planned (the first fill's days are learnt this
            # way): the days left are split as equal as whole days allow within the BUD, as a
            # plain liquid's supply is (probe finding P9: no 2-day last fill); the fills after
            # the first are made on their first day of use, so have all their BUD's days
            most = fill.result.bud.days if first == 1 else got
            planned = _split(left, got, most)
            if planned[0] != got:
                fill = _fitted_fill(kit, first, planned[0])
            planned.pop(0)
        number = len(fills) + 1
        fills.append(
            KitFill(
                number=number,
                first_day=first,
                last_day=fill.last,
                start=fill.start,
                end=fill.start + dt.timedelta(days=fill.last - first),
                steps=fill.steps,
                volume=fill.volume,
                directions=" ".join(d.text for d in directions if d.step in fill.steps),
            )
        )
        results.append(fill.result)
        rec.step(
            f"fill-{number}",
            f"fill {number}: days {first}-{fill.last}, compounded {fill.made.isoformat()}, within its BUD",
            "volume = sum(daily dose) / concentration over the fill's days",
            fill.volume,
            bud_days=Quantity(fill.result.bud.days, Unit.DAY),
        )
        first = fill.last + 1
    _warn_first_fill_short(fills, made, rec)
    if len(fills) > 1:
        rec.warn(
            "kit-split-into-fills",
            f"The kit is dispensed in {len(fills)} fills, each compounded on its first day (the "
            "first on its compounding date), so that every fill is used within its beyond-use date.",
            "form",
        )
    return tuple(fills), results


def _warn_first_fill_short(fills: list[KitFill], made: dt.date, rec: Recorder) -> None:
    """``first-fill-short`` when the first fill, compounded before the kit starts, covers
    fewer than half the days of the fill after it: its BUD runs from its compounding date, so days before
    the start are lost (probe3 Q14: made 13 days ahead, a 1-day first fill)."""
    if len(fills) < 2:
        return
    first, second = fills[0], fills[1]
    ahead = (first.start - made).days
    days = first.last_day - first.first_day + 1
    if ahead <= 0 or 2 * days >= second.last_day - second.first_day + 1:
        return  # made on its start, or at least half a full fill: no bottle for a dose or two
    rec.warn(
        "first-fill-short",
        f"Fill 1 covers only {days} day(s) ({first.start.isoformat()} to "
        f"{first.end.isoformat()}): compounded on {made.isoformat()}, {ahead} day(s) before the "
        f"kit starts, its beyond-use date is counted from then; compound it on or near "
        f"{first.start.isoformat()} for a full first fill.",
        "start",
    )


@attrs.frozen(kw_only=True)
class _FillKit:
    """What every fill of a liquid or drops kit is made from."""

    order: TitrationOrder
    template: LiquidOrder | DropsOrder
    formulate: Callable[..., Any]
    per_day: Decimal
    concentration: Quantity
    #: the step of each day of the kit, and the syringe of each step (a liquid kit)
    daily: dict[int, StepPlan]
    devices: dict[int, MeasuringDevice]
    made_first: dt.date
    #: whether the template gave the compounding date (else it is today's, a default)
    made_given: bool
    today: dt.date | None


@attrs.frozen(kw_only=True)
class _Fill:
    """One fill: its last day of the kit, first day of use, compounding date, steps, volume
    and the result of its order."""

    last: int
    start: dt.date
    made: dt.date
    steps: tuple[int, ...]
    volume: Quantity
    result: Any


def _split(days: int, head_most: int, most: int) -> list[int]:
    """``days`` split into the fewest fills, the first of at most ``head_most`` days (a fill
    made before its first day of use has fewer) and the others of at most ``most``, as equal
    as whole days allow (:func:`as_equal`), the rule a plain liquid's supply is split by."""
    count = 1 + max(0, -(-(days - head_most) // max(most, 1)))
    head = min(head_most, as_equal(days, count)[0])
    return [head, *as_equal(days - head, count - 1)] if count > 1 else [days]


def _fitted_fill(kit: _FillKit, first: int, length: int) -> _Fill:
    """The fill from day ``first``: the days left, else as many as its BUD allows."""
    for _ in range(4):
        fill, usable = _fill(kit, first, length)
        if usable >= length:
            return fill
        length = usable
    raise FormulationError(  # pragma: no cover - the BUD length is stable once the fill fits
        "the kit's fills do not converge", field="form", code="kit-fills"
    )


def _fill(kit: _FillKit, first: int, length: int) -> tuple[_Fill, int]:
    """The fill of days ``first`` to ``first + length - 1``, and its days of use within its BUD."""
    order = kit.order
    days = range(first, first + length)
    drug = sum((kit.daily[d].dose.m_as(Unit.MG) * kit.per_day for d in days), Decimal(0))
    volume = Quantity(CONTEXT.divide(drug, kit.concentration.m_as(Unit.MG_PER_ML)), Unit.ML)
    start = order.start + dt.timedelta(days=first - 1)
    # fill 1 is made when the template says (before the kit starts), the others on
    # their first day; a fill made early has that many fewer days of use
    made = kit.made_first if first == 1 else start
    top = max((kit.daily[d] for d in days), key=lambda p: p.dose.m_as(Unit.MG))
    extra: dict[str, Any] = {}
    if order.liquid is not None:
        extra["syringe"] = kit.devices[top.number]
    fill_order = attrs.evolve(
        kit.template,
        **extra,
        dose=top.dose,
        doses_per_day=kit.per_day,
        days_supply=None,
        volume=volume,
        concentration=kit.concentration,
        compounded_on=made,
    )
    result = kit.formulate(fill_order, today=_planned(kit.today, made))
    usable = result.bud.days - (start - made).days
    if usable < 1 and kit.made_given:
        raise InputError.about(
            "compounded_on",
            made.isoformat(),
            f"is so early that the first fill's BUD ({result.bud.date.isoformat()}) "
            f"passes before the kit starts ({start.isoformat()})",
            "a compounding date closer to the start",
            code="bud-before-start",
        )
    if usable < 1:
        raise InputError.about(
            "start",
            start.isoformat(),
            f"is so late that the first fill, compounded today ({made.isoformat()}), reaches "
            f"its BUD ({result.bud.date.isoformat()}) before the kit starts",
            "a start within the first fill's BUD, or the day the first fill will really be "
            "compounded as the compounding date (acknowledged as 'compounded-on-future' when "
            "more than a day ahead)",
            code="bud-before-start",
        )
    steps = tuple(sorted({kit.daily[d].number for d in days}))
    fill = _Fill(
        last=first + length - 1, start=start, made=made, steps=steps, volume=volume, result=result
    )
    return fill, usable


# a kit is made from a TitrationOrder object, not an order document of its own (the class
# has no SCHEMA); its labels are one per container (build_kit_labels), and it has no
# compounding record of its own
PREPARATION = register(
    Preparation(
        name="titration",
        formulate=plan_titration,
        worksheet="._worksheet:_titration",
        recompute=lambda kit: plan_titration(kit.order, today=kit.batches[0].bud.compounded_on),
    )
)
