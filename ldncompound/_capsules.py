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

from ._bud import (
    DAY_ONE_SOURCE,
    BeyondUseDate,
    BudCategory,
    DayCount,
    Storage,
    StudyBud,
    assign_bud,
    check_supply,
    compounding_date,
)
from ._capsule_data import (
    CAPSULE_SIZES,
    SHELL_SOURCE,
    CapsuleSize,
    Filler,
    capsule_size,
    filler,
)
from ._dose import acknowledgements, check_dose
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
    private_context,
    round_to,
    significant,
)
from ._qc import WeightWindow
from ._sources import Component, Source, TabletSource, allergens_in
from ._trace import DefaultUsed, Recorder, ResultWarning, Step
from ._units import Dimension, Quantity, Unit
from ._validate import (
    check_doses_per_day,
    check_one_day,
    density_field,
    mass_field,
    percent_field,
    qfield,
    text_field,
)
from ._version import __version__
from ._weighing import CLASS_III_SOURCE, Balance, SolidPlan, geometric_portions, plan_solid

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

CAPSULES_SCHEMA = "ldncompound/capsules/1"
CAPSULES_ORDER_SCHEMA = "ldncompound/order/capsules/1"

OVERAGE_SOURCE = (
    "NRF/DAC Rechenhilfen practice: 10 % extra for actives under 20 mg per unit, otherwise 5 % "
    "(anchors.md §2 and §4.5) [S]"
)
WINDOW_PERCENT = Decimal(10)
WINDOW_SOURCE = (
    "each capsule 90-110 % of the theoretical fill weight (USP <795>; domain.md §4.6) [V]"
)
QC_SAMPLE = 10
QC_SAMPLE_SOURCE = "weigh 10 capsules individually, as in the USP weight-variation test [S]"
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
MAX_STAGE_MASS = Quantity(Decimal(10), Unit.G)
MAX_STAGE_SOURCE = "largest trituration per stage: 10 g, a mortar-sized batch (library policy) [D]"
ROUNDING_TOLERANCE = Quantity(Decimal("0.5"), Unit.PERCENT)
ROUNDING_SOURCE = (
    "weighings rounded to readability may move the dose by at most 0.5 % (library policy) [D]"
)
TABLET_MARGIN = Quantity(Decimal(5), Unit.PERCENT)
TABLET_MARGIN_SOURCE = (
    "crush enough tablets to leave 5 % more powder than is weighed (library policy) [D]"
)
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
    overage: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("overage", ZERO, Decimal(100)), default=None
    )
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
    max_stage_mass: Quantity | None = qfield(
        Dimension.MASS, mass_field("max_stage_mass"), default=None
    )
    rounding_tolerance: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("rounding_tolerance", Decimal("0.01"), Decimal(5)),
        default=None,
    )
    tablet_margin: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("tablet_margin", ZERO, Decimal(100)), default=None
    )
    acknowledge: tuple[str, ...] = attrs.field(default=(), validator=acknowledgements)
    reference: str | None = attrs.field(default=None, validator=text_field("reference"))

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
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise InputError.about(
                "count",
                self.count,
                "is not a positive whole number",
                "the number of capsules to dispense",
            )
        if self.count > 10_000:
            raise InputError.about(
                "count",
                self.count,
                "is beyond a plausible batch",
                "at most 10000 capsules",
                code="too-large",
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
        check_doses_per_day(self.doses_per_day)
        check_one_day(self.count, self.doses_per_day, "capsules")
        if self.qc_sample is not None and not (1 <= self.qc_sample <= 100):
            raise InputError.about(
                "qc_sample",
                self.qc_sample,
                "is out of range",
                "1 to 100 capsules",
                code="out-of-range",
            )


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
class Weighing:
    """One weighing on the balance, in compounding order (rounded to readability, >= minimum)."""

    number: int
    what: str
    amount: Quantity


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


# Immutable presets, made once: building them runs their validators on every order.
@functools.cache
def _class_iii() -> Balance:
    return Balance.class_iii()


@functools.cache
def _default_filler() -> FillerLot:
    return FillerLot(filler="mcc")


def _default_overage(dose_mg: Decimal) -> Quantity:
    return Quantity(Decimal(10) if dose_mg < 20 else Decimal(5), Unit.PERCENT)


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
    rec = Recorder()
    source = order.source
    drug = source.drug
    source.check(rec)

    basis = order.dose_basis
    if basis is None:
        basis = drug.default_basis
        rec.default(
            "dose_basis", basis, f"doses are {drug.describe(basis)} unless the order says otherwise"
        )
    method = order.method
    if method is None:
        method = CapsuleMethod.CAPACITY
        rec.default(
            "method", method.value, "capsules are filled to capacity unless a fill weight is given"
        )
    dose = order.dose
    dose_mg = dose.m_as(Unit.MG)
    check_dose(
        drug,
        dose,
        basis,
        doses_per_day=order.doses_per_day,
        acknowledge=frozenset(order.acknowledge),
        rec=rec,
    )

    balance = order.balance
    if balance is None:
        balance = _class_iii()
        rec.default(
            "balance",
            "Class III prescription balance, minimum 120 mg, readability 10 mg",
            CLASS_III_SOURCE,
        )
        rec.warn(
            "balance-assumed",
            "No balance was given: the plan assumes a Class III torsion balance (minimum weight "
            "120 mg); give your balance's documented minimum weight and readability.",
            "balance",
        )
    overage = order.overage
    if overage is None:
        overage = _default_overage(drug.convert(dose, basis, drug.default_basis).m_as(Unit.MG))
        rec.default("overage", overage, OVERAGE_SOURCE)
    tolerance = order.rounding_tolerance or ROUNDING_TOLERANCE
    if order.rounding_tolerance is None:
        rec.default("rounding_tolerance", tolerance, ROUNDING_SOURCE)
    max_stage = order.max_stage_mass or MAX_STAGE_MASS
    if order.max_stage_mass is None:
        rec.default("max_stage_mass", max_stage, MAX_STAGE_SOURCE)

    n = order.count
    batch = rec.step(
        "batch-count",
        "capsules to make: the count plus the overage of the whole batch, rounded up",
        "n_batch = ceil(count x (1 + overage))",
        Quantity(ceil_int(Decimal(n) * (ONE + overage.m_as(Unit.ONE))), Unit.CAPSULE),
        count=Quantity(n, Unit.CAPSULE),
        overage=overage,
    )
    n_batch = int(batch.magnitude)

    dose_eff = dose_mg
    if order.drug_loss_allowance is not None and order.drug_loss_allowance.magnitude > 0:
        dose_eff = rec.step(
            "drug-loss-allowance",
            "drug per capsule raised by the drug-only loss allowance",
            "dose_eff = dose x (1 + allowance)",
            Quantity(dose_mg * (ONE + order.drug_loss_allowance.m_as(Unit.ONE)), Unit.MG),
            dose=dose.to(Unit.MG),
            allowance=order.drug_loss_allowance,
        ).magnitude
        rec.warn(
            "drug-loss-allowance",
            f"Drug is increased by {order.drug_loss_allowance} over the dose to allow for losses; "
            "the capsules will contain more than the prescribed dose if no drug is lost.",
            "drug_loss_allowance",
        )
    p = source.material_for(dose_eff, basis, rec)

    lot = order.filler
    if lot is None:
        lot = _default_filler()
        rec.default("filler", lot.filler, DEFAULT_FILLER_SOURCE)
    cap = _choose_size(order, lot, method, p, balance, rec)
    size = cap.size
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
        rec.warn(
            "pack-stat-extrapolated",
            f"The pack stat was measured in size {lot.pack_stat.size if lot.pack_stat else '?'} "
            f"and scaled by volume to size {size.code}; measure it in size {size.code}.",
            "filler.pack_stat",
        )
    if source.density is None:
        rec.default("source.density", "packs like the filler", ACTIVE_PACKING_SOURCE)
    capacity_f = rec.step(
        "filler-capacity",
        f"filler that fills one size {size.code} capsule ({cap.note})",
        "C_f = pack stat, or density x capsule volume",
        Quantity(cap.filler, Unit.MG),
        volume=size.volume,
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
        if share >= 1:
            bigger = next(
                (s.code for s in CAPSULE_SIZES if _capacity(lot, s, source).active > p), None
            )
            hint = f"size {bigger} or larger" if bigger else "a smaller dose per capsule"
            raise FormulationError.about(
                "size",
                size.code,
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
        fill_fraction = Quantity(HUNDRED, Unit.PERCENT)
    else:
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
        fill_fraction = rec.step(
            "fill-fraction",
            "share of the capsule volume the fill takes",
            "fill = p / C_a + f / C_f",
            Quantity((share + CONTEXT.divide(f, capacity_f)) * HUNDRED, Unit.PERCENT),
            C_f=Quantity(capacity_f, Unit.MG),
        )
        if fill_fraction.m_as(Unit.PERCENT) > HUNDRED:
            rec.warn(
                "overfill",
                f"A {significant(w)} mg fill needs {significant(fill_fraction.magnitude, 4)} % of a size "
                f"{size.code} capsule; choose a larger size or a lower fill weight.",
                "fill_weight",
            )

    if w < balance.m:
        rec.warn(
            "capsule-weight-below-minimum",
            f"The fill weight {significant(w)} mg is below the balance minimum of {plain(balance.m)} mg, so "
            "single capsules cannot be weight-checked on it; use a larger size or a finer balance.",
            "size",
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

    # weighing plan; the batch is made for the material actually weighed
    d, m = balance.d, balance.m
    tol = tolerance.m_as(Unit.ONE)
    ratio = CONTEXT.divide(w, p)
    exact_need = Decimal(n_batch) * p
    rec.step(
        "material-needed",
        "drug material for the batch",
        "C = n_batch x p",
        Quantity(exact_need, Unit.MG),
        n_batch=batch,
        p=Quantity(p, Unit.MG),
    )
    need = max(exact_need, CONTEXT.divide(max(d / (2 * tol), 2 * m), ratio))

    material_name, filler_name = source.material_name, spec.name

    def plan_for(need: Decimal, trace: Recorder) -> SolidPlan:
        return plan_solid(
            needed=need,
            final_ratio=ratio,
            balance=balance,
            max_stage_mass=max_stage.m_as(Unit.MG),
            material_name=material_name,
            diluent_name=filler_name,
            rec=trace,
        )

    for _attempt in range(8):
        trial = Recorder()
        plan = plan_for(need, trial)
        material = plan.material.m_as(Unit.MG)
        total = material * ratio
        aliquot = plan.aliquot.m_as(Unit.MG)
        filler_add = round_to(total - aliquot, d)
        if ZERO < filler_add < m:
            # the filler scales with the material: enlarge until it reaches the minimum
            need = CONTEXT.divide(need * m, total - aliquot) * Decimal("1.02")
            continue
        actual_total = aliquot + filler_add
        if abs(CONTEXT.divide(total, actual_total) - ONE) > tol:
            need *= 2
            continue
        break
    else:  # pragma: no cover - the loop converges for every balance the validators accept
        raise FormulationError("no weighing plan converged", field="balance", code="no-plan")
    if need > exact_need:
        rec.step(
            "material-enlarged",
            "material enlarged so the mix is at least twice the minimum weight, the filler weighing "
            "is at or above the minimum and rounding moves the dose by at most the tolerance "
            "(the surplus is discarded)",
            "C' >= max(C, max(d / (2 x tolerance), 2 x minimum) / (W / p))",
            Quantity(need, Unit.MG),
            C=Quantity(exact_need, Unit.MG),
            tolerance=tolerance,
        )
    rec.extend(trial)  # the trace holds the final plan only
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
        W=Quantity(w, Unit.MG),
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
    deviation = Quantity(
        (CONTEXT.divide(planned.m_as(Unit.MG), dose_mg) - ONE) * HUNDRED, Unit.PERCENT
    )

    # tablets
    tablets: int | None = None
    if isinstance(source, TabletSource):
        margin = order.tablet_margin or TABLET_MARGIN
        if order.tablet_margin is None:
            rec.default("tablet_margin", margin, TABLET_MARGIN_SOURCE)
        tablets = int(
            rec.step(
                "tablets-to-crush",
                "whole tablets to crush for the first weighing of tablet powder, with margin",
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

    # weighings, in compounding order
    weighings: list[Weighing] = []

    def weigh(what: str, amount: Quantity) -> None:
        weighings.append(Weighing(number=len(weighings) + 1, what=what, amount=amount))

    process: list[str] = []

    def shown(amount: Quantity) -> str:
        return f"{fixed(amount.m_as(Unit.MG), places_of(d))} mg"

    if tablets is not None:
        process.append(
            f"Crush {tablets} {material_name.removeprefix('crushed ')} to a fine, uniform powder."
        )
    for st in plan.stages:
        weigh(f"stage {st.number}: {st.take_from}", st.take)
        weigh(f"stage {st.number}: {filler_name} (diluent)", st.diluent)
        portions = ", ".join(plain(q.magnitude) for q in st.portions)
        process.append(
            f"Stage {st.number} trituration (1 in {st.ratio}): weigh {shown(st.take)} of {st.take_from} and "
            f"{shown(st.diluent)} of {filler_name}; add the diluent by geometric dilution in portions of about "
            f"{portions} mg, triturating well after each, to {shown(st.total)}."
        )
    if plan.stages:
        weigh(f"aliquot of stage {plan.stages[-1].number} trituration", plan.aliquot)
        process.append(
            f"Weigh {shown(plan.aliquot)} of the stage {plan.stages[-1].number} trituration (aliquot)."
        )
    else:
        weigh(material_name, plan.aliquot)
        process.append(f"Weigh {shown(plan.aliquot)} of {material_name}.")
    if filler_add > 0:
        weigh(f"{filler_name} (filler)", Quantity(filler_add, Unit.MG))
        portions = ", ".join(plain(q.magnitude) for q in geometric_portions(aliquot, filler_add))
        process.append(
            f"Weigh {shown(Quantity(filler_add, Unit.MG))} of {filler_name} and incorporate it "
            f"by geometric dilution in portions of about {portions} mg; mix until uniform."
        )
    shells = order.shells
    if shells is not None and shells.weight is not None:
        shell_weight = shells.weight
    else:
        shell_weight = size.shell_weight
        rec.default("shells.weight", shell_weight, SHELL_SOURCE)
        rec.warn(
            "shell-weight-estimated",
            f"The empty-shell weight {shell_weight} for size {size.code} is a typical figure; weigh 10 "
            "empty shells and use their average for gross-weight checks.",
            "shells.weight",
        )
    if method is CapsuleMethod.CAPACITY:
        ps = lot.pack_stat
        how = ps.method if ps is not None and ps.method else None
        if ps is not None and how is None:
            rec.warn(
                "pack-stat-method-unknown",
                "How the pack stat was filled (tamping) is not recorded; fill the batch exactly as the "
                "pack stat was measured.",
                "filler.pack_stat.method",
            )
        tamping = (
            f"tamping as when the pack stat was measured ({how})"
            if how
            else (
                "tamping as when the pack stat was measured"
                if ps is not None
                else "tamping evenly; note the method used"
            )
        )
        process.append(
            f"Fill {n_batch} size {size.code} capsules to capacity, {tamping}; target net fill "
            f"{significant(w)} mg."
        )
    else:
        process.append(
            f"Fill {n_batch} size {size.code} capsules with {significant(w)} mg net each."
        )
    qc_n = order.qc_sample or QC_SAMPLE
    if order.qc_sample is None:
        rec.default("qc_sample", str(qc_n), QC_SAMPLE_SOURCE)
    window = WeightWindow.around(
        Quantity(w, Unit.MG), percent=WINDOW_PERCENT, sample_size=min(qc_n, n_batch)
    )
    gross = WeightWindow(
        target=Quantity(w + shell_weight.m_as(Unit.MG), Unit.MG),
        low=window.low + shell_weight,
        high=window.high + shell_weight,
        sample_size=window.sample_size,
    )
    rec.step(
        "weight-window",
        "net fill weight window for each capsule",
        "90 % x W to 110 % x W",
        f"{significant(window.low.magnitude)}-{significant(window.high.magnitude)} mg",
        W=Quantity(w, Unit.MG),
    )
    process.append(
        f"Weigh {window.sample_size} filled capsules one by one: each net weight must be "
        f"{significant(window.low.magnitude)}-{significant(window.high.magnitude)} mg (gross "
        f"{significant(gross.low.magnitude)}-{significant(gross.high.magnitude)} mg with {shell_weight} shells); "
        "record the weights, mean, RSD and range."
    )
    process.append(
        f"Dispense {n} capsules; record the yield of filled capsules and discard the surplus."
    )

    # ingredients
    consumed_filler = sum((st.diluent.m_as(Unit.MG) for st in plan.stages), ZERO) + filler_add
    filler_in_batch = actual_total - material
    allergens = allergens_in(spec.name) + source.allergens
    allergens = tuple(sorted(set(allergens)))
    ingredients = (
        Ingredient(
            role="active",
            name=material_name,
            lot=source.lot,
            expiry=source.expiry,
            weighed=plan.first_take,
            in_batch=plan.material,
            per_capsule=Quantity(p, Unit.MG),
            allergens=source.allergens,
        ),
        Ingredient(
            role="filler",
            name=filler_name,
            lot=lot.lot,
            expiry=lot.expiry,
            weighed=Quantity(consumed_filler, Unit.MG),
            in_batch=Quantity(filler_in_batch, Unit.MG),
            per_capsule=Quantity(f, Unit.MG),
            allergens=spec.allergens,
        ),
    )
    if "lactose" in allergens:
        origins = [i.name for i in ingredients if "lactose" in i.allergens]
        rec.warn(
            "allergen-lactose",
            f"Contains lactose (from {', '.join(origins)}); label the allergen.",
            "allergens",
        )

    # beyond-use date
    compounded_on = compounding_date(order.compounded_on, today, rec)
    storage = order.storage
    if storage is None:
        storage = Storage.ROOM
        rec.default(
            "storage",
            storage.value,
            "capsules are stored at controlled room temperature in a tight, light-resistant container",
        )
    day_count = order.day_count
    if day_count is None:
        day_count = DayCount.COMPOUNDING_DAY_IS_DAY_1
        rec.default("day_count", day_count.value, DAY_ONE_SOURCE)
    components = [
        *source.components(),
        Component(role="filler", name=filler_name, lot=lot.lot, expiry=lot.expiry),
    ]
    if lot.expiry is None:
        rec.warn(
            "expiry-not-given",
            "The filler's expiry is not given, so the BUD is not checked against it.",
            "filler.expiry",
        )
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
        rec.warn(
            "expiry-not-given",
            "The shells' expiry is not given, so the BUD is not checked against it.",
            "shells.expiry",
        )
    bud = assign_bud(
        category=BudCategory.NONAQUEOUS_SOLID,
        compounded_on=compounded_on,
        storage=storage,
        components=tuple(components),
        rec=rec,
        day_count=day_count,
        study=order.study,
    )
    if order.doses_per_day is not None:
        days_supply = int(
            CONTEXT.divide(Decimal(n), order.doses_per_day).to_integral_value(
                rounding="ROUND_FLOOR"
            )
        )
        check_supply(bud, days_supply, rec, field="count")

    return CapsuleResult(
        schema=CAPSULES_SCHEMA,
        library_version=__version__,
        order=order,
        drug=drug.name,
        dose_basis=basis,
        dose_basis_name=drug.describe(basis),
        dose=dose,
        dose_planned=planned,
        dose_deviation=deviation,
        count=n,
        batch_count=n_batch,
        mix_for=mix_for,
        method=method,
        size=size.code,
        capsule_volume=size.volume,
        fill_weight=Quantity(w, Unit.MG),
        filler_per_capsule=Quantity(f, Unit.MG),
        active_per_capsule=Quantity(p, Unit.MG),
        fill_fraction=fill_fraction,
        overage=overage,
        tablets_to_crush=tablets,
        plan=plan,
        ingredients=ingredients,
        weighings=tuple(weighings),
        total_mix=Quantity(actual_total, Unit.MG),
        process=tuple(process),
        qc=window,
        shell_weight=shell_weight,
        gross_window=gross,
        balance=balance,
        bud=bud,
        allergens=allergens,
        warnings=tuple(rec.warnings),
        defaults=tuple(rec.defaults),
        trace=tuple(rec.steps),
    )


def _register() -> None:
    from ._json import register_schema  # noqa: PLC0415
    from ._orders import register_order  # noqa: PLC0415

    register_schema(CAPSULES_SCHEMA, CapsuleResult)
    register_order(CAPSULES_ORDER_SCHEMA, CapsuleOrder, formulate_capsules)


_register()
