"""Making a liquid batch: the part oral liquids and sublingual drops share.

Given the concentration (mg/mL of the dose basis) and the volume to dispense, this module
computes the batch, the drug source's amounts, the volumes and devices, the process, the
ingredients and the beyond-use date. The preparations (:mod:`._liquids`, :mod:`._drops`)
decide the concentration and how one dose is measured.

Method (mL, mg of the dose basis unless stated):

1. ``batch = dispense x (1 + overage)``; overage is extra of the *whole batch* (every
   ingredient at the same concentration; the surplus is discarded).
2. Tablets (a suspension: insoluble excipients): ``volume per tablet = strength / C``;
   ``tablets = ceil(batch / volume per tablet)``; the batch is made to the volume the whole
   tablets give (one 50 mg tablet makes 50 mL at 1 mg/mL), on a graduated cylinder's mark.
3. API powder (a solution): the target volume is ``batch`` rounded up to a cylinder's
   graduation; the drug ``C x volume`` becomes powder through the lot's correction path;
   :func:`plan_liquid` weighs it directly or by a liquid aliquot (every weighing >= the
   balance minimum) and sets the final volume.
4. The concentration the rounded volumes give (``concentration_planned``) stays within a
   stated tolerance of ``C``; the concentration is checked against the solubility.
5. The BUD class is derived from the vehicle and additives (:func:`classify`) and the BUD is
   capped by every component's expiry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import attrs

from ._bud import (
    BeyondUseDate,
    BudCategory,
    DayCount,
    Storage,
    StudyBud,
    assign_bud,
    bud_start,
    component_cuts_supply,
    days_text,
    warn_no_expiry,
)
from ._devices import (
    DEVICES,
    MEASURABLE_FRACTION,
    MEASURABLE_FRACTION_SOURCE,
    DeviceKind,
    Measurement,
    MeasuringDevice,
)
from ._dose import acknowledgements, check_dose, warn_unused
from ._drug import Drug, refuse_drug_in_excipient
from ._errors import FormulationError, InputError
from ._liquid_aliquot import (
    ROUNDING_SOURCE,
    ROUNDING_TOLERANCE,
    LiquidPlan,
    final_measure,
    least_measurable,
    plan_liquid_mg,
)
from ._numbers import (
    CONTEXT,
    HUNDRED,
    ONE,
    ceil_int,
    fixed,
    places_of,
    plain,
    round_up_to,
    significant,
)
from ._plausible import (
    ALIQUOT_SOLUBILITY_UNKNOWN,
    NEAR_SOLUBILITY_LIMIT,
    SOLUBILITY_IMPLAUSIBLE,
    SOLUBILITY_SHARE_COLD,
    SOLUBILITY_SHARE_ROOM,
    SOLUBILITY_SHARE_SOURCE,
)
from ._sources import (
    ApiLot,
    Source,
    TabletSource,
    TriturationStock,
    allergens_in,
    warn_lactose,
)
from ._supplied import ProfileFigure, from_profile_field, profile_figures_field
from ._trace import Provenance, Recorder, Stamp, stamp
from ._units import Dimension, Quantity, Unit
from ._validate import (
    check_doses_per_day,
    concentration_field,
    percent_field,
    qfield,
    text_field,
    volume_field,
)
from ._vehicles import LiquidAdditive, Vehicle, VehicleLot, allergens_of, classify, vehicle
from ._vocabulary import LabelFacts, MasterFacts, PreparationFacts, auxiliary_statements
from ._weighing import Balance, balance_or_class_iii, check_capacity

OVERAGE = Quantity(Decimal(5), Unit.PERCENT)
OVERAGE_SOURCE = "5 % extra volume for what stays in the mortar, cylinder, bottle and syringe (library policy) [D]"
STORAGE_SOURCE = (
    "liquids are kept in the refrigerator: the only storage a non-preserved aqueous liquid allows "
    "(USP <795>) and the more stable one for naltrexone liquids (Fawcett 1997; domain.md §1.4) [V]"
)
VEHICLE_SOURCE = (
    "purified water, the most conservative BUD class (non-preserved aqueous, 14 days, refrigerated)"
)
CONTAINER = "tight, light-resistant (amber) bottle"
#: A stated solubility above this multiple of the library's value needs the acknowledgement
#: ``solubility-implausible`` (probe finding F33).
SOLUBILITY_MARGIN = Decimal("1.5")
SOLUBILITY_MARGIN_SOURCE = (
    "at most 1.5 x the solubility the library knows: a published solubility is approximate, "
    "twice it is most likely a slip (library policy) [D][U]"
)
TABLET_MARGIN_TRIES = 10
MAX_VOLUME = Decimal(1000)
MAX_DAYS = 365


def check_count(field: str, value: object, most: int, counted: str) -> None:
    """Refuse ``value`` unless it is a whole number from 1 to ``most`` (``counted`` says of
    what: "days", "drops a dose", ...)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise InputError.about(
            field, value, "is out of range", f"1 to {most} {counted}", code="out-of-range"
        )


@attrs.frozen(kw_only=True)
class LiquidFields:
    """The fields every liquid order has (oral liquids and drops add their own).

    ``None`` means "use the stated default" (echoed in the result's ``defaults``). Give
    exactly one of ``days_supply`` (with ``doses_per_day``) or ``volume`` (to dispense).
    """

    dose: Quantity = qfield(Dimension.MASS)
    source: Source
    doses_per_day: Decimal | None = None
    days_supply: int | None = None
    volume: Quantity | None = qfield(
        Dimension.VOLUME, volume_field("volume", MAX_VOLUME), default=None
    )
    concentration: Quantity | None = qfield(
        Dimension.CONCENTRATION, concentration_field("concentration"), default=None
    )
    dose_basis: str | None = None
    vehicle: VehicleLot | None = None
    additives: tuple[LiquidAdditive, ...] = ()
    overage: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("overage", Decimal(0), Decimal(100)), default=None
    )
    balance: Balance | None = None
    equipment: tuple[MeasuringDevice, ...] | None = None
    aliquot_volume: Quantity | None = qfield(
        Dimension.VOLUME, volume_field("aliquot_volume", Decimal(100)), default=None
    )
    stock_volume: Quantity | None = qfield(  # added in 0.2: documents may leave it out
        Dimension.VOLUME, volume_field("stock_volume", MAX_VOLUME), default=None, omittable=True
    )
    solubility: Quantity | None = qfield(
        Dimension.CONCENTRATION, concentration_field("solubility"), default=None
    )
    measurable_fraction: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("measurable_fraction", Decimal(1), Decimal(100)),
        default=None,
    )
    rounding_tolerance: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("rounding_tolerance", Decimal("0.01"), Decimal(5)),
        default=None,
    )
    dose_tolerance: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("dose_tolerance", Decimal(0), Decimal(10)), default=None
    )
    compounded_on: dt.date | None = None
    storage: Storage | None = None
    day_count: DayCount | None = None
    study: StudyBud | None = None
    acknowledge: tuple[str, ...] = attrs.field(default=(), validator=acknowledgements)
    reference: str | None = attrs.field(default=None, validator=text_field("reference"))
    from_profile: tuple[str, ...] = from_profile_field()
    profile_figures: tuple[ProfileFigure, ...] = profile_figures_field()

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.dose, Quantity):
            raise InputError.about(
                "dose", self.dose, "is not a quantity", "a mass such as '4.5 mg'"
            )
        self.dose.require(Dimension.MASS, "dose")
        if self.dose.magnitude <= 0:
            raise InputError.about(
                "dose", str(self.dose), "is not positive", "a dose greater than zero", code="zero"
            )
        self._check_source()
        check_doses_per_day(self.doses_per_day)
        self._check_supply()
        if self.equipment is not None and not self.equipment:
            raise InputError.about(
                "equipment",
                "()",
                "is empty",
                "the measuring devices at hand, or None for the table",
            )

    def _check_source(self) -> None:
        """A drug source for a liquid (API powder or tablets), and a dose basis of its drug."""
        if isinstance(self.source, TriturationStock):
            raise InputError.about(
                "source",
                "stock",
                "is a powder trituration made for capsules; its diluent would be dispersed in the "
                "liquid with a strength never validated for it",
                "API powder (a solution) or commercial tablets (a suspension)",
                code="stock-not-for-liquids",
            )
        if not isinstance(self.source, (ApiLot, TabletSource)):
            raise InputError.about(
                "source",
                type(self.source).__name__,
                "is not a drug source",
                "an ApiLot or TabletSource",
            )
        if self.dose_basis is not None:
            self.source.drug.form(self.dose_basis)
        self._check_excipient_names()

    def _check_excipient_names(self) -> None:
        """No additive and no declared vehicle named by the order's drug or another drug."""
        drug = self.source.drug
        for additive in self.additives if isinstance(self.additives, tuple) else ():
            if isinstance(additive, LiquidAdditive):
                role = additive.role.value
                field = "preservative.name" if role == "preservative" else "additive.name"
                refuse_drug_in_excipient(drug, field, additive.name, what=f"a {role}")
        lot = self.vehicle
        if isinstance(lot, VehicleLot) and lot.vehicle.key is None:
            refuse_drug_in_excipient(drug, "vehicle.name", lot.vehicle.name, what="a vehicle")
        if isinstance(lot, VehicleLot) and lot.vehicle.preservative is not None:
            refuse_drug_in_excipient(
                drug, "vehicle.preservative", lot.vehicle.preservative, what="a preservative"
            )

    def _check_supply(self) -> None:
        """Either the days' supply (with doses a day) or the volume to dispense."""
        if (self.days_supply is None) == (self.volume is None):
            raise InputError.about(
                "days_supply",
                self.days_supply,
                "and volume were both given" if self.volume is not None else "is missing",
                "either the days' supply (with doses_per_day) or the volume to dispense, not both",
                code="supply-or-volume",
            )
        if self.days_supply is not None:
            check_count("days_supply", self.days_supply, MAX_DAYS, "days")
            if self.doses_per_day is None:
                raise InputError.about(
                    "doses_per_day",
                    None,
                    "is missing",
                    "the number of doses a day, to compute the volume for the days' supply",
                )


@attrs.frozen(kw_only=True)
class LiquidIngredient:
    """An ingredient: how much is taken (powder weighed, tablets counted, vehicle to volume)."""

    role: str
    name: str
    lot: str | None
    expiry: dt.date | None
    amount: Quantity | None
    note: str
    allergens: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Fill:
    """One fill of a supply longer than the BUD: its days, the day it is compounded (its first
    day) and the volume it dispenses."""

    number: int
    first_day: int
    last_day: int
    compounded_on: dt.date
    volume: Quantity


@attrs.frozen(kw_only=True)
class FillPlan:
    """How a supply longer than the BUD is split into fills of at most the BUD's days, each
    compounded fresh on its first day. The batch of the result is fill 1; ``schedule`` lists
    every fill (fill 1 first)."""

    days_supply: int
    fills: int
    days_per_fill: int
    volume_per_fill: Quantity
    schedule: tuple[Fill, ...]


@attrs.frozen(kw_only=True)
class LiquidBatch:
    """The batch: concentration, volumes, drug source amounts, measurements and process."""

    concentration: Quantity
    concentration_planned: Quantity
    concentration_deviation: Quantity
    dispense_volume: Quantity
    overage: Quantity
    batch_volume: Quantity
    final_volume: Quantity
    final_device: MeasuringDevice
    drug_in_batch: Quantity
    tablets: int | None
    volume_per_tablet: Quantity | None
    plan: LiquidPlan | None
    balance: Balance | None
    vehicle: Vehicle
    category_basis: str
    solubility: Quantity | None
    suspension: bool
    shake_well: bool
    measurements: tuple[Measurement, ...]
    ingredients: tuple[LiquidIngredient, ...]
    process: tuple[str, ...]


@attrs.frozen
class Setup:
    """What every liquid resolves before its dose is measured (defaults echoed on the way)."""

    drug: Drug
    basis: str
    vehicle: VehicleLot
    category: BudCategory
    category_basis: str
    solubility: Decimal | None
    devices: tuple[MeasuringDevice, ...]
    min_percent: Decimal
    rounding_tolerance: Decimal


def setup(order: LiquidFields, rec: Recorder) -> Setup:
    """Check the source and dose, and resolve the vehicle, BUD class, solubility and devices."""
    source = order.source
    drug = source.drug
    source.check(rec)
    basis = order.dose_basis
    if basis is None:
        basis = drug.default_basis
        rec.default(
            "dose_basis", basis, f"doses are {drug.describe(basis)} unless the order says otherwise"
        )
    check_dose(
        drug,
        order.dose,
        basis,
        doses_per_day=order.doses_per_day,
        acknowledge=frozenset(order.acknowledge),
        rec=rec,
    )
    lot = order.vehicle
    if lot is None:
        lot = VehicleLot(vehicle=vehicle("purified-water"))
        rec.default("vehicle", lot.vehicle.name, f"{VEHICLE_SOURCE}; {lot.vehicle.source}")
    elif lot.vehicle.key is not None:
        rec.default("vehicle.composition", lot.vehicle.name, lot.vehicle.source)
    category, why = classify(lot.vehicle, order.additives, rec)
    rec.step(
        "bud-class",
        "USP <795> category derived from the vehicle and additives",
        "water anywhere -> aqueous (preserved if a preservative is named); otherwise nonaqueous",
        category.value,
        basis=why,
    )
    fraction = order.measurable_fraction
    if fraction is None:
        fraction = MEASURABLE_FRACTION
        rec.default("measurable_fraction", fraction, MEASURABLE_FRACTION_SOURCE)
    tolerance = order.rounding_tolerance
    if tolerance is None:
        tolerance = ROUNDING_TOLERANCE
        rec.default("rounding_tolerance", tolerance, ROUNDING_SOURCE)
    if order.dose_tolerance is not None:
        rec.warn(
            "dose-tolerance-ignored",
            "The order's dose tolerance is not used: a liquid dose is measured exactly (on a syringe "
            "graduation, or in whole drops) or the order is refused, never moved within a tolerance.",
            "dose_tolerance",
        )
    devices = order.equipment if order.equipment is not None else DEVICES
    return Setup(
        drug=drug,
        basis=basis,
        vehicle=lot,
        category=category,
        category_basis=why,
        solubility=_solubility(order, lot.vehicle, drug, basis, rec),
        devices=devices,
        min_percent=fraction.m_as(Unit.PERCENT),
        rounding_tolerance=tolerance.m_as(Unit.ONE),
    )


def _solubility(
    order: LiquidFields, vehicle_: Vehicle, drug: Drug, basis: str, rec: Recorder
) -> Decimal | None:
    """Solubility in mg/mL of the dose basis, or ``None`` (warned) when it is not known.

    The drug's ``water_solubility`` is read as that of its default form in water, so it is
    used for an aqueous vehicle and a source whose water-free form is the default form.
    """
    source = order.source
    form = source.form if isinstance(source, ApiLot) else source.resolved_basis
    known = drug.water_solubility
    applies = known is not None and vehicle_.aqueous
    if applies and drug.anhydrous_of(form).key != drug.default_basis:
        applies = False
    if order.solubility is not None:
        given = order.solubility.m_as(Unit.MG_PER_ML)
        if applies and known is not None:
            limit = known.m_as(Unit.MG_PER_ML) * SOLUBILITY_MARGIN
            if (
                drug.convert(order.solubility, basis, drug.default_basis).m_as(Unit.MG_PER_ML)
                > limit
            ):
                SOLUBILITY_IMPLAUSIBLE.refuse(
                    rec,
                    "solubility",
                    str(order.solubility),
                    f"is more than {plain(SOLUBILITY_MARGIN)} x the {known} of "
                    f"{drug.describe(drug.default_basis)} in water the library knows",
                    f"the measured or published solubility ({SOLUBILITY_MARGIN_SOURCE})",
                )
        return given
    if applies and known is not None:
        rec.default("solubility", known, drug.solubility_source)
        return drug.convert(known, drug.default_basis, basis).m_as(Unit.MG_PER_ML)
    where = "in water" if vehicle_.aqueous else f"in {vehicle_.name}"
    rec.warn(
        "solubility-not-checked",
        f"The solubility of {drug.describe(form)} {where} is not known to the library, so the "
        "concentration was not checked against it and the liquid may not be a clear solution; give "
        "the solubility, and shake well.",
        "solubility",
    )
    return None


def least_concentration(order: LiquidFields, su: Setup) -> Decimal:
    """The lowest concentration (mg/mL of the dose basis) a suggestion may use: for tablets,
    one whole tablet must fit in the largest batch the library plans."""
    source = order.source
    if not isinstance(source, TabletSource):
        return Decimal(0)
    strength = su.drug.convert(source.resolved_strength, source.resolved_basis, su.basis)
    return CONTEXT.divide(strength.m_as(Unit.MG), MAX_VOLUME)


@attrs.frozen
class Usable:
    """The concentrations (mg/mL of the dose basis) a suggestion may use: at least ``low``
    (:func:`least_concentration`) and at most the solubility ``limit`` when it is known."""

    low: Decimal
    limit: Decimal | None
    #: what the limit is, for a refusal
    why: str = "the solubility"

    def __contains__(self, c: Decimal) -> bool:
        return self.low <= c and (self.limit is None or c <= self.limit)

    def up_to(self) -> str:
        """The highest concentration a suggestion may use, for a refusal: " up to 50 mg/mL
        (50 % of the solubility, ...)", or nothing when no solubility is known."""
        if self.limit is None:
            return ""
        return f" up to {plain(self.limit)} mg/mL ({self.why})"


def usable_concentrations(order: LiquidFields, su: Setup) -> Usable:
    """The concentrations a suggestion for ``order`` may use: up to the share of the
    solubility that stays dissolved where the liquid is kept (:func:`solubility_share`), or up
    to the solubility when the order acknowledges ``near-solubility-limit``."""
    limit = su.solubility
    if limit is None or NEAR_SOLUBILITY_LIMIT.code in order.acknowledge:
        return Usable(least_concentration(order, su), limit)
    share = solubility_share(order)
    why = f"{plain(share * HUNDRED)} % of the solubility, the share that stays dissolved"
    return Usable(least_concentration(order, su), limit * share, why)


def solubility_share(order: LiquidFields) -> Decimal:
    """The share of the room-temperature solubility a liquid kept as ``order`` says (in the
    refrigerator unless it says otherwise) may hold without an acknowledgement."""
    cold = order.storage is None or order.storage is Storage.REFRIGERATOR
    return SOLUBILITY_SHARE_COLD if cold else SOLUBILITY_SHARE_ROOM


def check_near_solubility(
    order: LiquidFields, su: Setup, concentration: Quantity, field: str, rec: Recorder
) -> None:
    """Refuse, unless acknowledged, a concentration above the share of the solubility that
    stays dissolved where the liquid is kept (probe finding P4): near saturation at room
    temperature, a solution may crystallise in the refrigerator, and its doses then carry
    less drug than the label says."""
    if su.solubility is None:
        return
    share = solubility_share(order)
    c = concentration.m_as(Unit.MG_PER_ML)
    if c <= su.solubility * share:
        return
    kept = "room temperature" if share == SOLUBILITY_SHARE_ROOM else "the refrigerator"
    NEAR_SOLUBILITY_LIMIT.refuse(
        rec,
        field,
        f"{plain(c)} mg/mL",
        f"is {significant(CONTEXT.divide(c * HUNDRED, su.solubility), 3)} % of the solubility of "
        f"{plain(su.solubility)} mg/mL, more than the {plain(share * HUNDRED)} % a liquid kept "
        f"in {kept} may hold without crystallising",
        f"at most {plain(su.solubility * share)} mg/mL ({SOLUBILITY_SHARE_SOURCE})",
    )


def check_solubility(concentration: Decimal, limit: Decimal | None, field: str) -> None:
    """Refuse a concentration (mg/mL of the dose basis) above the solubility."""
    if limit is not None and concentration > limit:
        raise FormulationError.about(
            field,
            f"{plain(concentration)} mg/mL",
            f"is above the solubility of {plain(limit)} mg/mL in this vehicle",
            "a lower concentration",
            code="above-solubility",
        )


def make_batch(
    order: LiquidFields,
    su: Setup,
    *,
    concentration: Quantity,
    dose_volume: Decimal,
    rec: Recorder,
    today: dt.date | None,
    container: str = CONTAINER,
    dose_parts: tuple[Decimal, Decimal] | None = None,
    concentration_field: str = "concentration",
) -> tuple[LiquidBatch, BeyondUseDate, FillPlan | None, tuple[str, ...]]:
    """The batch at ``concentration``, its BUD, fill plan and allergens.

    ``dose_volume`` (mL) is what one dose takes from the bottle: the volume to dispense is the
    order's, or ``days x doses a day x dose_volume``. ``dose_parts`` (numerator, denominator)
    gives ``dose_volume`` as a fraction when it is not a short decimal (drops: ``n x V / N``),
    so that volumes of many doses are computed with one division and carry no rounding
    artefact. When the supply outlasts the BUD, the batch is the first fill
    (:func:`plan_fills`). ``concentration_field`` is the order's field the concentration
    came from (a refusal near the solubility names it).
    """
    check_near_solubility(order, su, concentration, concentration_field, rec)
    num, den = dose_parts if dose_parts is not None else (dose_volume, ONE)

    def volume_of(doses: Decimal) -> Decimal:
        return CONTEXT.divide(doses * num, den)

    bud = _bud(order, su, rec, today)
    fills = plan_fills(order, bud, volume_of, rec)
    dispense = _dispense_volume(order, fills, dose_volume, volume_of, rec)
    overage, batch = _batch_volume(order, su, dispense, rec)
    work = _Work()
    aim = _Aim(concentration=concentration, batch=batch, dispense=dispense)
    if isinstance(order.source, TabletSource):
        active = _from_tablets(order.source, su, aim, work, rec)
    else:
        active = _from_powder(order, su, aim, work, rec)
    final_q, planned, deviation = _make_up_to_volume(order, su, concentration, active, work, rec)
    dispense, fills = _graduated_dispense(order, dispense, fills, active.final_device, rec)
    shake = _pack(order, su, dispense, active, container, work, rec)
    allergens, ingredients = _ingredients(order, su, active, rec)
    _echo_equipment(order, active, rec)
    if active.balance is not None:
        check_capacity(active.balance, work.measurements, rec, assumed=order.balance is None)
    made = LiquidBatch(
        concentration=concentration,
        concentration_planned=planned,
        concentration_deviation=deviation,
        dispense_volume=Quantity(dispense, Unit.ML),
        overage=overage,
        batch_volume=Quantity(batch, Unit.ML),
        final_volume=final_q,
        final_device=active.final_device,
        drug_in_batch=Quantity(active.drug_in, Unit.MG),
        tablets=active.tablets,
        volume_per_tablet=active.per_tablet,
        plan=active.plan,
        balance=active.balance,
        vehicle=su.vehicle.vehicle,
        category_basis=su.category_basis,
        solubility=None if su.solubility is None else Quantity(su.solubility, Unit.MG_PER_ML),
        suspension=_is_suspension(order.source, su),
        shake_well=shake,
        measurements=tuple(work.measurements),
        ingredients=ingredients,
        process=tuple(work.process),
    )
    return made, bud, fills, allergens


def _echo_equipment(order: LiquidFields, active: _Active, rec: Recorder) -> None:
    """Echo each table device the batch is measured with when the order names no equipment
    (probe finding F24)."""
    if order.equipment is not None:
        return
    plan = active.plan
    used = [active.final_device]
    if plan is not None:
        used += [d for d in (plan.stock_device, plan.aliquot_device) if d is not None]
    for d in dict.fromkeys(used):
        rec.default(
            f"equipment.{d.key}",
            d.described,
            f"the library's device table (the order lists no equipment); {d.source}",
        )


@attrs.define
class _Work:
    """What the compounder writes down while making the batch: measurements and process steps."""

    measurements: list[Measurement] = attrs.field(factory=list)
    process: list[str] = attrs.field(factory=list)

    def measure(self, what: str, amount: Quantity, device: str) -> None:
        self.measurements.append(
            Measurement(number=len(self.measurements) + 1, what=what, amount=amount, device=device)
        )


@attrs.frozen(kw_only=True)
class _Aim:
    """What the drug source is worked out for: the concentration, the volume to make (with the
    overage) and the volume to dispense, which the final volume must at least reach."""

    concentration: Quantity
    batch: Decimal
    dispense: Decimal


@attrs.frozen(kw_only=True)
class _Active:
    """How the drug went in: whole tablets or weighed powder, and the volume it is made up to."""

    final_device: MeasuringDevice
    final: Decimal
    drug_in: Decimal
    tablets: int | None = None
    per_tablet: Quantity | None = None
    plan: LiquidPlan | None = None
    balance: Balance | None = None


def _dispense_volume(
    order: LiquidFields,
    fills: FillPlan | None,
    dose_volume: Decimal,
    volume_of: Callable[[Decimal], Decimal],
    rec: Recorder,
) -> Decimal:
    """The volume to dispense (the order's, the days' supply or the first fill), guarded."""
    days_supply = order.days_supply
    per_day = order.doses_per_day
    if order.volume is not None:
        dispense = order.volume.m_as(Unit.ML)
    else:
        if days_supply is None or per_day is None:  # pragma: no cover - validated on the order
            raise AssertionError(order)
        dispense = rec.step(
            "dispense-volume",
            "volume for the days' supply",
            "V_dispense = days x doses a day x v_dose",
            Quantity(volume_of(Decimal(days_supply) * per_day), Unit.ML),
            days=Quantity(days_supply, Unit.DAY),
            v_dose=Quantity(dose_volume, Unit.ML),
        ).magnitude
    if fills is not None:
        first = fills.schedule[0]
        dispense = rec.step(
            "first-fill-volume",
            f"the supply outlasts the BUD: this batch is fill 1 of {fills.fills} (days "
            f"{first.first_day}-{first.last_day})",
            "V_dispense = volume of the first fill's days",
            first.volume,
            days=Quantity(first.last_day - first.first_day + 1, Unit.DAY),
        ).magnitude
    _guard_dispense(dispense, dose_volume, per_day)
    return dispense


def _guard_dispense(dispense: Decimal, dose_volume: Decimal, per_day: Decimal | None) -> None:
    """Refuse a volume to dispense below one dose or one day's doses, or above one batch."""
    if dispense < dose_volume:
        raise InputError.about(
            "volume",
            f"{plain(dispense)} mL",
            f"is less than one dose ({significant(dose_volume)} mL)",
            "a volume to dispense of at least one dose",
            code="less-than-one-dose",
        )
    if per_day is not None and dispense < dose_volume * per_day:
        raise InputError.about(
            "volume",
            f"{plain(dispense)} mL",
            f"is less than one day's doses ({significant(dose_volume * per_day)} mL at "
            f"{plain(per_day)} doses a day)",
            "a volume to dispense of at least one day's doses; check volume and doses_per_day",
            code="less-than-one-day",
        )
    if dispense > MAX_VOLUME:
        raise FormulationError.about(
            "volume",
            f"{significant(dispense)} mL",
            "is more than one batch the library plans",
            f"at most {plain(MAX_VOLUME)} mL to dispense; split the order",
            code="too-large",
        )


def _batch_volume(
    order: LiquidFields, su: Setup, dispense: Decimal, rec: Recorder
) -> tuple[Quantity, Decimal]:
    """The overage and the volume to make (enlarged to what a graduated cylinder measures)."""
    overage = order.overage
    if overage is None:
        overage = OVERAGE
        rec.default("overage", overage, OVERAGE_SOURCE)
    batch = rec.step(
        "batch-volume",
        "volume to make: the volume to dispense plus the overage of the whole batch",
        "V_batch = V_dispense x (1 + overage)",
        Quantity(dispense * (ONE + overage.m_as(Unit.ONE)), Unit.ML),
        V_dispense=Quantity(dispense, Unit.ML),
        overage=overage,
    ).magnitude
    least = least_measurable(su.devices, su.min_percent)
    if least is None:
        raise InputError.about(
            "equipment",
            ", ".join(d.name for d in su.devices),
            "has no graduated cylinder to make the batch up to volume",
            "a graduated cylinder among the devices",
        )
    if batch < least:
        batch = rec.step(
            "batch-enlarged",
            "batch enlarged to the least volume a graduated cylinder measures (the surplus is discarded)",
            "V_batch = max(V_batch, least measurable volume)",
            Quantity(least, Unit.ML),
            V_batch=Quantity(batch, Unit.ML),
        ).magnitude
        rec.warn(
            "batch-enlarged",
            f"The batch is enlarged to {plain(least)} mL, the least volume a graduated cylinder measures "
            f"at {plain(su.min_percent)} % of its capacity; the surplus is discarded.",
            "volume",
        )
    return overage, batch


def _from_tablets(
    source: TabletSource, su: Setup, aim: _Aim, work: _Work, rec: Recorder
) -> _Active:
    """Whole tablets: how many, and the cylinder volume they make at the concentration."""
    concentration, batch, dispense = aim.concentration, aim.batch, aim.dispense
    strength = su.drug.convert(source.resolved_strength, source.resolved_basis, su.basis).m_as(
        Unit.MG
    )
    per_tablet = rec.step(
        "volume-per-tablet",
        f"volume one tablet makes at {concentration}",
        "V_tablet = tablet strength (dose basis) / C",
        Quantity(CONTEXT.divide(strength, concentration.m_as(Unit.MG_PER_ML)), Unit.ML),
        strength=Quantity(strength, Unit.MG),
        C=concentration,
    )
    count, exact, (final_device, final) = _whole_tablets(per_tablet.magnitude, batch, dispense, su)
    tablets = int(
        rec.step(
            "tablets",
            "whole tablets: enough for the batch volume, rounded up (enlarged if needed so the "
            "volume falls on a cylinder graduation)",
            "tablets = ceil(V_batch / V_tablet)",
            Quantity(count, Unit.TABLET),
            V_batch=Quantity(batch, Unit.ML),
            V_tablet=per_tablet,
        ).magnitude
    )
    rec.step(
        "whole-tablet-volume",
        "volume the whole tablets make at the concentration",
        "V = tablets x V_tablet",
        Quantity(exact, Unit.ML),
        tablets=Quantity(tablets, Unit.TABLET),
    )
    name = source.material_name.removeprefix("crushed ")
    work.measure(f"{name} (count whole tablets)", Quantity(tablets, Unit.TABLET), "count")
    work.process.append(
        f"Count {tablets} {name}; crush them to a fine, uniform powder in a mortar."
    )
    work.process.append(
        f"Wet the powder with a little {su.vehicle.vehicle.name} and triturate to a smooth paste; "
        "add more vehicle in portions, mixing well."
    )
    return _Active(
        final_device=final_device,
        final=final,
        drug_in=Decimal(tablets) * strength,
        tablets=tablets,
        per_tablet=per_tablet,
    )


def _whole_tablets(
    vpt: Decimal, batch: Decimal, dispense: Decimal, su: Setup
) -> tuple[int, Decimal, tuple[MeasuringDevice, Decimal]]:
    """The fewest whole tablets whose volume falls on a cylinder graduation (within tolerance)."""
    tol = su.rounding_tolerance
    count = ceil_int(CONTEXT.divide(batch, vpt))
    for _ in range(TABLET_MARGIN_TRIES):
        exact = count * vpt
        found = final_measure(exact, su.devices, su.min_percent)
        if found is None:
            raise FormulationError.about(
                "volume",
                f"{significant(exact)} mL",
                "is not measurable in any available graduated cylinder",
                f"a batch of at most {plain(MAX_VOLUME)} mL, or a higher concentration",
                code="too-large",
            )
        if abs(CONTEXT.divide(exact, found[1]) - ONE) <= tol and found[1] >= dispense:
            return count, exact, found
        count += 1
    raise FormulationError(
        f"no whole number of tablets gives a volume a graduated cylinder measures within "
        f"{plain(tol * HUNDRED)} %; choose a concentration that divides the tablet strength",
        field="concentration",
        code="no-liquid-plan",
    )


def _from_powder(order: LiquidFields, su: Setup, aim: _Aim, work: _Work, rec: Recorder) -> _Active:
    """API powder: the drug for the target volume, weighed directly or by a liquid aliquot."""
    concentration, batch, dispense = aim.concentration, aim.batch, aim.dispense
    source = order.source
    target = final_measure(batch, su.devices, su.min_percent, up=True)
    if target is None:
        raise FormulationError.about(
            "volume",
            f"{significant(batch)} mL",
            "is not measurable in any available graduated cylinder",
            f"a batch of at most {plain(MAX_VOLUME)} mL",
            code="too-large",
        )
    volume = rec.step(
        "target-volume",
        f"batch volume rounded up to the graduation of the {target[0].name}",
        "V = ceil_g(V_batch)",
        Quantity(target[1], Unit.ML),
        V_batch=Quantity(batch, Unit.ML),
    ).magnitude
    drug_needed = rec.step(
        "drug-needed",
        f"drug for the batch, as {su.drug.describe(su.basis)}",
        "D = C x V",
        Quantity(concentration.m_as(Unit.MG_PER_ML) * volume, Unit.MG),
        C=concentration,
        V=Quantity(volume, Unit.ML),
    ).magnitude
    material = source.material_for(drug_needed, su.basis, rec)
    balance = balance_or_class_iii(order.balance, rec)
    powder_limit = (
        None if su.solubility is None else CONTEXT.divide(su.solubility * material, drug_needed)
    )
    plan = plan_liquid_mg(
        needed=material,
        volume=volume,
        least_volume=dispense,
        balance=balance,
        devices=su.devices,
        min_percent=su.min_percent,
        tolerance=su.rounding_tolerance,
        solubility=powder_limit,
        aliquot_volume=None if order.aliquot_volume is None else order.aliquot_volume.m_as(Unit.ML),
        stock_volume=None if order.stock_volume is None else order.stock_volume.m_as(Unit.ML),
        rec=rec,
    )
    if su.solubility is None and plan.aliquot is not None:
        ALIQUOT_SOLUBILITY_UNKNOWN.refuse(
            rec,
            "solubility",
            "not known",
            f"leaves the stock of {source.material_name} in {su.vehicle.vehicle.name} "
            "possibly undissolved, and a measured part of an undissolved stock does not carry "
            "the calculated drug",
            "the solubility of the drug in the vehicle",
        )
    _weigh_and_dissolve(source, su, plan, balance, work, powder_limit)
    if su.solubility is not None and plan.stock_concentration is not None:
        rec.step(
            "stock-solubility",
            "the stock solution stays at or below the solubility (as drug of the dose basis)",
            "A x (D / material) / B <= solubility",
            Quantity(
                CONTEXT.divide(plan.stock_concentration.magnitude * drug_needed, material),
                Unit.MG_PER_ML,
            ),
            solubility=Quantity(su.solubility, Unit.MG_PER_ML),
        )
    return _Active(
        final_device=plan.final_device,
        final=plan.final_volume.m_as(Unit.ML),
        drug_in=CONTEXT.divide(drug_needed * plan.material.m_as(Unit.MG), material),
        plan=plan,
        balance=balance,
    )


def _weigh_and_dissolve(
    source: Source,
    su: Setup,
    plan: LiquidPlan,
    balance: Balance,
    work: _Work,
    powder_limit: Decimal | None,
) -> None:
    """The weighing, and the stock solution and its aliquot when the powder is too little
    (``powder_limit``: the solubility in mg of powder per mL, ``None`` when not known)."""
    vehicle_name = su.vehicle.vehicle.name
    shown = f"{fixed(plan.weighed.m_as(Unit.MG), places_of(balance.d))} mg"
    work.measure(source.material_name, plan.weighed, balance.name)
    work.process.append(f"Weigh {shown} of {source.material_name}.")
    # "completely dissolved" only when the solubility was checked (probe finding F10)
    checked = su.solubility is not None
    unchecked = "" if checked else " (its solubility was not checked: it may not dissolve)"
    if plan.aliquot is None or plan.stock_volume is None:
        work.process.append(
            _dissolve(plan, vehicle_name, powder_limit)
            if powder_limit is not None
            else f"Disperse it in about half the final volume of {vehicle_name} and mix well"
            f"{unchecked}."
        )
        return
    stock_dev, tool = plan.stock_device, plan.aliquot_device
    if stock_dev is None or tool is None:  # pragma: no cover - set together by plan_liquid
        raise AssertionError(plan)
    stock_c = plan.stock_concentration or Quantity(0, Unit.MG_PER_ML)
    stock = "stock solution" if checked else "stock"
    work.measure(
        f"{stock} ({'dissolve' if checked else 'make'} to volume)",
        plan.stock_volume,
        stock_dev.name,
    )
    work.measure(f"aliquot of the {stock}", plan.aliquot, tool.name)
    mixed = "mix until completely dissolved" if checked else "mix well"
    note = "" if checked else "; its solubility was not checked: it may not dissolve"
    work.process.append(
        f"{'Dissolve' if checked else 'Disperse'} it in {vehicle_name} and make up to "
        f"{plan.stock_volume} in the {stock_dev.name}; {mixed} ({stock}, "
        f"{significant(stock_c.magnitude)} mg/mL of powder{note})."
    )
    work.process.append(
        f"Measure {plan.aliquot} of the {stock} with the {tool.described} into the "
        f"{plan.final_device.name} (it holds {significant(plan.material.magnitude)} mg of powder); "
        f"discard the rest of the {stock}."
    )


#: The least volume to dissolve the weighed powder in is written to this step (mL).
DISSOLVE_STEP = Decimal("0.1")


def _dissolve(plan: LiquidPlan, vehicle_name: str, powder_limit: Decimal) -> str:
    """The step that dissolves the weighed powder: in about half the final volume when that
    keeps it within the share of its solubility that dissolves at room temperature; else in
    the least volume that does; else (a concentration acknowledged near the solubility) in
    the whole final volume (probe finding P4: never a volume that cannot dissolve it)."""
    weighed = plan.weighed.m_as(Unit.MG)
    final = plan.final_volume.m_as(Unit.ML)
    least = CONTEXT.divide(weighed, powder_limit * SOLUBILITY_SHARE_ROOM)
    share = plain(SOLUBILITY_SHARE_ROOM * HUNDRED)
    if least * 2 <= final:
        return f"Dissolve it completely in about half the final volume of {vehicle_name}."
    least = round_up_to(least, DISSOLVE_STEP)
    if least < final:
        return (
            f"Dissolve it completely in at least {plain(least)} mL of {vehicle_name} (less would "
            f"hold it above {share} % of its solubility)."
        )
    return (
        f"Dissolve it completely in {vehicle_name} made up to nearly the final {plain(final)} mL "
        f"(less would hold it above {share} % of its solubility); stir until no particles remain."
    )


def _is_suspension(source: Source, su: Setup) -> bool:
    """A suspension: insoluble tablet excipients, or a suspending vehicle."""
    return source.insoluble_excipients or su.vehicle.vehicle.suspending


def _make_up_to_volume(
    order: LiquidFields,
    su: Setup,
    concentration: Quantity,
    active: _Active,
    work: _Work,
    rec: Recorder,
) -> tuple[Quantity, Quantity, Quantity]:
    """Additives, q.s. to the final volume, and the concentration the measured amounts give."""
    vehicle_name = su.vehicle.vehicle.name
    final_device, final = active.final_device, active.final
    if order.additives:
        names = ", ".join(f"{a.name} ({a.role.value})" for a in order.additives)
        work.process.append(f"Add {names} as the master formulation record states.")
    rest = (
        "; the insoluble tablet excipients stay suspended"
        if order.source.insoluble_excipients
        else ""
    )
    work.process.append(
        f"Transfer to the {final_device.name}, rinse the vessels with {vehicle_name} into it, and add "
        f"{vehicle_name} to {plain(final)} mL (q.s.); mix well{rest}."
    )
    work.measure(
        f"{vehicle_name} q.s. to final volume", Quantity(final, Unit.ML), final_device.name
    )
    final_q = rec.step(
        "final-volume",
        f"volume the batch is made up to, on the graduation of the {final_device.name}",
        "V_final (q.s.)",
        Quantity(final, Unit.ML),
        graduation=final_device.graduation,
    )
    planned = rec.step(
        "concentration-planned",
        "concentration the measured amounts give",
        "C_planned = drug in batch / V_final",
        Quantity(CONTEXT.divide(active.drug_in, final), Unit.MG_PER_ML).to(concentration.unit),
        drug=Quantity(active.drug_in, Unit.MG),
        V_final=final_q,
    )
    deviation = Quantity(
        (CONTEXT.divide(planned.m_as(Unit.MG_PER_ML), concentration.m_as(Unit.MG_PER_ML)) - ONE)
        * HUNDRED,
        Unit.PERCENT,
    )
    return final_q, planned, deviation


def _graduated_dispense(
    order: LiquidFields,
    dispense: Decimal,
    fills: FillPlan | None,
    final_device: MeasuringDevice,
    rec: Recorder,
) -> tuple[Decimal, FillPlan | None]:
    """A computed volume to dispense (and the fills) rounded up to the final device's marks."""
    if order.volume is not None and fills is None:
        return dispense, fills
    packed = round_up_to(dispense, final_device.step)
    if packed != dispense:
        dispense = rec.step(
            "dispense-graduated",
            f"volume to dispense rounded up to a graduation of the {final_device.name}",
            "V_dispense = ceil_g(V_dispense)",
            Quantity(packed, Unit.ML),
            V_dispense=Quantity(dispense, Unit.ML),
            graduation=final_device.graduation,
        ).magnitude
    return dispense, _graduated_fills(fills, final_device.step)


def _pack(
    order: LiquidFields,
    su: Setup,
    dispense: Decimal,
    active: _Active,
    container: str,
    work: _Work,
    rec: Recorder,
) -> bool:
    """Pack the volume to dispense (discarding the surplus); whether to label 'shake well'."""
    shake = _is_suspension(order.source, su) or su.solubility is None
    final = active.final
    label = "; label: shake well" if shake else ""
    if final > dispense:
        work.process.append(
            f"Pack {plain(dispense)} mL in a {container}{label}; "
            f"discard the surplus of {plain(final - dispense)} mL."
        )
    else:
        work.process.append(f"Pack {plain(dispense)} mL in a {container}{label}.")
    if order.source.insoluble_excipients:
        rec.warn(
            "suspension-shake-well",
            "Made from tablets, the liquid is a suspension (insoluble excipients): label it 'shake "
            "well'; it may look cloudy and feel gritty.",
            "source",
        )
    return shake


def _ingredients(
    order: LiquidFields, su: Setup, active: _Active, rec: Recorder
) -> tuple[tuple[str, ...], tuple[LiquidIngredient, ...]]:
    """The allergens and the ingredient lines (active, vehicle, additives)."""
    source = order.source
    allergens = tuple(
        sorted(set(source.allergens + allergens_of(su.vehicle.vehicle, order.additives)))
    )
    plan = active.plan
    if isinstance(source, TabletSource):
        active_amount: Quantity = Quantity(active.tablets or 0, Unit.TABLET)
        note = "whole tablets, crushed"
    else:
        active_amount = plan.weighed if plan is not None else Quantity(0, Unit.MG)
        note = "weighed" if plan is None or plan.direct else "weighed, then a liquid aliquot"
    ingredients = [
        LiquidIngredient(
            role="active",
            name=source.material_name,
            lot=source.lot,
            expiry=source.expiry,
            amount=active_amount,
            note=note,
            allergens=source.allergens,
        ),
        LiquidIngredient(
            role="vehicle",
            name=su.vehicle.vehicle.name,
            lot=su.vehicle.lot,
            expiry=su.vehicle.expiry,
            amount=Quantity(active.final, Unit.ML),
            note="q.s. to the final volume",
            allergens=allergens_of(su.vehicle.vehicle, ()),
        ),
    ]
    ingredients += [
        LiquidIngredient(
            role=a.role.value,
            name=a.name,
            lot=a.lot,
            expiry=a.expiry,
            amount=None,
            note="as the master formulation record states",
            allergens=allergens_in(a.name),
        )
        for a in order.additives
    ]
    warn_lactose(allergens, ingredients, rec)
    return allergens, tuple(ingredients)


def as_equal(days: int, count: int) -> list[int]:
    """``days`` in ``count`` fills as equal as whole days allow: the first ``days % count``
    fills one day longer (57 days in 5 fills: 12, 12, 11, 11, 11; never a short last fill,
    probe finding P9)."""
    each, longer = divmod(days, count)
    return [each + 1] * longer + [each] * (count - longer)


def plan_fills(
    order: LiquidFields,
    bud: BeyondUseDate,
    volume_of: Callable[[Decimal], Decimal],
    rec: Recorder,
) -> FillPlan | None:
    """The fills of a supply that outlasts the BUD, or ``None`` when one fill covers it.

    The days are split into the fewest fills of at most the BUD's days, as equal as whole days
    allow (:func:`as_equal`: the first ones a day longer); fill ``k`` is compounded on its
    first day. Without
    ``doses_per_day`` the days a volume lasts are not known, so nothing is split.
    """
    per_day = order.doses_per_day
    if per_day is None:
        return None
    if order.volume is not None:
        total = order.volume.m_as(Unit.ML)
        days = int(CONTEXT.divide(total, volume_of(per_day)).to_integral_value(ROUND_FLOOR))
    else:
        days = order.days_supply or 0
        total = volume_of(Decimal(days) * per_day)
    if days <= bud.days:
        return None
    count = -(-days // max(bud.days, 1))  # a 0-day BUD (day-0 counting) is a 1-day fill
    schedule: list[Fill] = []
    used = Decimal(0)
    last = 0
    for k, length in enumerate(as_equal(days, count)):
        first, last = last + 1, last + length
        last_of_volume = order.volume is not None and k == count - 1
        volume = total - used if last_of_volume else volume_of(Decimal(last - first + 1) * per_day)
        used += volume
        schedule.append(
            Fill(
                number=k + 1,
                first_day=first,
                last_day=last,
                compounded_on=bud.compounded_on + dt.timedelta(days=first - 1),
                volume=Quantity(volume, Unit.ML),
            )
        )
    later = "; ".join(
        f"fill {f.number} (days {f.first_day}-{f.last_day}, {plain(f.volume.magnitude)} mL) on "
        f"{f.compounded_on.isoformat()}"
        for f in schedule[1:]
    )
    field = "days_supply" if order.days_supply is not None else "volume"
    rec.warn(
        "supply-split-into-fills",
        f"The order covers {days_text(days)} but the BUD allows {days_text(bud.days)}: this "
        f"batch is fill 1 of {count} (days 1-{schedule[0].last_day}) and is labelled for those "
        f"days only; compound {later}, each fresh with its own BUD.",
        field,
    )
    component_cuts_supply(bud, days, rec, field)
    return FillPlan(
        days_supply=days,
        fills=count,
        days_per_fill=schedule[0].last_day,
        volume_per_fill=schedule[0].volume,
        schedule=tuple(schedule),
    )


def _graduated_fills(fills: FillPlan | None, step: Decimal) -> FillPlan | None:
    """``fills`` with every computed volume rounded up to a graduation ``step`` (mL)."""
    if fills is None:
        return None
    schedule = tuple(
        attrs.evolve(f, volume=Quantity(round_up_to(f.volume.magnitude, step), Unit.ML))
        for f in fills.schedule
    )
    return attrs.evolve(fills, schedule=schedule, volume_per_fill=schedule[0].volume)


def label_facts(
    batch: LiquidBatch,
    bud: BeyondUseDate,
    allergens: tuple[str, ...],
    *,
    drug: str,
    dosage_form: str,
    route: str,
    dose_measure: str,
    per_drop: Quantity | None = None,
) -> LabelFacts:
    """The label facts of a liquid; drops (``per_drop`` given) get the dropper statement,
    other liquids the oral syringe statement."""
    return LabelFacts(
        drug=drug,
        dosage_form=dosage_form,
        route=route,
        strength=batch.concentration,
        strength_per_drop=per_drop,
        dose_measure=dose_measure,
        quantity=batch.dispense_volume,
        storage=bud.storage,
        beyond_use_date=bud.date,
        suspension=batch.suspension,
        auxiliary=auxiliary_statements(
            shake=batch.shake_well,
            storage=bud.storage,
            dropper=per_drop is not None,
            syringe=per_drop is None,
        ),
        allergens=allergens,
    )


class ResultFields(Stamp, Provenance):
    """The fields every liquid result (oral liquid, drops) fills the same way (the result
    classes fix the order of their fields; here they are grouped by where they come from:
    the document's stamp and the recorder's provenance, then these)."""

    # the drug
    drug: str
    dose_basis_name: str
    dose_basis: str
    # what make_batch made, and its label
    batch: LiquidBatch
    allergens: tuple[str, ...]
    label: LabelFacts
    bud: BeyondUseDate
    fills: FillPlan | None


def result_fields(
    schema: str,
    su: Setup,
    made: tuple[LiquidBatch, BeyondUseDate, FillPlan | None, tuple[str, ...]],
    rec: Recorder,
    *,
    dosage_form: str,
    route: str,
    dose_measure: str,
    per_drop: Quantity | None = None,
) -> ResultFields:
    """The batch, BUD, fills, label facts and provenance of a liquid result."""
    batch, bud, fills, allergens = made
    drug, basis = su.drug, su.basis
    warn_unused(rec)
    label = label_facts(
        batch,
        bud,
        allergens,
        drug=drug.describe(basis),
        dosage_form=dosage_form,
        route=route,
        dose_measure=dose_measure,
        per_drop=per_drop,
    )
    return ResultFields(
        **stamp(schema),
        drug=drug.name,
        dose_basis=basis,
        dose_basis_name=drug.describe(basis),
        batch=batch,
        bud=bud,
        fills=fills,
        label=label,
        allergens=allergens,
        **rec.provenance(),
    )


#: How a label speaks of one dose of each liquid: (route, verb, unit noun, its plural, whether
#: a dropper measures it).
DOSE_WORDS: dict[str, tuple[str, str, str, str, bool]] = {
    "liquid": ("by mouth", "Take", "mL", "mL", False),
    "drops": ("under the tongue", "Place", "drop", "drops", True),
}


def preparation_facts(
    r: Any, kind: str, *, per: str, dose_text: str, measure: Quantity, device: str | None = None
) -> PreparationFacts:
    """What the label of a liquid or drops result ``r`` says: the words of ``kind``
    (:data:`DOSE_WORDS`), how one dose is measured, and what every liquid fills the same way.
    The delivered dose is the prescribed one: a liquid is only made when one dose is measured
    exactly (a graduation of the syringe, or whole drops)."""
    route, verb, unit_noun, unit_noun_plural, dropper = DOSE_WORDS[kind]
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.concentration,
        per=per,
        dosage_form=r.label.dosage_form,
        route=route,
        verb=verb,
        unit_noun=unit_noun,
        unit_noun_plural=unit_noun_plural,
        quantity=r.label.quantity,
        quantity_noun="",
        bud=r.bud.date,
        refrigerated=r.bud.storage is Storage.REFRIGERATOR,
        liquid=True,
        suspension=r.label.suspension,
        dropper=dropper,
        allergens=r.allergens,
        doses_per_day=r.order.doses_per_day,
        compounded_on=r.bud.compounded_on,
        device=device,
        dose_text=dose_text,
        measure=measure,
        delivered=r.dose,
    )


def master_facts(r: Any) -> MasterFacts:
    """What the master formulation record of a liquid or drops result says of it."""
    b = r.batch
    return MasterFacts(
        name=f"{r.dose_basis_name} {r.concentration} {r.label.dosage_form}",
        strength=r.concentration,
        dosage_form=r.label.dosage_form,
        batch_size=f"{plain(b.final_volume.magnitude)} mL made ({plain(b.dispense_volume.magnitude)} mL dispensed)",
        ingredients=tuple(
            f"{i.role}: {i.name} ("
            + (
                f"{plain(i.amount.magnitude)} {i.amount.unit.display} in the batch"
                if i.amount is not None
                else "q.s."
            )
            + (f"; salt form {r.dose_basis_name}" if i.role == "active" else "")
            + (f"; {i.note}" if i.note else "")
            + ")"
            for i in b.ingredients
        ),
        instructions=b.process,
        quality_control=(
            "final volume checked in the stated device",
            "visual inspection: "
            + (
                "uniform suspension after shaking"
                if b.suspension
                else "clear solution, no particles"
            ),
        ),
    )


def _bud(order: LiquidFields, su: Setup, rec: Recorder, today: dt.date | None) -> BeyondUseDate:
    start = bud_start(
        order, today, rec, storage=Storage.REFRIGERATOR, storage_source=STORAGE_SOURCE
    )
    added = [su.vehicle.component(), *(a.component() for a in order.additives)]
    for c in added:
        if c.expiry is None:
            warn_no_expiry(rec, f"The expiry of {c.name}", f"{c.role}.expiry")
    return assign_bud(
        category=su.category,
        compounded_on=start.compounded_on,
        storage=start.storage,
        components=(*order.source.components(), *added),
        rec=rec,
        day_count=start.day_count,
        study=order.study,
        today=today,
    )


def syringes(devices: tuple[MeasuringDevice, ...]) -> list[MeasuringDevice]:
    """The oral syringes among ``devices``, smallest first."""
    if devices is DEVICES:
        return list(_TABLE_SYRINGES)
    return _syringes(devices)


def _syringes(devices: tuple[MeasuringDevice, ...]) -> list[MeasuringDevice]:
    return sorted((d for d in devices if d.kind is DeviceKind.ORAL_SYRINGE), key=lambda d: d.cap)


_TABLE_SYRINGES = tuple(_syringes(DEVICES))
