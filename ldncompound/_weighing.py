"""Balances, minimum weights, rounding to readability, and solid dilution (aliquot) plans.

A balance's minimum weight comes from one named rule, never a mix of two:

* ``documented``: the minimum weight from the balance's qualification or SOP (the main input);
* ``sensitivity``: a torsion (Class III) balance, sensitivity x 100 / % error
  (USP <1176>: 6 mg at 5 % gives 120 mg);
* ``usp41``: the analytical rule of USP <41>, 820 x readability.

Every planned weighing is rounded to the balance's readability and is at or above the
minimum weight. When the drug material is below it, :func:`plan_solid` plans one or more
trituration stages and an aliquot (A/B = C/D, domain.md §5.3). Weighed amounts of drug
material are rounded *up*; the batch is then made for the amount actually weighed, so the
strength of the mix is exact and the surplus is discarded.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs

from ._errors import FormulationError, InputError
from ._numbers import CONTEXT, ONE, plain, round_up_to, significant
from ._plausible import MINIMUM_WEIGHT_BELOW_RULE
from ._trace import DefaultUsed, Recorder, ResultWarning, Step
from ._units import Dimension, Quantity, Unit
from ._validate import mass_field, qfield

CLASS_III_SOURCE = (
    "Class III prescription torsion balance, sensitivity requirement 6 mg at 5 % error = 120 mg "
    "(USP <1176>; domain.md §5.2) [V]; readability 10 mg, the usual dial graduation [U]"
)


#: The nominal capacity of a Class III (formerly Class A) prescription balance:
#: "in the absence of information to the contrary, the nominal capacity of a Class A balance
#: shall be assumed to be 15.5 g" (NBS Handbook 44, quoted by USP 29 <1176>, where capacity
#: is the largest load on one pan, tares included; domain.md §5.2) [V].
CLASS_III_CAPACITY = Quantity(Decimal("15.5"), Unit.G)


class MinimumWeightRule(enum.Enum):
    """Where a balance's minimum weight comes from."""

    DOCUMENTED = "documented"
    SENSITIVITY = "sensitivity"
    USP41 = "usp41"


@attrs.frozen(kw_only=True)
class Balance:
    """A balance: its readability (scale interval d) and its minimum weight, with the rule."""

    name: str
    readability: Quantity = qfield(Dimension.MASS, mass_field("balance.readability"))
    minimum_weight: Quantity = qfield(Dimension.MASS, mass_field("balance.minimum_weight"))
    rule: MinimumWeightRule
    sensitivity: Quantity | None = qfield(
        Dimension.MASS, mass_field("balance.sensitivity"), default=None
    )
    max_error: Quantity | None = qfield(Dimension.FRACTION, default=None)
    source: str = ""
    #: the largest load the balance weighs (its qualification or label); ``None``: not stated
    #: (a weighing above :data:`CLASS_III_CAPACITY` is then warned about: :func:`check_capacity`)
    capacity: Quantity | None = qfield(
        Dimension.MASS, mass_field("balance.capacity"), default=None, omittable=True
    )

    def __attrs_post_init__(self) -> None:
        if self.capacity is not None and self.capacity <= self.minimum_weight:
            raise InputError.about(
                "balance.capacity",
                str(self.capacity),
                f"is not above the minimum weight {self.minimum_weight}",
                "the largest load the balance weighs, e.g. '120 g'",
                code="out-of-range",
            )
        if self.minimum_weight < self.readability:
            raise InputError.about(
                "balance.minimum_weight",
                str(self.minimum_weight),
                f"is below the readability {self.readability}",
                "a minimum weight of at least one scale interval",
                code="out-of-range",
            )
        if self.readability > Quantity(Decimal(100), Unit.MG):
            raise InputError.about(
                "balance.readability",
                str(self.readability),
                "is too coarse for compounding",
                "at most 100 mg",
            )

    @classmethod
    def documented(
        cls,
        *,
        minimum_weight: Quantity,
        readability: Quantity,
        name: str = "balance",
        source: str = "",
        capacity: Quantity | None = None,
    ) -> Balance:
        """A balance whose minimum weight is documented by its qualification or SOP."""
        return cls(
            name=name,
            readability=readability,
            minimum_weight=minimum_weight,
            rule=MinimumWeightRule.DOCUMENTED,
            source=source or "minimum weight documented by the balance's qualification or SOP",
            capacity=capacity,
        )

    @classmethod
    def torsion(
        cls,
        *,
        sensitivity: Quantity,
        max_error: Quantity,
        readability: Quantity,
        name: str = "torsion balance",
        capacity: Quantity | None = None,
    ) -> Balance:
        """A torsion balance: minimum weight = sensitivity x 100 / % error (USP <1176>)."""
        mass_field("balance.sensitivity")(None, None, sensitivity)
        max_error.require(Dimension.FRACTION, "balance.max_error")
        pct = max_error.m_as(Unit.PERCENT)
        if pct <= 0 or pct > 10:
            raise InputError.about(
                "balance.max_error",
                str(max_error),
                "is out of range",
                "a percentage in (0, 10] %",
                code="out-of-range",
            )
        minimum = Quantity(CONTEXT.divide(sensitivity.m_as(Unit.MG) * 100, pct), Unit.MG)
        return cls(
            name=name,
            readability=readability,
            minimum_weight=minimum,
            rule=MinimumWeightRule.SENSITIVITY,
            sensitivity=sensitivity,
            max_error=max_error,
            source=f"sensitivity {sensitivity} x 100 / {max_error} (USP <1176>)",
            capacity=capacity,
        )

    @classmethod
    def usp41(
        cls,
        *,
        readability: Quantity,
        name: str = "analytical balance",
        capacity: Quantity | None = None,
    ) -> Balance:
        """An analytical balance by USP <41>: minimum weight = 820 x readability."""
        mass_field("balance.readability")(None, None, readability)
        minimum = Quantity(readability.m_as(Unit.MG) * 820, Unit.MG)
        return cls(
            name=name,
            readability=readability,
            minimum_weight=minimum,
            rule=MinimumWeightRule.USP41,
            source=f"820 x readability {readability} (USP <41>)",
            capacity=capacity,
        )

    @classmethod
    def class_iii(cls, *, capacity: Quantity | None = None) -> Balance:
        """The conservative preset: Class III torsion balance, 6 mg at 5 % = 120 mg, d = 10 mg;
        ``capacity`` states the balance's own (not stated: weighings above 15.5 g are warned)."""
        return cls.torsion(
            sensitivity=Quantity(6, Unit.MG),
            max_error=Quantity(5, Unit.PERCENT),
            readability=Quantity(10, Unit.MG),
            name="Class III prescription balance",
            capacity=capacity,
        )

    @property
    def d(self) -> Decimal:
        """Readability in mg."""
        return self.readability.m_as(Unit.MG)

    @property
    def m(self) -> Decimal:
        """Minimum weight in mg, rounded up to the readability (what can really be weighed)."""
        return round_up_to(self.minimum_weight.m_as(Unit.MG), self.d)

    def percent_error(self, weighed: Quantity) -> Quantity:
        """Relative error of weighing ``weighed`` on a sensitivity-rated balance: SR x 100 / amount."""
        if self.sensitivity is None:
            raise InputError.about(
                "balance.sensitivity",
                None,
                "is not known for this balance",
                "a torsion balance built with its sensitivity",
            )
        return percent_error(intended=weighed, error=self.sensitivity)


@attrs.frozen(kw_only=True)
class DilutionStage:
    """One trituration: take ``take`` of the previous material, add ``diluent`` to ``total``.

    ``portions`` are the diluent additions for geometric dilution (each about equal to the
    mix already present; measured by eye from the weighed diluent, not weighed again).
    """

    number: int
    take: Quantity
    take_from: str
    diluent: Quantity
    total: Quantity
    ratio: int
    source_fraction: Decimal
    portions: tuple[Quantity, ...]


@attrs.frozen(kw_only=True)
class SolidPlan:
    """How the drug material enters the batch.

    ``stages`` is empty for a direct weighing. ``aliquot`` is what is weighed into the batch
    (the material itself, or a portion of the last stage), ``material`` the drug material it
    holds, ``needed`` the material the batch needed (``material >= needed``).
    """

    stages: tuple[DilutionStage, ...]
    aliquot: Quantity
    material: Quantity
    needed: Quantity
    dilution: Decimal

    @property
    def direct(self) -> bool:
        return not self.stages

    @property
    def first_take(self) -> Quantity:
        """The first weighing of source material (what tablets must supply)."""
        return self.stages[0].take if self.stages else self.aliquot


P = TypeVar("P")


@attrs.frozen(kw_only=True)
class TracedPlan(Generic[P]):
    """A weighing plan from the public planners, with its calculation trace, warnings and the
    defaults the library supplied (echoed with their source)."""

    plan: P
    steps: tuple[Step, ...]
    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]

    @classmethod
    def of(cls, plan: P, rec: Recorder) -> TracedPlan[P]:
        return cls(
            plan=plan,
            steps=tuple(rec.steps),
            warnings=tuple(rec.warnings),
            defaults=tuple(rec.defaults),
        )


def geometric_portions(start: Decimal, diluent: Decimal) -> tuple[Quantity, ...]:
    """Diluent additions for geometric dilution: each about equal to the mix so far (mg)."""
    out: list[Quantity] = []
    current, left = start, diluent
    while left > 0:
        add = min(current, left)
        out.append(Quantity(add, Unit.MG))
        current += add
        left -= add
    return tuple(out)


def portions_text(
    start: Decimal, diluent: Decimal, *, largest: Quantity, what: str, rec: Recorder
) -> str:
    """The geometric-dilution portions of ``diluent`` mg into ``start`` mg, as text ("150,
    300, 600"); a portion above ``largest`` (the order's ``max_stage_mass``: what one
    trituration in a mortar holds) is warned about (``mix-portion-above-stage-mass``): the
    mix is then no mortar step, and the plan says so rather than plan it silently."""
    portions = geometric_portions(start, diluent)
    most = max((q.magnitude for q in portions), default=Decimal(0))
    if most > largest.m_as(Unit.MG):
        rec.warn(
            "mix-portion-above-stage-mass",
            f"The {what} is mixed in by geometric dilution in portions of up to {plain(most)} "
            f"mg, above the {largest} one trituration holds (max_stage_mass): a mix of "
            f"{plain(start + diluent)} mg is no mortar step; mix it in equipment sized for it "
            "(per the pharmacy's SOP) and check its content uniformity.",
            "max_stage_mass",
        )
    return ", ".join(plain(q.magnitude) for q in portions)


def _min_stages(need_factor: Decimal, f_cap: int) -> int:
    stages, reach = 1, Decimal(f_cap)
    while reach < need_factor:
        stages += 1
        reach *= f_cap
        if stages > 4:
            break
    return stages


def plan_solid_mg(
    *,
    needed: Decimal,
    final_ratio: Decimal,
    balance: Balance,
    max_stage_mass: Decimal,
    material_name: str,
    diluent_name: str,
    rec: Recorder,
    ratio: int | None = None,
    aliquot: Decimal | None = None,
) -> SolidPlan:
    """Plan how ``needed`` mg of drug material reaches the batch with every weighing >= minimum.

    ``final_ratio`` is the batch's mix mass per mass of material: an aliquot may not be more
    dilute than the finished mix. ``max_stage_mass`` caps each trituration (mg).
    ``ratio`` (every stage 1 in ``ratio``) and ``aliquot`` (mg) are the pharmacist's choices:
    honoured when every rule holds, refused with the reason otherwise (:func:`_chosen_plan`).
    Raises :class:`FormulationError` when no plan fits within four stages.
    """
    job = _Job(
        needed=needed,
        final_ratio=final_ratio,
        balance=balance,
        max_stage_mass=max_stage_mass,
        material_name=material_name,
        diluent_name=diluent_name,
        rec=rec,
    )
    if ratio is not None or aliquot is not None:
        return _chosen_plan(job, ratio, aliquot)
    if needed >= balance.m:
        return _direct_plan(needed, balance, rec)
    factors, aliquot = _fewest_stages(needed, final_ratio, balance, max_stage_mass)
    return _stages_plan(job, [balance.m] * len(factors), factors, aliquot)


@attrs.frozen(kw_only=True)
class _Job:
    """What :func:`plan_solid_mg` was asked (its arguments but the pharmacist's choices),
    handed as one to the planners of chosen dilutions and of trituration stages."""

    needed: Decimal
    final_ratio: Decimal
    balance: Balance
    max_stage_mass: Decimal
    material_name: str
    diluent_name: str
    rec: Recorder


def _direct_plan(needed: Decimal, balance: Balance, rec: Recorder) -> SolidPlan:
    """Weigh the drug material directly (at or above the balance minimum), rounded up."""
    aliquot = round_up_to(needed, balance.d)
    rec.step(
        "weigh-direct",
        "drug material is at or above the balance minimum: weigh it directly (rounded up)",
        "A = ceil_d(material needed)",
        Quantity(aliquot, Unit.MG),
        needed=Quantity(needed, Unit.MG),
        readability=balance.readability,
        minimum=Quantity(balance.m, Unit.MG),
    )
    q = Quantity(aliquot, Unit.MG)
    return SolidPlan(
        stages=(), aliquot=q, material=q, needed=Quantity(needed, Unit.MG), dilution=ONE
    )


def _fewest_stages(
    needed: Decimal, final_ratio: Decimal, balance: Balance, max_stage_mass: Decimal
) -> tuple[list[int], Decimal]:
    """The trituration factors (each stage takes the balance minimum) and the aliquot (mg) of
    the fewest stages that bring ``needed`` mg to a weighable aliquot, the last factor searched
    so the rounded aliquot wastes least."""
    m = balance.m
    take = m
    need_factor = CONTEXT.divide(m, needed)
    if need_factor > final_ratio:
        raise FormulationError(
            f"the whole batch ({plain(needed * final_ratio)} mg of mix) is below the balance's "
            f"minimum weight of {plain(m)} mg; make a larger batch or use a finer balance",
            field="count",
            code="batch-below-minimum-weight",
        )
    f_cap = int(CONTEXT.divide(max_stage_mass, take))
    if f_cap < 2:
        raise FormulationError(
            f"a trituration stage of at most {plain(max_stage_mass)} mg cannot dilute {plain(take)} mg",
            field="max_stage_mass",
            code="stage-too-small",
        )
    stages_n = _min_stages(need_factor, f_cap)
    if stages_n > 4:
        raise FormulationError(
            f"diluting {plain(needed)} mg needs more than four trituration stages",
            field="dose",
            code="dilution-too-deep",
        )
    factors = _first_factors(need_factor, stages_n, f_cap)
    last, aliquot = _last_factor(needed, need_factor, factors, final_ratio, balance, f_cap)
    return [*factors, last], aliquot


def _first_factors(need_factor: Decimal, stages_n: int, f_cap: int) -> list[int]:
    """Equal factors for all stages but the last: the least whole ``f`` with ``f ** stages_n``
    reaching ``need_factor``, at most ``f_cap``."""
    common = 2
    while Decimal(common) ** stages_n < need_factor:
        common += 1
    common = min(common, f_cap)
    return [common] * (stages_n - 1)


def _last_factor(
    needed: Decimal,
    need_factor: Decimal,
    factors: list[int],
    final_ratio: Decimal,
    balance: Balance,
    f_cap: int,
) -> tuple[int, Decimal]:
    """The last stage's factor whose rounded aliquot (returned too, mg) wastes least."""
    d, m = balance.d, balance.m
    take = m
    prior = Decimal(1)
    for f in factors:
        prior *= f
    last_min = max(
        2, int((CONTEXT.divide(need_factor, prior)).to_integral_value(rounding="ROUND_CEILING"))
    )
    best: tuple[Decimal, int, Decimal] | None = None
    for last in range(last_min, min(f_cap, last_min * 4) + 1):
        total_factor = prior * last
        if total_factor > final_ratio:
            break
        aliquot = round_up_to(needed * total_factor, d)
        if aliquot > take * last:
            continue
        excess = CONTEXT.divide(aliquot, needed * total_factor) - ONE
        if best is None or excess < best[0]:
            best = (excess, last, aliquot)
        if excess <= Decimal("0.01"):
            break
    if best is None:
        raise FormulationError(
            f"no aliquot plan keeps every weighing of {plain(needed)} mg at or above {plain(m)} mg",
            field="dose",
            code="no-aliquot-plan",
        )
    _excess, last, aliquot = best
    return last, aliquot


def _stages_plan(
    job: _Job, takes: list[Decimal], factors: list[int], aliquot: Decimal
) -> SolidPlan:
    """The plan of the given triturations (``takes[i]`` made up 1 in ``factors[i]``) and the
    aliquot of the last one, traced."""
    needed, balance, diluent_name, rec = job.needed, job.balance, job.diluent_name, job.rec
    stages: list[DilutionStage] = []
    fraction = ONE
    source = job.material_name
    for i, (take, f) in enumerate(zip(takes, factors, strict=True), start=1):
        total = take * f
        fraction = CONTEXT.divide(fraction, Decimal(f))
        diluent = total - take
        stage = DilutionStage(
            number=i,
            take=Quantity(take, Unit.MG),
            take_from=source,
            diluent=Quantity(diluent, Unit.MG),
            total=Quantity(total, Unit.MG),
            ratio=f,
            source_fraction=fraction,
            portions=geometric_portions(take, diluent),
        )
        stages.append(stage)
        rec.step(
            f"trituration-{i}",
            f"stage {i}: {plain(take)} mg of {source} made up to {plain(total)} mg with {diluent_name} (1 in {f})",
            "B = A x f; diluent = B - A",
            stage.total,
            A=stage.take,
            f=Quantity(f, Unit.ONE),
        )
        source = f"stage {i} trituration"
    total_factor = Decimal(1)
    for f in factors:
        total_factor *= f
    material = CONTEXT.divide(aliquot, total_factor)
    rec.step(
        "aliquot",
        f"aliquot of the last trituration that holds the material (rounded up to {balance.readability})",
        "D = ceil_d(C x F); material in D = D / F",
        Quantity(aliquot, Unit.MG),
        C=Quantity(needed, Unit.MG),
        F=Quantity(total_factor, Unit.ONE),
    )
    return SolidPlan(
        stages=tuple(stages),
        aliquot=Quantity(aliquot, Unit.MG),
        material=Quantity(material, Unit.MG),
        needed=Quantity(needed, Unit.MG),
        dilution=total_factor,
    )


#: The largest trituration ratio a pharmacist may state (1 in 10000): beyond a plausible mortar.
MAX_RATIO = 10_000


def check_ratio(ratio: object, field: str = "trituration_ratio") -> None:
    """Refuse a trituration ratio that is not a whole number from 2 to 10000 ("1 in 10")."""
    if ratio is None:
        return
    if isinstance(ratio, bool) or not isinstance(ratio, int) or not 2 <= ratio <= MAX_RATIO:
        raise InputError.about(
            field,
            ratio,
            "is not a whole trituration ratio from 2 to 10000",
            "the f of '1 in f', such as 10",
            code="out-of-range",
        )


_RATIO = re.compile(r"(?:1\s*(?:in|:)\s*)?([0-9]{1,6})")


def parse_ratio(text: object, *, field: str = "trituration_ratio") -> int:
    """A trituration ratio as a pharmacist writes it: "1 in 10", "1:10" or "10" -> 10."""
    found = _RATIO.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise InputError.about(
            field,
            text,
            "is not a trituration ratio",
            "'1 in f', '1:f' or f, with f a whole number such as 10",
            code="bad-ratio",
        )
    ratio = int(found.group(1))
    check_ratio(ratio, field)
    return ratio


def _chosen_plan(job: _Job, ratio: int | None, aliquot: Decimal | None) -> SolidPlan:
    """The pharmacist's trituration ratio and/or aliquot mass, when every rule holds.

    Rules (domain.md §5.3, pharmlabs.unc.edu triturations/method): every weighing (drug A,
    diluent B - A, aliquot D) at or above the balance minimum and on its readability; the
    aliquot holds the material (D / F >= C); no stage above the largest trituration; the
    aliquot no more dilute than the finished mix. A ratio alone uses the fewest stages of
    1 in ``ratio`` that bring the material to the minimum; an aliquot alone uses one stage,
    the largest whole ratio whose aliquot still holds the material.
    """
    needed, final_ratio, balance = job.needed, job.final_ratio, job.balance
    d, m = balance.d, balance.m
    check_ratio(ratio)
    field = "trituration_ratio" if ratio is not None else "aliquot_mass"
    choice = f"1 in {ratio}" if ratio is not None else f"{plain(aliquot or ONE)} mg"
    if aliquot is not None:
        _check_aliquot_mass(aliquot, balance)
    f, stages_n = _chosen_stages(needed, balance, ratio, aliquot)
    factor = Decimal(f) ** stages_n
    if factor > final_ratio:
        raise InputError.about(
            field,
            choice,
            f"dilutes the material 1 in {plain(factor)}, more than the finished mix "
            f"(1 in {significant(final_ratio)}), so the aliquot would not fit in the batch",
            f"a dilution of at most 1 in {significant(final_ratio)}",
            code="dilution-beyond-mix",
        )
    if aliquot is None:
        aliquot = round_up_to(needed * factor, d)
    elif aliquot < needed * factor:
        raise InputError.about(
            "aliquot_mass",
            f"{plain(aliquot)} mg",
            f"holds only {significant(CONTEXT.divide(aliquot, factor))} mg of material at 1 in "
            f"{plain(factor)}, less than the {plain(needed)} mg needed",
            f"an aliquot of at least {plain(round_up_to(needed * factor, d))} mg",
            code="aliquot-too-small",
        )
    last_take = max(m, round_up_to(CONTEXT.divide(aliquot, Decimal(f)), d))
    takes = [m] * (stages_n - 1) + [last_take]
    if stages_n > 1 and last_take > m * f:
        most = m * f * f
        raise InputError.about(
            "aliquot_mass",
            f"{plain(aliquot)} mg",
            f"is more than the last trituration stage makes ({plain(most)} mg)",
            f"an aliquot of at most {plain(most)} mg",
            code="aliquot-too-large",
        )
    largest = max(t * f for t in takes)
    if largest > job.max_stage_mass:
        raise InputError.about(
            field,
            choice,
            f"makes a trituration of {plain(largest)} mg, above the largest stage of "
            f"{plain(job.max_stage_mass)} mg",
            "a smaller ratio or aliquot, or a larger max_stage_mass",
            code="stage-too-large",
        )
    job.rec.step(
        "dilution-chosen",
        "the pharmacist's dilution, kept: every weighing is at or above the balance minimum",
        "F = f ^ stages; D >= C x F; D >= minimum",
        Quantity(factor, Unit.ONE),
        f=Quantity(f, Unit.ONE),
        stages=Quantity(stages_n, Unit.ONE),
        minimum=Quantity(m, Unit.MG),
    )
    return _stages_plan(job, takes, [f] * stages_n, aliquot)


def _check_aliquot_mass(aliquot: Decimal, balance: Balance) -> None:
    """Refuse an aliquot mass below the balance minimum or off its readability."""
    shown, m = f"{plain(aliquot)} mg", balance.m
    if aliquot < m:
        raise InputError.about(
            "aliquot_mass",
            shown,
            f"is below the balance minimum of {plain(m)} mg",
            f"an aliquot of at least {plain(m)} mg",
            code="below-minimum-weight",
        )
    if round_up_to(aliquot, balance.d) != aliquot:
        raise InputError.about(
            "aliquot_mass",
            shown,
            f"is not on the balance readability of {balance.readability}",
            f"a multiple of {balance.readability}",
            code="not-on-readability",
        )


def _chosen_stages(
    needed: Decimal, balance: Balance, ratio: int | None, aliquot: Decimal | None
) -> tuple[int, int]:
    """The factor of every stage and the number of stages: a ratio alone takes the fewest
    stages of 1 in ``ratio`` that reach the minimum; an aliquot alone one stage, the largest
    whole ratio whose aliquot still holds the material."""
    d, m = balance.d, balance.m
    if ratio is None:
        if aliquot is None:  # pragma: no cover - called with at least one choice
            raise AssertionError("no choice")
        f = int(CONTEXT.divide(aliquot, needed).to_integral_value(rounding="ROUND_FLOOR"))
        if f < 2:
            raise InputError.about(
                "aliquot_mass",
                f"{plain(aliquot)} mg",
                f"holds the {plain(needed)} mg of material at less than 1 in 2",
                f"an aliquot of at least {plain(round_up_to(2 * needed, d))} mg",
                code="aliquot-too-small",
            )
        return f, 1
    stages_n = 1
    while needed * Decimal(ratio) ** stages_n < m:
        stages_n += 1
    if stages_n > 4:
        raise InputError.about(
            "trituration_ratio",
            f"1 in {ratio}",
            f"needs more than four stages to bring {plain(needed)} mg to the balance minimum "
            f"of {plain(m)} mg",
            "a larger ratio",
            code="dilution-too-deep",
        )
    return ratio, stages_n


CLASS_III_SENSITIVITY = Quantity(6, Unit.MG)


def sensitivity_from_test(*, test_weight: Quantity, divisions: Decimal) -> Quantity:
    """Sensitivity requirement from a test: the weight that moves the pointer one division.

    A Class III (formerly Class A) prescription balance must have SR <= 6 mg (USP <1176>).
    """
    mass_field("test_weight")(None, None, test_weight)
    if not isinstance(divisions, Decimal) or not divisions.is_finite() or divisions <= 0:
        raise InputError.about(
            "divisions", str(divisions), "is not positive", "the divisions the pointer moved"
        )
    return Quantity(CONTEXT.divide(test_weight.m_as(Unit.MG), divisions), Unit.MG)


def percent_error(*, intended: Quantity, error: Quantity) -> Quantity:
    """Relative error of a weighing: ``error`` / ``intended`` x 100 (e.g. SR / amount)."""
    mass_field("intended")(None, None, intended)
    error.require(Dimension.MASS, "error")
    return Quantity(CONTEXT.divide(error.m_as(Unit.MG) * 100, intended.m_as(Unit.MG)), Unit.PERCENT)


@functools.cache
def _class_iii() -> Balance:
    # Immutable preset, made once: building it runs its validators on every order.
    return Balance.class_iii()


#: The weighing error a balance's minimum weight may carry at most: the compendial 5 % of
#: USP <1176> (MWQ = error x 100 / % error; domain.md §5.2) [V], the library's own rule.
WEIGHING_ERROR = Decimal(5)

#: Where the error of one weighing on a balance comes from, for the rule above.
WEIGHING_ERROR_SOURCE = (
    "a weighing at the minimum weight may err by at most 5 % (USP <1176>: minimum weighable "
    "quantity = error x 100 / % error, domain.md §5.2) [V]; the error is the sensitivity "
    "requirement of a torsion balance, and half a scale interval (the rounding of a reading) "
    "of any other balance [D], so a documented minimum is at least 10 scale intervals"
)


def weighing_error(balance: Balance) -> Quantity:
    """The error of one weighing on ``balance``: its sensitivity requirement when it is rated
    by one (a torsion balance), else half its scale interval (a reading is rounded to it)."""
    if balance.sensitivity is not None:
        return balance.sensitivity
    return Quantity(CONTEXT.divide(balance.d, 2), Unit.MG)


def accurate_minimum(balance: Balance) -> Quantity:
    """The smallest minimum weight the 5 % weighing-error rule allows on ``balance``."""
    error = weighing_error(balance).m_as(Unit.MG)
    return Quantity(CONTEXT.divide(error * 100, WEIGHING_ERROR), Unit.MG)


def check_minimum_weight(balance: Balance, rec: Recorder) -> None:
    """Refuse (unless acknowledged: ``minimum-weight-below-rule``) a balance minimum below what
    the weighing-error rule gives: every weighing is at or above the minimum, so a minimum of
    one scale interval would let 6 mg be weighed on a 1 mg balance (8 % off). One check for
    every balance: given as options, in an order document or from the pharmacy profile."""
    least = accurate_minimum(balance)
    if balance.minimum_weight.to(Unit.MG).magnitude >= least.magnitude:
        return
    error = weighing_error(balance)
    implied = significant(
        CONTEXT.divide(error.m_as(Unit.MG) * 100, balance.minimum_weight.m_as(Unit.MG)), 3
    )
    basis = "sensitivity" if balance.sensitivity is not None else "half the readability"
    MINIMUM_WEIGHT_BELOW_RULE.refuse(
        rec,
        "balance.minimum_weight",
        str(balance.minimum_weight),
        f"would let a weighing at it err by {implied} % ({error}, {basis}, in "
        f"{balance.minimum_weight}), more than the {plain(WEIGHING_ERROR)} % weighing-error rule "
        "allows",
        f"a minimum weight of at least {significant(least.magnitude, 4)} mg on this "
        f"balance (readability {balance.readability})",
    )


def balance_or_class_iii(balance: Balance | None, rec: Recorder) -> Balance:
    """The order's balance, checked against the weighing-error rule, or a Class III
    prescription balance: a default echoed with its source and warned about (every preparation
    that weighs uses this one rule)."""
    if balance is not None:
        check_minimum_weight(balance, rec)
        return balance
    rec.default(
        "balance",
        "Class III prescription balance, minimum 120 mg, readability 10 mg",
        CLASS_III_SOURCE,
    )
    rec.warn(
        "balance-assumed",
        "No balance was given: the plan assumes a Class III torsion balance (minimum weight "
        f"120 mg, nominal capacity {CLASS_III_CAPACITY}, USP <1176>); give your balance's "
        "documented minimum weight, readability and capacity.",
        "balance",
    )
    return _class_iii()


def _class_iii_preset(balance: Balance) -> bool:
    """``balance`` is the Class III preset (under any name), whose capacity, when not stated,
    is the nominal one USP <1176> assumes (:data:`CLASS_III_CAPACITY`)."""
    return attrs.evolve(balance, name=_class_iii().name, capacity=None) == _class_iii()


def check_capacity(
    balance: Balance, weighings: Iterable[Any], rec: Recorder, *, assumed: bool = False
) -> None:
    """Every planned weighing (``number``, ``what``, ``amount``; masses only) within the
    balance's stated capacity: one above it cannot be weighed as planned and is refused
    (``above-balance-capacity``), naming the weighing, the capacity and what would do.

    A balance whose capacity is not stated is warned about (``balance-capacity-not-stated``)
    when a weighing is above 15.5 g, the nominal capacity USP <1176> assumes for a Class III
    prescription balance "in the absence of information to the contrary"
    (:data:`CLASS_III_CAPACITY`; domain.md §5.2), so a weighing beyond it is never planned
    without a word. That figure is an assumption, not the balance's own, so it warns and never
    refuses; only a stated capacity refuses. A balance the caller did not give (``assumed``)
    is already warned about once (``balance-assumed``, which names the nominal capacity): no
    second warning."""
    masses = [w for w in weighings if w.amount.dimension is Dimension.MASS]
    capacity = balance.capacity
    if capacity is None:
        over = [w for w in masses if w.amount > CLASS_III_CAPACITY]
        if over and not assumed:
            listed = ", ".join(f"{w.number} ({w.what}, {w.amount})" for w in over)
            nominal = (
                f"the nominal capacity of a Class III prescription balance when none is "
                f"stated (USP <1176>), and the {balance.name}'s capacity is not given"
                if _class_iii_preset(balance)
                else f"and the {balance.name}'s capacity is not given"
            )
            rec.warn(
                "balance-capacity-not-stated",
                f"Weighing {listed} is above {CLASS_III_CAPACITY}, {nominal}: state it "
                "(balance.capacity) so the plan is checked against it, or make a smaller "
                "batch.",
                "balance.capacity",
            )
        return
    for w in masses:
        if w.amount > capacity:
            raise FormulationError.about(
                "balance.capacity",
                str(capacity),
                f"(the {balance.name}'s capacity) cannot hold weighing {w.number} of the plan, "
                f"{w.amount} of {w.what}",
                "a smaller batch, or a balance with a larger capacity (state its capacity)",
                code="above-balance-capacity",
            )
