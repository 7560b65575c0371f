"""What every solid preparation made from a weighed powder shares (capsules, troches, RDTs).

The steps a pharmacist follows for both: resolve the defaults (each echoed with its source),
guard the dose, size the batch with its overage, plan the weighings, crush the tablets,
triturate, check the weights, label the allergens and assign the beyond-use date. The
order, result and ingredient classes share their common fields from one base each
(:class:`SolidOrder`, :class:`SolidResult`, :class:`SolidIngredient`; :func:`placing` keeps
each class's field order), and the label and master-record facts are written here once. The
preparations keep only what is theirs (capsule capacity and fill; mold, base and displacement).

Policy defaults live in :data:`POLICY`: one value and one cited source each.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeAlias, TypeVar

import attrs

from . import _bud
from ._bud import (
    BeyondUseDate,
    BudCategory,
    BudStart,
    DayCount,
    Storage,
    StudyBud,
    assign_bud,
    check_supply,
)
from ._dose import acknowledgements, check_dose, warn_unused
from ._drug import Drug
from ._errors import FormulationError, InputError
from ._numbers import (
    CONTEXT,
    HUNDRED,
    ONE,
    ZERO,
    ceil_int,
    fixed,
    places_of,
    plain,
    round_to,
    significant,
)
from ._qc import WeightWindow
from ._sources import Component, Source, TabletSource, TriturationStock
from ._supplied import ProfileFigure, echo_from_profile, from_profile_field, profile_figures_field
from ._trace import DefaultUsed, Recorder, ResultWarning, Step, stamp
from ._units import Dimension, Quantity, Unit
from ._validate import (
    OMITTABLE,
    check_doses_per_day,
    check_one_day,
    mass_field,
    percent_field,
    qfield,
    text_field,
)
from ._vocabulary import MasterFacts, PreparationFacts
from ._weighing import (
    Balance,
    SolidPlan,
    TracedPlan,
    balance_or_class_iii,
    check_capacity,
    check_ratio,
    plan_solid_mg,
)


@attrs.frozen
class Policy:
    """A policy default: its value and the source it is cited from."""

    value: Quantity
    source: str


_NRF_OVERAGE = (
    "NRF/DAC Rechenhilfen practice: 10 % extra for actives under 20 mg per unit, otherwise "
    "5 % (anchors.md §2 and §4.5) [S]"
)

#: Every policy default of the solid preparations, with its cited source. ``{units}`` in a
#: source is the preparation's word for its units ("capsules", "units").
POLICY: dict[str, Policy] = {
    "overage.capsules.under-20-mg": Policy(
        Quantity(Decimal(10), Unit.PERCENT),
        _NRF_OVERAGE,
    ),
    "overage.capsules": Policy(
        Quantity(Decimal(5), Unit.PERCENT),
        _NRF_OVERAGE,
    ),
    "overage.troches": Policy(
        Quantity(Decimal(7), Unit.PERCENT),
        "Medisca blank RDT formula: an excess of 5-9 % of every ingredient for processing losses "
        "(domain.md §4.4, §6.4) [V]; 7 %, the middle of that range, chosen by the library [D]",
    ),
    "weight_window.capsules": Policy(
        Quantity(Decimal(10), Unit.PERCENT),
        "each capsule 90-110 % of the theoretical fill weight (USP <795>; domain.md §4.6) [V]",
    ),
    "weight_window.troches": Policy(
        Quantity(Decimal(10), Unit.PERCENT),
        "each unit 90-110 % of the theoretical unit weight: the USP <795> weight-variation "
        "criterion for capsules (domain.md §4.6) [V], applied to molded units by the library [D]",
    ),
    "qc_sample": Policy(
        Quantity(10, Unit.ONE),
        "weigh 10 {units} individually, as in the USP weight-variation test [S]",
    ),
    "max_stage_mass": Policy(
        Quantity(Decimal(10), Unit.G),
        "largest trituration per stage: 10 g, a mortar-sized batch (library policy) [D]",
    ),
    "rounding_tolerance": Policy(
        Quantity(Decimal("0.5"), Unit.PERCENT),
        "weighings rounded to readability may move the dose by at most 0.5 % (library policy) [D]",
    ),
    "tablet_margin": Policy(
        Quantity(Decimal(5), Unit.PERCENT),
        "crush enough tablets to leave 5 % more powder than is weighed (library policy) [D]",
    ),
}

#: the QC sample as a whole number of units
QC_SAMPLE = int(POLICY["qc_sample"].value.magnitude)


def qc_sample_source(units: str) -> str:
    """The cited source of the QC sample, in the preparation's word for its units."""
    return POLICY["qc_sample"].source.format(units=units)


def plan_solid(
    needed: Quantity,
    *,
    balance: Balance | None = None,
    trituration_ratio: int | None = None,
    aliquot_mass: Quantity | None = None,
    mix_mass: Quantity | None = None,
    max_stage_mass: Quantity | None = None,
    material_name: str = "drug material",
    diluent_name: str = "diluent",
) -> TracedPlan[SolidPlan]:
    """How ``needed`` of a solid drug material is weighed: directly, or by trituration and
    aliquot (A / B = C / D, domain.md §5.3), every weighing at or above the balance minimum.

    ``trituration_ratio`` (every stage 1 in that ratio) and ``aliquot_mass`` are the
    pharmacist's choices: kept when every weighing rule holds, refused with the reason
    (:class:`InputError`) otherwise; without them the plan is the minimal one. ``mix_mass``
    is the finished mix (an aliquot may not be larger); ``None`` sets no such limit.
    ``balance`` defaults to a Class III prescription balance and ``max_stage_mass`` to the
    library's 10 g stage, both echoed in ``defaults``.
    """
    mass_field("needed")(None, None, needed)
    mass_field("aliquot_mass")(None, None, aliquot_mass)
    mass_field("mix_mass")(None, None, mix_mass)
    mass_field("max_stage_mass")(None, None, max_stage_mass)
    check_ratio(trituration_ratio)
    rec = Recorder()
    chosen = balance_or_class_iii(balance, rec)
    if max_stage_mass is None:
        policy = POLICY["max_stage_mass"]
        max_stage_mass = policy.value
        rec.default("max_stage_mass", max_stage_mass, policy.source)
    need = needed.m_as(Unit.MG)
    ratio = (
        Decimal("Infinity") if mix_mass is None else CONTEXT.divide(mix_mass.m_as(Unit.MG), need)
    )
    plan = plan_solid_mg(
        needed=need,
        final_ratio=ratio,
        balance=chosen,
        max_stage_mass=max_stage_mass.m_as(Unit.MG),
        material_name=material_name,
        diluent_name=diluent_name,
        rec=rec,
        ratio=trituration_ratio,
        aliquot=None if aliquot_mass is None else aliquot_mass.m_as(Unit.MG),
    )
    return TracedPlan.of(plan, rec)


# --- the order: fields and guards shared by the order classes -------------------------------


def ratio_validator(_i: object, _a: attrs.Attribute[int | None], value: int | None) -> None:
    """The pharmacist's trituration ratio (every stage 1 in that ratio), or ``None``."""
    check_ratio(value)


Fields: TypeAlias = "list[attrs.Attribute[Any]]"


def placing(
    first: tuple[str, ...] = (), **after: tuple[str, ...]
) -> Callable[[type, Fields], Fields]:
    """The field order of a class built on :class:`SolidOrder`, :class:`SolidResult` or
    :class:`SolidIngredient`: the class's own fields named in ``first``, then the fields of its
    base in the base's order, each followed by the own fields named for it
    (``source=("filler",)``); the own fields not named come last, as declared."""
    named = {*first, *(n for names in after.values() for n in names)}

    def transform(cls: type, fields: Fields) -> Fields:
        declared = inspect.get_annotations(cls)  # the class's own fields
        rank = {a.name: i for i, a in enumerate(_base_fields(cls))}
        own = {f.name: f for f in fields if f.name in declared}
        out: Fields = [own[n] for n in first]
        for f in sorted((f for f in fields if f.name not in declared), key=lambda f: rank[f.name]):
            out += [f, *(own[n] for n in after.get(f.name, ()))]
        return out + [f for f in fields if f.name in declared and f.name not in named]

    return transform


def _base_fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The fields of the nearest attrs class ``cls`` is built on, in that class's order."""
    for base in cls.__mro__[1:]:
        if attrs.has(base):
            return tuple(attrs.fields(base))
    return ()  # pragma: no cover - placing is used only on classes built on another


@attrs.frozen(kw_only=True)
class SolidOrder:
    """The fields every solid preparation's order has (capsules, troches): each order adds its
    own, placed among these by :func:`placing`. ``None`` means "use the stated default"."""

    dose: Quantity = qfield(Dimension.MASS)
    count: int
    source: Source
    dose_basis: str | None = None
    #: the overage of the whole batch: 0-100 %
    overage: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("overage", ZERO, Decimal(100)), default=None
    )
    balance: Balance | None = None
    compounded_on: dt.date | None = None
    storage: Storage | None = None
    day_count: DayCount | None = None
    study: StudyBud | None = None
    doses_per_day: Decimal | None = None
    qc_sample: int | None = None
    #: the largest trituration per stage
    max_stage_mass: Quantity | None = qfield(
        Dimension.MASS, mass_field("max_stage_mass"), default=None
    )
    # added in 0.2: documents written before may leave the pharmacist's dilution choices out
    trituration_ratio: int | None = attrs.field(
        default=None, validator=ratio_validator, metadata={OMITTABLE: True}
    )
    aliquot_mass: Quantity | None = qfield(
        Dimension.MASS, mass_field("aliquot_mass"), default=None, omittable=True
    )
    #: how far rounding may move the dose: 0.01-5 %
    rounding_tolerance: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("rounding_tolerance", Decimal("0.01"), Decimal(5)),
        default=None,
    )
    #: extra tablet powder to crush: 0-100 %
    tablet_margin: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("tablet_margin", ZERO, Decimal(100)), default=None
    )
    #: the warning codes the prescriber acknowledges
    acknowledge: tuple[str, ...] = attrs.field(default=(), validator=acknowledgements)
    #: the order's own reference (prescription number, ...)
    reference: str | None = attrs.field(default=None, validator=text_field("reference"))
    from_profile: tuple[str, ...] = from_profile_field()
    profile_figures: tuple[ProfileFigure, ...] = profile_figures_field()


def check_positive_dose(dose: object, example: str) -> None:
    """Refuse a dose that is not a positive mass (``example``: a mass such as ``'4.5 mg'``)."""
    if not isinstance(dose, Quantity):
        raise InputError.about("dose", dose, "is not a quantity", f"a mass such as {example}")
    dose.require(Dimension.MASS, "dose")
    if dose.magnitude <= 0:
        raise InputError.about(
            "dose", str(dose), "is not positive", "a dose greater than zero", code="zero"
        )


def check_dose_and_count(dose: object, count: object, *, count_expected: str, units: str) -> None:
    """Refuse a dose that is not a positive mass and a count that is not a plausible batch."""
    check_positive_dose(dose, "'4.5 mg'")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InputError.about("count", count, "is not a positive whole number", count_expected)
    if count > 10_000:
        raise InputError.about(
            "count",
            count,
            "is beyond a plausible batch",
            f"at most 10000 {units}",
            code="too-large",
        )


def check_daily_and_qc(
    count: int, doses_per_day: Decimal | None, qc_sample: int | None, *, units: str
) -> None:
    """Refuse doses per day a batch cannot supply, and a QC sample out of range."""
    check_doses_per_day(doses_per_day)
    check_one_day(count, doses_per_day, units)
    if qc_sample is not None and not (1 <= qc_sample <= 100):
        raise InputError.about(
            "qc_sample",
            qc_sample,
            "is out of range",
            f"1 to 100 {units}",
            code="out-of-range",
        )


# --- the drug's identity: one check for every preparation's other ingredients ----------------
# (the names and the check live with the drug, in _drug.py: liquids check their additives too)


def refuse_same_drug(why: str | None, field: str, name: str, *, what: str) -> None:
    """Refuse an other ingredient or additional active ``name`` that is the order's drug
    (``why``, from :func:`same_drug`): the unit would hold the dose twice, labelled once."""
    if why is not None:
        raise InputError.about(
            field,
            name,
            f"is {why}, already an active of this order ({what})",
            "another ingredient (each active once, a drug other than the built-in naltrexone "
            "given as a Drug object with its name and forms)",
            code="duplicate-active",
        )


# --- resolve the defaults and guard the dose -------------------------------------------------

T = TypeVar("T")


def resolve_basis(source: Source, basis: str | None, rec: Recorder) -> str:
    """Check a drug source and resolve its dose basis (echoed when defaulted)."""
    drug = source.drug
    source.check(rec)
    if basis is None:
        basis = drug.default_basis
        rec.default(
            "dose_basis", basis, f"doses are {drug.describe(basis)} unless the order says otherwise"
        )
    return basis


def guard_dose(order: SolidOrder, drug: Drug, dose: Quantity, basis: str, rec: Recorder) -> None:
    """The dose checks every active of an order runs (range, daily total, acknowledgements)."""
    check_dose(
        drug,
        dose,
        basis,
        doses_per_day=order.doses_per_day,
        acknowledge=frozenset(order.acknowledge),
        rec=rec,
    )


@attrs.frozen
class Settings:
    """The balance and the policy values a batch is planned with."""

    balance: Balance
    overage: Quantity
    tolerance: Quantity
    max_stage: Quantity
    trituration_ratio: int | None = None
    aliquot_mass: Quantity | None = None

    @property
    def least_mix(self) -> Decimal:
        """The smallest mix (mg) a batch is planned for: rounding its weighings to the
        readability moves the dose by at most the tolerance, and it weighs at least twice the
        balance minimum."""
        return max(self.balance.d / (2 * self.tolerance.m_as(Unit.ONE)), 2 * self.balance.m)

    def weighed(self, amount: Decimal) -> Decimal:
        """``amount`` (mg) as the balance weighs it: rounded to its readability."""
        return round_to(amount, self.balance.d)

    def off_tolerance(self, planned: Decimal, made: Decimal) -> bool:
        """Whether the rounded weighings move the dose by more than the tolerance: what the
        batch was planned as (``planned``) against what its weighings make (``made``)."""
        return abs(CONTEXT.divide(planned, made) - ONE) > self.tolerance.m_as(Unit.ONE)


def resolve_settings(
    order: SolidOrder, rec: Recorder, default_overage: Callable[[], Policy]
) -> Settings:
    """The balance, overage, rounding tolerance and largest stage: the order's, or the
    defaults, each echoed with its source (an assumed balance is also warned about)."""
    balance = balance_or_class_iii(order.balance, rec)
    overage = order.overage
    if overage is None:
        policy = default_overage()
        overage = policy.value
        rec.default("overage", overage, policy.source)
    return Settings(
        balance=balance,
        overage=overage,
        tolerance=_policy(rec, "rounding_tolerance", order.rounding_tolerance),
        max_stage=_policy(rec, "max_stage_mass", order.max_stage_mass),
        trituration_ratio=order.trituration_ratio,
        aliquot_mass=order.aliquot_mass,
    )


@attrs.define
class Run:
    """A formulation under way: its recorder, the dose basis, the settings and, once sized by
    :meth:`size`, the batch."""

    rec: Recorder
    basis: str
    settings: Settings
    batch: Quantity | None = None
    n_batch: int = 0

    def size(self, count: int, *, units: str, unit: Unit) -> Quantity:
        """Size the batch: the count plus the overage of the whole batch, rounded up."""
        self.batch, self.n_batch = size_batch(
            self.rec, count, self.settings.overage, units=units, unit=unit
        )
        return self.batch


OrderT = TypeVar("OrderT", bound=SolidOrder)


def begin(
    order: OrderT,
    own: Callable[[OrderT, Recorder], T],
    default_overage: Callable[[OrderT, str], Policy],
) -> tuple[Run, T]:
    """Start a formulation: the profile's values echoed, the drug source checked and the dose
    basis resolved, the preparation's ``own`` defaults, the dose guarded, then the balance and
    policy values (the overage from ``default_overage`` of the order and basis)."""
    rec = Recorder(acknowledged=frozenset(order.acknowledge))
    echo_from_profile(order, rec)
    basis = resolve_basis(order.source, order.dose_basis, rec)
    resolved = own(order, rec)
    guard_dose(order, order.source.drug, order.dose, basis, rec)
    settings = resolve_settings(order, rec, lambda: default_overage(order, basis))
    return Run(rec=rec, basis=basis, settings=settings), resolved


def _policy(rec: Recorder, name: str, given: Quantity | None) -> Quantity:
    policy = POLICY[name]
    value = given or policy.value
    if given is None:
        rec.default(name, value, policy.source)
    return value


# --- size the batch and plan the weighings ---------------------------------------------------


def size_batch(
    rec: Recorder, count: int, overage: Quantity, *, units: str, unit: Unit
) -> tuple[Quantity, int]:
    """Units to make: the count plus the overage of the whole batch, rounded up."""
    batch = rec.step(
        "batch-count",
        f"{units} to make: the count plus the overage of the whole batch, rounded up",
        "n_batch = ceil(count x (1 + overage))",
        Quantity(ceil_int(Decimal(count) * (ONE + overage.m_as(Unit.ONE))), unit),
        count=Quantity(count, unit),
        overage=overage,
    )
    return batch, int(batch.magnitude)


def material_needed(rec: Recorder, batch: Quantity, p: Decimal) -> Decimal:
    """Drug material the batch needs before any enlargement: ``n_batch x p``."""
    exact = Decimal(int(batch.magnitude)) * p
    rec.step(
        "material-needed",
        "drug material for the batch",
        "C = n_batch x p",
        Quantity(exact, Unit.MG),
        n_batch=batch,
        p=Quantity(p, Unit.MG),
    )
    return exact


def planner(
    settings: Settings, *, ratio: Decimal, material_name: str, diluent_name: str
) -> Callable[[Decimal, Recorder], SolidPlan]:
    """The weighing plan for an amount of material, traced into the given recorder."""

    def plan_for(need: Decimal, trace: Recorder) -> SolidPlan:
        return plan_solid_mg(
            needed=need,
            final_ratio=ratio,
            balance=settings.balance,
            max_stage_mass=settings.max_stage.m_as(Unit.MG),
            material_name=material_name,
            diluent_name=diluent_name,
            rec=trace,
            ratio=settings.trituration_ratio,
            aliquot=None if settings.aliquot_mass is None else settings.aliquot_mass.m_as(Unit.MG),
        )

    return plan_for


def converge(
    need: Decimal, attempt: Callable[[Decimal], tuple[Decimal, T | None]], *, attempts: int = 8
) -> tuple[Decimal, T]:
    """Try plans for ``need`` until one is accepted: ``attempt`` returns the need to try next
    and ``None``, or the need and what the accepted plan makes."""
    for _attempt in range(attempts):
        need, made = attempt(need)
        if made is not None:
            return need, made
    # the loop converges for every balance the validators accept
    raise FormulationError(  # pragma: no cover
        "no weighing plan converged", field="balance", code="no-plan"
    )


def material_enlarged(
    rec: Recorder,
    need: Decimal,
    exact: Decimal,
    tolerance: Quantity,
    *,
    why: str,
    formula: str,
) -> None:
    """Trace the enlargement of the material beyond what the batch needs (if any)."""
    if need > exact:
        rec.step(
            "material-enlarged",
            why,
            formula,
            Quantity(need, Unit.MG),
            C=Quantity(exact, Unit.MG),
            tolerance=tolerance,
        )


@attrs.frozen(kw_only=True)
class SolidIngredient:
    """An ingredient: what is taken from its container, and how much ends up in the batch
    (each preparation adds its amount per unit, placed by :func:`placing`)."""

    role: str
    name: str
    lot: str | None
    expiry: dt.date | None
    weighed: Quantity
    in_batch: Quantity
    allergens: tuple[str, ...] = ()


IngredientT = TypeVar("IngredientT", bound=SolidIngredient)


def active_line(cls: type[IngredientT], source: Source, plan: SolidPlan, **own: Any) -> IngredientT:
    """The drug material: what is taken from its container and what ends in the batch."""
    return cls(
        role="active",
        name=source.material_name,
        lot=source.lot,
        expiry=source.expiry,
        weighed=plan.first_take,
        in_batch=plan.material,
        allergens=source.allergens,
        **own,
    )


class Lot(Protocol):
    """A material's container as an ingredient row names it: its lot and expiry."""

    @property
    def lot(self) -> str | None: ...
    @property
    def expiry(self) -> dt.date | None: ...


def material_line(
    cls: type[IngredientT],
    role: str,
    name: str,
    lot: Lot | None,
    *,
    weighed: Decimal,
    in_batch: Decimal,
    allergens: tuple[str, ...],
    **own: Any,
) -> IngredientT:
    """A weighed material other than the drug (filler, base, additive, diluent): the lot and
    expiry of its container (``None``: neither given), the mg weighed and the mg that ends in
    the batch."""
    return cls(
        role=role,
        name=name,
        lot=None if lot is None else lot.lot,
        expiry=None if lot is None else lot.expiry,
        weighed=Quantity(weighed, Unit.MG),
        in_batch=Quantity(in_batch, Unit.MG),
        allergens=allergens,
        **own,
    )


def dose_deviation(planned: Quantity, dose_mg: Decimal) -> Quantity:
    """The change of the dose the rounded weighings cause, in percent."""
    return Quantity((CONTEXT.divide(planned.m_as(Unit.MG), dose_mg) - ONE) * HUNDRED, Unit.PERCENT)


def tablets_to_crush(
    order: SolidOrder,
    plan: SolidPlan,
    rec: Recorder,
    *,
    source: Source | None = None,
    name: str | None = None,
) -> int | None:
    """Whole tablets to crush for the first weighing of tablet powder, with the margin.

    ``source`` and ``name`` are another active's tablets and its drug's name; the
    margin's default is echoed once."""
    source = source or order.source
    if not isinstance(source, TabletSource):
        return None
    if order.tablet_margin is None and any(d.field == "tablet_margin" for d in rec.defaults):
        margin = POLICY["tablet_margin"].value
    else:
        margin = _policy(rec, "tablet_margin", order.tablet_margin)
    where = f"{name}: " if name else ""
    return int(
        rec.step(
            "tablets-to-crush",
            f"{where}whole tablets to crush for the first weighing of tablet powder, with margin",
            "tablets = ceil(A x (1 + margin) / average tablet weight)",
            Quantity(
                ceil_int(
                    CONTEXT.divide(
                        plan.first_take.m_as(Unit.MG) * (ONE + margin.m_as(Unit.ONE)),
                        source.average_weight.m_as(Unit.MG),
                    )
                ),
                Unit.TABLET,
            ),
            A=plan.first_take,
            average_weight=source.average_weight,
        ).magnitude
    )


# --- the weighings and the process, in compounding order ------------------------------------


@attrs.frozen(kw_only=True)
class Weighing:
    """One weighing on the balance, in compounding order (rounded to readability, >= minimum)."""

    number: int
    what: str
    amount: Quantity


@attrs.define
class Sheet:
    """The weighings and process steps, written in compounding order."""

    d: Decimal
    weighings: list[Weighing] = attrs.field(factory=list)
    process: list[str] = attrs.field(factory=list)

    def weigh(self, what: str, amount: Quantity) -> None:
        self.weighings.append(Weighing(number=len(self.weighings) + 1, what=what, amount=amount))

    def shown(self, amount: Decimal) -> str:
        return f"{fixed(amount, places_of(self.d))} mg"

    def crush_and_triturate(
        self, tablets: int | None, plan: SolidPlan, material_name: str, diluent_name: str
    ) -> None:
        """Crush the tablets, triturate stage by stage and weigh the drug (or its aliquot)."""
        if tablets is not None:
            name = material_name.removeprefix("crushed ")
            if tablets == 1 and name.endswith(" tablets"):
                name = name.removesuffix("s")
            self.process.append(f"Crush {tablets} {name} to a fine, uniform powder.")
        shown = self.shown
        for st in plan.stages:
            self.weigh(f"stage {st.number}: {st.take_from}", st.take)
            self.weigh(f"stage {st.number}: {diluent_name} (diluent)", st.diluent)
            portions = ", ".join(plain(q.magnitude) for q in st.portions)
            self.process.append(
                f"Stage {st.number} trituration (1 in {st.ratio}): weigh "
                f"{shown(st.take.m_as(Unit.MG))} of {st.take_from} and "
                f"{shown(st.diluent.m_as(Unit.MG))} of {diluent_name}; add the diluent by "
                f"geometric dilution in portions of about {portions} mg, triturating well after "
                f"each, to {shown(st.total.m_as(Unit.MG))}."
            )
        if plan.stages:
            last = plan.stages[-1].number
            self.weigh(f"aliquot of stage {last} trituration", plan.aliquot)
            what = f"the stage {last} trituration (aliquot)"
        else:
            self.weigh(material_name, plan.aliquot)
            what = material_name
        self.process.append(f"Weigh {self.shown(plan.aliquot.m_as(Unit.MG))} of {what}.")


# --- QC, allergens, BUD ----------------------------------------------------------------------


def qc_sample(order: SolidOrder, rec: Recorder, *, units: str, made: int) -> int:
    """Units to weigh one by one: the order's, or the default with its source; at most the
    ``made`` units of the batch, and an order's larger sample is warned about, never reduced
    in silence."""
    qc_n = order.qc_sample or QC_SAMPLE
    if order.qc_sample is None:
        rec.default("qc_sample", str(qc_n), qc_sample_source(units))
    elif qc_n > made:
        rec.warn(
            "qc-sample-reduced",
            f"The QC sample of {qc_n} {units} is more than the {made} made: all {made} are "
            "weighed one by one.",
            "qc_sample",
        )
    return min(qc_n, made)


def weight_window(
    rec: Recorder,
    w: Decimal,
    percent: Decimal,
    sample_size: int,
    *,
    what: str,
    formula: str,
) -> WeightWindow:
    """The window around the theoretical weight ``w`` each unit of the QC sample must meet."""
    window = WeightWindow.around(Quantity(w, Unit.MG), percent=percent, sample_size=sample_size)
    rec.step(
        "weight-window",
        what,
        formula,
        f"{significant(window.low.magnitude)}-{significant(window.high.magnitude)} mg",
        W=Quantity(w, Unit.MG),
    )
    return window


def warn_unweighable(
    rec: Recorder,
    w: Decimal,
    balance: Balance,
    *,
    code: str,
    weight: str,
    units: str,
    advice: str,
    field: str,
) -> None:
    """Warn when single units weigh less than the balance minimum (no weight check)."""
    if w < balance.m:
        rec.warn(
            code,
            f"The {weight} {significant(w)} mg is below the balance minimum of "
            f"{plain(balance.m)} mg, so single {units} cannot be weight-checked on it; {advice}.",
            field,
        )


def bud_start(
    order: SolidOrder,
    today: dt.date | None,
    rec: Recorder,
    *,
    storage: Storage,
    storage_source: str,
) -> BudStart:
    """The compounding date, storage and day count (:func:`_bud.bud_start`), and every
    trituration stock's dates checked against the compounding date."""
    start = _bud.bud_start(order, today, rec, storage=storage, storage_source=storage_source)
    for source in (order.source, *(a.source for a in getattr(order, "additional_actives", ()))):
        if isinstance(source, TriturationStock):
            source.check_dates(start.compounded_on, rec)
    return start


def beyond_use_date(
    order: SolidOrder,
    start: BudStart,
    category: BudCategory,
    components: Sequence[Component],
    rec: Recorder,
    today: dt.date | None,
) -> BeyondUseDate:
    """Assign the BUD and check that it covers the days' supply (with doses per day)."""
    bud = assign_bud(
        category=category,
        compounded_on=start.compounded_on,
        storage=start.storage,
        components=tuple(components),
        rec=rec,
        day_count=start.day_count,
        study=order.study,
        today=today,
    )
    if order.doses_per_day is not None:
        days_supply = int(
            CONTEXT.divide(Decimal(order.count), order.doses_per_day).to_integral_value(
                rounding="ROUND_FLOOR"
            )
        )
        check_supply(bud, days_supply, rec, field="count")
    return bud


# --- the result ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PlannedDose:
    """An active's dose as a result reports it: the drug and dose basis, the dose prescribed
    and the dose the rounded weighings deliver, and the change that rounding makes."""

    drug: str
    dose_basis: str
    dose_basis_name: str
    dose: Quantity
    dose_planned: Quantity
    dose_deviation: Quantity


def planned_dose(drug: Drug, basis: str, dose: Quantity, planned: Quantity) -> dict[str, Any]:
    """The fields of a :class:`PlannedDose`: the drug's names and the dose, planned and moved."""
    return {
        "drug": drug.name,
        "dose_basis": basis,
        "dose_basis_name": drug.describe(basis),
        "dose": dose,
        "dose_planned": planned,
        "dose_deviation": dose_deviation(planned, dose.m_as(Unit.MG)),
    }


@attrs.frozen(kw_only=True, field_transformer=placing(first=("schema", "library_version", "order")))
class SolidResult(PlannedDose):
    """The fields every solid preparation's result has: each result adds its own (and its
    own ``order`` and ``ingredients`` types), placed among these by :func:`placing`."""

    schema: str
    library_version: str
    order: SolidOrder
    count: int
    batch_count: int
    overage: Quantity
    tablets_to_crush: int | None
    plan: SolidPlan
    weighings: tuple[Weighing, ...]
    total_mix: Quantity
    process: tuple[str, ...]
    qc: WeightWindow
    balance: Balance
    bud: BeyondUseDate
    allergens: tuple[str, ...]
    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]
    trace: tuple[Step, ...]


class Made(Protocol):
    """What a batch's final plan makes: the plan, the dose per unit its rounded weighings
    deliver, and the mass of the mix (mg)."""

    @property
    def plan(self) -> SolidPlan: ...
    @property
    def planned(self) -> Quantity: ...
    @property
    def total_mix(self) -> Decimal: ...


R = TypeVar("R", bound=SolidResult)


def result(
    cls: type[R],
    schema: str,
    order: SolidOrder,
    run: Run,
    *,
    made: Made,
    sheet: Sheet,
    **own: Any,
) -> R:
    """The result of class ``cls``: the shared fields from the order, the run (its basis,
    settings, batch and recorder: warnings, defaults and trace), what the plan ``made`` and
    the ``sheet`` of weighings and process, with the preparation's ``own`` fields (``qc``,
    ``bud``, ``allergens`` and ``tablets_to_crush`` too)."""
    rec = run.rec
    check_capacity(run.settings.balance, sheet.weighings, rec, assumed=order.balance is None)
    warn_unused(rec)
    return cls(
        **stamp(schema),
        order=order,
        **planned_dose(order.source.drug, run.basis, order.dose, made.planned),
        count=order.count,
        batch_count=run.n_batch,
        overage=run.settings.overage,
        plan=made.plan,
        weighings=tuple(sheet.weighings),
        total_mix=Quantity(made.total_mix, Unit.MG),
        process=tuple(sheet.process),
        balance=run.settings.balance,
        **rec.provenance(),
        **own,
    )


# --- what labels and records say of a solid result -------------------------------------------


def label_facts(
    r: SolidResult,
    *,
    noun: str,
    plural: str,
    count_unit: Unit,
    quantity_noun: str,
    **own: Any,
) -> PreparationFacts:
    """What goes on the label of a solid result (counted units, not liquid), in the
    preparation's noun for one unit and its plural, with its ``own`` facts (route, verb)."""
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.dose,
        per=f"per {noun}",
        dosage_form=noun,
        unit_noun=noun,
        unit_noun_plural=plural,
        quantity=Quantity(r.count, count_unit),
        quantity_noun=quantity_noun,
        bud=r.bud.date,
        refrigerated=r.bud.storage.value == "refrigerator",
        liquid=False,
        suspension=False,
        dropper=False,
        allergens=r.allergens,
        doses_per_day=r.order.doses_per_day,
        compounded_on=r.bud.compounded_on,
        **own,
    )


def ingredient_line(i: SolidIngredient, per_unit: Quantity, noun: str, *notes: str) -> str:
    """One ingredient in a master record: its role, name and amount per unit, with notes."""
    amount = f"{significant(per_unit.magnitude)} {per_unit.unit.display}"
    return f"{i.role}: {i.name} ({amount} per {noun}" + "".join(f"; {n}" for n in notes) + ")"


def master_facts(
    r: SolidResult,
    *,
    name: str,
    dosage_form: str,
    units: str,
    ingredients: Iterable[str],
    each: str,
    inspection: str,
) -> MasterFacts:
    """What the master record of a solid result says: its ``name`` (after the dose), the
    batch in ``units``, the ingredient lines, and the QC: each unit's ``each`` weight window
    and the visual ``inspection``."""
    dose = f"{plain(r.dose.magnitude)} {r.dose.unit.display}"
    low, high = plain(r.qc.low.magnitude), plain(r.qc.high.magnitude)
    return MasterFacts(
        name=f"{r.dose_basis_name} {dose}{name}",
        strength=r.dose,
        dosage_form=dosage_form,
        batch_size=f"{r.batch_count} {units} ({r.count} dispensed)",
        ingredients=tuple(ingredients),
        instructions=r.process,
        quality_control=(
            f"weigh {r.qc.sample_size} {units}; each {each}{low}-{high} mg",
            inspection,
        ),
    )
