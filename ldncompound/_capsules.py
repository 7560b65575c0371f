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
import itertools
from decimal import Decimal
from typing import ClassVar, NoReturn

import attrs

from . import _solid as solid
from ._bud import BeyondUseDate, BudCategory, Storage, warn_no_expiry
from ._capsule_data import (
    CAPSULE_SIZES,
    SHELL_SOURCE,
    SIZE_SOURCE,
    CapsuleSize,
    Filler,
    capsule_size,
    filler,
)
from ._drug import same_drug_as
from ._errors import FormulationError, InputError, LdnCompoundError
from ._numbers import (
    CONTEXT,
    HUNDRED,
    ONE,
    ZERO,
    plain,
    private_context,
    significant,
)
from ._plausible import (
    PACK_STAT_IMPLAUSIBLE,
    PACKED_DENSITY,
    POWDER_DENSITY_CHECK,
    Window,
    check_shell_weight,
    packed_window,
)
from ._preparation import Preparation, register
from ._qc import WeightWindow
from ._solid import POLICY, Policy, Settings, Sheet
from ._sources import Component, Source, TriturationStock, batch_allergens
from ._trace import Recorder
from ._units import Dimension, Quantity, Unit
from ._validate import (
    density_field,
    mass_field,
    omittable,
    percent_field,
    qfield,
    repr_omitting,
    table_entry,
    text_field,
    volume_field,
)
from ._vocabulary import MasterFacts, PreparationFacts, TableValue
from ._weighing import Balance, SolidPlan, portions_text

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
#: most additional actives in one capsule order (a formula of up to ten actives) [D]
MAX_ADDITIONAL_ACTIVES = 9
#: a supplier's shell volume may differ from the cited table by at most this share: the
#: published tables differ by up to 23 % (size 5: 0.10 vs 0.13 mL; domain.md §3.1) [S], so a
#: figure 30 % away is a typing error or another size (library policy) [D]
SHELL_VOLUME_SPREAD = Decimal("0.30")
ORDER_VOLUME_SOURCE = "the supplier's shell volume given in the order (shell_volumes)"


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


def _shell_size(_inst: object, _attr: object, value: str | None) -> None:
    if value is not None:  # refuses a size the table does not hold, naming shells.size
        table_entry(
            CAPSULE_SIZES, value, lambda s: s.code, field="shells.size", what="a capsule size",
            code="unknown-size",
        )  # fmt: skip


@attrs.frozen(kw_only=True)
class ShellLot:
    """Empty capsule shells: material, lot, expiry and the measured average empty weight."""

    material: str = attrs.field(default="gelatin", validator=text_field("shells.material"))
    lot: str | None = attrs.field(default=None, validator=text_field("shells.lot"))
    expiry: dt.date | None = None
    weight: Quantity | None = qfield(Dimension.MASS, mass_field("shells.weight"), default=None)
    #: the capsule size the weight was measured for: the weight is used only for capsules of
    #: this size (none: the order's size)
    size: str | None = omittable(None, _shell_size)

    __repr__ = repr_omitting


@attrs.frozen(kw_only=True)
class ShellVolume:
    """A supplier's closed-capsule volume for one size, used instead of the cited table's
    (domain.md §3.1: manufacturers' volumes differ slightly). Refused when it is more than
    :data:`SHELL_VOLUME_SPREAD` away from the table's volume of that size."""

    size: str
    volume: Quantity = qfield(Dimension.VOLUME, volume_field("shell_volumes.volume", Decimal(5)))

    def __attrs_post_init__(self) -> None:
        table = capsule_size(self.size).volume.m_as(Unit.ML)
        given = self.volume.m_as(Unit.ML)
        low, high = table * (ONE - SHELL_VOLUME_SPREAD), table * (ONE + SHELL_VOLUME_SPREAD)
        if not low <= given <= high:
            raise InputError.about(
                "shell_volumes.volume",
                str(self.volume),
                f"is implausible for a size {self.size} capsule (the cited table gives "
                f"{plain(table)} mL; {SIZE_SOURCE})",
                f"the supplier's volume of a closed size {self.size} capsule, "
                f"{plain(low)}-{plain(high)} mL",
                code="shell-volume-implausible",
            )


def _check_shell_volumes(value: object) -> None:
    """Each size once, and the volumes (given or cited) growing from size 5 to size 000."""
    if value == ():
        return
    if not isinstance(value, tuple) or not all(isinstance(v, ShellVolume) for v in value):
        raise InputError.about(
            "shell_volumes",
            repr(value)[:60],
            "is not a tuple of shell volumes",
            "ShellVolume items",
        )
    sizes = [v.size for v in value]
    for code in sizes:
        if sizes.count(code) > 1:
            raise InputError.about(
                "shell_volumes",
                code,
                "gives a size twice",
                "each size once",
                code="duplicate-size",
            )
    table = _table(value)
    for smaller, larger in itertools.pairwise(table):
        if smaller.volume >= larger.volume:
            raise InputError.about(
                "shell_volumes",
                f"size {smaller.code} {smaller.volume}, size {larger.code} {larger.volume}",
                "does not grow with the capsule size",
                "volumes that grow from size 5 to size 000 (the cited table fills the sizes not "
                "given)",
                code="shell-volume-implausible",
            )


def _table(volumes: tuple[ShellVolume, ...]) -> tuple[CapsuleSize, ...]:
    """The capsule sizes with the order's volumes where it gives them."""
    if not volumes:
        return CAPSULE_SIZES
    given = {v.size: v.volume for v in volumes}
    return tuple(
        attrs.evolve(s, volume=given[s.code]) if s.code in given else s for s in CAPSULE_SIZES
    )


def _size(sizes: tuple[CapsuleSize, ...], code: str) -> CapsuleSize:
    capsule_size(code)  # refuses a size that is not in the table
    return next(s for s in sizes if s.code == code)


@attrs.frozen(kw_only=True)
class ActivePackStat:
    """A measured pack stat of an active's material: the mg of it that fills one capsule of
    ``size`` (dry, packed as the batch is filled). Its share of a capsule is then
    ``m / pack stat`` (domain.md §4.2) [V]; in another size it is scaled by volume."""

    size: str
    per_capsule: Quantity = qfield(Dimension.MASS, mass_field("pack_stat.per_capsule"))

    def __attrs_post_init__(self) -> None:
        capsule_size(self.size)


def _check_material_packing(
    field: str, density: Quantity | None, ps: ActivePackStat | None
) -> None:
    if density is not None and ps is not None:
        raise InputError.about(
            field,
            str(ps.per_capsule),
            f"was given together with a density of the same material ({density})",
            "one of the two (the pack stat is preferred)",
        )


@attrs.frozen(kw_only=True)
class CapsuleActive:
    """Another active in every capsule, beside the order's own: its dose per capsule, its own
    source (API powder with its salt form and assay, tablets, or a trituration stock; the
    source names the drug, e.g. ``ApiLot(drug=Drug(...))``) and how its material packs (the
    source's density, or a pack stat here; else 1:1 with the filler, echoed)."""

    dose: Quantity = qfield(Dimension.MASS)
    source: Source
    dose_basis: str | None = None
    pack_stat: ActivePackStat | None = None

    def __attrs_post_init__(self) -> None:
        solid.check_positive_dose(self.dose, "'20 mg'")
        if self.dose_basis is not None:
            self.source.drug.form(self.dose_basis)
        _check_material_packing("pack_stat", self.source.density, self.pack_stat)


def _check_actives(order: CapsuleOrder, value: object) -> None:
    """Several actives: a list of :class:`CapsuleActive`, each drug once in the order."""
    if value == ():
        return
    if not isinstance(value, tuple):
        raise InputError.about(
            "additional_actives", value, "is not a tuple of actives", "a tuple of CapsuleActive"
        )
    if len(value) > MAX_ADDITIONAL_ACTIVES:
        raise InputError.about(
            "additional_actives",
            f"{len(value)} actives",
            "is more than a capsule formula the library plans",
            f"at most {MAX_ADDITIONAL_ACTIVES} additional actives",
            code="too-many-actives",
        )
    seen = [(order.source.drug, "the order's own source")]
    for i, active in enumerate(value):
        where = f"additional_actives[{i}]"
        if not isinstance(active, CapsuleActive):
            raise InputError.about(where, repr(active)[:60], "is not an active", "a CapsuleActive")
        drug = active.source.drug
        for earlier, what in seen:
            why = same_drug_as(earlier, drug)
            solid.refuse_same_drug(why, f"{where}.source.drug", drug.name, what=what)
        seen.append((drug, where))


@attrs.frozen(
    kw_only=True,
    field_transformer=solid.placing(
        source=("filler",),
        dose_basis=("method", "size", "fill_weight"),
        overage=("drug_loss_allowance",),
        balance=("shells",),
    ),
)
class CapsuleOrder(solid.SolidOrder):
    """Everything a capsule calculation needs. ``None`` means "use the stated default"."""

    SCHEMA: ClassVar[str] = CAPSULES_ORDER_SCHEMA

    filler: FillerLot | None = None
    method: CapsuleMethod | None = None
    size: str | None = None
    fill_weight: Quantity | None = qfield(Dimension.MASS, mass_field("fill_weight"), default=None)
    drug_loss_allowance: Quantity | None = qfield(
        Dimension.FRACTION, percent_field("drug_loss_allowance", ZERO, Decimal(10)), default=None
    )
    shells: ShellLot | None = None
    #: the other actives of a formula of several actives (none for LDN alone)
    additional_actives: tuple[CapsuleActive, ...] = omittable(())
    #: the measured pack stat of the order's own drug material (instead of its density)
    active_pack_stat: ActivePackStat | None = omittable(None)
    #: a supplier's shell volumes, instead of the cited table's for the sizes given
    shell_volumes: tuple[ShellVolume, ...] = omittable(())

    __repr__ = repr_omitting

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
        _check_actives(self, self.additional_actives)
        _check_shell_volumes(self.shell_volumes)
        _check_material_packing("active_pack_stat", self.source.density, self.active_pack_stat)


@attrs.frozen(kw_only=True)
class ActiveAmount(solid.PlannedDose):
    """One additional active of a capsule batch: its dose (prescribed and planned from the
    rounded weighings), its material per capsule, the share of the capsule it takes, and how
    it is weighed (its own plan, trituration when below the balance minimum)."""

    material_name: str
    material_per_capsule: Quantity
    volume_share: Quantity
    tablets_to_crush: int | None
    plan: SolidPlan


@attrs.frozen(kw_only=True, field_transformer=solid.placing(in_batch=("per_capsule",)))
class Ingredient(solid.SolidIngredient):
    """An ingredient: what is taken from its container, and how much ends up in the batch."""

    per_capsule: Quantity


@attrs.frozen(
    kw_only=True,
    field_transformer=solid.placing(
        library_version=("order",),
        batch_count=(
            "mix_for",
            "method",
            "size",
            "capsule_volume",
            "fill_weight",
            "filler_per_capsule",
            "active_per_capsule",
            "fill_fraction",
        ),
        plan=("ingredients",),
        qc=("shell_weight", "gross_window"),
    ),
)
class CapsuleResult(solid.SolidResult):
    """A complete capsule formulation: amounts, plan, QC targets, BUD, warnings and trace."""

    SCHEMA: ClassVar[str] = CAPSULES_SCHEMA

    order: CapsuleOrder
    mix_for: Quantity
    method: CapsuleMethod
    size: str
    capsule_volume: Quantity
    fill_weight: Quantity
    filler_per_capsule: Quantity
    active_per_capsule: Quantity
    fill_fraction: Quantity
    ingredients: tuple[Ingredient, ...]
    shell_weight: Quantity
    gross_window: WeightWindow
    #: the other actives, in the order's order (none for LDN alone)
    additional_actives: tuple[ActiveAmount, ...] = omittable(())

    __repr__ = repr_omitting


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
    #: the capacity of each additional active's material (mg that would fill the capsule)
    others: tuple[Decimal, ...] = ()


def _material_capacity(
    density: Quantity | None,
    ps: ActivePackStat | None,
    filler_cap: Decimal,
    size: CapsuleSize,
    sizes: tuple[CapsuleSize, ...],
) -> Decimal:
    """mg of a drug material that fills one capsule: its pack stat (scaled by volume from the
    size it was measured in), its density x volume, or the filler's capacity (1:1)."""
    volume = size.volume.m_as(Unit.ML)
    if ps is not None:
        ps_size = _size(sizes, ps.size)
        measured = ps.per_capsule.m_as(Unit.MG)
        if ps_size.code == size.code:
            return measured
        return CONTEXT.divide(measured * volume, ps_size.volume.m_as(Unit.ML))
    if density is None:
        return filler_cap
    return density.m_as(Unit.G_PER_ML) * volume * 1000


def _capacity(lot: FillerLot, size: CapsuleSize, order: CapsuleOrder) -> _Capacity:
    volume = size.volume.m_as(Unit.ML)
    spec = lot.spec
    if lot.pack_stat is not None:
        ps = lot.pack_stat
        ps_size = _size(_table(order.shell_volumes), ps.size)
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
    sizes = _table(order.shell_volumes)
    active = _material_capacity(order.source.density, order.active_pack_stat, cap, size, sizes)
    others = tuple(
        _material_capacity(a.source.density, a.pack_stat, cap, size, sizes)
        for a in order.additional_actives
    )
    return _Capacity(size=size, filler=cap, active=active, note=note, others=others)


def _material_share(p: Decimal, op: tuple[Decimal, ...], cap: _Capacity) -> Decimal:
    """The share of the capsule's volume the drug materials take: sum of m_i / C_i."""
    share = CONTEXT.divide(p, cap.active)
    for m, c in zip(op, cap.others, strict=True):
        share += CONTEXT.divide(m, c)
    return share


def _shares(order: CapsuleOrder, parts: tuple[Decimal, ...], cap: _Capacity) -> str:
    """Each active's share of the capsule, for a refusal: "DHEA powder (API) 111 %"."""
    names = (
        order.source.material_name,
        *(a.source.material_name for a in order.additional_actives),
    )
    return ", ".join(
        f"{name} {significant(CONTEXT.divide(m, c) * HUNDRED, 3)} %"
        for name, m, c in zip(names, parts, (cap.active, *cap.others), strict=True)
    )


def _total(p: Decimal, op: tuple[Decimal, ...]) -> Decimal:
    """All drug material per capsule (the order's own when it is the only active)."""
    return p + sum(op, ZERO) if op else p


def _choose_size(
    order: CapsuleOrder,
    lot: FillerLot,
    method: CapsuleMethod,
    p: Decimal,
    op: tuple[Decimal, ...],
    balance: Balance,
    rec: Recorder,
) -> _Capacity:
    if order.size is not None:
        return _capacity(lot, _size(_table(order.shell_volumes), order.size), order)
    if lot.pack_stat is not None:
        rec.default("size", lot.pack_stat.size, "the size the filler's pack stat was measured in")
        return _capacity(lot, _size(_table(order.shell_volumes), lot.pack_stat.size), order)
    m = balance.m
    chosen: _Capacity | None = None
    fitting: _Capacity | None = None
    for size in _table(order.shell_volumes):
        cap = _capacity(lot, size, order)
        share, weight = _fill_share(order, method, p, op, cap)
        # filled to capacity, the drug material must leave room for some filler
        if share < ONE or (share == ONE and method is CapsuleMethod.FIXED_WEIGHT):
            fitting = fitting or cap
            if weight >= m:
                chosen = cap
                break
    if chosen is None:
        if fitting is None and op:
            largest = _capacity(lot, _table(order.shell_volumes)[-1], order)
            share, _weight = _fill_share(order, method, p, op, largest)
            raise FormulationError.about(
                "size",
                largest.size.code,
                f"is the largest size, and the fill needs {significant(share * HUNDRED, 4)} % "
                f"of it ({_shares(order, (p, *op), largest)})",
                "smaller doses per capsule, or fewer actives in one capsule",
                code="overfill",
            )
        if fitting is None:
            largest = _capacity(lot, _table(order.shell_volumes)[-1], order)
            share, _weight = _fill_share(order, method, p, op, largest)
            _refuse_no_size_fits(order, method, p, share, largest)
        chosen = fitting
    rec.default(
        "size",
        chosen.size.code,
        SIZE_RULE_SOURCE + "; for a filled capsule, also the smallest whose fill weighs at least "
        "the balance minimum, so single capsules can be weight-checked",
    )
    share, weight = _fill_share(order, method, p, op, chosen)
    if share > FILL_WARN_SHARE:
        material = "The drug materials take" if op else "The drug material takes"
        what, advice = (
            (material, "little filler is left to mix it with evenly")
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


def _refuse_no_size_fits(
    order: CapsuleOrder, method: CapsuleMethod, p: Decimal, share: Decimal, largest: _Capacity
) -> NoReturn:
    """Refuse a fill no size holds, naming the input that drives it: the fixed fill weight,
    the stock's strength (its mixture per capsule) or the dose."""
    needs = f"{significant(share * HUNDRED, 4)} % of a size {largest.size.code} capsule"
    if method is CapsuleMethod.FIXED_WEIGHT and order.fill_weight is not None:
        most = CONTEXT.divide(order.fill_weight.m_as(Unit.MG), share)
        raise FormulationError.about(
            "fill_weight",
            str(order.fill_weight),
            f"needs {needs}, the largest size, which holds about {significant(most, 3)} mg of "
            "this fill",
            f"a fill weight of at most {significant(most, 3)} mg",
            code="overfill",
        )
    holds = f"{significant(p)} mg of {order.source.material_name} a capsule, {needs}"
    if isinstance(order.source, TriturationStock):
        raise FormulationError.about(
            "stock.strength",
            str(order.source.strength),
            f"needs {holds}, the largest size",
            "a stronger stock, or a smaller dose per capsule",
            code="overfill",
        )
    raise FormulationError.about(
        "dose",
        str(order.dose),
        f"needs {holds}, the largest size",
        "a smaller dose per capsule"
        + (
            ", or API powder (tablets are mostly excipient)"
            if order.source.kind == "tablets"
            else ""
        ),
        code="overfill",
    )


def _fill_share(
    order: CapsuleOrder, method: CapsuleMethod, p: Decimal, op: tuple[Decimal, ...], cap: _Capacity
) -> tuple[Decimal, Decimal]:
    """The share of a capsule's volume the fill needs, and the net fill weight (mg): filled to
    capacity, only the drug materials' share matters; at a fixed weight, drugs plus filler."""
    total = _total(p, op)
    if method is CapsuleMethod.CAPACITY:
        share = _material_share(p, op, cap)
        return share, total + cap.filler * (ONE - share)
    if order.fill_weight is None:  # pragma: no cover - validated on the order
        raise AssertionError(order)
    weight = order.fill_weight.m_as(Unit.MG)
    return _material_share(p, op, cap) + CONTEXT.divide(weight - total, cap.filler), weight


@private_context
def formulate_capsules(order: CapsuleOrder, *, today: dt.date | None = None) -> CapsuleResult:
    """Compute a capsule batch for ``order``: what to weigh, how to fill, QC, BUD, warnings.

    ``today`` is the compounding date used when the order has none (echoed as a default);
    without either, the system date is used and echoed.
    Raises :class:`InputError` for bad or inconsistent input and :class:`FormulationError`
    when the request cannot be compounded as asked (overfill, expired component, ...).
    """
    run, method = solid.begin(order, _resolve_method, _overage_for)
    rec, basis, settings = run.rec, run.basis, run.settings
    batch = run.size(order.count, units="capsules", unit=Unit.CAPSULE)
    dose_eff = _drug_loss_allowance(order, rec)
    p = order.source.material_for(dose_eff, basis, rec)
    others = _resolve_others(order, rec)
    lot = _resolve_filler(order, rec)
    fill = _fill(order, lot, method, p, others, settings.balance, rec)
    mix = _plan_mix(order, settings, batch, fill, lot, dose_eff, others, rec)
    tablets = solid.tablets_to_crush(order, mix.plan, rec)
    other_tablets = tuple(
        solid.tablets_to_crush(order, plan, rec, source=o.active.source, name=o.name)
        for o, plan in zip(others, mix.other_plans, strict=True)
    )
    sheet, shells = _compound(
        order, settings.balance, fill, lot, mix, tablets, others, other_tablets, run.n_batch, rec
    )
    qc, gross = _weight_check(order, sheet, fill.w, shells, run.n_batch, rec)
    ingredients, allergens = _ingredients(order, fill, lot, mix, others, rec)
    bud = _beyond_use_date(order, lot, today, rec)
    return solid.result(
        CapsuleResult,
        CAPSULES_SCHEMA,
        order,
        run,
        made=mix,
        sheet=sheet,
        tablets_to_crush=tablets,
        qc=qc,
        bud=bud,
        allergens=allergens,
        mix_for=mix.mix_for,
        method=method,
        size=fill.size.code,
        capsule_volume=fill.size.volume,
        fill_weight=Quantity(fill.w, Unit.MG),
        filler_per_capsule=Quantity(fill.f, Unit.MG),
        active_per_capsule=Quantity(p, Unit.MG),
        fill_fraction=fill.fraction,
        ingredients=ingredients,
        shell_weight=shells,
        gross_window=gross,
        additional_actives=tuple(
            _amount(o, c, plan, planned, t)
            for o, c, plan, planned, t in zip(
                others,
                fill.cap.others,
                mix.other_plans,
                mix.other_planned,
                other_tablets,
                strict=True,
            )
        ),
    )


@attrs.frozen
class _Other:
    """An additional active, resolved: where it is in the order, its basis, its material ``p``."""

    where: str
    active: CapsuleActive
    basis: str
    p: Decimal

    @property
    def name(self) -> str:
        return self.active.source.drug.name


def _resolve_others(order: CapsuleOrder, rec: Recorder) -> tuple[_Other, ...]:
    """Each additional active: its source checked, its dose guarded (the drug's own dose
    profile; a drug without one is warned about), its material per capsule. Warnings, defaults
    and steps are recorded under the active's place in the order and its drug's name."""
    out = []
    for i, active in enumerate(order.additional_actives):
        where = f"additional_actives[{i}]"
        drug = active.source.drug
        sub = Recorder(acknowledged=rec.acknowledged)
        try:
            basis = solid.resolve_basis(active.source, active.dose_basis, sub)
            solid.guard_dose(order, drug, active.dose, basis, sub)
            p = active.source.material_for(active.dose.m_as(Unit.MG), basis, sub)
        except LdnCompoundError as err:
            raise _relocated(err, where) from None
        _merge(rec, sub, where, drug.name)
        out.append(_Other(where=where, active=active, basis=basis, p=p))
    return tuple(out)


def _relocated(err: LdnCompoundError, where: str) -> LdnCompoundError:
    """A refusal about an additional active, its field named by the active's place."""
    field = f"{where}.{err.field}" if err.field else where
    message = err.message
    message = (
        f"{where}.{message}"
        if err.field and message.startswith(err.field)
        else f"{where}: {message}"
    )
    return type(err)(message, field=field, value=err.value, expected=err.expected, code=err.code)


def _merge(rec: Recorder, sub: Recorder, where: str, name: str) -> None:
    """Record what ``sub`` recorded for an additional active, named by its drug and place."""
    for st in sub.steps:
        rec.steps.append(attrs.evolve(st, description=f"{name}: {st.description}"))
    for w in sub.warnings:
        rec.warn(w.code, f"{name}: {w.message}", f"{where}.{w.field}" if w.field else where)
    for d in sub.defaults:
        rec.default(f"{where}.{d.field}", d.value, d.source)


def _amount(
    o: _Other, capacity: Decimal, plan: SolidPlan, planned: Quantity, tablets: int | None
) -> ActiveAmount:
    return ActiveAmount(
        **solid.planned_dose(o.active.source.drug, o.basis, o.active.dose, planned),
        material_name=o.active.source.material_name,
        material_per_capsule=Quantity(o.p, Unit.MG),
        volume_share=Quantity(CONTEXT.divide(o.p, capacity) * HUNDRED, Unit.PERCENT),
        tablets_to_crush=tablets,
        plan=plan,
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
    """The overage for the smallest dose of any active in the capsule."""
    drug = order.source.drug
    dose = drug.convert(order.dose, basis, drug.default_basis).m_as(Unit.MG)
    for a in order.additional_actives:  # the overage for the smallest active
        other = a.source.drug
        dose = min(
            dose,
            other.convert(a.dose, a.dose_basis or other.default_basis, other.default_basis).m_as(
                Unit.MG
            ),
        )
    return _default_overage(dose)


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
    sizes = _table(order.shell_volumes)
    _check_filler(lot, sizes, rec)
    packs = [("active_pack_stat", order.active_pack_stat)]
    packs += [
        (f"additional_actives[{i}].pack_stat", a.pack_stat)
        for i, a in enumerate(order.additional_actives)
    ]
    for field, ps in packs:
        if ps is not None:
            _check_packed(rec, field, ps.per_capsule, _size(sizes, ps.size), "drug material")
    return lot


def _check_filler(lot: FillerLot, sizes: tuple[CapsuleSize, ...], rec: Recorder) -> None:
    """A measured filler density must be a powder's, and a pack stat must imply a packed
    density within the filler's :func:`packed_window` (refused unless acknowledged)."""
    if lot.density is not None:
        POWDER_DENSITY_CHECK.apply(rec, "filler.density", lot.density)
    ps = lot.pack_stat
    if ps is not None:
        spec = lot.spec
        table = None if spec.density is None else spec.density.m_as(Unit.G_PER_ML)
        _check_packed(
            rec,
            "filler.pack_stat",
            ps.filler_per_capsule,
            _size(sizes, ps.size),
            "filler",
            packed_window(table, spec.name),
            of="" if table is None else f" for {spec.name} (half to twice its {plain(table)} g/mL)",
        )


def _check_packed(
    rec: Recorder,
    field: str,
    per_capsule: Quantity,
    size: CapsuleSize,
    what: str,
    window: Window = PACKED_DENSITY,
    *,
    of: str = "",
) -> None:
    """A pack stat (mg per capsule of a size) must imply a packed density in ``window``
    (refused unless acknowledged)."""
    packed = CONTEXT.divide(per_capsule.m_as(Unit.G), size.volume.m_as(Unit.ML))
    if not window.holds(packed):
        PACK_STAT_IMPLAUSIBLE.refuse(
            rec,
            field,
            str(per_capsule),
            f"in a size {size.code} capsule ({size.volume}) is a packed density of "
            f"{significant(packed, 3)} g/mL, outside the plausible {window.describe()}{of}",
            f"the measured mg of {what} per capsule of that size",
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
    others: tuple[_Other, ...],
    balance: Balance,
    rec: Recorder,
) -> _Fill:
    """Choose the size, then fill to capacity or to the fixed weight; warn about the fill."""
    op = tuple(o.p for o in others)
    cap = _choose_size(order, lot, method, p, op, balance, rec)
    _echo_capacity(order, lot, cap, rec)
    if cap.size.code in {v.size for v in order.shell_volumes}:
        rec.step(
            "capsule-volume",
            f"volume of a closed size {cap.size.code} capsule: {ORDER_VOLUME_SOURCE}",
            "V = shell_volumes[size]",
            cap.size.volume,
            table=capsule_size(cap.size.code).volume,
        )
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
    material = p
    if others:
        share = _other_shares(others, cap, p, share, rec)
        material = rec.step(
            "material-per-capsule",
            "all drug material per capsule",
            "m = sum of m_i",
            Quantity(_total(p, op), Unit.MG),
        ).magnitude
    if method is CapsuleMethod.CAPACITY:
        parts = (p, *op) if op else ()
        f, w, fraction = _fill_to_capacity(order, lot, cap, material, capacity_f, share, rec, parts)
    else:
        f, w, fraction = _fill_to_weight(order, cap, material, capacity_f, share, rec)
    _warn_fill(lot, w, balance, rec)
    return _Fill(
        size=cap.size,
        cap=cap,
        p=p,
        f=f,
        w=w,
        fraction=fraction,
    )


def _other_shares(
    others: tuple[_Other, ...],
    cap: _Capacity,
    p: Decimal,
    own: Decimal,
    rec: Recorder,
) -> Decimal:
    """Each additional active's share of the capsule (m_i / C_i), and the shares summed."""
    total = own
    for o, c in zip(others, cap.others, strict=True):
        ps, density = o.active.pack_stat, o.active.source.density
        if ps is None and density is None:
            rec.default(f"{o.where}.source.density", "packs like the filler", ACTIVE_PACKING_SOURCE)
        elif ps is not None and ps.size != cap.size.code:
            rec.warn(
                "pack-stat-extrapolated",
                f"{o.name}: the pack stat was measured in size {ps.size} and scaled by volume to "
                f"size {cap.size.code}; measure it in size {cap.size.code}.",
                f"{o.where}.pack_stat",
            )
        total += rec.step(
            "active-share",
            f"share of the capsule volume taken by {o.active.source.material_name}",
            "s_i = m_i / C_i  (C_i: pack stat, density x volume, or the filler's capacity)",
            Quantity(CONTEXT.divide(o.p, c) * HUNDRED, Unit.PERCENT),
            m_i=Quantity(o.p, Unit.MG),
            C_i=Quantity(c, Unit.MG),
        ).m_as(Unit.ONE)
    return rec.step(
        "material-share",
        "share of the capsule volume taken by all the drug materials",
        "S = sum of s_i",
        Quantity(total * HUNDRED, Unit.PERCENT),
        own=Quantity(CONTEXT.divide(p, cap.active) * HUNDRED, Unit.PERCENT),
    ).m_as(Unit.ONE)


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
    ps = order.active_pack_stat
    if ps is not None and ps.size != cap.size.code:
        rec.warn(
            "pack-stat-extrapolated",
            f"The drug material's pack stat was measured in size {ps.size} and scaled by "
            f"volume to size {cap.size.code}; measure it in size {cap.size.code}.",
            "active_pack_stat",
        )
    if order.source.density is None and ps is None:
        rec.default("source.density", "packs like the filler", ACTIVE_PACKING_SOURCE)


def _fill_to_capacity(
    order: CapsuleOrder,
    lot: FillerLot,
    cap: _Capacity,
    p: Decimal,
    capacity_f: Decimal,
    share: Decimal,
    rec: Recorder,
    parts: tuple[Decimal, ...] = (),
) -> tuple[Decimal, Decimal, Quantity]:
    """Fill to capacity; ``p`` is all drug material, ``parts`` each active's (several only)."""
    several = bool(parts)
    if share >= 1:
        if several:
            op = parts
            bigger = next(
                (
                    s.code
                    for s in _table(order.shell_volumes)
                    if _material_share(op[0], op[1:], _capacity(lot, s, order)) < 1
                ),
                None,
            )
            shares = _shares(order, op, cap)
            problem = (
                f"overfills: the drug materials alone ({significant(p)} mg) need "
                f"{significant(share * HUNDRED, 4)} % of the capsule ({shares})"
            )
        else:
            bigger = next(
                (
                    s.code
                    for s in _table(order.shell_volumes)
                    if _capacity(lot, s, order).active > p
                ),
                None,
            )
            problem = (
                f"overfills: the drug material alone ({significant(p)} mg) needs "
                f"{significant(share * HUNDRED, 4)} % of the capsule"
            )
        hint = f"size {bigger} or larger" if bigger else "a smaller dose per capsule"
        raise FormulationError.about("size", cap.size.code, problem, hint, code="overfill")
    if several:
        f = rec.step(
            "filler-per-capsule",
            "filler per capsule: the capacity left after the drug materials",
            "f = C_f x (1 - S)",
            Quantity(capacity_f * (ONE - share), Unit.MG),
            C_f=Quantity(capacity_f, Unit.MG),
            S=Quantity(share * HUNDRED, Unit.PERCENT),
        ).magnitude
    else:
        f = rec.step(
            "filler-per-capsule",
            "filler per capsule: the capacity left after the drug material",
            "f = C_f - p x C_f / C_a  (= C_f x (1 - s))",
            Quantity(capacity_f - CONTEXT.divide(p * capacity_f, cap.active), Unit.MG),
            C_f=Quantity(capacity_f, Unit.MG),
            C_a=Quantity(cap.active, Unit.MG),
        ).magnitude
    m = "m" if several else "p"  # all drug material, or the one active's
    w = rec.step(
        "fill-weight",
        "net fill weight per capsule",
        f"W = {m} + f",
        Quantity(p + f, Unit.MG),
        **{m: Quantity(p, Unit.MG)},
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
        most = CONTEXT.divide(w * HUNDRED, fraction.m_as(Unit.PERCENT))
        raise FormulationError.about(
            "fill_weight",
            str(order.fill_weight),
            f"needs {significant(fraction.magnitude, 4)} % of a size {cap.size.code} capsule, "
            f"which holds about {significant(most, 3)} mg of this fill",
            f"a fill weight of at most {significant(most, 3)} mg, or a larger size",
            code="overfill",
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
    #: what the weighings of every active put into the mix
    aliquot: Decimal
    filler_add: Decimal
    mix_for: Quantity
    planned: Quantity
    #: the additional actives' plans and planned doses (in the order's order)
    other_plans: tuple[SolidPlan, ...] = ()
    other_planned: tuple[Quantity, ...] = ()

    @property
    def material(self) -> Decimal:
        """The order's own drug material weighed (mg)."""
        return self.plan.material.m_as(Unit.MG)

    @property
    def total_mix(self) -> Decimal:
        """The mix made: the aliquots and the filler added (mg)."""
        return self.aliquot + self.filler_add


#: the batch grows by this factor while an additional active's rounded weighing moves its
#: dose by more than the tolerance, and at most to :data:`OTHER_MAX_GROWTH` times the material
#: the order's own active first needed; beyond, the rounding is refused (library policy) [D]
OTHER_GROWTH = Decimal("1.125")
OTHER_MAX_GROWTH = 16


def _plan_mix(
    order: CapsuleOrder,
    settings: Settings,
    batch: Quantity,
    fill: _Fill,
    lot: FillerLot,
    dose_eff: Decimal,
    others: tuple[_Other, ...],
    rec: Recorder,
) -> _Mix:
    """Plan the weighings; the batch is made for the material actually weighed.

    With several actives, the order's own active sets the capsules' worth of mix (``n_eff``)
    as for one; each additional active is planned for ``n_eff x m_i`` (weighed directly, or
    triturated when below the balance minimum) and the rounding of its weighing may move its
    dose by at most the tolerance, like the filler's; otherwise the batch is enlarged."""
    balance, p, w = settings.balance, fill.p, fill.w
    m = balance.m
    tolerance = settings.tolerance
    tol = tolerance.m_as(Unit.ONE)
    exact_need = solid.material_needed(rec, batch, p)
    # one division each (never by the rounded ratio W / p): no 34th-digit artefact
    need = max(exact_need, CONTEXT.divide(settings.least_mix * p, w))
    plan_for = solid.planner(
        settings,
        ratio=CONTEXT.divide(w, p),
        material_name=order.source.material_name,
        diluent_name=lot.spec.name,
    )

    base: list[Decimal] = []  # the need when an additional active's rounding is first checked

    def attempt(
        need: Decimal,
    ) -> tuple[Decimal, tuple[Recorder, SolidPlan, Decimal, Decimal, _Others] | None]:
        trial = Recorder()
        plan = plan_for(need, trial)
        total = CONTEXT.divide(plan.material.m_as(Unit.MG) * w, p)
        aliquot = plan.aliquot.m_as(Unit.MG)
        planned_others = _plan_others(settings, lot, plan, fill, others, trial)
        aliquot += sum((q.aliquot.m_as(Unit.MG) for q in planned_others.plans), ZERO)
        filler_add = settings.weighed(total - aliquot)
        if filler_add < 0:  # the additional actives' triturations alone exceed the mix
            return need * 2, None
        if ZERO < filler_add < m:
            # the filler scales with the material: enlarge until it reaches the minimum
            return CONTEXT.divide(need * m, total - aliquot) * Decimal("1.02"), None
        if settings.off_tolerance(total, aliquot + filler_add):
            return need * 2, None
        off = planned_others.beyond(tol, CONTEXT.divide(total, aliquot + filler_add))
        if off is not None:
            base.append(need)
            if need * OTHER_GROWTH <= base[0] * OTHER_MAX_GROWTH:
                return need * OTHER_GROWTH, None
            o, excess = off
            raise FormulationError.about(
                "rounding_tolerance",
                str(tolerance),
                f"cannot be kept for {o.name}: rounding its weighing to {balance.readability} "
                f"moves its dose by {significant(excess * HUNDRED, 3)} % even in a batch "
                f"{OTHER_MAX_GROWTH} times larger",
                "a finer balance or a higher rounding tolerance (at most 5 %)",
                code="rounding-beyond-tolerance",
            )
        return need, (trial, plan, filler_add, total, planned_others)

    need, (trial, plan, filler_add, total, planned_others) = solid.converge(
        need, attempt, attempts=8 + (40 if others else 0)
    )
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
    return _trace_mix(order, balance, plan, fill, filler_add, total, dose_eff, planned_others, rec)


@attrs.frozen
class _Others:
    """The additional actives' plans for one trial: each planned for ``n_eff x m_i``."""

    others: tuple[_Other, ...] = ()
    plans: tuple[SolidPlan, ...] = ()
    needed: tuple[Decimal, ...] = ()

    def beyond(self, tol: Decimal, mix: Decimal) -> tuple[_Other, Decimal] | None:
        """The first active whose dose the rounded weighings move by more than ``tol``: its
        material weighed over its need, times ``mix`` (the mix planned over the mix made)."""
        for o, plan, need in zip(self.others, self.plans, self.needed, strict=True):
            moved = CONTEXT.divide(plan.material.m_as(Unit.MG) * mix, need) - ONE
            if abs(moved) > tol:
                return o, moved
        return None


def _plan_others(
    settings: Settings,
    lot: FillerLot,
    plan: SolidPlan,
    fill: _Fill,
    others: tuple[_Other, ...],
    trial: Recorder,
) -> _Others:
    """Plan each additional active for the capsules' worth the order's own active makes."""
    if not others:
        return _Others()
    material, p = plan.material.m_as(Unit.MG), fill.p
    plans, needed = [], []
    for o in others:
        need = CONTEXT.divide(material * o.p, p)  # n_eff x m_i, one division
        sub = Recorder()
        plans.append(
            solid.planner(
                settings,
                ratio=CONTEXT.divide(fill.w, o.p),
                material_name=o.active.source.material_name,
                diluent_name=lot.spec.name,
            )(need, sub)
        )
        _merge(trial, sub, o.where, o.name)
        needed.append(need)
    return _Others(others=others, plans=tuple(plans), needed=tuple(needed))


def _trace_mix(
    order: CapsuleOrder,
    balance: Balance,
    plan: SolidPlan,
    fill: _Fill,
    filler_add: Decimal,
    total: Decimal,
    dose_eff: Decimal,
    planned_others: _Others,
    rec: Recorder,
) -> _Mix:
    p, dose = fill.p, order.dose
    material, aliquot = plan.material.m_as(Unit.MG), plan.aliquot.m_as(Unit.MG)
    aliquots = plan.aliquot
    if planned_others.plans:
        aliquot += sum((q.aliquot.m_as(Unit.MG) for q in planned_others.plans), ZERO)
        aliquots = rec.step(
            "aliquots",
            "what the weighings of all the actives put into the mix",
            "D = sum of the actives' aliquots",
            Quantity(aliquot, Unit.MG),
        )
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
        D=aliquots,
    )
    planned = rec.step(
        "dose-planned",
        "dose per capsule the rounded weighings deliver",
        "dose_planned = dose_eff x T / (D + F)",
        Quantity(CONTEXT.divide(dose_eff * total, actual_total), dose.unit.canonical).to(dose.unit),
        dose_eff=Quantity(dose_eff, Unit.MG),
    )
    other_planned = []
    for o, q, need in zip(
        planned_others.others, planned_others.plans, planned_others.needed, strict=True
    ):
        given = o.active.dose
        other_planned.append(
            rec.step(
                "dose-planned",
                f"{o.name}: dose per capsule the rounded weighings deliver",
                "dose_planned = dose x (material weighed / n_eff x m_i) x T / (D + F)",
                Quantity(
                    CONTEXT.divide(
                        given.m_as(Unit.MG) * q.material.m_as(Unit.MG) * total,
                        need * actual_total,
                    ),
                    given.unit.canonical,
                ).to(given.unit),
                dose=given,
                material=q.material,
                needed=Quantity(need, Unit.MG),
            )
        )
    return _Mix(
        plan=plan,
        aliquot=aliquot,
        filler_add=filler_add,
        mix_for=mix_for,
        planned=planned,
        other_plans=planned_others.plans,
        other_planned=tuple(other_planned),
    )


def _compound(
    order: CapsuleOrder,
    balance: Balance,
    fill: _Fill,
    lot: FillerLot,
    mix: _Mix,
    tablets: int | None,
    others: tuple[_Other, ...],
    other_tablets: tuple[int | None, ...],
    n_batch: int,
    rec: Recorder,
) -> tuple[Sheet, Quantity]:
    """The weighings and process in compounding order: crush, triturate, mix, fill."""
    filler_name = lot.spec.name
    sheet = Sheet(d=balance.d)
    sheet.crush_and_triturate(tablets, mix.plan, order.source.material_name, filler_name)
    for o, plan, t in zip(others, mix.other_plans, other_tablets, strict=True):
        sheet.crush_and_triturate(t, plan, o.active.source.material_name, filler_name)
    if others:
        names = [order.source.material_name, *(o.active.source.material_name for o in others)]
        sheet.process.append(
            f"Combine the weighed {', '.join(names[:-1])} and {names[-1]} by geometric "
            "dilution, the smallest amount first, triturating well after each addition."
        )
    if mix.filler_add > 0:
        sheet.weigh(f"{filler_name} (filler)", Quantity(mix.filler_add, Unit.MG))
        portions = portions_text(
            mix.aliquot,
            mix.filler_add,
            largest=order.max_stage_mass or POLICY["max_stage_mass"].value,
            what=filler_name,
            rec=rec,
        )
        sheet.process.append(
            f"Weigh {sheet.shown(mix.filler_add)} of {filler_name} and incorporate it "
            f"by geometric dilution in portions of about {portions} mg; mix until uniform."
        )
    shell_weight = _shell_weight(order, fill.size, rec)
    sheet.process.append(_fill_instruction(order, lot, fill, n_batch, rec))
    return sheet, shell_weight


def _shell_weight(order: CapsuleOrder, size: CapsuleSize, rec: Recorder) -> Quantity:
    """The weight of one empty shell for the gross-weight window: the order's measured weight
    when it is for ``size`` (its own size, or none stated: the order's), else the typical one."""
    shells = order.shells
    other = ""
    if shells is not None and shells.weight is not None:
        if shells.size is None or shells.size == size.code:
            check_shell_weight(rec, "shells.weight", shells.weight, size)
            return shells.weight
        other = f"the measured {shells.weight} is for size {shells.size}, not size {size.code}; "
    rec.default("shells.weight", size.shell_weight, SHELL_SOURCE)
    rec.warn(
        "shell-weight-estimated",
        f"The empty-shell weight {size.shell_weight} for size {size.code} is a typical figure; "
        f"{other}weigh 10 empty shells and use their average for gross-weight checks.",
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
    window = solid.weight_window(
        rec,
        w,
        WINDOW_PERCENT,
        solid.qc_sample(order, rec, units="capsules", made=n_batch),
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
        f"{significant(window.low.magnitude, 4)}-{significant(window.high.magnitude, 4)} mg (gross "
        f"{significant(gross.low.magnitude, 4)}-{significant(gross.high.magnitude, 4)} mg with "
        f"{shell_weight} shells); record the weights, mean, RSD and range."
    )
    sheet.process.append(
        f"Dispense {order.count} capsules; record the yield of filled capsules and discard the "
        "surplus."
    )
    return window, gross


def _ingredients(
    order: CapsuleOrder,
    fill: _Fill,
    lot: FillerLot,
    mix: _Mix,
    others: tuple[_Other, ...],
    rec: Recorder,
) -> tuple[tuple[Ingredient, ...], tuple[str, ...]]:
    """The drug materials and the filler, with what is weighed and what ends in the batch."""
    source, spec, plan = order.source, lot.spec, mix.plan
    plans = (plan, *mix.other_plans)
    consumed_filler = (
        sum((st.diluent.m_as(Unit.MG) for q in plans for st in q.stages), ZERO) + mix.filler_add
    )
    in_batch = mix.total_mix - mix.material
    for q in mix.other_plans:
        in_batch -= q.material.m_as(Unit.MG)
    ingredients = (
        solid.active_line(Ingredient, source, plan, per_capsule=Quantity(fill.p, Unit.MG)),
        *(
            solid.active_line(Ingredient, o.active.source, q, per_capsule=Quantity(o.p, Unit.MG))
            for o, q in zip(others, mix.other_plans, strict=True)
        ),
        solid.material_line(
            Ingredient,
            "filler",
            spec.name,
            lot,
            weighed=consumed_filler,
            in_batch=in_batch,
            allergens=spec.allergens,
            per_capsule=Quantity(fill.f, Unit.MG),
        ),
    )
    return ingredients, batch_allergens(ingredients, rec)


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
        # an additional active's components name its place (its expiry refused or limiting
        # the BUD is that active's, not the order's own source)
        *(
            attrs.evolve(c, role=f"additional_actives[{i}].source")
            for i, a in enumerate(order.additional_actives)
            for c in a.source.components()
        ),
        Component(role="filler", name=lot.spec.name, lot=lot.lot, expiry=lot.expiry),
    ]
    if lot.expiry is None:
        warn_no_expiry(rec, "The filler's expiry", "filler.expiry")
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
        warn_no_expiry(rec, "The shells' expiry", "shells.expiry")
    return solid.beyond_use_date(order, start, BudCategory.NONAQUEOUS_SOLID, components, rec, today)


def _label_facts(r: CapsuleResult) -> PreparationFacts:
    return solid.label_facts(
        r,
        noun="capsule",
        plural="capsules",
        count_unit=Unit.CAPSULE,
        quantity_noun="",
        route="by mouth",
        verb="Take",
        other_actives=tuple((a.dose_basis_name, a.dose) for a in r.additional_actives),
    )


def _master_facts(r: CapsuleResult) -> MasterFacts:
    others = r.additional_actives
    # the salt form of each active, in the order of the ingredients (the order's own first)
    forms = iter([r.dose_basis_name, *(a.dose_basis_name for a in others)])
    also = "".join(
        f" + {a.dose_basis_name} {plain(a.dose.magnitude)} {a.dose.unit.display}" for a in others
    )

    def salt_form(i: Ingredient) -> list[str]:
        return [f"salt form {next(forms)}"] if i.role == "active" else []

    return solid.master_facts(
        r,
        name=f"{also} capsules",
        dosage_form=f"hard capsule, size {r.size}",
        units="capsules",
        ingredients=(
            solid.ingredient_line(i, i.per_capsule, "capsule", *salt_form(i)) for i in r.ingredients
        ),
        each="net fill ",
        inspection="visual inspection: capsules closed, uniform, no powder on the outside",
    )


def _record_tables(r: CapsuleResult) -> tuple[TableValue, ...]:
    size = capsule_size(r.size)
    given = r.capsule_volume != size.volume  # a supplier's volume from the order
    return (
        TableValue(
            key=f"capsule_size.{size.code}.volume",
            value=r.capsule_volume,
            source=ORDER_VOLUME_SOURCE if given else SIZE_SOURCE,
        ),
        TableValue(
            key="capsules.weight_window",
            value=Quantity(WINDOW_PERCENT, Unit.PERCENT),
            source=WINDOW_SOURCE,
        ),
    )


PREPARATION = register(
    Preparation(
        name="capsules",
        formulate=formulate_capsules,
        label_facts=_label_facts,
        master_record=_master_facts,
        record_tables=_record_tables,
        worksheet="._worksheet:_capsules",
    )
)
