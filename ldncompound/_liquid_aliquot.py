"""How dissolved drug reaches a liquid batch: weighed directly, or by a liquid aliquot.

Liquid aliquot method (A/B = C/D; pharmlabs.unc.edu triturations/aliquot; domain.md §5.4):
weigh A >= the balance minimum, dissolve it in the vehicle to B mL, and take an aliquot of
D mL that holds the C mg the batch needs. The rules kept here:

* every weighing is at or above the minimum and a multiple of the readability;
* every volume is a graduation mark of the device that measures it, and at least the stated
  share of that device's capacity (so nothing is measured at the bottom of a big cylinder);
* the aliquot D is preferably a multiple of 5 mL (then 2 and 1 mL), smaller than the batch;
* the stock solution's concentration A/B, taken as powder per mL (at least the dissolved
  salt per mL, so the check is conservative), stays at or below the solubility;
* the batch follows what was measured: the final volume is the target volume scaled by the
  drug material that actually entered, rounded to the graduated cylinder's graduation, and the
  concentration change this rounding causes stays within a stated tolerance (otherwise a
  slightly larger weighing is tried).
"""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs

from ._devices import (
    DEVICES,
    MEASURABLE_FRACTION,
    MEASURABLE_FRACTION_SOURCE,
    DeviceKind,
    MeasuringDevice,
)
from ._errors import FormulationError, InputError
from ._numbers import CONTEXT, ONE, plain, round_up_to, significant
from ._trace import Recorder
from ._units import Quantity, Unit
from ._validate import concentration_field, mass_field, percent_field, volume_field
from ._weighing import Balance, TracedPlan, balance_or_class_iii

ROUNDING_TOLERANCE = Quantity(Decimal(1), Unit.PERCENT)
ROUNDING_SOURCE = (
    "volumes rounded to a cylinder's graduation may move the concentration by at most 1 % "
    "(library policy) [D]"
)
#: The largest batch or stock solution the public planner takes (mL), as for liquid orders.
MAX_BATCH = Decimal(1000)

#: Aliquot volumes tried, in order (mL): multiples of 5 mL first (domain.md §5.4), then 2 and 1.
ALIQUOT_VOLUMES: tuple[Decimal, ...] = tuple(
    Decimal(v) for v in ("5", "10", "15", "20", "25", "2", "1")
)
_ALIQUOT_KINDS = (
    DeviceKind.VOLUMETRIC_PIPETTE,
    DeviceKind.GRADUATED_PIPETTE,
    DeviceKind.ORAL_SYRINGE,
    DeviceKind.GRADUATED_CYLINDER,
)
#: Larger weighings tried (in steps of the readability) before a plan is refused.
_TRIES = 100


@attrs.frozen(kw_only=True)
class LiquidPlan:
    """How the drug material enters the batch and what volume the batch is made up to.

    Direct: weigh ``weighed`` and dissolve it in the batch. Aliquot: weigh ``weighed``,
    dissolve to ``stock_volume`` (in ``stock_device``), take ``aliquot`` (with
    ``aliquot_device``), which holds ``material``. Either way the batch is made up (q.s.) to
    ``final_volume`` in ``final_device``.
    """

    weighed: Quantity
    stock_volume: Quantity | None
    stock_device: MeasuringDevice | None
    aliquot: Quantity | None
    aliquot_device: MeasuringDevice | None
    material: Quantity
    needed: Quantity
    target_volume: Quantity
    final_volume: Quantity
    final_device: MeasuringDevice

    @property
    def direct(self) -> bool:
        return self.aliquot is None

    @property
    def stock_concentration(self) -> Quantity | None:
        """Powder per mL of the stock solution (aliquot plans only)."""
        if self.stock_volume is None:
            return None
        return Quantity(
            CONTEXT.divide(self.weighed.m_as(Unit.MG), self.stock_volume.m_as(Unit.ML)),
            Unit.MG_PER_ML,
        )


def _kind_rank(d: MeasuringDevice) -> tuple[Decimal, int]:
    return d.cap, _ALIQUOT_KINDS.index(d.kind)


def _sorted_cylinders(devices: tuple[MeasuringDevice, ...]) -> tuple[MeasuringDevice, ...]:
    return tuple(
        sorted((d for d in devices if d.kind is DeviceKind.GRADUATED_CYLINDER), key=lambda d: d.cap)
    )


#: The device table is a constant: what it gives for a volume is worked out once.
_TABLE_CYLINDERS = _sorted_cylinders(DEVICES)


def _cylinders(devices: tuple[MeasuringDevice, ...]) -> tuple[MeasuringDevice, ...]:
    """The graduated cylinders among ``devices``, smallest first."""
    return _TABLE_CYLINDERS if devices is DEVICES else _sorted_cylinders(devices)


def final_measure(
    volume: Decimal, devices: tuple[MeasuringDevice, ...], min_percent: Decimal, *, up: bool = False
) -> tuple[MeasuringDevice, Decimal] | None:
    """The smallest graduated cylinder that measures ``volume`` mL at or above ``min_percent``
    of its capacity, and the volume on its graduations (nearest mark, or the next mark up)."""
    for d in _cylinders(devices):
        mark = round_up_to(volume, d.step) if up else d.nearest(volume)
        if mark <= d.cap and d.share(mark) >= min_percent and mark > 0:
            return d, mark
    return None


def least_measurable(devices: tuple[MeasuringDevice, ...], min_percent: Decimal) -> Decimal | None:
    """The smallest volume (mL) any graduated cylinder among ``devices`` measures."""
    if devices is DEVICES:
        return _table_least(min_percent)
    return _least_measurable(devices, min_percent)


@functools.lru_cache(maxsize=256)
def _table_least(min_percent: Decimal) -> Decimal | None:
    return _least_measurable(DEVICES, min_percent)


def _least_measurable(devices: tuple[MeasuringDevice, ...], min_percent: Decimal) -> Decimal | None:
    marks = [
        round_up_to(CONTEXT.divide(d.cap * min_percent, Decimal(100)), d.step)
        for d in devices
        if d.kind is DeviceKind.GRADUATED_CYLINDER
    ]
    return min(marks, default=None)


def aliquot_device(
    volume: Decimal, devices: tuple[MeasuringDevice, ...], min_percent: Decimal
) -> MeasuringDevice | None:
    """The device that measures ``volume`` mL best: the smallest that has it as a mark at or
    above ``min_percent`` of capacity, a volumetric pipette before a graduated one, then a
    syringe, then a cylinder."""
    if devices is DEVICES:
        return _table_aliquot(volume, min_percent)
    return _aliquot_device(volume, devices, min_percent)


@functools.lru_cache(maxsize=256)
def _table_aliquot(volume: Decimal, min_percent: Decimal) -> MeasuringDevice | None:
    return _aliquot_device(volume, DEVICES, min_percent)


def _aliquot_device(
    volume: Decimal, devices: tuple[MeasuringDevice, ...], min_percent: Decimal
) -> MeasuringDevice | None:
    fit = [d for d in devices if d.kind in _ALIQUOT_KINDS and d.measures(volume, min_percent)]
    return min(fit, key=_kind_rank) if fit else None


def plan_liquid_mg(
    *,
    needed: Decimal,
    volume: Decimal,
    least_volume: Decimal,
    balance: Balance,
    devices: tuple[MeasuringDevice, ...],
    min_percent: Decimal,
    tolerance: Decimal,
    solubility: Decimal | None,
    aliquot_volume: Decimal | None,
    rec: Recorder,
    stock_volume: Decimal | None = None,
) -> LiquidPlan:
    """Plan how ``needed`` mg of drug material enters a batch of ``volume`` mL.

    ``least_volume`` is the volume the batch must at least reach (what is dispensed);
    ``tolerance`` is the largest relative concentration change the final volume's rounding may
    cause; ``solubility`` caps the stock solution (mg of powder per mL, ``None`` when
    unknown); ``aliquot_volume`` fixes D (mL) and ``stock_volume`` fixes B (mL) instead of
    trying the usual ones (the pharmacist's choices: a liquid aliquot is then made even when
    the material could be weighed directly, and a choice that breaks a rule is refused).
    Raises :class:`FormulationError` when no plan keeps every rule.
    """
    search = _Search(
        needed=needed,
        volume=volume,
        least_volume=least_volume,
        balance=balance,
        devices=devices,
        min_percent=min_percent,
        tolerance=tolerance,
        solubility=solubility,
        rec=rec,
    )
    if needed >= balance.m and aliquot_volume is None and stock_volume is None:
        return search.weigh_direct()
    if aliquot_volume is not None:
        search.check_aliquot(aliquot_volume)
    fixed_stock = None
    if stock_volume is not None:
        fixed_stock = _check_stock(
            stock_volume, aliquot_volume, needed, balance.m, devices, min_percent
        )
    tried = (aliquot_volume,) if aliquot_volume is not None else ALIQUOT_VOLUMES
    for aliquot in tried:
        plan, _saw = search.by_aliquot(aliquot, fixed_stock)
        if plan is not None:
            return plan
    # The field named is one the caller gave (a stock volume, else an aliquot volume), else
    # the balance: a stock volume the search only tried is no field of the order to change.
    raise search.no_aliquot_plan(
        "stock_volume"
        if stock_volume is not None
        else "aliquot_volume"
        if aliquot_volume is not None
        else "balance"
    )


@attrs.frozen(kw_only=True)
class _Search:
    """What every candidate plan of one batch is checked against (see :func:`plan_liquid_mg`)."""

    needed: Decimal
    volume: Decimal
    least_volume: Decimal
    balance: Balance
    devices: tuple[MeasuringDevice, ...]
    min_percent: Decimal
    tolerance: Decimal
    solubility: Decimal | None
    rec: Recorder

    def finish(self, material: Decimal) -> tuple[MeasuringDevice, Decimal] | None:
        """The final volume for ``material`` mg: on a cylinder's graduation, at least the
        least volume, and within the tolerance of the exact volume (``None`` otherwise)."""
        exact = CONTEXT.divide(self.volume * material, self.needed)
        found = final_measure(exact, self.devices, self.min_percent)
        if found is None:
            return None
        final = found[1]
        if final < self.least_volume or abs(CONTEXT.divide(exact, final) - ONE) > self.tolerance:
            return None
        return found

    def above_solubility(self, mg: Decimal, ml: Decimal) -> bool:
        return self.solubility is not None and CONTEXT.divide(mg, ml) > self.solubility

    def weigh_direct(self) -> LiquidPlan:
        """Weigh the material directly (at or above the balance minimum)."""
        needed, d = self.needed, self.balance.d
        start = round_up_to(needed, d)
        for k in range(_TRIES):
            weighed = start + k * d
            done = self.finish(weighed)
            if done is None:
                continue
            self.rec.step(
                "weigh-direct",
                "drug material is at or above the balance minimum: weigh it directly (rounded up "
                "to the readability, enlarged until the final volume falls on a graduation)",
                "A = ceil_d(C) (+ k x d)",
                Quantity(weighed, Unit.MG),
                C=Quantity(needed, Unit.MG),
                readability=self.balance.readability,
                minimum=Quantity(self.balance.m, Unit.MG),
            )
            return _plan(weighed, None, None, weighed, needed, self.volume, done)
        raise FormulationError(
            f"no weighing of {plain(needed)} mg or a little more makes a final volume that a graduated "
            f"cylinder measures within {plain(self.tolerance * 100)} %",
            field="volume",
            code="no-liquid-plan",
        )

    def check_aliquot(self, aliquot_volume: Decimal) -> None:
        """Refuse the pharmacist's aliquot volume D when it breaks a rule."""
        solubility = self.solubility
        if aliquot_device(aliquot_volume, self.devices, self.min_percent) is None:
            raise InputError.about(
                "aliquot_volume",
                f"{plain(aliquot_volume)} mL",
                "is not a graduation mark of any available device at a measurable share of its capacity",
                "a volume such as 5 mL that a pipette, syringe or cylinder measures",
                code="aliquot-not-measurable",
            )
        if aliquot_volume >= self.volume:
            raise InputError.about(
                "aliquot_volume",
                f"{plain(aliquot_volume)} mL",
                f"is not smaller than the batch ({plain(self.volume)} mL)",
                "an aliquot smaller than the batch volume",
            )
        if solubility is not None and self.above_solubility(self.needed, aliquot_volume):
            raise FormulationError.about(
                "aliquot_volume",
                f"{plain(aliquot_volume)} mL",
                f"would need a stock solution of {plain(CONTEXT.divide(self.needed, aliquot_volume))} mg/mL, "
                f"above the solubility of {plain(solubility)} mg/mL",
                "a larger aliquot",
                code="above-solubility",
            )

    def by_aliquot(
        self, aliquot: Decimal, fixed_stock: tuple[MeasuringDevice, Decimal] | None
    ) -> tuple[LiquidPlan | None, bool]:
        """A plan taking an aliquot of ``aliquot`` mL (``None`` when none keeps every rule),
        and whether any stock volume was tried on the way."""
        needed, d = self.needed, self.balance.d
        start = self._first_weighing(aliquot, fixed_stock)
        if start is None:
            return None, False
        tool = aliquot_device(aliquot, self.devices, self.min_percent)
        if tool is None:
            return None, False
        saw_stock = False
        for k in range(_TRIES):
            weighed = start + k * d
            exact_stock = CONTEXT.divide(weighed * aliquot, needed)
            stock = fixed_stock or final_measure(exact_stock, self.devices, self.min_percent)
            if stock is None:
                if exact_stock > max((dv.cap for dv in self.devices), default=Decimal(0)):
                    break
                continue
            saw_stock = True
            stock_volume = stock[1]
            if stock_volume <= aliquot or self.above_solubility(weighed, stock_volume):
                continue
            material = CONTEXT.divide(weighed * aliquot, stock_volume)
            if fixed_stock is not None and material > needed * (ONE + self.tolerance):
                break
            done = self.finish(material)
            if done is None:
                continue
            self._trace_aliquot(weighed, stock, (tool, aliquot), material)
            return _plan(weighed, stock, (tool, aliquot), material, needed, self.volume, done), True
        return None, saw_stock

    def _first_weighing(
        self, aliquot: Decimal, fixed_stock: tuple[MeasuringDevice, Decimal] | None
    ) -> Decimal | None:
        """The first weighing tried with an aliquot of ``aliquot`` mL (``None`` when the aliquot
        is not smaller than the batch or the stock, or needs a stock above the solubility)."""
        needed, d, m = self.needed, self.balance.d, self.balance.m
        if aliquot >= self.volume or self.above_solubility(needed, aliquot):
            return None
        if fixed_stock is None:
            return max(m, round_up_to(needed, d))
        if fixed_stock[1] <= aliquot:
            return None
        return max(m, round_up_to(CONTEXT.divide(needed * fixed_stock[1], aliquot), d))

    def _trace_aliquot(
        self,
        weighed: Decimal,
        stock: tuple[MeasuringDevice, Decimal],
        aliquot: tuple[MeasuringDevice, Decimal],
        material: Decimal,
    ) -> None:
        (stock_device, stock_volume), (tool, volume) = stock, aliquot
        self.rec.step(
            "liquid-aliquot",
            f"weigh A >= the minimum, dissolve to B in a {stock_device.name}, take the aliquot D "
            f"with a {tool.name}: A / B = C / D",
            "B = A x D / C, on the cylinder's graduation; material in D = A x D / B",
            Quantity(stock_volume, Unit.ML),
            A=Quantity(weighed, Unit.MG),
            D=Quantity(volume, Unit.ML),
            C=Quantity(self.needed, Unit.MG),
        )
        self.rec.step(
            "aliquot-material",
            "drug material the aliquot holds",
            "A x D / B",
            Quantity(material, Unit.MG),
            A=Quantity(weighed, Unit.MG),
            D=Quantity(volume, Unit.ML),
            B=Quantity(stock_volume, Unit.ML),
        )

    def no_aliquot_plan(self, field: str) -> FormulationError:
        solubility = self.solubility
        return FormulationError(
            f"no liquid aliquot keeps the weighing of {plain(self.needed)} mg at or above "
            f"{plain(self.balance.m)} mg with every volume on a device's graduations"
            + (
                f" and the stock solution at or below {plain(solubility)} mg/mL"
                if solubility is not None
                else ""
            )
            + "; make a larger batch, use a finer balance or give a different aliquot volume",
            field=field,
            code="no-liquid-aliquot-plan",
        )


def plan_liquid(
    needed: Quantity,
    *,
    volume: Quantity,
    balance: Balance | None = None,
    least_volume: Quantity | None = None,
    equipment: tuple[MeasuringDevice, ...] | None = None,
    measurable_fraction: Quantity | None = None,
    rounding_tolerance: Quantity | None = None,
    solubility: Quantity | None = None,
    aliquot_volume: Quantity | None = None,
    stock_volume: Quantity | None = None,
) -> TracedPlan[LiquidPlan]:
    """How ``needed`` of a soluble drug material enters a liquid batch of ``volume``: weighed
    directly, or by a liquid aliquot (A / B = C / D, domain.md §5.4).

    ``aliquot_volume`` (D) and ``stock_volume`` (B) are the pharmacist's choices: kept when
    the weighing reaches the balance minimum and every volume is measurable, refused with the
    reason otherwise; without them the plan is the minimal one. ``least_volume`` (the volume
    to dispense) defaults to ``volume``; the balance (Class III), devices (the device table),
    measurable share and rounding tolerance default as for liquids, echoed in ``defaults``.
    ``solubility`` is in mg of the drug material per mL (``None``: not checked).
    """
    mass_field("needed")(None, None, needed)
    volume_field("volume", MAX_BATCH)(None, None, volume)
    volume_field("least_volume", MAX_BATCH)(None, None, least_volume)
    volume_field("aliquot_volume", Decimal(100))(None, None, aliquot_volume)
    volume_field("stock_volume", MAX_BATCH)(None, None, stock_volume)
    concentration_field("solubility")(None, None, solubility)
    percent_field("measurable_fraction", ONE, Decimal(100))(None, None, measurable_fraction)
    percent_field("rounding_tolerance", Decimal("0.01"), Decimal(5))(None, None, rounding_tolerance)
    if equipment is not None and not equipment:
        raise InputError.about(
            "equipment", "()", "is empty", "the measuring devices at hand, or None for the table"
        )
    rec = Recorder()
    chosen = balance_or_class_iii(balance, rec)
    if measurable_fraction is None:
        measurable_fraction = MEASURABLE_FRACTION
        rec.default("measurable_fraction", measurable_fraction, MEASURABLE_FRACTION_SOURCE)
    if rounding_tolerance is None:
        rounding_tolerance = ROUNDING_TOLERANCE
        rec.default("rounding_tolerance", rounding_tolerance, ROUNDING_SOURCE)
    plan = plan_liquid_mg(
        needed=needed.m_as(Unit.MG),
        volume=volume.m_as(Unit.ML),
        least_volume=(least_volume or volume).m_as(Unit.ML),
        balance=chosen,
        devices=DEVICES if equipment is None else equipment,
        min_percent=measurable_fraction.m_as(Unit.PERCENT),
        tolerance=rounding_tolerance.m_as(Unit.ONE),
        solubility=None if solubility is None else solubility.m_as(Unit.MG_PER_ML),
        aliquot_volume=None if aliquot_volume is None else aliquot_volume.m_as(Unit.ML),
        stock_volume=None if stock_volume is None else stock_volume.m_as(Unit.ML),
        rec=rec,
    )
    return TracedPlan.of(plan, rec)


def _check_stock(
    stock_volume: Decimal,
    aliquot_volume: Decimal | None,
    needed: Decimal,
    m: Decimal,
    devices: tuple[MeasuringDevice, ...],
    min_percent: Decimal,
) -> tuple[MeasuringDevice, Decimal]:
    """The pharmacist's stock volume B: a cylinder's mark at a measurable share of its
    capacity, larger than the aliquot and large enough that the weighing reaches the minimum."""
    shown = f"{plain(stock_volume)} mL"
    for dev in _cylinders(devices):
        if dev.measures(stock_volume, min_percent):
            break
    else:
        raise InputError.about(
            "stock_volume",
            shown,
            "is not a graduation mark of any available graduated cylinder at a measurable share "
            "of its capacity",
            "a volume such as 30 mL that a graduated cylinder measures",
            code="stock-not-measurable",
        )
    if aliquot_volume is not None:
        if stock_volume <= aliquot_volume:
            raise InputError.about(
                "stock_volume",
                shown,
                f"is not larger than the aliquot ({plain(aliquot_volume)} mL)",
                "a stock solution larger than the aliquot taken from it",
                code="stock-too-small",
            )
        weighed = CONTEXT.divide(needed * stock_volume, aliquot_volume)
        if weighed < m:
            least = CONTEXT.divide(m * aliquot_volume, needed)
            raise InputError.about(
                "stock_volume",
                shown,
                f"with a {plain(aliquot_volume)} mL aliquot needs a weighing of "
                f"{significant(weighed)} mg, below the balance minimum of {plain(m)} mg",
                f"a stock volume of at least {significant(least)} mL",
                code="below-minimum-weight",
            )
    return dev, stock_volume


def _plan(
    weighed: Decimal,
    stock: tuple[MeasuringDevice, Decimal] | None,
    aliquot: tuple[MeasuringDevice, Decimal] | None,
    material: Decimal,
    needed: Decimal,
    volume: Decimal,
    final: tuple[MeasuringDevice, Decimal],
) -> LiquidPlan:
    return LiquidPlan(
        weighed=Quantity(weighed, Unit.MG),
        stock_volume=None if stock is None else Quantity(stock[1], Unit.ML),
        stock_device=None if stock is None else stock[0],
        aliquot=None if aliquot is None else Quantity(aliquot[1], Unit.ML),
        aliquot_device=None if aliquot is None else aliquot[0],
        material=Quantity(material, Unit.MG),
        needed=Quantity(needed, Unit.MG),
        target_volume=Quantity(volume, Unit.ML),
        final_volume=Quantity(final[1], Unit.ML),
        final_device=final[0],
    )
