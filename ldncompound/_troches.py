"""LDN troches and rapid-dissolve tablets (RDTs) molded from a melted base.

Method (amounts per unit unless stated; mg):

1. **Mold calibration** ``B``: the average weight of one perfect blank unit of this base lot
   in this mold (N blanks weighed; required, never defaulted).
2. ``n_batch = ceil(count x (1 + overage))``: the overage is extra of the *whole batch*, every
   ingredient at the same concentration; the surplus is discarded.
3. ``p`` = drug material per unit for the dose (the source's correction path).
4. **Displacement**: every non-base ingredient ``i`` of mass ``m_i`` (the drug material, any
   trituration diluent, sweetener, flavour, silica, ...) displaces ``m_i / DV_i`` of base, where
   ``DV_i`` is its density factor (trial batch, densities, a stated factor, or 1:1 by weight
   as a stated assumption). Base per unit ``b = B - sum(m_i / DV_i)``; unit weight
   ``W = b + sum(m_i)``. For the batch: base = ``N x B - sum(N x m_i / DV_i)``.
5. **Weighing**: :func:`plan_solid` weighs the drug material directly or through triturations
   and an aliquot (every weighing >= the balance minimum, rounded to its readability); the
   batch is made for the material actually weighed (``n_eff`` units' worth, at least
   ``n_batch``), enlarged if a small ingredient would otherwise weigh less than the minimum.
   The other ingredients and the base round to the readability.
6. **Planned dose**: a mold is filled by volume, so the dose follows the base-equivalent volume
   of what is weighed: ``dose_planned = dose x n_eff x B / (base + sum(m_i / DV_i))`` over the
   rounded batch amounts; the change is kept within a stated tolerance by enlarging the batch.
7. **QC**: each unit within a weight window around ``W``; **BUD** by the derived USP <795>
   class (a base or ingredient containing water makes the preparation aqueous).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from . import _solid as solid
from ._bud import BeyondUseDate, BudCategory, Storage, warn_no_expiry
from ._displacement import Displacement, DisplacementMethod, parse_displacement
from ._drug import refuse_drug_in_excipient, same_drug
from ._errors import FormulationError, InputError
from ._numbers import (
    CONTEXT,
    HUNDRED,
    ONE,
    ZERO,
    ceil_int,
    plain,
    private_context,
    significant,
)
from ._parse import parse_date, parse_quantity
from ._plausible import (
    BASE_DENSITY,
    BASE_DENSITY_CHECK,
    BLANK_WEIGHT_CHECK,
    BLANK_WEIGHT_IMPLAUSIBLE,
    DENSITY_FACTOR_UNUSUAL,
)
from ._preparation import Preparation, register
from ._qc import WeightWindow
from ._solid import POLICY, Settings, Sheet
from ._sources import Component, allergens_in, batch_allergens
from ._trace import Recorder
from ._troche_data import FORM_NAMES, TROCHE_BASES, TrocheBase, mold_spec, troche_base
from ._units import Dimension, Quantity, Unit
from ._validate import (
    density_field,
    mass_field,
    percent_field,
    qfield,
    text_field,
    text_items,
)
from ._vehicles import check_preservatives, refuse_watery_name
from ._vocabulary import MasterFacts, PreparationFacts
from ._weighing import Balance, SolidPlan, portions_text

TROCHES_SCHEMA = "ldncompound/troches/2"
TROCHES_ORDER_SCHEMA = "ldncompound/order/troches/1"

REPLACEMENT_SOURCE = (
    "no density factor given: replaces base 1:1 by weight, an assumption (Medisca's RDT base "
    "instructions add APIs by reducing base 1:1; domain.md §4.3) [V]"
)
DILUENT_NAME = "microcrystalline cellulose"
DILUENT_SOURCE = (
    "microcrystalline cellulose, the library's LDN trituration diluent (US Pharm. 2020;45(3) "
    "triturates naltrexone HCl in Avicel; domain.md §1.6) [S]; a few mg per unit, insoluble [D]"
)
ROUTE_SOURCE = (
    "LDN troches and RDTs are usually prescribed for sublingual use; put the prescriber's route "
    "on the order [U]"
)
#: Above this share of the unit weight, ingredients assumed to replace base 1:1 are warned about.
REPLACEMENT_LIMIT = Decimal(5)
#: Blanks to weigh for a calibration (fewer is warned about).
MIN_BLANKS = 10
#: Largest enlargement of the batch to bring a small ingredient up to the balance minimum.
MAX_ENLARGEMENT = Decimal(3)
#: A trial's blanks and the mold calibration should agree within this (percent).
TRIAL_AGREEMENT = Decimal(2)
#: Density factors outside this range are unusual (most drugs and excipients are 0.5-5).
USUAL_FACTORS = (Decimal("0.5"), Decimal(5))


class TrocheForm(enum.Enum):
    """The molded dosage form."""

    TROCHE = "troche"
    RDT = "rdt"

    @property
    def described(self) -> str:
        return "troche" if self is TrocheForm.TROCHE else "rapid-dissolve tablet"

    @property
    def plural(self) -> str:
        return "troches" if self is TrocheForm.TROCHE else "rapid-dissolve tablets"


class Route(enum.Enum):
    """Where the unit is held to dissolve."""

    SUBLINGUAL = "sublingual"
    BUCCAL = "buccal"


def _blank_weight_field(_i: object, _a: object, value: Quantity) -> None:
    mass_field("mold.blank_weight")(None, None, value)
    mg = value.m_as(Unit.MG)
    if mg < 50 or mg > 20_000:
        raise InputError.about(
            "mold.blank_weight",
            str(value),
            "is not a plausible blank unit weight",
            "the average weight of one blank troche or RDT, 50 mg to 20 g",
            code="out-of-range",
        )


def _positive_int(field: str, value: object, expected: str, maximum: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not (1 <= value <= maximum):
        raise InputError.about(
            field, value, "is not a whole number in range", f"{expected}, 1 to {maximum}"
        )


@attrs.frozen(kw_only=True)
class MoldCalibration:
    """The mold calibration for *this base lot in this mold*: the average weight of one
    perfect blank unit, from ``blanks_weighed`` blanks (use :meth:`from_weights`).

    ``cavity_volume`` (optional) lets the base's density be derived (B / volume).
    ``estimate`` is set only by :meth:`typical`: the blank weight is then a cited typical
    figure, not a calibration, and every result says so.
    """

    blank_weight: Quantity = qfield(Dimension.MASS, _blank_weight_field)
    blanks_weighed: int | None = None
    mold: str | None = attrs.field(default=None, validator=text_field("mold.mold"))
    cavities: int | None = None
    cavity_volume: Quantity | None = qfield(Dimension.VOLUME, default=None)
    base_lot: str | None = attrs.field(default=None, validator=text_field("mold.base_lot"))
    estimate: str | None = attrs.field(default=None, validator=text_field("mold.estimate", 400))

    def __attrs_post_init__(self) -> None:
        _positive_int("mold.blanks_weighed", self.blanks_weighed, "the blanks weighed", 10_000)
        _positive_int("mold.cavities", self.cavities, "the cavities in one mold", 1000)
        if self.cavity_volume is not None:
            self.cavity_volume.require(Dimension.VOLUME, "mold.cavity_volume")
            ml = self.cavity_volume.m_as(Unit.ML)
            if ml <= 0 or ml > 50:
                raise InputError.about(
                    "mold.cavity_volume",
                    str(self.cavity_volume),
                    "is not a plausible cavity volume",
                    "more than 0 and at most 50 mL",
                    code="out-of-range",
                )
            implied = self.base_density
            if implied is not None and not (
                Decimal("0.3") <= implied.m_as(Unit.G_PER_ML) <= Decimal(3)
            ):
                raise InputError.about(
                    "mold.cavity_volume",
                    str(self.cavity_volume),
                    f"with a {self.blank_weight} blank implies a base density of "
                    f"{significant(implied.magnitude, 4)} g/mL",
                    "a volume and blank weight that give 0.3-3 g/mL (check the units)",
                    code="out-of-range",
                )

    @classmethod
    def from_weights(
        cls,
        *,
        total: Quantity,
        blanks: int,
        mold: str | None = None,
        cavities: int | None = None,
        cavity_volume: Quantity | None = None,
        base_lot: str | None = None,
    ) -> MoldCalibration:
        """A calibration from ``blanks`` perfect blanks that weigh ``total`` together."""
        mass_field("mold.total")(None, None, total)
        _positive_int("mold.blanks_weighed", blanks, "the blanks weighed", 10_000)
        return cls(
            blank_weight=Quantity(CONTEXT.divide(total.m_as(Unit.MG), Decimal(blanks)), Unit.MG),
            blanks_weighed=blanks,
            mold=mold,
            cavities=cavities,
            cavity_volume=cavity_volume,
            base_lot=base_lot,
        )

    @classmethod
    def typical(cls, key: str) -> MoldCalibration:
        """A cited typical blank weight for a commercial mold (e.g. ``"medisca-rdt"``): an
        estimate, echoed and warned about in every result. Calibrate the mold instead."""
        spec = mold_spec(key)
        return cls(
            blank_weight=spec.blank_weight,
            mold=spec.name,
            cavities=spec.cavities,
            cavity_volume=spec.cavity_volume,
            estimate=spec.source,
        )

    @property
    def base_density(self) -> Quantity | None:
        """The base's density as molded, B / cavity volume (g/mL), when the volume is known."""
        if self.cavity_volume is None:
            return None
        return Quantity(
            CONTEXT.divide(self.blank_weight.m_as(Unit.G), self.cavity_volume.m_as(Unit.ML)),
            Unit.G_PER_ML,
        )


@attrs.frozen(kw_only=True)
class BaseLot:
    """The base: a table key (``peg``, ``gelatin``) or a declared ``name`` with
    ``contains_water`` (required then: water decides the BUD class). ``preservative`` names a
    preservative in the base. ``density`` is its true density, needed only for density
    factors computed from densities (else derived from the mold's cavity volume)."""

    base: str | None = None
    name: str | None = attrs.field(default=None, validator=text_field("base.name"))
    contains_water: bool | None = None
    preservative: str | None = attrs.field(default=None, validator=text_field("base.preservative"))
    lot: str | None = attrs.field(default=None, validator=text_field("base.lot"))
    expiry: dt.date | None = None
    density: Quantity | None = qfield(
        Dimension.CONCENTRATION, density_field("base.density"), default=None
    )
    allergens_declared: tuple[str, ...] | None = attrs.field(
        default=None, validator=text_items("base.allergens_declared")
    )

    def __attrs_post_init__(self) -> None:
        if self.base is None and self.name is None:
            raise InputError.about(
                "base",
                None,
                "is missing",
                "a table base (peg, gelatin, rdt) or a declared base name with whether it contains "
                "water",
            )
        if self.base is not None and self.name is not None:
            raise InputError.about(
                "base.name",
                self.name,
                f"was given with the table base {self.base!r}",
                "either a table base or a declared name",
            )
        if self.contains_water is not None and not isinstance(self.contains_water, bool):
            raise InputError.about(
                "base.contains_water", self.contains_water, "is not yes or no", "True or False"
            )
        spec = self.spec
        if spec is None and self.contains_water is None:
            raise InputError.about(
                "base.contains_water",
                None,
                f"is not declared for the base {self.name!r}",
                "whether the base contains water (a base with water is not nonaqueous and gets "
                "the aqueous BUD)",
                code="water-not-declared",
            )
        if (
            spec is not None
            and not spec.water_overridable
            and self.contains_water not in (None, spec.contains_water)
        ):
            raise InputError.about(
                "base.contains_water",
                self.contains_water,
                f"contradicts the table for {spec.name}",
                "no value (the table's) or a declared base name for a different base",
            )
        if self.expiry is not None and not isinstance(self.expiry, dt.date):
            raise InputError.about("base.expiry", self.expiry, "is not a date", "a date")

    @property
    def spec(self) -> TrocheBase | None:
        return None if self.base is None else troche_base(self.base)

    @property
    def resolved_name(self) -> str:
        spec = self.spec
        return spec.name if spec is not None else str(self.name)

    @property
    def water(self) -> bool:
        spec = self.spec
        if spec is None or (spec.water_overridable and self.contains_water is not None):
            return bool(self.contains_water)
        return spec.contains_water

    @property
    def resolved_preservative(self) -> str | None:
        spec = self.spec
        return self.preservative or (spec.preservative if spec is not None else None)

    @property
    def allergens(self) -> tuple[str, ...]:
        if self.allergens_declared is not None:
            return tuple(sorted(set(self.allergens_declared)))
        spec = self.spec
        own = spec.allergens if spec is not None else ()
        return tuple(sorted({*own, *allergens_in(self.resolved_name)}))


def _check_displacement(field: str, value: object) -> None:
    if value is not None and not isinstance(value, Displacement):
        raise InputError.about(
            field,
            value,
            "is not a displacement",
            "Displacement.of(...), .from_trial(...), .from_density(...) or .replacement()",
        )


@attrs.frozen(kw_only=True)
class Additive:
    """A non-base ingredient other than the drug (sweetener, flavour, silica, ...): its mass
    per unit and how it displaces base (``None``: 1:1 by weight, echoed as an assumption).

    ``contains_water`` makes the whole preparation aqueous (an aqueous flavour, say);
    ``preservative`` marks a preservative (it decides preserved vs non-preserved).
    """

    name: str = attrs.field(validator=text_field("ingredient.name"))
    amount: Quantity = qfield(Dimension.MASS)
    displacement: Displacement | None = None
    lot: str | None = attrs.field(default=None, validator=text_field("ingredient.lot"))
    expiry: dt.date | None = None
    allergens_declared: tuple[str, ...] = attrs.field(
        default=(), validator=text_items("ingredient.allergens_declared")
    )
    contains_water: bool = False
    preservative: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.amount, Quantity):
            raise InputError.about(
                "ingredient.amount",
                self.amount,
                f"of {self.name!r} is not a quantity",
                "a mass per unit such as '10 mg'",
            )
        self.amount.require(Dimension.MASS, "ingredient.amount")
        if self.amount.magnitude <= 0:
            raise InputError.about(
                "ingredient.amount",
                str(self.amount),
                f"of {self.name!r} is not positive",
                "a mass per unit greater than zero",
                code="zero",
            )
        if self.amount > Quantity(Decimal(10), Unit.G):
            raise InputError.about(
                "ingredient.amount",
                str(self.amount),
                f"of {self.name!r} is beyond a plausible amount per unit",
                "at most 10 g per unit",
                code="too-large",
            )
        _check_displacement("ingredient.displacement", self.displacement)
        if self.expiry is not None and not isinstance(self.expiry, dt.date):
            raise InputError.about("ingredient.expiry", self.expiry, "is not a date", "a date")

    @property
    def allergens(self) -> tuple[str, ...]:
        return tuple(sorted({*self.allergens_declared, *allergens_in(self.name)}))


@attrs.frozen(kw_only=True)
class TrocheDiluent:
    """The powder the drug is triturated with when it is below the balance minimum. It ends
    up in the units, so it displaces base too (``None``: 1:1 by weight, echoed)."""

    name: str = attrs.field(validator=text_field("diluent.name"))
    displacement: Displacement | None = None
    lot: str | None = attrs.field(default=None, validator=text_field("diluent.lot"))
    expiry: dt.date | None = None
    allergens_declared: tuple[str, ...] = attrs.field(
        default=(), validator=text_items("diluent.allergens_declared")
    )

    def __attrs_post_init__(self) -> None:
        _check_displacement("diluent.displacement", self.displacement)

    @property
    def allergens(self) -> tuple[str, ...]:
        return tuple(sorted({*self.allergens_declared, *allergens_in(self.name)}))


@attrs.frozen(
    kw_only=True,
    field_transformer=solid.placing(
        source=("dosage_form", "mold", "base", "ingredients", "drug_displacement", "diluent"),
        dose_basis=("route",),
        qc_sample=("weight_window",),
    ),
)
class TrocheOrder(solid.SolidOrder):
    """Everything a troche or RDT calculation needs. ``None`` means "use the stated default".

    ``mold`` (the calibration) and ``base`` are required: neither has a safe default.
    """

    SCHEMA: ClassVar[str] = TROCHES_ORDER_SCHEMA

    dosage_form: TrocheForm
    mold: MoldCalibration
    base: BaseLot
    ingredients: tuple[Additive, ...] = ()
    drug_displacement: Displacement | None = None
    diluent: TrocheDiluent | None = None
    route: Route | None = None
    weight_window: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("weight_window", ZERO, Decimal(20), low_included=False),
        default=None,
    )

    def __attrs_post_init__(self) -> None:
        solid.check_dose_and_count(
            self.dose, self.count, count_expected="the number of units", units="units"
        )
        for field, value, cls, expected in (
            ("dosage_form", self.dosage_form, TrocheForm, "TrocheForm.TROCHE or TrocheForm.RDT"),
            ("mold", self.mold, MoldCalibration, "a MoldCalibration of this base lot and mold"),
            ("base", self.base, BaseLot, "a BaseLot"),
        ):
            if not isinstance(value, cls):
                raise InputError.about(field, value, f"is not a {cls.__name__}", expected)
        if self.route is not None and not isinstance(self.route, Route):
            raise InputError.about("route", self.route, "is not a route", "sublingual or buccal")
        if not isinstance(self.ingredients, tuple) or not all(
            isinstance(i, Additive) for i in self.ingredients
        ):
            raise InputError.about(
                "ingredients", self.ingredients, "is not a tuple of Additive", "Additive(...) items"
            )
        names = [i.name.strip().lower() for i in self.ingredients]
        if len(set(names)) != len(names):
            raise InputError.about(
                "ingredients",
                ", ".join(i.name for i in self.ingredients),
                "names an ingredient twice",
                "each ingredient once, with its total amount per unit",
            )
        _check_drug_names(self)
        _check_displacement("drug_displacement", self.drug_displacement)
        if self.diluent is not None and not isinstance(self.diluent, TrocheDiluent):
            raise InputError.about("diluent", self.diluent, "is not a TrocheDiluent", "one")
        if self.dose_basis is not None:
            self.source.drug.form(self.dose_basis)
        solid.check_daily_and_qc(self.count, self.doses_per_day, self.qc_sample, units="units")
        _check_base_form(self.base, self.dosage_form)


def _check_drug_names(order: TrocheOrder) -> None:
    """No other ingredient, declared base or diluent named by the order's drug (the units would
    hold the dose twice, labelled once) or by another drug (weighed with no dose check)."""
    drug = order.source.drug
    for i, ingredient in enumerate(order.ingredients):
        why = same_drug(drug, ingredient.name)
        solid.refuse_same_drug(
            why, f"ingredients[{i}].name", ingredient.name, what="the order's own source"
        )
        refuse_drug_in_excipient(
            drug, f"ingredients[{i}].name", ingredient.name, what="an ingredient", itself=False
        )
    diluent = order.diluent.name if isinstance(order.diluent, TrocheDiluent) else None
    named = (
        ("base.name", order.base.name, "base"),
        ("diluent.name", diluent, "diluent"),
        ("base.preservative", order.base.preservative, "a preservative"),
    )
    for field, name, what in named:
        if name is not None:  # a declared base, a diluent or a base's preservative
            refuse_drug_in_excipient(drug, field, name, what=what)


def _check_base_form(base: BaseLot, form: TrocheForm) -> None:
    """Refuse a table base made for another dosage form: a troche base dissolves slowly in
    the mouth, so it does not make a rapid-dissolve tablet (and the reverse)."""
    spec = base.spec
    if spec is None or form.value in spec.forms:
        return
    fitting = ", ".join(b.key for b in TROCHE_BASES if form.value in b.forms)
    raise InputError.about(
        "base",
        spec.key,
        f"is a base for {' and '.join(FORM_NAMES[f] for f in spec.forms)}, not for {form.plural}",
        f"a table base for {form.plural} ({fitting}), or a declared base name with whether it "
        "contains water",
        code="base-not-for-form",
    )


@attrs.frozen(
    kw_only=True,
    field_transformer=solid.placing(
        in_batch=("per_unit", "density_factor", "displacement", "base_displaced")
    ),
)
class TrocheIngredient(solid.SolidIngredient):
    """One ingredient of the batch: what is weighed, what ends up in the batch, per unit,
    and (for non-base ingredients) its density factor and the base it displaces per unit."""

    per_unit: Quantity
    density_factor: Decimal | None
    displacement: str
    base_displaced: Quantity | None
    contains_water: bool = False


@attrs.frozen(
    kw_only=True,
    field_transformer=solid.placing(
        library_version=("order",),
        dose_basis_name=("dosage_form", "dosage_form_name", "route"),
        batch_count=("mix_for",),
        overage=(
            "blank_weight",
            "unit_weight",
            "base_per_unit",
            "active_per_unit",
            "non_base_share",
            "replaced_share",
        ),
        plan=("ingredients",),
        qc=("qc_record",),
    ),
)
class TrocheResult(solid.SolidResult):
    """A complete troche or RDT formulation: amounts, plan, QC, BUD, label facts, trace."""

    SCHEMA: ClassVar[str] = TROCHES_SCHEMA

    order: TrocheOrder
    dosage_form: TrocheForm
    dosage_form_name: str
    route: Route
    mix_for: Decimal
    blank_weight: Quantity
    unit_weight: Quantity
    base_per_unit: Quantity
    active_per_unit: Quantity
    non_base_share: Quantity
    replaced_share: Quantity
    ingredients: tuple[TrocheIngredient, ...]
    qc_record: tuple[str, ...]


QC_RECORD = (
    "unit weights (mg)",
    "mean / RSD / range (mg, %)",
    "units made (yield) / cavities filled",
    "appearance (uniform colour, no settled powder)",
    "compounded by / verified by",
)


@attrs.frozen
class _Part:
    """A non-base ingredient as the calculation sees it (mg per unit, density factor)."""

    role: str
    name: str
    field: str
    per_unit: Decimal
    factor: Decimal
    described: str
    assumed: bool

    def columns(self) -> dict[str, Any]:
        """Its columns in the ingredient rows: the amount per unit, the density factor, how
        it was found and the base it displaces per unit."""
        return {
            "per_unit": Quantity(self.per_unit, Unit.MG),
            "density_factor": self.factor,
            "displacement": self.described,
            "base_displaced": Quantity(CONTEXT.divide(self.per_unit, self.factor), Unit.MG),
        }


def _factor(
    rec: Recorder,
    *,
    name: str,
    field: str,
    displacement: Displacement | None,
    base_density: Quantity | None,
    blank_weight: Decimal,
) -> tuple[Decimal, str, bool]:
    """Resolve one ingredient's density factor, echoing the 1:1 default and warning about
    unusual factors and trials whose blanks disagree with the mold calibration."""
    if displacement is None:
        rec.default(field, "1:1 replacement by weight", REPLACEMENT_SOURCE)
        displacement = Displacement.replacement()
    factor = displacement.resolve(base_density)
    described = displacement.describe()
    if displacement.method is DisplacementMethod.DENSITY and base_density is not None:
        described = f"densities: {displacement.density} / base {base_density}" + (
            f" ({displacement.source})" if displacement.source else ""
        )
    trial = displacement.trial
    if trial is not None:
        off = abs(CONTEXT.divide(trial.blank_weight.m_as(Unit.MG), blank_weight) - ONE) * HUNDRED
        if off > TRIAL_AGREEMENT:
            rec.warn(
                "trial-blanks-differ",
                f"The trial batch's blanks for {name} average {significant(trial.blank_weight.magnitude)} mg, "
                f"{significant(off, 3)} % off the mold calibration ({significant(blank_weight)} mg): the "
                "trial may have used another mold or base lot; repeat it with this one.",
                field,
            )
    low, high = USUAL_FACTORS
    if not (low <= factor <= high):
        DENSITY_FACTOR_UNUSUAL.refuse(
            rec,
            field,
            significant(factor, 4),
            f"as the density factor of {name} is outside the usual {plain(low)}-{plain(high)} "
            "(domain.md §4.4)",
            "a factor from a trial batch or the densities (check the weights and units)",
        )
    return factor, described, displacement.assumed


@private_context
def formulate_troches(order: TrocheOrder, *, today: dt.date | None = None) -> TrocheResult:
    """Compute a molded troche or RDT batch for ``order``: what to weigh, how much base, how
    to melt, mix and pour, QC, BUD, label facts, warnings and the trace.

    ``today`` is the compounding date used when the order has none (echoed as a default).
    Raises :class:`InputError` for bad or inconsistent input and :class:`FormulationError`
    when the batch cannot be made as asked (no base left, an expired component, ...).
    """
    run, route = solid.begin(
        order, _resolve_route, lambda _order, _basis: POLICY["overage.troches"]
    )
    rec, basis, settings = run.rec, run.basis, run.settings
    blank = _calibrated_blank(order, rec)
    batch = run.size(order.count, units="units", unit=Unit.ONE)
    p = order.source.material_for(order.dose.m_as(Unit.MG), basis, rec)
    parts = _displacement(order, p, blank, rec)
    melt = _plan_melt(order, settings, batch, parts, rec)
    tablets = solid.tablets_to_crush(order, melt.plan, rec)
    sheet = _compound(order, settings.balance, parts, melt, tablets, rec)
    qc = _weight_check(order, sheet, melt.w, run.n_batch, rec)
    ingredients, allergens = _ingredients(order, parts, melt, rec)
    bud = _beyond_use_date(order, ingredients, melt.diluent is not None, today, rec)
    form = order.dosage_form
    return solid.result(
        TrocheResult,
        TROCHES_SCHEMA,
        order,
        run,
        made=melt,
        sheet=sheet,
        tablets_to_crush=tablets,
        qc=qc,
        bud=bud,
        allergens=allergens,
        dosage_form=form,
        dosage_form_name=form.described,
        route=route,
        mix_for=melt.mix_for,
        blank_weight=order.mold.blank_weight,
        unit_weight=Quantity(melt.w, Unit.MG),
        base_per_unit=Quantity(melt.b, Unit.MG),
        active_per_unit=Quantity(p, Unit.MG),
        non_base_share=melt.non_base_share,
        replaced_share=melt.replaced_share,
        ingredients=ingredients,
        qc_record=QC_RECORD,
    )


def _echo_base_water(base: BaseLot, rec: Recorder) -> None:
    """A table base's [U] water content, when the order did not state it, is a default."""
    spec = base.spec
    if spec is not None and spec.water_overridable and base.contains_water is None:
        rec.default("base.contains_water", "yes" if spec.contains_water else "no", spec.source)


def _resolve_route(order: TrocheOrder, rec: Recorder) -> Route:
    """The route (default sublingual, echoed), then the base's water content when defaulted."""
    route = order.route
    if route is None:
        route = Route.SUBLINGUAL
        rec.default("route", route.value, ROUTE_SOURCE)
    _echo_base_water(order.base, rec)
    return route


def _check_mold(mold: MoldCalibration, base: BaseLot, rec: Recorder) -> None:
    """The blank weight is a troche's or RDT's, the base density a molded base's (given, or
    implied by the blank weight in the cavity volume): refused unless acknowledged."""
    BLANK_WEIGHT_CHECK.apply(rec, "mold.blank_weight", mold.blank_weight)
    implied = mold.base_density
    if implied is not None and not BASE_DENSITY.holds(implied.m_as(Unit.G_PER_ML)):
        BLANK_WEIGHT_IMPLAUSIBLE.refuse(
            rec,
            "mold.cavity_volume",
            str(mold.cavity_volume),
            f"with a {mold.blank_weight} blank implies a base density of "
            f"{significant(implied.magnitude, 3)} g/mL, outside the plausible "
            f"{BASE_DENSITY.describe()} of a molded base",
            "the cavity volume and blank weight of this mold (check the units)",
        )
    if base.density is not None:
        BASE_DENSITY_CHECK.apply(rec, "base.density", base.density)


def _calibrated_blank(order: TrocheOrder, rec: Recorder) -> Decimal:
    """The mold calibration ``B``, with warnings about how it was made."""
    mold = order.mold
    base = order.base
    if mold.estimate is not None:
        rec.default("mold.blank_weight", mold.blank_weight, mold.estimate)
        rec.warn(
            "blank-weight-estimated",
            f"The blank weight {mold.blank_weight} is a typical figure, not a calibration of this "
            "base lot in this mold; pour and weigh perfect blanks and use their average.",
            "mold.blank_weight",
        )
    elif mold.blanks_weighed is None:
        rec.warn(
            "blank-count-unknown",
            f"How many blanks the calibration averaged is not stated; weigh at least {MIN_BLANKS} "
            "perfect blanks and record the number.",
            "mold.blanks_weighed",
        )
    elif mold.blanks_weighed < MIN_BLANKS:
        rec.warn(
            "blank-count-few",
            f"The blank weight is the average of only {mold.blanks_weighed} blanks; weigh at least "
            f"{MIN_BLANKS}.",
            "mold.blanks_weighed",
        )
    if mold.base_lot is not None and base.lot is not None and mold.base_lot != base.lot:
        rec.warn(
            "mold-calibrated-with-other-lot",
            f"The mold was calibrated with base lot {mold.base_lot}, but the batch uses lot "
            f"{base.lot}; calibrate the mold with this lot.",
            "mold.base_lot",
        )
    _check_mold(mold, base, rec)
    blank = mold.blank_weight.m_as(Unit.MG)
    rec.step(
        "blank-weight",
        "average weight of one perfect blank unit of this base in this mold",
        "B = weight of N blanks / N",
        Quantity(blank, Unit.MG),
        N=str(mold.blanks_weighed) if mold.blanks_weighed else "not stated",
    )
    return blank


@attrs.frozen
class _Parts:
    """The drug material and additives with their density factors, per unit."""

    blank: Decimal
    base_density: Quantity | None
    active: _Part
    additives: list[_Part]
    displaced_fixed: Decimal

    @property
    def p(self) -> Decimal:
        """The drug material per unit."""
        return self.active.per_unit

    @property
    def fixed_parts(self) -> list[_Part]:
        return [self.active, *self.additives]


def _make_part(
    rec: Recorder,
    role: str,
    name: str,
    field: str,
    per_unit: Decimal,
    disp: Displacement | None,
    base_density: Quantity | None,
    blank: Decimal,
) -> _Part:
    factor, described, assumed = _factor(
        rec,
        name=name,
        field=field,
        displacement=disp,
        base_density=base_density,
        blank_weight=blank,
    )
    return _Part(role, name, field, per_unit, factor, described, assumed)


def _displacement(order: TrocheOrder, p: Decimal, blank: Decimal, rec: Recorder) -> _Parts:
    """Resolve every fixed ingredient's density factor and the base it displaces per unit."""
    mold = order.mold
    base_density = order.base.density
    uses_density = any(
        d is not None and d.method is DisplacementMethod.DENSITY
        for d in (
            order.drug_displacement,
            order.diluent.displacement if order.diluent else None,
            *(a.displacement for a in order.ingredients),
        )
    )
    if uses_density and base_density is None and mold.base_density is not None:
        base_density = mold.base_density
        rec.default(
            "base.density",
            base_density or Quantity(0, Unit.G_PER_ML),
            f"derived from the mold calibration: {mold.blank_weight} / {mold.cavity_volume} [D]",
        )
    active = _make_part(
        rec,
        "active",
        order.source.material_name,
        "drug_displacement",
        p,
        order.drug_displacement,
        base_density,
        blank,
    )
    additives = [
        _make_part(
            rec,
            "additive",
            a.name,
            f"ingredients[{i}].displacement",
            a.amount.m_as(Unit.MG),
            a.displacement,
            base_density,
            blank,
        )
        for i, a in enumerate(order.ingredients)
    ]
    displaced_fixed = ZERO
    for pt in [active, *additives]:
        displaced_fixed += rec.step(
            "base-displaced",
            f"base displaced per unit by {pt.name} ({pt.described})",
            "x = m / DV",
            Quantity(CONTEXT.divide(pt.per_unit, pt.factor), Unit.MG),
            m=Quantity(pt.per_unit, Unit.MG),
            DV=Quantity(pt.factor, Unit.ONE),
        ).magnitude
    if displaced_fixed >= blank:
        raise FormulationError.about(
            "ingredients",
            f"{significant(displaced_fixed)} mg",
            f"of base displaced per unit leaves no base in a {significant(blank)} mg blank",
            "less drug material or fewer other ingredients per unit, or a larger mold",
            code="no-base-left",
        )
    return _Parts(
        blank=blank,
        base_density=base_density,
        active=active,
        additives=additives,
        displaced_fixed=displaced_fixed,
    )


@attrs.frozen
class _Trial:
    """One candidate plan: the melt it makes and the base-equivalent volumes it weighs."""

    plan: SolidPlan
    n_eff: Decimal
    g: Decimal
    b: Decimal
    base_w: Decimal
    adds_w: list[Decimal]
    v_exact: Decimal
    v_actual: Decimal


@attrs.frozen
class _Melt:
    """The final plan and what it makes: per unit, for the batch, and the planned dose."""

    plan: SolidPlan
    n_eff: Decimal
    mix_for: Decimal
    g: Decimal
    b: Decimal
    w: Decimal
    base_w: Decimal
    adds_w: list[Decimal]
    diluent: _Part | None
    planned: Quantity
    non_base_share: Quantity
    replaced_share: Quantity

    @property
    def material(self) -> Decimal:
        """The drug material weighed (mg)."""
        return self.plan.material.m_as(Unit.MG)

    @property
    def aliquot(self) -> Decimal:
        """The drug material or its trituration's aliquot that goes into the melt (mg)."""
        return self.plan.aliquot.m_as(Unit.MG)

    @property
    def total_mix(self) -> Decimal:
        """The melt made: the aliquot, the other ingredients and the base (mg)."""
        return self.aliquot + sum(self.adds_w, ZERO) + self.base_w


def _least_units(
    parts: _Parts, n_batch: int, m: Decimal
) -> tuple[Decimal, tuple[int, _Part] | None]:
    """Units' worth of batch every additive needs to weigh at least the balance minimum."""
    units_min, limiting = Decimal(n_batch), None
    for i, a in enumerate(parts.additives):
        least = CONTEXT.divide(m, a.per_unit)
        if least > units_min:
            units_min, limiting = least, (i, a)
    if limiting is not None and units_min > MAX_ENLARGEMENT * n_batch:
        i, a = limiting
        raise FormulationError.about(
            f"ingredients[{i}].amount",
            f"{plain(a.per_unit)} mg",
            f"of {a.name} per unit needs {ceil_int(units_min)} units' worth of batch to reach the "
            f"balance minimum of {plain(m)} mg, more than {plain(MAX_ENLARGEMENT)} times the batch",
            "a finer balance, a premix (trituration) of this ingredient, or a larger batch",
            code="ingredient-below-minimum-weight",
        )
    return units_min, limiting


def _plan_melt(
    order: TrocheOrder, settings: Settings, batch: Quantity, parts: _Parts, rec: Recorder
) -> _Melt:
    """Plan the weighings; the melt is made for the material actually weighed, enlarged until
    every ingredient reaches the balance minimum and rounding keeps the dose in tolerance."""
    balance, p, blank = settings.balance, parts.p, parts.blank
    n_batch = int(batch.magnitude)
    m = balance.m
    unit_without_diluent = (
        blank - parts.displaced_fixed + sum((pt.per_unit for pt in parts.fixed_parts), ZERO)
    )
    ratio = CONTEXT.divide(unit_without_diluent, p)
    exact_need = solid.material_needed(rec, batch, p)
    units_min, limiting = _least_units(parts, n_batch, m)
    need = max(units_min * p, CONTEXT.divide(settings.least_mix, ratio))
    plan_for = solid.planner(
        settings,
        ratio=ratio,
        material_name=order.source.material_name,
        diluent_name=_diluent_name(order),
    )

    def attempt(need: Decimal) -> tuple[Decimal, _Trial | None]:
        trial = _try_plan(order, parts, plan_for(need, Recorder()), settings)
        if trial.base_w < m:
            return CONTEXT.divide(need * m, trial.n_eff * trial.b) * Decimal("1.02"), None
        if settings.off_tolerance(trial.v_exact, trial.v_actual):
            return need * 2, None
        return need, trial

    need, trial = solid.converge(need, attempt)
    solid.material_enlarged(
        rec,
        need,
        exact_need,
        settings.tolerance,
        why="material enlarged so every ingredient weighs at least the minimum and rounding "
        "moves the dose by at most the tolerance (the surplus is discarded)",
        formula="C' >= max(C, n_min x p, max(d / (2 x tolerance), 2 x minimum) / (W / p))",
    )
    if limiting is not None:
        i, a = limiting
        rec.warn(
            "batch-enlarged-for-weighing",
            f"{a.name} ({plain(a.per_unit)} mg per unit) is below the balance minimum for "
            f"{n_batch} units, so the melt is made for {significant(trial.n_eff, 4)} units' worth; "
            "the surplus is discarded.",
            f"ingredients[{i}].amount",
        )
    plan = plan_for(need, rec)  # again, so the trace holds the final plan only
    return _trace_melt(order, balance, parts, plan, trial, rec)


def _diluent_name(order: TrocheOrder) -> str:
    return order.diluent.name if order.diluent is not None else DILUENT_NAME


def _try_plan(order: TrocheOrder, parts: _Parts, plan: SolidPlan, settings: Settings) -> _Trial:
    """What a plan makes: base per unit, rounded batch amounts, base-equivalent volumes."""
    p, blank = parts.p, parts.blank
    diluent_disp = order.diluent.displacement if order.diluent is not None else None
    material = plan.material.m_as(Unit.MG)
    aliquot = plan.aliquot.m_as(Unit.MG)
    n_eff = CONTEXT.divide(material, p)
    g = CONTEXT.multiply(p, plan.dilution - ONE)
    # the diluent's factor is resolved only if the plan triturates (echoed later)
    g_factor = (
        (ONE if diluent_disp is None else diluent_disp.resolve(parts.base_density))
        if plan.stages
        else ONE
    )
    b = blank - parts.displaced_fixed - CONTEXT.divide(g, g_factor)
    if b <= 0:
        raise FormulationError.about(
            "diluent",
            _diluent_name(order),
            "from the trituration displaces all the base left in each unit",
            "a finer balance (less dilution), or less of the other ingredients per unit",
            code="no-base-left",
        )
    base_w = settings.weighed(n_eff * b)
    adds_w = [settings.weighed(n_eff * a.per_unit) for a in parts.additives]
    v_actual = (
        base_w
        + CONTEXT.divide(material, parts.active.factor)
        + CONTEXT.divide(aliquot - material, g_factor)
        + sum(
            (CONTEXT.divide(w, a.factor) for w, a in zip(adds_w, parts.additives, strict=True)),
            ZERO,
        )
    )
    return _Trial(
        plan=plan,
        n_eff=n_eff,
        g=g,
        b=b,
        base_w=base_w,
        adds_w=adds_w,
        v_exact=n_eff * blank,
        v_actual=v_actual,
    )


def _trace_melt(
    order: TrocheOrder,
    balance: Balance,
    parts: _Parts,
    plan: SolidPlan,
    trial: _Trial,
    rec: Recorder,
) -> _Melt:
    """Trace what the final plan makes per unit and for the batch, and the planned dose."""
    blank, p, n_eff, b, g = parts.blank, parts.p, trial.n_eff, trial.b, trial.g
    diluent_part = _diluent_part(order, parts, plan, g, rec)
    mix_for = rec.step(
        "mix-for",
        "units' worth of melt made from the material weighed (at least n_batch; surplus discarded)",
        "n_eff = material / p",
        Quantity(n_eff, Unit.ONE),
        material=plan.material,
        p=Quantity(p, Unit.MG),
    ).magnitude
    rec.step(
        "base-per-unit",
        "base per unit: the blank less the base every other ingredient displaces",
        "b = B - sum(m_i / DV_i)",
        Quantity(b, Unit.MG),
        B=Quantity(blank, Unit.MG),
    )
    others = [*parts.fixed_parts, *([diluent_part] if diluent_part else [])]
    w = rec.step(
        "unit-weight",
        "theoretical weight of one unit (= b + sum(m_i); exactly B when every DV is 1)",
        "W = B + sum(m_i x (1 - 1 / DV_i))",
        Quantity(
            blank
            + sum((pt.per_unit - CONTEXT.divide(pt.per_unit, pt.factor) for pt in others), ZERO),
            Unit.MG,
        ),
        B=Quantity(blank, Unit.MG),
    ).magnitude
    _trace_batch_amounts(balance, parts, trial, rec)
    dose = order.dose
    dose_planned = rec.step(
        "dose-planned",
        "dose per unit the rounded weighings deliver (a mold is filled by volume: base-equivalent "
        "volume of the weighed batch against n_eff blanks)",
        "dose_planned = dose x n_eff x B / (base + sum(m_i / DV_i))",
        Quantity(CONTEXT.divide(dose.m_as(Unit.MG) * trial.v_exact, trial.v_actual), Unit.MG).to(
            dose.unit
        ),
        n_eff_B=Quantity(trial.v_exact, Unit.MG),
        weighed_equivalent=Quantity(trial.v_actual, Unit.MG),
    )
    non_base_share, replaced_share = _shares(others, w, b, balance, rec)
    return _Melt(
        plan=plan,
        n_eff=n_eff,
        mix_for=mix_for,
        g=g,
        b=b,
        w=w,
        base_w=trial.base_w,
        adds_w=trial.adds_w,
        diluent=diluent_part,
        planned=dose_planned,
        non_base_share=non_base_share,
        replaced_share=replaced_share,
    )


def _trace_batch_amounts(balance: Balance, parts: _Parts, trial: _Trial, rec: Recorder) -> None:
    """Trace the base and every other ingredient to weigh for the batch."""
    rec.step(
        "base-to-weigh",
        f"base for the batch, rounded to the readability {balance.readability}",
        "base = round_d(n_eff x B - sum(n_eff x m_i / DV_i))",
        Quantity(trial.base_w, Unit.MG),
        n_eff=Quantity(trial.n_eff, Unit.ONE),
        exact=Quantity(trial.n_eff * trial.b, Unit.MG),
    )
    for a, a_w in zip(parts.additives, trial.adds_w, strict=True):
        rec.step(
            "ingredient-to-weigh",
            f"{a.name} for the batch, rounded to the readability",
            "round_d(n_eff x m)",
            Quantity(a_w, Unit.MG),
            m=Quantity(a.per_unit, Unit.MG),
        )


def _diluent_part(
    order: TrocheOrder, parts: _Parts, plan: SolidPlan, g: Decimal, rec: Recorder
) -> _Part | None:
    """The trituration diluent, if the plan triturates: its factor and the base it displaces."""
    if not plan.stages:
        return None
    diluent = order.diluent
    if diluent is None:
        rec.default("diluent", DILUENT_NAME, DILUENT_SOURCE)
    name = _diluent_name(order)
    disp = diluent.displacement if diluent is not None else None
    part = _make_part(
        rec, "diluent", name, "diluent.displacement", g, disp, parts.base_density, parts.blank
    )
    rec.step(
        "base-displaced",
        f"base displaced per unit by {name} from the trituration ({part.described})",
        "x = g / DV, g = p x (F - 1)",
        Quantity(CONTEXT.divide(g, part.factor), Unit.MG),
        g=Quantity(g, Unit.MG),
        F=Quantity(plan.dilution, Unit.ONE),
        DV=Quantity(part.factor, Unit.ONE),
    )
    return part


def _shares(
    others: list[_Part], w: Decimal, b: Decimal, balance: Balance, rec: Recorder
) -> tuple[Quantity, Quantity]:
    """The share of each unit that is not base, and the share assumed to replace base 1:1."""
    non_base_share = Quantity(CONTEXT.divide(w - b, w) * HUNDRED, Unit.PERCENT)
    replaced = sum((pt.per_unit for pt in others if pt.assumed), ZERO)
    replaced_share = Quantity(CONTEXT.divide(replaced, w) * HUNDRED, Unit.PERCENT)
    if replaced_share.magnitude > REPLACEMENT_LIMIT:
        names = ", ".join(pt.name for pt in others if pt.assumed)
        rec.warn(
            "replacement-share-large",
            f"Ingredients assumed to replace base 1:1 by weight ({names}) make "
            f"{significant(replaced_share.magnitude, 3)} % of each unit; a wrong assumption moves the "
            "dose by about that share x (1 - 1/DV). Measure their density factors with a trial batch.",
            "ingredients",
        )
    solid.warn_unweighable(
        rec,
        w,
        balance,
        code="unit-weight-below-minimum",
        weight="unit weight",
        units="units",
        advice="use a finer balance",
        field="mold.blank_weight",
    )
    return non_base_share, replaced_share


def _compound(
    order: TrocheOrder,
    balance: Balance,
    parts: _Parts,
    melt: _Melt,
    tablets: int | None,
    rec: Recorder,
) -> Sheet:
    """The weighings and process in compounding order: crush, triturate, blend, melt, pour."""
    sheet = Sheet(d=balance.d)
    shown = sheet.shown
    sheet.crush_and_triturate(tablets, melt.plan, order.source.material_name, _diluent_name(order))
    additives, adds_w = parts.additives, melt.adds_w
    for a, a_w in zip(additives, adds_w, strict=True):
        sheet.weigh(a.name, Quantity(a_w, Unit.MG))
    if additives:
        listed = "; ".join(
            f"{shown(a_w)} of {a.name}" for a, a_w in zip(additives, adds_w, strict=True)
        )
        portions = portions_text(
            melt.aliquot,
            sum(adds_w, ZERO),
            largest=order.max_stage_mass or POLICY["max_stage_mass"].value,
            what="powders of the blend",
            rec=rec,
        )
        sheet.process.append(
            f"Weigh {listed}. Blend the powders into the drug by geometric dilution, in portions "
            f"of about {portions} mg; keep liquid ingredients (flavour oils) for the melted base."
        )
    base = order.base
    sheet.weigh(base.resolved_name + " (base)", Quantity(melt.base_w, Unit.MG))
    sheet.process.append(
        f"Weigh {shown(melt.base_w)} of {base.resolved_name} and melt it gently over a water bath, "
        "at the lowest temperature that makes it pourable (as when the mold was calibrated)."
    )
    sheet.process.append(
        "Add the drug blend to the melted base in small portions, stirring until uniform; add any "
        "liquid ingredients last."
    )
    sheet.process.append(_pour_instruction(order, melt.n_eff))
    sheet.process.append("Let the units set; trim the tops level if the base needs it; unmold.")
    return sheet


def _pour_instruction(order: TrocheOrder, n_eff: Decimal) -> str:
    n, mold = order.count, order.mold
    whole = int(n_eff.to_integral_value(rounding="ROUND_FLOOR"))
    molds = ""
    if mold.cavities is not None:
        k = ceil_int(CONTEXT.divide(Decimal(n), Decimal(mold.cavities)))
        molds = f" ({k} mold{'s' if k > 1 else ''} of {mold.cavities} cavities)"
    return (
        f"Pour into the calibrated mold{molds}, stirring all the while so suspended powder does "
        f"not settle; fill each cavity as for the calibration. The melt makes about {whole} "
        f"units; at least {n} are needed."
    )


def _weight_check(
    order: TrocheOrder, sheet: Sheet, w: Decimal, n_batch: int, rec: Recorder
) -> WeightWindow:
    """The weight window each unit of the QC sample must meet."""
    qc_n = solid.qc_sample(order, rec, units="units", made=n_batch)
    policy = POLICY["weight_window.troches"]
    span = order.weight_window or policy.value
    if order.weight_window is None:
        rec.default("weight_window", span, policy.source)
    window = solid.weight_window(
        rec,
        w,
        span.m_as(Unit.PERCENT),
        qc_n,
        what="weight window for each unit",
        formula=f"W x (1 -/+ {plain(span.m_as(Unit.PERCENT))} %)",
    )
    # 4 significant figures, as the worksheet's window and the capsules' (a window in
    # hundredths of a milligram cannot be read on the balances units are weighed on)
    low, high = significant(window.low.magnitude, 4), significant(window.high.magnitude, 4)
    sheet.process.append(
        f"Weigh {window.sample_size} units one by one: each must be {low}-{high} mg (target "
        f"{significant(w, 4)} mg); record the weights, mean, RSD and range. A mean off target means "
        "a density factor or the calibration does not fit this batch."
    )
    sheet.process.append(
        f"Dispense {order.count} {order.dosage_form.plural}; record the yield and discard the "
        "surplus melt and units."
    )
    return window


def _ingredients(
    order: TrocheOrder, parts: _Parts, melt: _Melt, rec: Recorder
) -> tuple[tuple[TrocheIngredient, ...], tuple[str, ...]]:
    """Every ingredient: what is weighed, what ends in the batch and what it displaces."""
    ingredients: list[TrocheIngredient] = [
        solid.active_line(TrocheIngredient, order.source, melt.plan, **parts.active.columns())
    ]
    diluent, part = order.diluent, melt.diluent
    if part is not None:
        consumed = sum((st.diluent.m_as(Unit.MG) for st in melt.plan.stages), ZERO)
        ingredients.append(
            solid.material_line(
                TrocheIngredient,
                "diluent",
                part.name,
                diluent,
                weighed=consumed,
                in_batch=melt.aliquot - melt.material,
                allergens=diluent.allergens if diluent is not None else allergens_in(part.name),
                **part.columns(),
            )
        )
    for spec, a, a_w in zip(order.ingredients, parts.additives, melt.adds_w, strict=True):
        ingredients.append(
            solid.material_line(
                TrocheIngredient,
                "additive",
                spec.name,
                spec,
                weighed=a_w,
                in_batch=a_w,
                allergens=spec.allergens,
                contains_water=spec.contains_water,
                **a.columns(),
            )
        )
    base = order.base
    ingredients.append(
        solid.material_line(
            TrocheIngredient,
            "base",
            base.resolved_name,
            base,
            weighed=melt.base_w,
            in_batch=melt.base_w,
            allergens=base.allergens,
            per_unit=Quantity(melt.b, Unit.MG),
            density_factor=None,
            displacement="the base itself",
            base_displaced=None,
            contains_water=base.water,
        )
    )
    return tuple(ingredients), batch_allergens(ingredients, rec)


def _bud_class(
    order: TrocheOrder, ingredients: tuple[TrocheIngredient, ...], rec: Recorder
) -> BudCategory:
    """The USP <795> class: water in the base or an ingredient makes the units aqueous."""
    base, form = order.base, order.dosage_form
    watery = [i.name for i in ingredients if i.contains_water]
    preservatives = [
        *([base.resolved_preservative] if base.resolved_preservative else []),
        *(a.name for a in order.ingredients if a.preservative),
    ]
    check_preservatives(
        rec,
        [("base.preservative", base.resolved_preservative)]
        + [
            (f"ingredients[{i}].name", a.name)
            for i, a in enumerate(order.ingredients)
            if a.preservative
        ],
    )
    if order.ingredients and not any(a.contains_water for a in order.ingredients):
        rec.default(
            "ingredients.contains_water",
            "none declared",
            "an ingredient is taken as water-free unless declared to contain water (declare an "
            "aqueous flavour: it makes the preparation aqueous; one whose name says water is "
            "refused, name-says-water) [D]",
        )
    if not base.water:  # a name that says water is not taken as water-free (probe3 Q7)
        for i, a in enumerate(order.ingredients):
            if not a.contains_water:
                refuse_watery_name(
                    rec, f"ingredients[{i}].name", a.name, "taken as water-free (no 'water' option)"
                )
    if not watery:
        category = BudCategory.NONAQUEOUS_SOLID
    elif preservatives:
        category = BudCategory.AQUEOUS_PRESERVED
    else:
        category = BudCategory.AQUEOUS_NONPRESERVED
    rec.step(
        "bud-class",
        "USP <795> class: water in the base or any ingredient makes the preparation aqueous; a "
        "named preservative makes it preserved",
        "class = nonaqueous solid | aqueous preserved | aqueous non-preserved",
        category.value,
        water=", ".join(watery) or "none",
        preservative=", ".join(preservatives) or "none",
    )
    if watery:
        rec.warn(
            "aqueous-base",
            f"Contains water ({', '.join(watery)}), so the {form.plural} are an aqueous preparation "
            f"under USP <795>: at most {category.days} days"
            + (", refrigerated." if category is BudCategory.AQUEOUS_NONPRESERVED else "."),
            "base.contains_water" if base.water else "ingredients",
        )
    return category


def _beyond_use_date(
    order: TrocheOrder,
    ingredients: tuple[TrocheIngredient, ...],
    triturated: bool,
    today: dt.date | None,
    rec: Recorder,
) -> BeyondUseDate:
    """The BUD of the derived class, limited by every dated component."""
    category = _bud_class(order, ingredients, rec)
    room = category is BudCategory.NONAQUEOUS_SOLID
    start = solid.bud_start(
        order,
        today,
        rec,
        storage=Storage.ROOM if room else Storage.REFRIGERATOR,
        storage_source=f"{order.dosage_form.plural} "
        + (
            "without water are stored at controlled room temperature"
            if room
            else "with water are kept refrigerated"
        )
        + " in a tight, light-resistant container",
    )
    base, diluent = order.base, order.diluent
    components: list[Component] = [*order.source.components()]
    dated: list[tuple[str, str, str | None, dt.date | None]] = [
        ("base", base.resolved_name, base.lot, base.expiry),
        *((f"ingredients[{i}]", a.name, a.lot, a.expiry) for i, a in enumerate(order.ingredients)),
    ]
    if triturated:
        dated.append(
            (
                "diluent",
                _diluent_name(order),
                diluent.lot if diluent else None,
                diluent.expiry if diluent else None,
            )
        )
    for role, name, lot, expiry in dated:
        components.append(Component(role=role, name=name, lot=lot, expiry=expiry))
        if expiry is None:
            warn_no_expiry(rec, f"The expiry of {name}", f"{role}.expiry")
    return solid.beyond_use_date(order, start, category, components, rec, today)


# --- the compact text form of ingredients (command line, order files) ------------------------

MAX_SPEC_LENGTH = 200


def _split_spec(text: object, field: str, what: str) -> list[str]:
    if not isinstance(text, str):
        raise InputError.about(field, text, "is not text", f"text such as {what}", code="not-text")
    text_field(field, MAX_SPEC_LENGTH)(None, None, text)
    return [part.strip() for part in text.split(":")]


@attrs.frozen
class _Options:
    displacement: Displacement | None
    lot: str | None
    expiry: dt.date | None
    allergens: tuple[str, ...]
    water: bool
    preservative: bool

    def fields(self) -> dict[str, Any]:
        """The fields an ingredient and a diluent both take from the options."""
        return {
            "displacement": self.displacement,
            "lot": self.lot,
            "expiry": self.expiry,
            "allergens_declared": self.allergens,
        }


def _options(parts: list[str], field: str, name: str) -> _Options:
    displacement: Displacement | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    allergens: list[str] = []
    flags = {"water": False, "preservative": False}
    where = f"{field} {name!r}"
    for part in parts:
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if key in {"dv", "density", "trial", "replace"}:
            if displacement is not None:
                raise InputError.about(
                    where,
                    part,
                    "gives a second displacement",
                    "one of dv=, density=, trial= or replace",
                    code="malformed-spec",
                )
            displacement = parse_displacement(part, field=where)
        elif key == "lot" and sep and value and lot is None:
            lot = value
        elif key == "expiry" and sep and expiry is None:
            expiry = parse_date(value, field=f"{where} expiry")
        elif key == "allergen" and sep and value:
            allergens.append(value)
        elif key in flags and not sep:
            flags[key] = True
        else:
            raise InputError.about(
                where,
                part,
                "is not an option (or repeats one)",
                "dv=, density=, trial=, replace, lot=, expiry=, allergen=, water or preservative",
                code="malformed-spec",
            )
    return _Options(
        displacement, lot, expiry, tuple(allergens), flags["water"], flags["preservative"]
    )


def parse_ingredient(text: object, *, field: str = "ingredient") -> Additive:
    """Parse ``NAME:AMOUNT[:OPTION]...``, e.g. ``"sucralose:10 mg:dv=1.25:lot=S1"``.

    AMOUNT is the mass per unit. OPTIONs: one displacement (``dv=1.25``, ``density=1.6 g/mL``,
    ``trial=UNITS,BLANKS,MEDICATED,INGREDIENT`` or ``replace``; none means 1:1 by weight,
    echoed), ``lot=``, ``expiry=YYYY-MM-DD``, ``allergen=`` (repeatable), ``water`` (it contains
    water) and ``preservative``. Names cannot contain ``:``.
    """
    parts = _split_spec(text, field, "'sucralose:10 mg:dv=1.25'")
    if len(parts) < 2 or not parts[0]:
        raise InputError.about(
            field,
            text,
            "is not NAME:AMOUNT[:OPTION]...",
            "e.g. 'sucralose:10 mg' or 'silica:5 mg:density=2.2 g/mL'",
            code="malformed-spec",
        )
    name = parts[0]
    amount = parse_quantity(parts[1], field=f"{field} {name!r} amount", dimension=Dimension.MASS)
    o = _options(parts[2:], field, name)
    try:
        return Additive(
            name=name,
            amount=amount,
            contains_water=o.water,
            preservative=o.preservative,
            **o.fields(),
        )
    except InputError as err:
        raise InputError.located(err, field, text, where=f"{field} {name!r}") from None


def parse_diluent(text: object, *, field: str = "diluent") -> TrocheDiluent:
    """Parse ``NAME[:OPTION]...`` for the trituration diluent, e.g. ``"mannitol:dv=1.2:lot=M1"``
    (options as for :func:`parse_ingredient`, without ``water`` and ``preservative``)."""
    parts = _split_spec(text, field, "'mannitol:dv=1.2'")
    if not parts[0]:
        raise InputError.about(
            field, text, "has no name", "NAME[:OPTION]..., e.g. 'mannitol:dv=1.2'"
        )
    o = _options(parts[1:], field, parts[0])
    if o.water or o.preservative:
        raise InputError.about(
            field, text, "marks the diluent as water or preservative", "a dry powder diluent"
        )
    return TrocheDiluent(name=parts[0], **o.fields())


_ROUTE_TEXT = {"sublingual": "under the tongue", "buccal": "between the cheek and gum"}


def _label_facts(r: TrocheResult) -> PreparationFacts:
    form = r.dosage_form
    return solid.label_facts(
        r,
        noun=form.described,
        plural=form.plural,
        count_unit=Unit.ONE,
        quantity_noun=form.plural if r.count != 1 else form.described,
        route=_ROUTE_TEXT[r.route.value],
        verb="Dissolve",
    )


def _master_facts(r: TrocheResult) -> MasterFacts:
    unit = r.dosage_form.described
    return solid.master_facts(
        r,
        name=f" {r.dosage_form.plural}",
        dosage_form=f"molded {unit}, {r.route.value}",
        units="units",
        ingredients=(
            solid.ingredient_line(i, i.per_unit, unit, *_notes(r, i)) for i in r.ingredients
        ),
        each="",
        inspection="visual inspection: units whole, uniform, no air pockets",
    )


def _notes(r: TrocheResult, i: TrocheIngredient) -> list[str]:
    """An ingredient's notes in the master record: the salt form, the displacement."""
    salt = [f"salt form {r.dose_basis_name}"] if i.role == "active" else []
    return salt + ([f"displacement {i.displacement}"] if i.role != "base" else [])


# the troche tables (base, mold estimate, window, overage) reach the result as defaults
PREPARATION = register(
    Preparation(
        name="troches",
        formulate=formulate_troches,
        label_facts=_label_facts,
        master_record=_master_facts,
        worksheet="._worksheet:_troches",
    )
)
