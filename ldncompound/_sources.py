"""Where the drug comes from: an API lot, commercial tablets, or a trituration stock.

Each source answers one question with a trace: how much of *its material* (powder from the
jar, crushed-tablet powder, stock mixture) holds a given mass of drug stated in a given
basis. The API lot does it by exactly one correction path per form and assay basis:

======================  ===============================================================
assay basis             material = dose x M(assay form) / M(dose basis) / ...
======================  ===============================================================
as is                   ... / assay              (the assay already includes all water)
anhydrous               ... / (assay x (1 - water content))   water by Karl Fischer
dried                   ... / (assay x (1 - loss on drying))
======================  ===============================================================

For a hydrate on the anhydrous or dried basis, the assay form is the water-free salt and the
water content removes the crystal water; the hydrate's molar mass is then *not* applied as
well. Combinations that would correct for water twice or not at all are refused.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal, Protocol

import attrs

from ._drug import (
    NALTREXONE,
    Drug,
    SaltForm,
    certificate_of,
    refuse_drug_in_excipient,
    refuse_product_of_another_drug,
)
from ._errors import InputError
from ._numbers import CONTEXT, HUNDRED, ONE, plain
from ._plausible import (
    ASSAY_IMPLAUSIBLE,
    HYDRATE_WATER_SOURCE,
    HYDRATE_WATER_SPREAD,
    POWDER_DENSITY_CHECK,
    TABLET_STRENGTH_UNMARKETED,
    TABLET_WEIGHT_IMPLAUSIBLE,
    TABLET_WEIGHT_RATIO,
    WATER_FREE_WATER,
    WATER_IMPLAUSIBLE,
    Window,
    tablet_weight_window,
)
from ._trace import Recorder
from ._units import Dimension, Quantity, Unit
from ._validate import density_field, mass_field, percent_field, qfield, text_field, text_items

#: Ingredient-name keywords that make an allergen to carry to the label.
ALLERGEN_KEYWORDS = {"lactose": "lactose"}

#: Default tablet strength when the caller does not give one (echoed).
DEFAULT_TABLET_STRENGTH = Quantity(Decimal(50), Unit.MG)
TABLET_STRENGTH_SOURCE = (
    "commercial naltrexone HCl tablets are 50 mg of the hydrochloride "
    "(openFDA NDC records; REVIA label; domain.md §1.5) [V]"
)
TABLET_ALLERGEN_SOURCE = (
    "US and EU naltrexone 50 mg tablets list lactose monohydrate "
    "(REVIA label, openFDA SPL, AOP SmPC; domain.md §1.5) [V]"
)

USP_ASSAY_RANGE = (Decimal(98), Decimal(102))


def allergens_in(*names: str) -> tuple[str, ...]:
    """Allergens named by keyword in any of ``names`` (e.g. ``lactose``), sorted, unique."""
    found = {
        allergen
        for name in names
        for key, allergen in ALLERGEN_KEYWORDS.items()
        if key in name.lower()
    }
    return tuple(sorted(found))


class HasAllergens(Protocol):
    """An ingredient line: its name and the allergens it brings."""

    @property
    def name(self) -> str: ...
    @property
    def allergens(self) -> tuple[str, ...]: ...


def warn_lactose(
    allergens: Sequence[str], ingredients: Sequence[HasAllergens], rec: Recorder
) -> None:
    """A batch with lactose among its ``allergens`` is warned about, naming the ingredients
    it comes from, so that the label states the allergen."""
    if "lactose" in allergens:
        origins = [i.name for i in ingredients if "lactose" in i.allergens]
        rec.warn(
            "allergen-lactose",
            f"Contains lactose (from {', '.join(origins)}); label the allergen.",
            "allergens",
        )


def batch_allergens(ingredients: Sequence[HasAllergens], rec: Recorder) -> tuple[str, ...]:
    """The allergens of a batch: every ingredient's, sorted; lactose is warned about
    (:func:`warn_lactose`)."""
    allergens = tuple(sorted({a for i in ingredients for a in i.allergens}))
    warn_lactose(allergens, ingredients, rec)
    return allergens


def _crystal_water(drug: Drug, key: str) -> Decimal:
    """The crystal water of form ``key`` in % of its mass (0 for a water-free form)."""
    form = drug.form(key)
    water_free = drug.anhydrous_of(key)
    return CONTEXT.divide(form.molar_mass - water_free.molar_mass, form.molar_mass) * HUNDRED


def _water_window(hydrate: bool, theory: Decimal) -> Window:
    """The plausible water content (or loss on drying) of a form with ``theory`` % crystal
    water: :data:`WATER_FREE_WATER`, or the crystal water +/- :data:`HYDRATE_WATER_SPREAD`."""
    if not hydrate:
        return WATER_FREE_WATER
    q = Decimal("0.01")
    return Window(
        low=(theory * (ONE - HYDRATE_WATER_SPREAD)).quantize(q, rounding=ROUND_FLOOR),
        high=(theory * (ONE + HYDRATE_WATER_SPREAD)).quantize(q, rounding=ROUND_CEILING),
        unit=Unit.PERCENT,
        source=HYDRATE_WATER_SOURCE,
    )


def _warn_lot_missing(rec: Recorder, lot: str | None, whose: str, field: str) -> None:
    """Warn that a source's lot number (``whose``, e.g. "The API lot number") is not given."""
    if lot is None:
        rec.warn(
            "lot-missing",
            f"{whose} is not given; the compounding record will be incomplete.",
            field,
        )


def _convert(
    drug: Drug, amount: Decimal, basis: str, target: str, rec: Recorder, whose: str
) -> Decimal:
    """``amount`` mg stated as ``basis`` expressed as ``target`` (a traced step if they differ)."""
    if basis == target:
        return amount
    return rec.step(
        "salt-conversion",
        f"dose as {drug.describe(basis)} expressed as {whose}{drug.describe(target)}",
        "m_target = m_basis x M(target) / M(basis)",
        Quantity(CONTEXT.multiply(amount, drug.factor(basis, target)), Unit.MG),
        m_basis=Quantity(amount, Unit.MG),
        M_target=Quantity(drug.form(target).molar_mass, Unit.G_PER_MOL),
        M_basis=Quantity(drug.form(basis).molar_mass, Unit.G_PER_MOL),
    ).magnitude


class AssayBasis(enum.Enum):
    """What the certificate's assay figure is calculated on."""

    AS_IS = "as-is"
    ANHYDROUS = "anhydrous"
    DRIED = "dried"


@attrs.frozen(kw_only=True)
class Component:
    """An ingredient or packaging component, for expiry caps and records."""

    role: str
    name: str
    lot: str | None = None
    expiry: dt.date | None = None


@attrs.frozen(kw_only=True)
class ApiLot:
    """A lot of active pharmaceutical ingredient powder, as its certificate describes it.

    ``form`` is a form key of ``drug`` (``"hcl"``, ``"hcl-dihydrate"``, ``"base"``).
    ``assay`` is a percentage on ``assay_basis``; ``assay_as`` is the form the figure is
    expressed as (default: the lot's form for an as-is assay, its water-free form otherwise).
    ``water_content`` (Karl Fischer) is required on the anhydrous basis and
    ``loss_on_drying`` on the dried basis; giving either with an as-is assay is refused.
    """

    kind: Literal["api"] = "api"
    form: str
    assay: Quantity = qfield(
        Dimension.FRACTION, percent_field("api.assay", Decimal(0), Decimal(110), low_included=False)
    )
    assay_basis: AssayBasis = attrs.field(validator=attrs.validators.instance_of(AssayBasis))
    expiry: dt.date = attrs.field(validator=attrs.validators.instance_of(dt.date))
    lot: str | None = attrs.field(default=None, validator=text_field("api.lot"))
    assay_as: str | None = None
    water_content: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("api.water_content", Decimal(0), Decimal(50)),
        default=None,
    )
    loss_on_drying: Quantity | None = qfield(
        Dimension.FRACTION,
        percent_field("api.loss_on_drying", Decimal(0), Decimal(50)),
        default=None,
    )
    bulk_density: Quantity | None = qfield(
        Dimension.CONCENTRATION, density_field("api.bulk_density"), default=None
    )
    supplier: str | None = attrs.field(default=None, validator=text_field("api.supplier"))
    drug: Drug = NALTREXONE

    def __attrs_post_init__(self) -> None:
        form = self.drug.form(self.form)
        water_free = self.drug.anhydrous_of(self.form)
        if self.assay_basis is AssayBasis.AS_IS:
            self._check_as_is(form, water_free)
        else:
            self._check_water_basis(form, water_free)

    def _check_as_is(self, form: SaltForm, water_free: SaltForm) -> None:
        """An as-is assay: no water figure (it would count the water twice), expressed as the
        lot's form or its water-free form, and possible for that form."""
        for name, value in (
            ("api.water_content", self.water_content),
            ("api.loss_on_drying", self.loss_on_drying),
        ):
            if value is not None:
                raise InputError.about(
                    name,
                    str(value),
                    "was given with an as-is assay, which already includes the water "
                    "(correcting again would count it twice)",
                    "no water figure for an as-is assay, or an assay on the anhydrous or dried basis",
                    code="double-correction",
                )
        if self.assay_as not in (None, form.key, water_free.key):
            raise InputError.about(
                "api.assay_as",
                self.assay_as,
                "is neither the lot's form nor its water-free form",
                f"{form.key!r} or {water_free.key!r}",
                code="unknown-form",
            )
        expressed = self.drug.form(self.assay_as or form.key)
        if expressed.key != form.key:
            # an as-is content of the water-free salt cannot exceed its share of the hydrate
            ceiling = CONTEXT.divide(expressed.molar_mass, form.molar_mass) * USP_ASSAY_RANGE[1]
            if self.assay.m_as(Unit.PERCENT) > ceiling:
                raise InputError.about(
                    "api.assay",
                    str(self.assay),
                    f"as is, expressed as {expressed.short_name}, is impossible for "
                    f"{form.short_name} (at most {plain(ceiling.quantize(Decimal('0.1')))} %)",
                    "the assay on the anhydrous basis with the water content, or the as-is assay of the hydrate",
                    code="impossible-assay",
                )

    def _check_water_basis(self, form: SaltForm, water_free: SaltForm) -> None:
        """An assay on the anhydrous or dried basis: its own water measure (and not the other
        one), expressed as the water-free form, and not less than half the crystal water."""
        basis = self.assay_basis
        needed, given = self._water_measure
        other, wrong = (
            ("api.loss_on_drying", self.loss_on_drying)
            if basis is AssayBasis.ANHYDROUS
            else ("api.water_content", self.water_content)
        )
        if wrong is not None:
            raise InputError.about(
                other,
                str(wrong),
                f"does not match an assay on the {basis.value} basis",
                f"{needed.split('.')[1].replace('_', ' ')} for the {basis.value} basis",
                code="wrong-water-measure",
            )
        if given is None:
            raise InputError.about(
                needed,
                None,
                f"is missing: an assay on the {basis.value} basis must be corrected for water "
                "(without it the water would not be counted at all)",
                f"the certificate's {needed.split('.')[1].replace('_', ' ')} in %",
                code="missing-water",
            )
        if self.assay_as not in (None, water_free.key):
            raise InputError.about(
                "api.assay_as",
                self.assay_as,
                f"cannot express an assay on the {basis.value} basis",
                f"{water_free.key!r} (the water-free form)",
                code="unknown-form",
            )
        theory = _crystal_water(self.drug, self.form)
        if form.water and given.m_as(Unit.PERCENT) < theory / 2:
            raise InputError.about(
                needed,
                str(given),
                f"is less than half the crystal water of {form.short_name} "
                f"({plain(theory.quantize(Decimal('0.01')))} %), so it looks like free water only",
                "the total water content from the certificate",
                code="implausible-water",
            )

    @property
    def _water_measure(self) -> tuple[str, Quantity | None]:
        """The water figure the assay basis is corrected by: its field and value (Karl Fischer
        water on the anhydrous basis, loss on drying otherwise; None for an as-is assay)."""
        if self.assay_basis is AssayBasis.ANHYDROUS:
            return "api.water_content", self.water_content
        return "api.loss_on_drying", self.loss_on_drying

    @property
    def assay_form(self) -> str:
        """The form the assay figure is expressed as (after applying the default)."""
        if self.assay_basis is AssayBasis.AS_IS:
            return self.assay_as or self.form
        return self.drug.anhydrous_of(self.form).key

    @property
    def material_name(self) -> str:
        return f"{self.drug.form(self.form).short_name} powder (API)"

    @property
    def allergens(self) -> tuple[str, ...]:
        return ()

    @property
    def insoluble_excipients(self) -> bool:
        return False

    @property
    def density(self) -> Quantity | None:
        return self.bulk_density

    def components(self) -> tuple[Component, ...]:
        return (
            Component(role="active", name=self.material_name, lot=self.lot, expiry=self.expiry),
        )

    def check(self, rec: Recorder) -> None:
        """Record the defaults and warnings this lot implies."""
        if self.assay_as is None:
            rec.default(
                "api.assay_as",
                self.assay_form,
                "an as-is assay is taken as the content of the lot's own form; a dried or "
                "anhydrous one as the content of the water-free form",
            )
        form = self.drug.form(self.form)
        theory = _crystal_water(self.drug, self.form)
        water = _water_window(form.water > 0, theory)
        self._check_water(rec, form, theory, water)
        self._check_assay(rec, form, water)
        if self.bulk_density is not None:
            POWDER_DENSITY_CHECK.apply(rec, "api.bulk_density", self.bulk_density)
        _warn_lot_missing(rec, self.lot, "The API lot number", "api.lot")

    def _check_water(self, rec: Recorder, form: SaltForm, theory: Decimal, water: Window) -> None:
        """The water figure (if the basis has one) is plausible for the form (``water``) and
        within 2 percentage points of its crystal water (``theory``)."""
        water_field, given = self._water_measure
        if given is None:
            return
        WATER_IMPLAUSIBLE.within(
            water,
            what=form.short_name,
            expected="the total water from the certificate (check the decimal point)",
        ).apply(rec, water_field, given)
        if abs(given.m_as(Unit.PERCENT) - theory) > 2:
            rec.warn(
                "water-inconsistent-with-form",
                f"The water figure {given} differs from the {plain(theory.quantize(Decimal('0.01')))} % "
                f"expected for {form.short_name} by more than 2 percentage points; check the "
                "certificate and the declared form.",
                water_field,
            )

    def _check_assay(self, rec: Recorder, form: SaltForm, water: Window) -> None:
        """The assay is in the drug's certificate window on its basis (warned about when the
        drug has no certificate ranges)."""
        cert = certificate_of(self.drug)
        if cert is None:
            rec.warn(
                "no-certificate-check",
                f"{self.drug.name} has no certificate ranges, so the assay was not checked for "
                "plausibility.",
                "api.assay",
            )
            return
        low, high = cert.assay
        if self.assay_basis is AssayBasis.AS_IS:
            # the as-is content of the expressed form: the monograph's window on the
            # water-free basis, less the form's plausible water, in the expressed form's mass
            ratio = self.drug.factor(self.drug.anhydrous_of(self.form).key, self.assay_form)
            keep_low = ONE - water.high / HUNDRED
            keep_high = ONE - water.low / HUNDRED
            assay = Window(
                low=(low * ratio * keep_low).quantize(Decimal("0.1"), rounding=ROUND_FLOOR),
                high=(high * ratio * keep_high).quantize(Decimal("0.1"), rounding=ROUND_CEILING),
                unit=Unit.PERCENT,
                source=f"{cert.assay_source}, less the form's water ({water.source}) [D]",
            )
            what = (
                f"an as-is assay of {form.short_name} expressed as "
                f"{self.drug.describe(self.assay_form)}"
            )
        else:
            assay = Window(low=low, high=high, unit=Unit.PERCENT, source=cert.assay_source)
            what = f"an assay on the {self.assay_basis.value} basis (USP monograph)"
        ASSAY_IMPLAUSIBLE.within(
            assay,
            what=what,
            expected="the assay from the certificate (check the decimal point and the basis)",
        ).apply(rec, "api.assay", self.assay)

    def material_for(self, amount: Decimal, basis: str, rec: Recorder) -> Decimal:
        """mg of powder (as is) that holds ``amount`` mg of drug stated as ``basis``."""
        in_target = _convert(self.drug, amount, basis, self.assay_form, rec, "")
        assay = self.assay.m_as(Unit.ONE)
        if self.assay_basis is AssayBasis.AS_IS:
            return rec.step(
                "assay-correction",
                "powder as is that holds the drug, by the as-is assay",
                "m_powder = m_form / assay",
                Quantity(CONTEXT.divide(in_target, assay), Unit.MG),
                m_form=Quantity(in_target, Unit.MG),
                assay=self.assay,
            ).magnitude
        _, water = self._water_measure
        if water is None:  # pragma: no cover - refused at construction
            raise AssertionError(self)
        name = "water" if self.assay_basis is AssayBasis.ANHYDROUS else "loss_on_drying"
        return rec.step(
            "assay-correction",
            f"powder as is that holds the drug, by the assay on the {self.assay_basis.value} basis",
            f"m_powder = m_form / (assay x (1 - {name}))",
            Quantity(CONTEXT.divide(in_target, assay * (ONE - water.m_as(Unit.ONE))), Unit.MG),
            m_form=Quantity(in_target, Unit.MG),
            assay=self.assay,
            **{name: water},
        ).magnitude


@attrs.frozen(kw_only=True)
class TabletSource:
    """Commercial tablets to crush. The average tablet weight must be measured (no default).

    ``strength`` defaults to 50 mg and ``strength_basis`` to the drug's default basis
    (naltrexone HCl); ``allergens`` defaults to lactose. Each default is echoed in results.
    """

    kind: Literal["tablets"] = "tablets"
    average_weight: Quantity = qfield(Dimension.MASS, mass_field("tablets.average_weight"))
    expiry: dt.date = attrs.field(validator=attrs.validators.instance_of(dt.date))
    strength: Quantity | None = qfield(Dimension.MASS, mass_field("tablets.strength"), default=None)
    strength_basis: str | None = None
    tablets_weighed: int | None = None
    lot: str | None = attrs.field(default=None, validator=text_field("tablets.lot"))
    product: str | None = attrs.field(default=None, validator=text_field("tablets.product"))
    allergens_declared: tuple[str, ...] | None = attrs.field(
        default=None, validator=text_items("tablets.allergens_declared")
    )
    powder_density: Quantity | None = qfield(
        Dimension.CONCENTRATION, density_field("tablets.powder_density"), default=None
    )
    drug: Drug = NALTREXONE

    def __attrs_post_init__(self) -> None:
        basis = self.strength_basis or self.drug.default_basis
        self.drug.form(basis)
        if self.product is not None:
            refuse_product_of_another_drug(self.drug, "tablets.product", self.product)
        strength = self.strength or DEFAULT_TABLET_STRENGTH
        if self.average_weight <= strength:
            raise InputError.about(
                "tablets.average_weight",
                str(self.average_weight),
                f"is not more than the tablet's drug content ({strength})",
                "the measured average weight of whole tablets, which includes the excipients",
                code="out-of-range",
            )
        if self.tablets_weighed is not None and (
            isinstance(self.tablets_weighed, bool)
            or not isinstance(self.tablets_weighed, int)
            or self.tablets_weighed < 1
        ):
            raise InputError.about(
                "tablets.tablets_weighed",
                self.tablets_weighed,
                "is not a positive whole number",
                "the number of tablets weighed",
            )

    @property
    def resolved_strength(self) -> Quantity:
        return self.strength or DEFAULT_TABLET_STRENGTH

    @property
    def resolved_basis(self) -> str:
        return self.strength_basis or self.drug.default_basis

    @property
    def material_name(self) -> str:
        s = self.resolved_strength
        return f"crushed {self.drug.describe(self.resolved_basis)} {s} tablets"

    @property
    def allergens(self) -> tuple[str, ...]:
        if self.allergens_declared is None:
            return ("lactose",)
        return tuple(sorted(set(self.allergens_declared)))

    @property
    def insoluble_excipients(self) -> bool:
        return True

    @property
    def density(self) -> Quantity | None:
        return self.powder_density

    def components(self) -> tuple[Component, ...]:
        return (
            Component(
                role="active",
                name=self.product or self.material_name,
                lot=self.lot,
                expiry=self.expiry,
            ),
        )

    def check(self, rec: Recorder) -> None:
        if self.strength is None:
            rec.default("tablets.strength", DEFAULT_TABLET_STRENGTH, TABLET_STRENGTH_SOURCE)
        if self.strength_basis is None:
            rec.default(
                "tablets.strength_basis",
                self.drug.default_basis,
                f"{self.drug.name} tablets are labelled as the {self.drug.describe(self.drug.default_basis)}",
            )
        if self.allergens_declared is None:
            rec.default("tablets.allergens", "lactose", TABLET_ALLERGEN_SOURCE)
        self._check_plausible(rec)
        if self.tablets_weighed is None:
            rec.warn(
                "tablet-weight-count-unknown",
                "How many tablets were weighed for the average is not stated; weigh at least 10 "
                "whole tablets and record the number.",
                "tablets.tablets_weighed",
            )
        elif self.tablets_weighed < 10:
            rec.warn(
                "tablet-weight-few",
                f"The average tablet weight comes from only {self.tablets_weighed} tablets; weigh at least 10.",
                "tablets.tablets_weighed",
            )
        _warn_lot_missing(rec, self.lot, "The tablet lot number", "tablets.lot")

    def _check_plausible(self, rec: Recorder) -> None:
        """The labelled strength is a marketed one; the average weight is in the window of
        marketed tablets of that strength; the powder density is a powder's."""
        if self.powder_density is not None:
            POWDER_DENSITY_CHECK.apply(rec, "tablets.powder_density", self.powder_density)
        cert = certificate_of(self.drug)
        if cert is None:
            rec.warn(
                "no-certificate-check",
                f"{self.drug.name} has no marketed-tablet data, so the tablet strength and "
                "weight were not checked for plausibility.",
                "tablets.strength",
            )
            return
        strength = self.resolved_strength.m_as(Unit.MG)
        default = self.drug.default_basis
        as_default = CONTEXT.multiply(strength, self.drug.factor(self.resolved_basis, default))
        if not any(abs(as_default - m) <= m / HUNDRED for m in cert.tablet_strengths):
            marketed = ", ".join(f"{plain(m)} mg" for m in cert.tablet_strengths)
            TABLET_STRENGTH_UNMARKETED.refuse(
                rec,
                "tablets.strength",
                str(self.resolved_strength),
                f"is not the strength of a marketed {self.drug.name} tablet ({marketed} of "
                f"{self.drug.describe(default)})",
                "the strength on the tablets' label",
            )
        ratio = TABLET_WEIGHT_RATIO
        TABLET_WEIGHT_IMPLAUSIBLE.within(
            tablet_weight_window(strength),
            what=f"a {self.resolved_strength} tablet ({plain(ratio.low)}-{plain(ratio.high)} "
            "times its strength)",
            expected="the measured average weight of one whole tablet (check the decimal point)",
        ).apply(rec, "tablets.average_weight", self.average_weight)

    def powder_per_drug(self) -> Decimal:
        """mg of tablet powder per mg of drug in the tablet's strength basis."""
        return CONTEXT.divide(
            self.average_weight.m_as(Unit.MG), self.resolved_strength.m_as(Unit.MG)
        )

    def material_for(self, amount: Decimal, basis: str, rec: Recorder) -> Decimal:
        """mg of crushed-tablet powder that holds ``amount`` mg of drug stated as ``basis``."""
        in_label = _convert(self.drug, amount, basis, self.resolved_basis, rec, "the tablets' ")
        return rec.step(
            "tablet-powder",
            "crushed-tablet powder that holds the drug",
            "m_powder = m_drug x average tablet weight / tablet strength",
            Quantity(CONTEXT.multiply(in_label, self.powder_per_drug()), Unit.MG),
            m_drug=Quantity(in_label, Unit.MG),
            average_weight=self.average_weight,
            strength=self.resolved_strength,
        ).magnitude


#: The longest a trituration stock is usable from the day it was made: USP <795> (2023), a
#: nonaqueous solid dosage form, 180 days (the BUD table of ``_bud``, which reads this module
#: and so cannot be read here; tests/test_solid_safety.py checks the two agree) [V].
STOCK_BUD_DAYS = 180


@attrs.frozen(kw_only=True)
class TriturationStock:
    """A trituration made earlier (e.g. 1:10 in microcrystalline cellulose, i.e. 10 % w/w).

    ``strength`` is the drug's share of the mixture by weight, stated as ``strength_basis``
    (default: the drug's default basis, echoed). ``bud`` is the stock's own beyond-use date.
    """

    kind: Literal["stock"] = "stock"
    strength: Quantity = qfield(
        Dimension.FRACTION,
        percent_field("stock.strength", Decimal(0), Decimal(100), low_included=False),
    )
    diluent: str = attrs.field(validator=text_field("stock.diluent"))
    bud: dt.date = attrs.field(validator=attrs.validators.instance_of(dt.date))
    lot: str | None = attrs.field(default=None, validator=text_field("stock.lot"))
    strength_basis: str | None = None
    made_on: dt.date | None = None
    drug: Drug = NALTREXONE

    def __attrs_post_init__(self) -> None:
        self.drug.form(self.resolved_basis)
        refuse_drug_in_excipient(self.drug, "stock.diluent", self.diluent, what="a diluent")
        if self.made_on is not None and self.made_on > self.bud:
            raise InputError.about(
                "stock.made_on",
                self.made_on.isoformat(),
                "is after the stock's beyond-use date",
                "a date on or before it",
            )

    @classmethod
    def from_ratio(cls, parts: int, total: int, **kwargs: object) -> TriturationStock:
        """A ``parts:total`` trituration: 1:10 is 1 g of drug in 10 g of mixture (10 %)."""
        if parts <= 0 or total <= parts:
            raise InputError.about(
                "stock.ratio",
                f"{parts}:{total}",
                "is not a dilution",
                "1 part in more than 1 part total, e.g. 1:10",
            )
        strength = Quantity(CONTEXT.divide(Decimal(parts) * HUNDRED, Decimal(total)), Unit.PERCENT)
        return cls(strength=strength, **kwargs)  # type: ignore[arg-type]

    @property
    def resolved_basis(self) -> str:
        return self.strength_basis or self.drug.default_basis

    @property
    def usp_limit(self) -> dt.date | None:
        """The last day USP <795> allows the stock from its ``made_on`` date: a trituration
        is a nonaqueous solid, 180 days, the day it was made day 1 (``None`` without
        ``made_on``)."""
        if self.made_on is None:
            return None
        return self.made_on + dt.timedelta(days=STOCK_BUD_DAYS - 1)

    @property
    def expiry(self) -> dt.date:
        """The stock's usable date: its stated BUD, capped by the USP <795> limit from the day
        it was made (a stated BUD is never trusted beyond what USP allows)."""
        limit = self.usp_limit
        return self.bud if limit is None else min(self.bud, limit)

    def check_dates(self, compounded_on: dt.date, rec: Recorder) -> None:
        """Refuse a stock made after the compounding date; warn when its stated BUD is longer
        than USP <795> allows from its made-on date (capped), or when the made-on date is
        missing (the stated BUD is then unverified)."""
        if self.made_on is None:
            rec.warn(
                "stock-made-on-unknown",
                f"The stock's made-on date is not given, so its BUD {self.bud.isoformat()} "
                "cannot be checked against the USP <795> limit of 180 days; give --stock-made-on.",
                "stock.made_on",
            )
            return
        if self.made_on > compounded_on:
            raise InputError.about(
                "stock.made_on",
                self.made_on.isoformat(),
                f"is after the compounding date {compounded_on.isoformat()}",
                "the date the stock was made, on or before the compounding date",
                code="stock-made-after-compounding",
            )
        limit = self.usp_limit
        if limit is not None and limit < compounded_on:
            raise InputError.about(
                "stock.made_on",
                self.made_on.isoformat(),
                f"puts the stock past the 180 days USP <795> allows a nonaqueous solid on "
                f"{limit.isoformat()}, before the compounding date {compounded_on.isoformat()}",
                "a stock made within 180 days of the compounding date (whatever its stated BUD)",
                code="stock-beyond-usp-bud",
            )
        if limit is not None and self.bud > limit:
            rec.warn(
                "stock-bud-capped",
                f"The stock's BUD {self.bud.isoformat()} is longer than USP <795> allows a "
                f"nonaqueous solid made on {self.made_on.isoformat()} (180 days): the stock is "
                f"used as usable until {limit.isoformat()}.",
                "stock.bud",
            )

    @property
    def material_name(self) -> str:
        name = self.drug.describe(self.resolved_basis)
        return f"{name} {plain(self.strength.magnitude)} % trituration in {self.diluent}"

    @property
    def allergens(self) -> tuple[str, ...]:
        return allergens_in(self.diluent)

    @property
    def insoluble_excipients(self) -> bool:
        return True

    @property
    def density(self) -> Quantity | None:
        return None

    def components(self) -> tuple[Component, ...]:
        return (
            Component(role="active", name=self.material_name, lot=self.lot, expiry=self.expiry),
        )

    def check(self, rec: Recorder) -> None:
        if self.strength_basis is None:
            rec.default(
                "stock.strength_basis",
                self.drug.default_basis,
                "stock strength taken as stated in the drug's default basis",
            )
        _warn_lot_missing(rec, self.lot, "The stock's lot number", "stock.lot")

    def material_for(self, amount: Decimal, basis: str, rec: Recorder) -> Decimal:
        """mg of stock mixture that holds ``amount`` mg of drug stated as ``basis``."""
        in_label = _convert(self.drug, amount, basis, self.resolved_basis, rec, "the stock's ")
        return rec.step(
            "stock-amount",
            "stock mixture that holds the drug",
            "m_stock = m_drug / strength",
            Quantity(CONTEXT.divide(in_label, self.strength.m_as(Unit.ONE)), Unit.MG),
            m_drug=Quantity(in_label, Unit.MG),
            strength=self.strength,
        ).magnitude


Source = ApiLot | TabletSource | TriturationStock
