"""Oral liquids measured with an oral syringe: a solution from API powder, a suspension from
commercial tablets.

Method (mg of the dose basis, mL):

1. Concentration ``C``: as ordered (checked against the solubility), or suggested: the lowest
   of 0.01-100 mg/mL (1-2-2.5-5 steps) at which one dose is a graduation mark of the oral
   syringe and at least the measurable share of its capacity (the syringe named, otherwise
   the 5 mL oral syringe).
2. One dose is ``v = dose / C`` mL and must be a graduation mark of the syringe: the
   prescribed dose is never moved to the nearest mark. Without a named syringe, the smallest
   available one with ``v`` on a mark is chosen (at a measurable share of its capacity if
   any); when no syringe has ``v`` on a mark, or the named one does not, the order is refused
   with the syringes and concentrations that would measure the dose exactly. A volume below
   the measurable share of the syringe is refused unless acknowledged
   (``dose-below-measurable-fraction``), one of 0.1 mL or less is always warned about, and
   a declared syringe scale finer than any oral syringe's needs
   ``syringe-graduation-implausible``.
3. Volume to dispense: ``days x doses a day x v`` rounded up to the final cylinder's
   graduation, or the volume ordered; a supply longer than the BUD is split into fills and
   the batch is the first fill.
4. The batch (tablets or powder, liquid aliquot, q.s., BUD, fills): :mod:`._liquid_batch`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import ClassVar

import attrs

from ._bud import BeyondUseDate
from ._devices import SYRINGE_SCALE_SOURCE, DeviceKind, MeasuringDevice, device
from ._errors import FormulationError, InputError
from ._liquid_batch import (
    FillPlan,
    LiquidBatch,
    LiquidFields,
    Setup,
    Usable,
    check_solubility,
    make_batch,
    master_facts,
    preparation_facts,
    result_fields,
    setup,
    syringes,
    usable_concentrations,
)
from ._numbers import CONTEXT, plain, private_context, significant
from ._plausible import DOSE_BELOW_MEASURABLE_FRACTION, SYRINGE_GRADUATION_IMPLAUSIBLE
from ._preparation import Preparation, register
from ._supplied import echo_from_profile
from ._trace import DefaultUsed, Recorder, ResultWarning, Step
from ._units import Quantity, Unit
from ._vocabulary import LabelAmount, LabelFacts, PreparationFacts

LIQUID_SCHEMA = "ldncompound/liquid/2"
LIQUID_ORDER_SCHEMA = "ldncompound/order/liquid/1"

#: Concentrations the suggestion tries, lowest first (mg/mL).
CONCENTRATIONS: tuple[Decimal, ...] = tuple(
    Decimal(c)
    for c in (
        "0.01",
        "0.02",
        "0.025",
        "0.05",
        "0.1",
        "0.2",
        "0.25",
        "0.5",
        "1",
        "2",
        "2.5",
        "5",
        "10",
        "20",
        "25",
        "50",
        "100",
    )
)
SUGGESTION_SOURCE = (
    "the lowest of 0.01-100 mg/mL in 1-2-2.5-5 steps at which one dose is a graduation mark of "
    "the syringe and at least the measurable share of its capacity (library policy) [D]"
)
DEFAULT_SYRINGE = "oral-5ml"
DEFAULT_SYRINGE_SOURCE = (
    "patients get an oral syringe for doses under 5 mL (pharmlabs.unc.edu measurements/selection; "
    "domain.md §6.3) [V]"
)
#: A dose volume at or below this is always warned about (domain.md §6.3).
TINY_VOLUME = Decimal("0.1")


@attrs.frozen(kw_only=True)
class LiquidOrder(LiquidFields):
    """An oral liquid order: the fields of every liquid plus the oral syringe the patient uses.

    ``syringe`` is the oral syringe dispensed (a table device from :func:`device`, or one
    declared with :meth:`MeasuringDevice.declared`); ``None`` lets the library choose it.
    """

    SCHEMA: ClassVar[str] = LIQUID_ORDER_SCHEMA

    syringe: MeasuringDevice | None = None

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.syringe is not None and self.syringe.kind is not DeviceKind.ORAL_SYRINGE:
            raise InputError.about(
                "syringe",
                self.syringe.name,
                f"is a {self.syringe.kind.described}, not an oral syringe",
                "the oral syringe the patient measures each dose with",
            )


@attrs.frozen(kw_only=True)
class LiquidResult:
    """A complete oral liquid: one dose on the syringe, the batch, BUD, label facts and trace."""

    SCHEMA: ClassVar[str] = LIQUID_SCHEMA

    schema: str
    library_version: str
    order: LiquidOrder
    drug: str
    dose_basis: str
    dose_basis_name: str
    dose: Quantity
    concentration: Quantity
    dose_volume: Quantity
    dose_measured: Quantity
    dose_delivered: Quantity
    dose_deviation: Quantity
    syringe: MeasuringDevice
    syringe_share: Quantity
    batch: LiquidBatch
    bud: BeyondUseDate
    fills: FillPlan | None
    label: LabelFacts
    allergens: tuple[str, ...]
    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]
    trace: tuple[Step, ...]


def _suggest(
    dose_mg: Decimal, syringe: MeasuringDevice, min_percent: Decimal, usable: Usable
) -> Decimal | None:
    candidates = [c for c in CONCENTRATIONS if c in usable]
    for c in candidates:
        if syringe.measures(CONTEXT.divide(dose_mg, c), min_percent):
            return c
    for c in candidates:  # on a mark but below the measurable share: warned later
        if syringe.on_scale(CONTEXT.divide(dose_mg, c)):
            return c
    return None


def _choose_syringe(
    volume: Decimal, available: list[MeasuringDevice], min_percent: Decimal
) -> MeasuringDevice | None:
    """The smallest syringe that measures ``volume`` on a mark at a measurable share; else the
    smallest with ``volume`` on a mark (warned later). Never one that would read the dose at
    the nearest mark: that would change the prescribed dose."""
    tests: tuple[Callable[[MeasuringDevice], bool], ...] = (
        lambda s: s.measures(volume, min_percent),
        lambda s: s.on_scale(volume),
    )
    for test in tests:
        for s in available:
            if test(s):
                return s
    return None


@private_context
def syringe_among(order: LiquidOrder, stock: tuple[MeasuringDevice, ...]) -> MeasuringDevice | None:
    """The oral syringe the library chooses for ``order`` among ``stock`` (a pharmacy's
    syringes), by its own rules: with the order's concentration, the smallest that measures
    one dose on a graduation at a measurable share of its capacity, else the smallest with one
    dose on a graduation; without one, a 5 mL oral syringe (the one the library takes) when
    one is in stock and a suggested concentration puts the dose on its graduation, else the
    smallest on which one does. ``None`` when none does; an order the library refuses is refused here as there."""
    su = setup(order, Recorder(acknowledged=frozenset(order.acknowledge)))
    ranked = sorted(stock, key=lambda s: s.cap)
    dose_mg = order.dose.m_as(Unit.MG)
    if order.concentration is not None:
        volume = CONTEXT.divide(dose_mg, order.concentration.m_as(Unit.MG_PER_ML))
        return _choose_syringe(volume, ranked, su.min_percent)
    usable = usable_concentrations(order, su)
    usual = device(DEFAULT_SYRINGE).cap  # the library's own first try: a 5 mL oral syringe
    tried = sorted(ranked, key=lambda s: s.cap != usual)  # stable: then the smallest first
    return next(
        (s for s in tried if _suggest(dose_mg, s, su.min_percent, usable) is not None), None
    )


def _alternatives(
    dose_mg: Decimal,
    volume: Decimal,
    available: list[MeasuringDevice],
    min_percent: Decimal,
    usable: Usable,
) -> str:
    """The choices that would measure the prescribed dose exactly: the available syringes with
    ``volume`` mL on a mark, and up to three concentrations that put the dose on a mark of an
    available syringe at a measurable share of its capacity."""
    unique = list(dict.fromkeys(available))
    on_mark = [s.name for s in unique if s.on_scale(volume)]
    options: list[str] = []
    for c in CONCENTRATIONS:
        if c not in usable or len(options) == 3:
            continue
        v = CONTEXT.divide(dose_mg, c)
        fit = next((s for s in unique if s.measures(v, min_percent)), None)
        if fit is not None:
            options.append(f"{plain(c)} mg/mL ({plain(v)} mL on the {fit.name})")
    parts = []
    if on_mark:
        parts.append(f"the {' or the '.join(on_mark)}")
    if options:
        parts.append(f"a concentration of {', '.join(options)}")
    parts.append(f"an oral syringe declared with {significant(volume)} mL on its scale")
    return "; or ".join(parts)


@private_context
def formulate_liquid(order: LiquidOrder, *, today: dt.date | None = None) -> LiquidResult:
    """Compute an oral liquid for ``order``: the concentration, one dose on the oral syringe,
    the batch (tablets or powder with a liquid aliquot), BUD, fills, warnings and trace.

    Raises :class:`InputError` for bad input and :class:`FormulationError` when the liquid
    cannot be made or measured safely (above the solubility, a dose that is not a graduation
    of the syringe, an expired component, room temperature for a non-preserved aqueous
    liquid, ...).
    """
    rec = Recorder(acknowledged=frozenset(order.acknowledge))
    echo_from_profile(order, rec)
    su = setup(order, rec)
    dose = order.dose
    concentration, syringe = _concentration(order, su, rec)
    volume = rec.step(
        "dose-volume",
        "volume of one dose",
        "v = dose / C",
        Quantity(CONTEXT.divide(dose.m_as(Unit.MG), concentration.m_as(Unit.MG_PER_ML)), Unit.ML),
        dose=dose,
        C=concentration,
    ).magnitude
    syringe = _dose_syringe(order, su, concentration, volume, syringe, rec)
    if (why := syringe.scale_implausible()) is not None:
        SYRINGE_GRADUATION_IMPLAUSIBLE.refuse(
            rec,
            "syringe.graduation",
            str(syringe.graduation),
            why,
            f"the graduation printed on the syringe ({SYRINGE_SCALE_SOURCE})",
        )
    share = _check_dose_measure(su, concentration, volume, syringe, rec)
    made = make_batch(
        order,
        su,
        concentration=concentration,
        dose_volume=volume,
        rec=rec,
        today=today,
    )
    return LiquidResult(
        order=order,
        dose=dose,
        concentration=concentration,
        dose_volume=Quantity(volume, Unit.ML),
        dose_measured=Quantity(volume, Unit.ML),
        dose_delivered=dose,
        dose_deviation=Quantity(0, Unit.PERCENT),
        syringe=syringe,
        syringe_share=share,
        **result_fields(
            LIQUID_SCHEMA,
            su,
            made,
            rec,
            dosage_form="oral suspension" if made[0].suspension else "oral solution",
            route="oral",
            dose_measure=f"{plain(volume)} mL ({LabelAmount.of(dose).display}) with the "
            f"{syringe.label_name}",
        ),
    )


def _concentration(
    order: LiquidOrder, su: Setup, rec: Recorder
) -> tuple[Quantity, MeasuringDevice | None]:
    """The order's concentration (within the solubility), or one suggested with its syringe."""
    syringe = order.syringe
    if order.concentration is not None:
        check_solubility(order.concentration.m_as(Unit.MG_PER_ML), su.solubility, "concentration")
        return order.concentration, syringe
    dose = order.dose
    usable = usable_concentrations(order, su)
    tried = [syringe] if syringe is not None else [device(DEFAULT_SYRINGE), *syringes(su.devices)]
    found = next(
        (
            (s, c)
            for s in tried
            if (c := _suggest(dose.m_as(Unit.MG), s, su.min_percent, usable)) is not None
        ),
        None,
    )
    if found is None:
        what = tried[0].described if syringe is not None else "available oral syringe"
        raise FormulationError.about(
            "concentration",
            None,
            f"cannot be suggested: no concentration{usable.up_to()} puts {dose} on a graduation "
            f"of the {what}",
            "a concentration on the order, or another syringe",
            code="no-concentration",
        )
    if syringe is None:
        syringe = found[0]
        source = (
            DEFAULT_SYRINGE_SOURCE
            if syringe.key == DEFAULT_SYRINGE
            else f"the smallest oral syringe on which a suggested concentration puts {dose} on a graduation"
        )
        rec.default("syringe", syringe.described, f"{source}; {syringe.source}")
    concentration = Quantity(found[1], Unit.MG_PER_ML)
    rec.default("concentration", concentration, f"{SUGGESTION_SOURCE}; for the {syringe.described}")
    return concentration, syringe


def _dose_syringe(
    order: LiquidOrder,
    su: Setup,
    concentration: Quantity,
    volume: Decimal,
    syringe: MeasuringDevice | None,
    rec: Recorder,
) -> MeasuringDevice:
    """The oral syringe that measures one dose on a graduation (chosen when not given)."""
    dose, dose_mg, min_pct = order.dose, order.dose.m_as(Unit.MG), su.min_percent
    available = syringes(su.devices)
    usable = usable_concentrations(order, su)
    if syringe is None:
        syringe = _choose_syringe(volume, available, min_pct)
        if syringe is None:
            if all(volume > s.cap for s in available):
                raise FormulationError.about(
                    "concentration",
                    str(concentration),
                    f"makes one dose {significant(volume)} mL, more than any available oral syringe holds",
                    "a higher concentration",
                    code="dose-above-syringe",
                )
            raise FormulationError.about(
                "concentration",
                str(concentration),
                f"makes one dose {significant(volume)} mL, which is not a graduation of any available "
                f"oral syringe, so the prescribed {dose} cannot be measured",
                _alternatives(dose_mg, volume, available, min_pct, usable),
                code="dose-off-graduation",
            )
        rec.default(
            "syringe",
            syringe.described,
            "the smallest oral syringe that measures one dose on a graduation at a measurable share "
            f"of its capacity, if any, else the smallest with one dose on a graduation; {syringe.source}",
        )
    if volume > syringe.cap:
        raise FormulationError.about(
            "syringe",
            syringe.described,
            f"holds less than one dose ({significant(volume)} mL)",
            "a larger oral syringe or a higher concentration",
            code="dose-above-syringe",
        )
    if not syringe.on_scale(volume):
        raise FormulationError.about(
            "syringe",
            syringe.described,
            f"cannot measure one dose of {significant(volume)} mL on a graduation, so the prescribed "
            f"{dose} cannot be measured with it",
            _alternatives(dose_mg, volume, [syringe, *available], min_pct, usable),
            code="dose-off-graduation",
        )
    return syringe


def _check_dose_measure(
    su: Setup, concentration: Quantity, volume: Decimal, syringe: MeasuringDevice, rec: Recorder
) -> Quantity:
    """The share of the syringe one dose fills: below the measurable share it is refused
    unless acknowledged (``dose-below-measurable-fraction``); a tiny volume is warned about."""
    min_pct = su.min_percent
    share = Quantity(syringe.share(volume), Unit.PERCENT)
    if share.magnitude < min_pct:
        DOSE_BELOW_MEASURABLE_FRACTION.refuse(
            rec,
            "concentration",
            str(concentration),
            f"makes one dose {plain(volume)} mL, only {significant(share.magnitude, 3)} % of the "
            f"{syringe.described}, below the {plain(min_pct)} % of a syringe's capacity that is "
            "measured reliably",
            "a lower concentration or a smaller oral syringe",
        )
    if volume <= TINY_VOLUME:
        rec.warn(
            "dose-volume-tiny",
            f"One dose is {significant(volume)} mL: volumes of 0.1 mL or less are inaccurate even in a "
            "1 mL oral syringe (Arenas-López et al. 2017). Use a lower concentration.",
            "concentration",
        )
    return share


def _label_facts(r: LiquidResult) -> PreparationFacts:
    return preparation_facts(
        r,
        "liquid",
        per="",
        device=r.syringe.label_name,
        dose_text=f"{plain(r.dose_measured.magnitude)} mL ({LabelAmount.of(r.dose).display})",
        measure=r.dose_measured,
    )


PREPARATION = register(
    Preparation(
        name="liquid",
        formulate=formulate_liquid,
        label_facts=_label_facts,
        master_record=master_facts,
        worksheet="._worksheet:_liquid",
    )
)
