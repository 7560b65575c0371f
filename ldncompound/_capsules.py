"""LDN capsules: fill to capacity or to a fixed fill weight, from any drug source.

Method (all amounts per capsule unless stated; mg):

1. ``n_batch = ceil(count x (1 + overage))``: overage is extra of the *whole batch*, every
   ingredient at the same concentration; the surplus is discarded.
2. ``p`` = drug material per capsule for the dose (the source's correction path), with an
   optional drug-only loss allowance (off unless given).
3. Capacity of the chosen size: filler ``C_f`` from a measured pack stat (main input), a
   measured density, or the cited table density (an estimate, flagged); the active's own
   volume is ``p / C_a`` of the capsule, where ``C_a`` comes from its density or is assumed
   equal to ``C_f`` (1:1 replacement by weight, echoed).
4. Fill to capacity: ``f = C_f x (1 - p / C_a)``, fill weight ``W = p + f``.
   Fixed fill weight: ``f = W - p`` (q.s.), and the fill fraction is checked against capacity.
5. Weighing: the batch needs ``n_batch x p`` of material. :func:`plan_solid` weighs it
   directly or through triturations and an aliquot, every weighing >= the balance minimum and
   rounded to its readability. The mix is then made for the material actually weighed
   (``n_eff`` capsules' worth, at least ``n_batch``), and the filler to add is rounded to
   readability; the dose change that rounding causes is computed and kept within a stated
   tolerance by enlarging the batch.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from decimal import Decimal

import attrs

from . import _solid as solid
from ._bud import BeyondUseDate, BudCategory, DayCount, Storage, StudyBud
from ._capsule_data import (
    CAPSULE_SIZES,
    SHELL_SOURCE,
    SIZE_SOURCE,
    CapsuleSize,
    Filler,
    capsule_size,
    filler,
)
from ._errors import FormulationError, InputError
from ._numbers import (
    CONTEXT,
    HUNDRED,
    ONE,
    ZERO,
    plain,
    private_context,
    round_to,
    significant,
)
from ._plausible import PACKED_DENSITY, implausible
from ._preparation import Preparation, register
from ._qc import WeightWindow
from ._solid import POLICY, Policy, Settings, Sheet, Weighing
from ._sources import Component, Source, allergens_in, check_density
from ._supplied import echo_from_profile, from_profile_field
from ._trace import DefaultUsed, Recorder, ResultWarning, Step
from ._units import Dimension, Quantity, Unit
from ._validate import (
    OMITTABLE,
    density_field,
    mass_field,
    percent_field,
    qfield,
    text_field,
)
from ._version import __version__
from ._vocabulary import MasterFacts, PreparationFacts, TableValue
from ._weighing import Balance, SolidPlan, geometric_portions

__all__ = [
    "CAPSULES_ORDER_SCHEMA",
    "CAPSULES_SCHEMA",
    "CapsuleMethod",
    "CapsuleOrder",
    "CapsuleResult",
    "FillerLot",
    "Ingredient",
    "PackStat",
    "ShellLot",
    "Weighing",
    "formulate_capsules",
]

CAPSULES_SCHEMA = "ldncompound/capsules/2"
CAPSULES_ORDER_SCHEMA = "ldncompound/order/capsules/1"

#: the weight window each capsule must meet (value and source in the policy table)
WINDOW_PERCENT = POLICY["weight_window.capsules"].value.magnitude
WINDOW_SOURCE = POLICY["weight_window.capsules"].source
#: the automatic size is the smallest whose volume holds the fill: required volume = fill /
#: bulk density, "choose the smallest size whose volume >= required" (domain.md §4.1) [V]
SIZE_RULE_SOURCE = (
    "smallest size whose volume holds the fill (required volume = fill / bulk density; "
    "domain.md §4.1) [V]"
)
#: above this share of the capsule's volume the fill is tight: warned, not refused. Practice
#: aims for 80-95 % fill utilisation (novapharmanews capsule calculator; domain.md §3.2) [S];
#: the warning at 90 % is library policy [D]
FILL_WARN_SHARE = Decimal("0.90")
DEFAULT_FILLER_SOURCE = (
    "microcrystalline cellulose (Avicel), the usual immediate-release LDN filler "
    "(US Pharm. 2020;45(3); LDN Research Trust dosing guide; domain.md §1.6) [S]"
)
ACTIVE_PACKING_SOURCE = (
    "no density given for the drug material: assumed to pack like the filler (1:1 by weight) [D]"
)


class CapsuleMethod(enum.Enum):
    """How each capsule's fill is determined."""

    CAPACITY = "capacity"
    FIXED_WEIGHT = "fixed-weight"


@attrs.frozen(kw_only=True)
class PackStat:
    """A measured pack stat: mg of this filler lot that fills one capsule of ``size``."""

    size: str
    filler_per_capsule: Quantity = qfield(Dimension.MASS, mass_field("filler.pack_stat"))
    method: str | None = attrs.field(default=None, validator=text_field("filler.pack_stat.method"))
    capsules_measured: int | None = None

    def __attrs_post_init__(self) -> None:
        capsule_size(self.size)

    @classmethod
    def from_weights(
        cls,
        *,
        size: str,
        filled: Quantity,
        empty: Quantity,
        capsules: int,
        method: str | None = None,
    ) -> PackStat:
        """A pack stat from a calibration: ``capsules`` filled with filler only weigh
        ``filled`` in all, their empty shells ``empty``: (filled - empty) / capsules."""
        if capsules < 1:
            raise InputError.about(
                "capsules", capsules, "is not a positive number", "the capsules weighed"
            )
        net = filled - empty
        if net.magnitude <= 0:
            raise InputError.about(
                "filled", str(filled), "is not more than the empty shells", "the filled weight"
            )
        return cls(
            size=size,
            filler_per_capsule=(net / capsules).to(Unit.MG),
            method=method,
            capsules_measured=capsules,
        )


@attrs.frozen(kw_only=True)
class FillerLot:
    """The filler used: a table key, its lot and expiry, and measurements of this lot."""

    filler: str
    lot: str | None = attrs.field(default=None, validator=text_field("filler.lot"))
    expiry: dt.date | None = None
    pack_stat: PackStat | None = None
    density: Quantity | None = qfield(
        Dimension.CONCENTRATION,
        density_field("filler.density", Decimal(3), what="powder density"),
        default=None,
    )

    def __attrs_post_init__(self) -> None:
        filler(self.filler)
        if self.density is not None and self.pack_stat is not None:
            raise InputError.about(
                "filler.density",
                str(self.density),
                "was given together with a pack stat",
                "one of the two (the pack stat is preferred)",
            )

    @property
    def spec(self) -> Filler:
        return filler(self.filler)


@attrs.frozen(kw_only=True)
class ShellLot:
    """Empty capsule shells: material, lot, expiry and the measured average empty weight."""

    material: str = attrs.field(default="gelatin", validator=text_field("shells.material"))
    lot: str | None = attrs.field(default=None, validator=text_field("shells.lot"))
    expiry: dt.date | None = None
    weight: Quantity | None = qfield(Dimension.MASS, mass_field("shells.weight"), default=None)


@attrs.frozen(kw_only=True)
class CapsuleOrder:
    """Everything a capsule calculation needs. ``None`` means "use the stated default"."""

    dose: Quantity = qfield(Dimension.MASS)
    count: int
    source: Source
    filler: FillerLot | None = None
    dose_basis: str | None = None
    method: CapsuleMethod | None = None
    size: str | None = None
    fill_weight: Quantity | None = qfield(Dimension.MASS, mass_field("fill_weight"), default=None)
    overage: Quantity | None = solid.overage_field()
    drug_loss_allowance: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("drug_loss_allowance", ZERO, Decimal(10)), default=None
    )
    balance: Balance | None = None
    shells: ShellLot | None = None
    compounded_on: dt.date | None = None
    storage: Storage | None = None
    day_count: DayCount | None = None
    study: StudyBud | None = None
    doses_per_day: Decimal | None = None
    qc_sample: int | None = None
    max_stage_mass: Quantity | None = solid.max_stage_field()
    # added in 0.2: documents written before may leave the pharmacist's dilution choices out
    trituration_ratio: int | None = attrs.field(
        default=None, validator=solid.ratio_validator, metadata={OMITTABLE: True}
    )
    aliquot_mass: Quantity | None = qfield(
        Dimension.MASS, mass_field("aliquot_mass"), default=None, omittable=True
    )
    rounding_tolerance: Quantity | None = solid.rounding_tolerance_field()
    tablet_margin: Quantity | None = solid.tablet_margin_field()
    acknowledge: tuple[str, ...] = solid.acknowledge_field()
    reference: str | None = solid.reference_field()
    from_profile: tuple[str, ...] = from_profile_field()

    def __attrs_post_init__(self) -> None:
        solid.check_dose_and_count(
            self.dose,
            self.count,
            count_expected="the number of capsules to dispense",
            units="capsules",
        )
        if self.dose_basis is not None:
            self.source.drug.form(self.dose_basis)
        if self.size is not None:
            capsule_size(self.size)
        method = self.method or CapsuleMethod.CAPACITY
        if method is CapsuleMethod.FIXED_WEIGHT and self.fill_weight is None:
            raise InputError.about(
                "fill_weight",
                None,
                "is missing",
                "the net fill weight per capsule for the fixed-weight method",
            )
        if method is CapsuleMethod.CAPACITY and self.fill_weight is not None:
            raise InputError.about(
                "fill_weight",
                str(self.fill_weight),
                "was given for the capacity method",
                "no fill weight, or method 'fixed-weight'",
            )
        solid.check_daily_and_qc(self.count, self.doses_per_day, self.qc_sample, units="capsules")


@attrs.frozen(kw_only=True)
class Ingredient:
    """An ingredient: what is taken from its container, and how much ends up in the batch."""

    role: str
    name: str
    lot: str | None
    expiry: dt.date | None
    weighed: Quantity
    in_batch: Quantity
    per_capsule: Quantity
    allergens: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class CapsuleResult:
    """A complete capsule formulation: amounts, plan, QC targets, BUD, warnings and trace."""

    schema: str
    library_version: str
    order: CapsuleOrder
    drug: str
    dose_basis: str
    dose_basis_name: str
    dose: Quantity
    dose_planned: Quantity
    dose_deviation: Quantity
    count: int
    batch_count: int
    mix_for: Quantity
    method: CapsuleMethod
    size: str
    capsule_volume: Quantity
    fill_weight: Quantity
    filler_per_capsule: Quantity
    active_per_capsule: Quantity
    fill_fraction: Quantity
    overage: Quantity
    tablets_to_crush: int | None
    plan: SolidPlan
    ingredients: tuple[Ingredient, ...]
    weighings: tuple[Weighing, ...]
    total_mix: Quantity
    process: tuple[str, ...]
    qc: WeightWindow
    shell_weight: Quantity
    gross_window: WeightWindow
    balance: Balance
    bud: BeyondUseDate
    allergens: tuple[str, ...]
    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]
    trace: tuple[Step, ...]


@functools.cache
def _default_filler() -> FillerLot:
    # Immutable preset, made once: building it runs its validators on every order.
    return FillerLot(filler="mcc")


def _default_overage(dose_mg: Decimal) -> Policy:
    return POLICY["overage.capsules.under-20-mg" if dose_mg < 20 else "overage.capsules"]


@attrs.frozen
class _Capacity:
    size: CapsuleSize
    filler: Decimal
    active: Decimal
    note: str


def _capacity(lot: FillerLot, size: CapsuleSize, source: Source) -> _Capacity:
    volume = size.volume.m_as(Unit.ML)
    spec = lot.spec
    if lot.pack_stat is not None:
        ps = lot.pack_stat
        ps_size = capsule_size(ps.size)
        measured = ps.filler_per_capsule.m_as(Unit.MG)
        if ps_size.code == size.code:
            cap, note = measured, "measured pack stat"
        else:
            cap = CONTEXT.divide(measured * volume, ps_size.volume.m_as(Unit.ML))
            note = f"pack stat for size {ps.size} scaled by volume"
    elif lot.density is not None:
        cap, note = lot.density.m_as(Unit.G_PER_ML) * volume * 1000, "measured filler density"
    elif spec.density is not None:
        cap, note = (
            spec.density.m_as(Unit.G_PER_ML) * volume * 1000,
            "table bulk density (estimate)",
        )
    else:
        raise InputError.about(
            "filler.pack_stat",
            None,
            f"is missing and the table has no usable density for {spec.name} ({spec.density_source})",
            "a measured pack stat or density for this filler lot",
            code="missing-density",
        )
    active = cap if source.density is None else source.density.m_as(Unit.G_PER_ML) * volume * 1000
    return _Capacity(size=size, filler=cap, active=active, note=note)


def _choose_size(
    order: CapsuleOrder,
    lot: FillerLot,
    method: CapsuleMethod,
    p: Decimal,
    balance: Balance,
    rec: Recorder,
) -> _Capacity:
    if order.size is not None:
        return _capacity(lot, capsule_size(order.size), order.source)
    if lot.pack_stat is not None:
        rec.default("size", lot.pack_stat.size, "the size the filler's pack stat was measured in")
        return _capacity(lot, capsule_size(lot.pack_stat.size), order.source)
    m = balance.m
    chosen: _Capacity | None = None
    fitting: _Capacity | None = None
    for size in CAPSULE_SIZES:
        cap = _capacity(lot, size, order.source)
        share, weight = _fill_share(order, method, p, cap)
        # filled to capacity, the drug material must leave room for some filler
        if share < ONE or (share == ONE and method is CapsuleMethod.FIXED_WEIGHT):
            fitting = fitting or cap
            if weight >= m:
                chosen = cap
                break
    if chosen is None:
        if fitting is None:
            raise FormulationError(
                f"the fill does not fit even a size {CAPSULE_SIZES[-1].code} capsule",
                field="size",
                code="overfill",
            )
        chosen = fitting
    rec.default(
        "size",
        chosen.size.code,
        SIZE_RULE_SOURCE + "; for a filled capsule, also the smallest whose fill weighs at least "
        "the balance minimum, so single capsules can be weight-checked",
    )
    share, weight = _fill_share(order, method, p, chosen)
    if share > FILL_WARN_SHARE:
        what, advice = (
            ("The drug material takes", "little filler is left to mix it with evenly")
            if method is CapsuleMethod.CAPACITY
            else ("The fill takes", "tamp evenly and check that every capsule closes")
        )
        rec.warn(
            "fill-near-capacity",
            f"{what} {significant(share * HUNDRED, 3)} % of a size {chosen.size.code} "
            f"capsule's volume (above {plain(FILL_WARN_SHARE * HUNDRED)} %): {advice}, or "
            "choose the next size up.",
            "size",
        )
    return chosen


def _fill_share(
    order: CapsuleOrder, method: CapsuleMethod, p: Decimal, cap: _Capacity
) -> tuple[Decimal, Decimal]:
    """The share of a capsule's volume the fill needs, and the net fill weight (mg): filled to
    capacity, only the drug material's share matters; at a fixed weight, drug plus filler."""
    if method is CapsuleMethod.CAPACITY:
        share = CONTEXT.divide(p, cap.active)
        return share, p + cap.filler * (ONE - share)
    if order.fill_weight is None:  # pragma: no cover - validated on the order
        raise AssertionError(order)
    weight = order.fill_weight.m_as(Unit.MG)
    return CONTEXT.divide(p, cap.active) + CONTEXT.divide(weight - p, cap.filler), weight


@private_context
def formulate_capsules(order: CapsuleOrder, *, today: dt.date | None = None) -> CapsuleResult:
    """Compute a capsule batch for ``order``: what to weigh, how to fill, QC, BUD, warnings.

    ``today`` is the compounding date used when the order has none (echoed as a default);
    without either, the system date is used and echoed.
    Raises :class:`InputError` for bad or inconsistent input and :class:`FormulationError`
    when the request cannot be compounded as asked (overfill, expired component, ...).
    """
    rec = Recorder(acknowledged=frozenset(order.acknowledge))
    echo_from_profile(order, rec)
    basis = solid.resolve_basis(order, rec)
    method = _resolve_method(order, rec)
    solid.guard_dose(order, basis, rec)
    settings = solid.resolve_settings(order, rec, lambda: _overage_for(order, basis))
    batch, n_batch = solid.size_batch(
        rec, order.count, settings.overage, units="capsules", unit=Unit.CAPSULE
    )
    dose_eff = _drug_loss_allowance(order, rec)
    p = order.source.material_for(dose_eff, basis, rec)
    lot = _resolve_filler(order, rec)
    fill = _fill(order, lot, method, p, settings.balance, rec)
    mix = _plan_mix(order, settings, batch, fill, lot, dose_eff, rec)
    tablets = solid.tablets_to_crush(order, mix.plan, rec)
    sheet, shells = _compound(order, settings.balance, fill, lot, mix, tablets, n_batch, rec)
    qc, gross = _weight_check(order, sheet, fill.w, shells, n_batch, rec)
    ingredients, allergens = _ingredients(order, fill, lot, mix, rec)
    bud = _beyond_use_date(order, lot, today, rec)
    return CapsuleResult(
        schema=CAPSULES_SCHEMA,
        library_version=__version__,
        order=order,
        drug=order.source.drug.name,
        dose_basis=basis,
        dose_basis_name=order.source.drug.describe(basis),
        dose=order.dose,
        dose_planned=mix.planned,
        dose_deviation=solid.dose_deviation(mix.planned, order.dose.m_as(Unit.MG)),
        count=order.count,
        batch_count=n_batch,
        mix_for=mix.mix_for,
        method=method,
        size=fill.size.code,
        capsule_volume=fill.size.volume,
        fill_weight=Quantity(fill.w, Unit.MG),
        filler_per_capsule=Quantity(fill.f, Unit.MG),
        active_per_capsule=Quantity(p, Unit.MG),
        fill_fraction=fill.fraction,
        overage=settings.overage,
        tablets_to_crush=tablets,
        plan=mix.plan,
        ingredients=ingredients,
        weighings=tuple(sheet.weighings),
        total_mix=Quantity(mix.actual_total, Unit.MG),
        process=tuple(sheet.process),
        qc=qc,
        shell_weight=shells,
        gross_window=gross,
        balance=settings.balance,
        bud=bud,
        allergens=allergens,
        warnings=tuple(rec.warnings),
        defaults=tuple(rec.defaults),
        trace=tuple(rec.steps),
    )


def _resolve_method(order: CapsuleOrder, rec: Recorder) -> CapsuleMethod:
    method = order.method
    if method is None:
        method = CapsuleMethod.CAPACITY
        rec.default(
            "method", method.value, "capsules are filled to capacity unless a fill weight is given"
        )
    return method


def _overage_for(order: CapsuleOrder, basis: str) -> Policy:
    drug = order.source.drug
    return _default_overage(drug.convert(order.dose, basis, drug.default_basis).m_as(Unit.MG))


def _drug_loss_allowance(order: CapsuleOrder, rec: Recorder) -> Decimal:
    """The drug per capsule to plan for: the dose, raised by a drug-only loss allowance."""
    dose = order.dose
    dose_mg = dose.m_as(Unit.MG)
    allowance = order.drug_loss_allowance
    if allowance is None or allowance.magnitude <= 0:
        return dose_mg
    dose_eff = rec.step(
        "drug-loss-allowance",
        "drug per capsule raised by the drug-only loss allowance",
        "dose_eff = dose x (1 + allowance)",
        Quantity(dose_mg * (ONE + allowance.m_as(Unit.ONE)), Unit.MG),
        dose=dose.to(Unit.MG),
        allowance=allowance,
    ).magnitude
    rec.warn(
        "drug-loss-allowance",
        f"Drug is increased by {allowance} over the dose to allow for losses; "
        "the capsules will contain more than the prescribed dose if no drug is lost.",
        "drug_loss_allowance",
    )
    return dose_eff


def _resolve_filler(order: CapsuleOrder, rec: Recorder) -> FillerLot:
    """The filler lot (default: microcrystalline cellulose), its measurements checked."""
    lot = order.filler
    if lot is None:
        lot = _default_filler()
        rec.default("filler", lot.filler, DEFAULT_FILLER_SOURCE)
    _check_filler(lot, rec)
    return lot


def _check_filler(lot: FillerLot, rec: Recorder) -> None:
    """A measured filler density must be a powder's, and a pack stat must imply a packed
    density in :data:`PACKED_DENSITY` (refused unless acknowledged)."""
    if lot.density is not None:
        check_density(rec, "filler.density", lot.density)
    ps = lot.pack_stat
    if ps is not None:
        size = capsule_size(ps.size)
        packed = CONTEXT.divide(ps.filler_per_capsule.m_as(Unit.G), size.volume.m_as(Unit.ML))
        if not PACKED_DENSITY.holds(packed):
            implausible(
                rec,
                "pack-stat-implausible",
                "filler.pack_stat",
                str(ps.filler_per_capsule),
                f"in a size {size.code} capsule ({size.volume}) is a packed density of "
                f"{significant(packed, 3)} g/mL, outside the plausible {PACKED_DENSITY.describe()}",
                "the measured mg of filler per capsule of that size",
            )


@attrs.frozen
class _Fill:
    """One capsule: its size and capacity, drug material ``p``, filler ``f``, fill ``w``."""

    size: CapsuleSize
    cap: _Capacity
    p: Decimal
    f: Decimal
    w: Decimal
    fraction: Quantity


def _fill(
    order: CapsuleOrder,
    lot: FillerLot,
    method: CapsuleMethod,
    p: Decimal,
    balance: Balance,
    rec: Recorder,
) -> _Fill:
    """Choose the size, then fill to capacity or to the fixed weight; warn about the fill."""
    cap = _choose_size(order, lot, method, p, balance, rec)
    _echo_capacity(order, lot, cap, rec)
    capacity_f = rec.step(
        "filler-capacity",
        f"filler that fills one size {cap.size.code} capsule ({cap.note})",
        "C_f = pack stat, or density x capsule volume",
        Quantity(cap.filler, Unit.MG),
        volume=cap.size.volume,
    ).magnitude
    share = rec.step(
        "active-share",
        "share of the capsule volume taken by the drug material",
        "s = p / C_a",
        Quantity(CONTEXT.divide(p, cap.active) * HUNDRED, Unit.PERCENT),
        p=Quantity(p, Unit.MG),
        C_a=Quantity(cap.active, Unit.MG),
    ).m_as(Unit.ONE)
    if method is CapsuleMethod.CAPACITY:
        f, w, fraction = _fill_to_capacity(order.source, lot, cap, p, capacity_f, share, rec)
    else:
        f, w, fraction = _fill_to_weight(order, cap, p, capacity_f, share, rec)
    _warn_fill(lot, w, balance, rec)
    return _Fill(
        size=cap.size,
        cap=cap,
        p=p,
        f=f,
        w=w,
        fraction=fraction,
    )


def _echo_capacity(order: CapsuleOrder, lot: FillerLot, cap: _Capacity, rec: Recorder) -> None:
    if "estimate" in cap.note:
        spec = lot.spec
        rec.default(
            "filler.density", spec.density or Quantity(0, Unit.G_PER_ML), spec.density_source
        )
        rec.warn(
            "filler-density-estimated",
            f"The capacity uses the table bulk density of {spec.name}, an estimate (lots differ, and "
            "hand-packed capsules hold more than the loose bulk density suggests); measure a pack "
            "stat for this lot and size.",
            "filler.pack_stat",
        )
    elif "scaled" in cap.note:
        size = cap.size
        rec.warn(
            "pack-stat-extrapolated",
            f"The pack stat was measured in size {lot.pack_stat.size if lot.pack_stat else '?'} "
            f"and scaled by volume to size {size.code}; measure it in size {size.code}.",
            "filler.pack_stat",
        )
    if order.source.density is None:
        rec.default("source.density", "packs like the filler", ACTIVE_PACKING_SOURCE)


def _fill_to_capacity(
    source: Source,
    lot: FillerLot,
    cap: _Capacity,
    p: Decimal,
    capacity_f: Decimal,
    share: Decimal,
    rec: Recorder,
) -> tuple[Decimal, Decimal, Quantity]:
    if share >= 1:
        bigger = next((s.code for s in CAPSULE_SIZES if _capacity(lot, s, source).active > p), None)
        hint = f"size {bigger} or larger" if bigger else "a smaller dose per capsule"
        raise FormulationError.about(
            "size",
            cap.size.code,
            f"overfills: the drug material alone ({significant(p)} mg) needs "
            f"{significant(share * HUNDRED, 4)} % of the capsule",
            hint,
            code="overfill",
        )
    f = rec.step(
        "filler-per-capsule",
        "filler per capsule: the capacity left after the drug material",
        "f = C_f - p x C_f / C_a  (= C_f x (1 - s))",
        Quantity(capacity_f - CONTEXT.divide(p * capacity_f, cap.active), Unit.MG),
        C_f=Quantity(capacity_f, Unit.MG),
        C_a=Quantity(cap.active, Unit.MG),
    ).magnitude
    w = rec.step(
        "fill-weight",
        "net fill weight per capsule",
        "W = p + f",
        Quantity(p + f, Unit.MG),
        p=Quantity(p, Unit.MG),
        f=Quantity(f, Unit.MG),
    ).magnitude
    return f, w, Quantity(HUNDRED, Unit.PERCENT)


def _fill_to_weight(
    order: CapsuleOrder,
    cap: _Capacity,
    p: Decimal,
    capacity_f: Decimal,
    share: Decimal,
    rec: Recorder,
) -> tuple[Decimal, Decimal, Quantity]:
    if order.fill_weight is None:  # pragma: no cover - validated on the order
        raise AssertionError(order)
    w = order.fill_weight.m_as(Unit.MG)
    if w <= p:
        raise FormulationError.about(
            "fill_weight",
            str(order.fill_weight),
            f"is not more than the drug material per capsule ({significant(p)} mg)",
            "a fill weight above the drug material",
            code="fill-below-active",
        )
    f = rec.step(
        "filler-per-capsule",
        "filler per capsule: q.s. to the fill weight",
        "f = W - p",
        Quantity(w - p, Unit.MG),
        W=order.fill_weight,
        p=Quantity(p, Unit.MG),
    ).magnitude
    fraction = rec.step(
        "fill-fraction",
        "share of the capsule volume the fill takes",
        "fill = p / C_a + f / C_f",
        Quantity((share + CONTEXT.divide(f, capacity_f)) * HUNDRED, Unit.PERCENT),
        C_f=Quantity(capacity_f, Unit.MG),
    )
    if fraction.m_as(Unit.PERCENT) > HUNDRED:
        rec.warn(
            "overfill",
            f"A {significant(w)} mg fill needs {significant(fraction.magnitude, 4)} % of a size "
            f"{cap.size.code} capsule; choose a larger size or a lower fill weight.",
            "fill_weight",
        )
    return f, w, fraction


def _warn_fill(lot: FillerLot, w: Decimal, balance: Balance, rec: Recorder) -> None:
    solid.warn_unweighable(
        rec,
        w,
        balance,
        code="capsule-weight-below-minimum",
        weight="fill weight",
        units="capsules",
        advice="use a larger size or a finer balance",
        field="size",
    )
    spec = lot.spec
    if spec.slow_release:
        rec.warn(
            "slow-release-filler",
            f"{spec.name} is a slow-release filler; LDN must be immediate release. Use "
            "microcrystalline cellulose or another immediate-release filler.",
            "filler",
        )
    if spec.calcium_carbonate:
        rec.warn(
            "calcium-carbonate-filler",
            "Calcium carbonate is reported to reduce naltrexone absorption; avoid it as an LDN filler.",
            "filler",
        )


@attrs.frozen
class _Mix:
    """The weighing plan and the mix made from the material actually weighed."""

    plan: SolidPlan
    material: Decimal
    aliquot: Decimal
    filler_add: Decimal
    actual_total: Decimal
    mix_for: Quantity
    planned: Quantity


def _plan_mix(
    order: CapsuleOrder,
    settings: Settings,
    batch: Quantity,
    fill: _Fill,
    lot: FillerLot,
    dose_eff: Decimal,
    rec: Recorder,
) -> _Mix:
    """Plan the weighings; the batch is made for the material actually weighed."""
    balance, p, w = settings.balance, fill.p, fill.w
    d, m = balance.d, balance.m
    tolerance = settings.tolerance
    tol = tolerance.m_as(Unit.ONE)
    exact_need = solid.material_needed(rec, batch, p)
    # one division each (never by the rounded ratio W / p): no 34th-digit artefact
    need = max(exact_need, CONTEXT.divide(max(d / (2 * tol), 2 * m) * p, w))
    plan_for = solid.planner(
        settings,
        ratio=CONTEXT.divide(w, p),
        material_name=order.source.material_name,
        diluent_name=lot.spec.name,
    )

    def attempt(
        need: Decimal,
    ) -> tuple[Decimal, tuple[Recorder, SolidPlan, Decimal, Decimal] | None]:
        trial = Recorder()
        plan = plan_for(need, trial)
        total = CONTEXT.divide(plan.material.m_as(Unit.MG) * w, p)
        aliquot = plan.aliquot.m_as(Unit.MG)
        filler_add = round_to(total - aliquot, d)
        if ZERO < filler_add < m:
            # the filler scales with the material: enlarge until it reaches the minimum
            return CONTEXT.divide(need * m, total - aliquot) * Decimal("1.02"), None
        if abs(CONTEXT.divide(total, aliquot + filler_add) - ONE) > tol:
            return need * 2, None
        return need, (trial, plan, filler_add, total)

    need, (trial, plan, filler_add, total) = solid.converge(need, attempt)
    solid.material_enlarged(
        rec,
        need,
        exact_need,
        tolerance,
        why="material enlarged so the mix is at least twice the minimum weight, the filler "
        "weighing is at or above the minimum and rounding moves the dose by at most the "
        "tolerance (the surplus is discarded)",
        formula="C' >= max(C, max(d / (2 x tolerance), 2 x minimum) / (W / p))",
    )
    rec.extend(trial)  # the trace holds the final plan only
    return _trace_mix(order, balance, plan, fill, filler_add, total, dose_eff, rec)


def _trace_mix(
    order: CapsuleOrder,
    balance: Balance,
    plan: SolidPlan,
    fill: _Fill,
    filler_add: Decimal,
    total: Decimal,
    dose_eff: Decimal,
    rec: Recorder,
) -> _Mix:
    p, dose = fill.p, order.dose
    material, aliquot = plan.material.m_as(Unit.MG), plan.aliquot.m_as(Unit.MG)
    actual_total = aliquot + filler_add
    mix_for = rec.step(
        "mix-for",
        "capsules' worth of mix made from the material weighed (at least n_batch; surplus discarded)",
        "n_eff = material / p",
        Quantity(CONTEXT.divide(material, p), Unit.CAPSULE),
        material=plan.material,
        p=Quantity(p, Unit.MG),
    )
    rec.step(
        "total-mix",
        "mix mass for that many capsules",
        "T = n_eff x W",
        Quantity(total, Unit.MG),
        W=Quantity(fill.w, Unit.MG),
    )
    rec.step(
        "filler-to-add",
        f"filler added to the aliquot, rounded to the readability {balance.readability}",
        "F = round_d(T - D)",
        Quantity(filler_add, Unit.MG),
        T=Quantity(total, Unit.MG),
        D=plan.aliquot,
    )
    planned = rec.step(
        "dose-planned",
        "dose per capsule the rounded weighings deliver",
        "dose_planned = dose_eff x T / (D + F)",
        Quantity(CONTEXT.divide(dose_eff * total, actual_total), dose.unit.canonical).to(dose.unit),
        dose_eff=Quantity(dose_eff, Unit.MG),
    )
    return _Mix(
        plan=plan,
        material=material,
        aliquot=aliquot,
        filler_add=filler_add,
        actual_total=actual_total,
        mix_for=mix_for,
        planned=planned,
    )


def _compound(
    order: CapsuleOrder,
    balance: Balance,
    fill: _Fill,
    lot: FillerLot,
    mix: _Mix,
    tablets: int | None,
    n_batch: int,
    rec: Recorder,
) -> tuple[Sheet, Quantity]:
    """The weighings and process in compounding order: crush, triturate, mix, fill."""
    filler_name = lot.spec.name
    sheet = Sheet(d=balance.d)
    sheet.crush_and_triturate(tablets, mix.plan, order.source.material_name, filler_name)
    if mix.filler_add > 0:
        sheet.weigh(f"{filler_name} (filler)", Quantity(mix.filler_add, Unit.MG))
        portions = ", ".join(
            plain(q.magnitude) for q in geometric_portions(mix.aliquot, mix.filler_add)
        )
        sheet.process.append(
            f"Weigh {sheet.shown(mix.filler_add)} of {filler_name} and incorporate it "
            f"by geometric dilution in portions of about {portions} mg; mix until uniform."
        )
    shell_weight = _shell_weight(order, fill.size, rec)
    sheet.process.append(_fill_instruction(order, lot, fill, n_batch, rec))
    return sheet, shell_weight


def _shell_weight(order: CapsuleOrder, size: CapsuleSize, rec: Recorder) -> Quantity:
    shells = order.shells
    if shells is not None and shells.weight is not None:
        return shells.weight
    rec.default("shells.weight", size.shell_weight, SHELL_SOURCE)
    rec.warn(
        "shell-weight-estimated",
        f"The empty-shell weight {size.shell_weight} for size {size.code} is a typical figure; "
        "weigh 10 empty shells and use their average for gross-weight checks.",
        "shells.weight",
    )
    return size.shell_weight


def _fill_instruction(
    order: CapsuleOrder, lot: FillerLot, fill: _Fill, n_batch: int, rec: Recorder
) -> str:
    """How to fill the capsules: to capacity, tamped as for the pack stat, or to a weight."""
    size, w = fill.size, fill.w
    if (order.method or CapsuleMethod.CAPACITY) is not CapsuleMethod.CAPACITY:
        return f"Fill {n_batch} size {size.code} capsules with {significant(w)} mg net each."
    ps = lot.pack_stat
    how = ps.method if ps is not None and ps.method else None
    if ps is not None and how is None:
        rec.warn(
            "pack-stat-method-unknown",
            "How the pack stat was filled (tamping) is not recorded; fill the batch exactly as the "
            "pack stat was measured.",
            "filler.pack_stat.method",
        )
    if how:
        tamping = f"tamping as when the pack stat was measured ({how})"
    elif ps is not None:
        tamping = "tamping as when the pack stat was measured"
    else:
        tamping = "tamping evenly; note the method used"
    return (
        f"Fill {n_batch} size {size.code} capsules to capacity, {tamping}; target net fill "
        f"{significant(w)} mg."
    )


def _weight_check(
    order: CapsuleOrder,
    sheet: Sheet,
    w: Decimal,
    shell_weight: Quantity,
    n_batch: int,
    rec: Recorder,
) -> tuple[WeightWindow, WeightWindow]:
    """The net and gross weight windows each capsule of the QC sample must meet."""
    qc_n = solid.qc_sample(order, rec, units="capsules")
    window = solid.weight_window(
        rec,
        w,
        WINDOW_PERCENT,
        min(qc_n, n_batch),
        what="net fill weight window for each capsule",
        formula="90 % x W to 110 % x W",
    )
    gross = WeightWindow(
        target=Quantity(w + shell_weight.m_as(Unit.MG), Unit.MG),
        low=window.low + shell_weight,
        high=window.high + shell_weight,
        sample_size=window.sample_size,
    )
    sheet.process.append(
        f"Weigh {window.sample_size} filled capsules one by one: each net weight must be "
        f"{significant(window.low.magnitude)}-{significant(window.high.magnitude)} mg (gross "
        f"{significant(gross.low.magnitude)}-{significant(gross.high.magnitude)} mg with "
        f"{shell_weight} shells); record the weights, mean, RSD and range."
    )
    sheet.process.append(
        f"Dispense {order.count} capsules; record the yield of filled capsules and discard the "
        "surplus."
    )
    return window, gross


def _ingredients(
    order: CapsuleOrder, fill: _Fill, lot: FillerLot, mix: _Mix, rec: Recorder
) -> tuple[tuple[Ingredient, ...], tuple[str, ...]]:
    """The drug material and the filler, with what is weighed and what ends in the batch."""
    source, spec, plan = order.source, lot.spec, mix.plan
    consumed_filler = sum((st.diluent.m_as(Unit.MG) for st in plan.stages), ZERO) + mix.filler_add
    allergens = tuple(sorted(set(allergens_in(spec.name) + source.allergens)))
    ingredients = (
        Ingredient(**solid.active_line(source, plan), per_capsule=Quantity(fill.p, Unit.MG)),
        Ingredient(
            role="filler",
            name=spec.name,
            lot=lot.lot,
            expiry=lot.expiry,
            weighed=Quantity(consumed_filler, Unit.MG),
            in_batch=Quantity(mix.actual_total - mix.material, Unit.MG),
            per_capsule=Quantity(fill.f, Unit.MG),
            allergens=spec.allergens,
        ),
    )
    solid.warn_lactose(allergens, ingredients, rec)
    return ingredients, allergens


def _beyond_use_date(
    order: CapsuleOrder, lot: FillerLot, today: dt.date | None, rec: Recorder
) -> BeyondUseDate:
    """A nonaqueous solid: the BUD, limited by every dated component."""
    start = solid.bud_start(
        order,
        today,
        rec,
        storage=Storage.ROOM,
        storage_source="capsules are stored at controlled room temperature in a tight, "
        "light-resistant container",
    )
    components = [
        *order.source.components(),
        Component(role="filler", name=lot.spec.name, lot=lot.lot, expiry=lot.expiry),
    ]
    if lot.expiry is None:
        solid.warn_no_expiry(rec, "The filler's expiry", "filler.expiry")
    shells = order.shells
    if shells is not None and shells.expiry is not None:
        components.append(
            Component(
                role="shells",
                name=f"{shells.material} capsule shells",
                lot=shells.lot,
                expiry=shells.expiry,
            )
        )
    else:
        solid.warn_no_expiry(rec, "The shells' expiry", "shells.expiry")
    return solid.beyond_use_date(order, start, BudCategory.NONAQUEOUS_SOLID, components, rec, today)


def _label_facts(r: CapsuleResult) -> PreparationFacts:
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.dose,
        per="per capsule",
        dosage_form="capsule",
        route="by mouth",
        verb="Take",
        unit_noun="capsule",
        unit_noun_plural="capsules",
        quantity=Quantity(r.count, Unit.CAPSULE),
        quantity_noun="",
        bud=r.bud.date,
        refrigerated=r.bud.storage.value == "refrigerator",
        liquid=False,
        suspension=False,
        dropper=False,
        allergens=r.allergens,
        doses_per_day=r.order.doses_per_day,
        compounded_on=r.bud.compounded_on,
    )


def _master_facts(r: CapsuleResult) -> MasterFacts:
    return MasterFacts(
        name=f"{r.dose_basis_name} {plain(r.dose.magnitude)} {r.dose.unit.display} capsules",
        strength=r.dose,
        dosage_form=f"hard capsule, size {r.size}",
        batch_size=f"{r.batch_count} capsules ({r.count} dispensed)",
        ingredients=tuple(
            f"{i.role}: {i.name} ({significant(i.per_capsule.magnitude)} {i.per_capsule.unit.display} per capsule"
            + (f"; salt form {r.dose_basis_name}" if i.role == "active" else "")
            + ")"
            for i in r.ingredients
        ),
        instructions=r.process,
        quality_control=(
            (
                f"weigh {r.qc.sample_size} capsules; each net fill "
                f"{plain(r.qc.low.magnitude)}-{plain(r.qc.high.magnitude)} mg"
            ),
            "visual inspection: capsules closed, uniform, no powder on the outside",
        ),
    )


def _record_tables(r: CapsuleResult) -> tuple[TableValue, ...]:
    size = capsule_size(r.size)
    return (
        TableValue(key=f"capsule_size.{size.code}.volume", value=size.volume, source=SIZE_SOURCE),
        TableValue(
            key="capsules.weight_window",
            value=Quantity(WINDOW_PERCENT, Unit.PERCENT),
            source=WINDOW_SOURCE,
        ),
    )


def _worksheet(r: CapsuleResult) -> list[str]:
    from ._worksheet import _capsules as lines  # noqa: PLC0415 - printed on request only

    return lines(r)


PREPARATION = register(
    Preparation(
        name="capsules",
        order_schema=CAPSULES_ORDER_SCHEMA,
        order=CapsuleOrder,
        result_schema=CAPSULES_SCHEMA,
        result=CapsuleResult,
        formulate=formulate_capsules,
        label_facts=_label_facts,
        master_record=_master_facts,
        record_tables=_record_tables,
        worksheet=_worksheet,
    )
)
