"""Vehicles and additives for oral liquids and drops, and the BUD class they decide.

The beyond-use-date category is *derived* from what the liquid is made of, never chosen
freely (USP <795> (2023); domain.md §2.1):

* water in the vehicle or in any additive -> aqueous; with a named preservative (in the
  vehicle or added) -> preserved aqueous (35 days), without -> non-preserved aqueous
  (14 days, refrigerated only). A preservative named by a word meaning "none" ("none",
  "n/a", "-", "preservative-free", "water", ...) is refused; one missing from the cited
  table (:data:`PRESERVATIVES`) needs the acknowledgement ``preservative-unknown``
  (:func:`check_preservatives`);
* no water anywhere -> nonaqueous oral liquid (90 days), accepted only with a stated basis
  for the water activity below 0.60 (e.g. "no water in the formula", "aw 0.42 measured").

A vehicle comes from the cited table (:func:`vehicle`) or is declared by its composition
(:meth:`Vehicle.declared`).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable

import attrs

from ._bud import BudCategory
from ._errors import InputError
from ._plausible import NAME_SAYS_WATER, PRESERVATIVE_UNKNOWN
from ._sources import Component, allergens_in
from ._trace import Recorder
from ._validate import table_entry, text_field


@attrs.frozen(kw_only=True)
class Vehicle:
    """A liquid vehicle: whether it contains water, its preservative, and (for a nonaqueous
    vehicle) the basis for its water activity below 0.60.

    ``suspending`` marks a structured suspending vehicle (always "shake well").
    """

    name: str = attrs.field(validator=text_field("vehicle.name"))
    aqueous: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    preservative: str | None = attrs.field(
        default=None, validator=text_field("vehicle.preservative")
    )
    water_activity_basis: str | None = attrs.field(
        default=None, validator=text_field("vehicle.water_activity_basis")
    )
    suspending: bool = False
    key: str | None = None
    source: str = "declared by its composition"

    def __attrs_post_init__(self) -> None:
        if not self.aqueous and self.water_activity_basis is None:
            raise InputError.about(
                "vehicle.water_activity_basis",
                None,
                "is missing: a nonaqueous oral liquid gets the 90-day BUD only with a stated basis "
                "for its water activity below 0.60",
                "e.g. 'no water in the formula' or 'aw 0.42 measured (USP <922>)', or declare the "
                "vehicle aqueous",
                code="missing-water-activity-basis",
            )
        if self.aqueous and self.water_activity_basis is not None:
            raise InputError.about(
                "vehicle.water_activity_basis",
                self.water_activity_basis,
                "was given for an aqueous vehicle",
                "no water-activity basis, or a nonaqueous vehicle",
            )

    @classmethod
    def declared(
        cls,
        *,
        name: str,
        aqueous: bool,
        preservative: str | None = None,
        water_activity_basis: str | None = None,
        suspending: bool = False,
    ) -> Vehicle:
        """A vehicle described by its composition (e.g. a pharmacy's own formula)."""
        return cls(
            name=name,
            aqueous=aqueous,
            preservative=preservative,
            water_activity_basis=water_activity_basis,
            suspending=suspending,
        )


class AdditiveRole(enum.Enum):
    """What an additive is for (a preservative changes the BUD class)."""

    FLAVOUR = "flavour"
    SWEETENER = "sweetener"
    PRESERVATIVE = "preservative"
    ANTIOXIDANT = "antioxidant"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class LiquidAdditive:
    """Something added to the vehicle per the master formulation record: its name, lot and
    expiry (for the BUD cap), and whether it brings water (an aqueous flavour makes an oil
    vehicle aqueous). ``contains_water`` not stated (``None``) is taken as water-containing in
    a nonaqueous vehicle, the conservative USP <795> class, and echoed as a default
    (:func:`classify`); many flavouring liquids are aqueous or hydro-alcoholic."""

    role: AdditiveRole = attrs.field(validator=attrs.validators.instance_of(AdditiveRole))
    name: str = attrs.field(validator=text_field("additive.name"))
    lot: str | None = attrs.field(default=None, validator=text_field("additive.lot"))
    expiry: dt.date | None = None
    contains_water: bool | None = None

    def component(self) -> Component:
        return Component(role=self.role.value, name=self.name, lot=self.lot, expiry=self.expiry)


@attrs.frozen(kw_only=True)
class VehicleLot:
    """The vehicle used: what it is, and this container's lot and expiry."""

    vehicle: Vehicle
    lot: str | None = attrs.field(default=None, validator=text_field("vehicle.lot"))
    expiry: dt.date | None = None

    def component(self) -> Component:
        return Component(role="vehicle", name=self.vehicle.name, lot=self.lot, expiry=self.expiry)


#: Antimicrobial preservatives of oral liquids the library knows, as they are written once
#: spaces and hyphens are left out (``"methyl paraben"`` is ``methylparaben``).
PRESERVATIVES: tuple[str, ...] = (
    "sodium benzoate",
    "benzoic acid",
    "potassium sorbate",
    "sorbic acid",
    "methylparaben",
    "ethylparaben",
    "propylparaben",
    "butylparaben",
    "methylparaben sodium",
    "propylparaben sodium",
    "parabens",
)
PRESERVATIVES_SOURCE = (
    "sodium benzoate in the NZ naltrexone 1 mg/mL and AHS recipe 156 vehicles (domain.md §1.4) "
    "[V]; potassium sorbate, sodium benzoate, methyl- and propylparaben in Oral Sweet type "
    "syrups (swissmedicareltd.com) [S]; benzoic and sorbic acid, ethyl- and butylparaben and the "
    "sodium salts of the parabens are the same preservatives' usual forms, not seen in a "
    "source [U]"
)
#: What people write for "no preservative": never a preservative (probe finding F25).
NO_PRESERVATIVE: frozenset[str] = frozenset(
    {
        "none",
        "no",
        "nil",
        "null",
        "na",
        "n/a",
        "n.a.",
        "not applicable",
        "0",
        "false",
        "unpreserved",
        "not preserved",
        "water",
        "purified water",
        "sterile water",
    }
)
_KNOWN = frozenset(re.sub(r"[\s-]", "", p) for p in PRESERVATIVES)


def _means_none(name: str) -> bool:
    """``name`` says there is no preservative ("none", "-", "preservative-free", "no preservative")."""
    words = " ".join(name.casefold().split())
    return (
        words in NO_PRESERVATIVE
        or not any(ch.isalnum() for ch in words)
        or re.search(
            r"^(no|non|not|without|free of)\b|preservatives?[ -]free|unpreserved|\bnone\b", words
        )
        is not None
    )


def _known(name: str) -> bool:
    """Every preservative ``name`` lists (by commas, semicolons, "+", "and") is in the table;
    a strength written with it ("sodium benzoate 0.1 %", "(0.1 % w/v)") is left aside."""
    text = re.sub(r"\([^)]*\)", " ", name.casefold())
    text = re.sub(r"\d+(?:[.,]\d+)?\s*(?:%|mg/ml|g/100 ?ml)(?:\s*w/v)?", " ", text)
    parts = [re.sub(r"[\s-]", "", p) for p in re.split(r",|;|\+|\band\b|&", text)]
    parts = [p for p in parts if p]
    return bool(parts) and all(p in _KNOWN for p in parts)


def check_preservatives(rec: Recorder, named: Iterable[tuple[str, str | None]]) -> None:
    """Refuse a preservative named by a word meaning none; a name missing from
    :data:`PRESERVATIVES` is refused unless the order acknowledges ``preservative-unknown``.

    ``named`` holds (field, name) pairs; a name of ``None`` is no preservative and is skipped.
    """
    for field, name in named:
        if name is None:
            continue
        if _means_none(name):
            raise InputError.about(
                field,
                name,
                "means no preservative, yet a named preservative makes an aqueous preparation "
                "'preserved' (35 days instead of 14, refrigerated)",
                "the preservative's name (e.g. sodium benzoate), or no preservative option at all",
                code="preservative-none",
            )
        if not _known(name):
            PRESERVATIVE_UNKNOWN.refuse(
                rec,
                field,
                name,
                "is not a preservative the library knows, yet it would make an aqueous "
                "preparation 'preserved' (35 days instead of 14)",
                f"one of {', '.join(PRESERVATIVES)}",
            )


#: Words of a name that say the component holds water (an aqueous vehicle or syrup): a
#: component declared water-free under such a name is refused (``name-says-water``).
WATER_WORDS = frozenset(
    {"water", "aqua", "aqueous", "syrup", "sirup", "syrups", "juice", "milk", "saline"}
)
#: Aqueous commercial vehicles named by one word or two ("Ora-Sweet", "OraPlus", "Syrpalta").
_WATERY_BRANDS = re.compile(r"\b(ora ?(sweet|plus|blend|mix)|syrpalta|simplesyrup)\b")
#: A name that says it holds no water ("water-free", "anhydrous", "without water").
_NO_WATER = re.compile(r"\b(water ?free|waterless|anhydrous|without water|no water|non ?aqueous)\b")


def water_word(name: str) -> str | None:
    """The word of ``name`` that says it holds water ("purified water" -> "water", "Ora-Sweet"
    -> "ora sweet"), or ``None`` (also for a name that says it holds none, "water-free")."""
    words = " ".join(re.split(r"[^a-z]+", name.casefold())).strip()
    if _NO_WATER.search(words):
        return None
    brand = _WATERY_BRANDS.search(words)
    if brand is not None:
        return brand.group(0)
    return next((w for w in words.split() if w in WATER_WORDS), None)


def refuse_watery_name(rec: Recorder, field: str, name: str, declared: str) -> None:
    """Refuse (unless ``name-says-water`` is acknowledged) a component ``declared`` water-free
    ("declared nonaqueous") whose name says water: the longer BUD would rest on a
    contradiction."""
    word = water_word(name)
    if word is not None:
        NAME_SAYS_WATER.refuse(
            rec,
            field,
            name,
            f"is {declared}, yet its name says water ({word!r}); water in any ingredient makes "
            "the preparation aqueous (a shorter BUD)",
            "the component declared as containing water, or a name that says what it is",
        )


def classify(
    vehicle: Vehicle, additives: tuple[LiquidAdditive, ...], rec: Recorder
) -> tuple[BudCategory, str]:
    """The USP <795> category of a liquid made of ``vehicle`` and ``additives``, and why; the
    preservatives named are checked first (:func:`check_preservatives`). In a nonaqueous vehicle
    an additive whose water content is not stated is taken as water-containing (echoed)."""
    watery = [a.name for a in additives if a.contains_water]
    if not vehicle.aqueous:
        refuse_watery_name(rec, "vehicle.name", vehicle.name, "declared nonaqueous")
        for i, a in enumerate(additives):
            if a.contains_water is False:
                field = (
                    "preservative.name" if a.role is AdditiveRole.PRESERVATIVE else "additive.name"
                )
                refuse_watery_name(rec, field, a.name, "declared water-free")
            if a.contains_water is None:
                rec.default(f"additives[{i}].contains_water", "yes", UNSTATED_WATER_SOURCE)
                watery.append(f"{a.name} (water not stated)")
    preservatives = [vehicle.preservative] if vehicle.preservative else []
    added = [a.name for a in additives if a.role is AdditiveRole.PRESERVATIVE]
    check_preservatives(
        rec,
        [("vehicle.preservative", vehicle.preservative)]
        + [("preservative.name", name) for name in added],
    )
    preservatives += added
    if vehicle.aqueous or watery:
        why = "aqueous vehicle" if vehicle.aqueous else f"water from {', '.join(watery)}"
        if preservatives:
            return (
                BudCategory.AQUEOUS_PRESERVED,
                f"{why}; preserved with {', '.join(preservatives)}",
            )
        return BudCategory.AQUEOUS_NONPRESERVED, f"{why}; no preservative"
    return (
        BudCategory.NONAQUEOUS_ORAL_LIQUID,
        f"no water (water activity below 0.60: {vehicle.water_activity_basis})",
    )


#: Why an additive whose water content is not stated counts as water in a nonaqueous liquid.
UNSTATED_WATER_SOURCE = (
    "water content not stated: taken as water-containing, the conservative class; water in "
    "any ingredient makes a liquid aqueous (USP <795> water-activity classes; domain.md §2.1) "
    "[S], and flavouring liquids are often aqueous or hydro-alcoholic [U]; state the additive "
    "water-free (--flavour-water-free; contains_water false) for the nonaqueous BUD"
)


def allergens_of(vehicle: Vehicle, additives: tuple[LiquidAdditive, ...]) -> tuple[str, ...]:
    """Allergens named in the vehicle or any additive (by keyword, e.g. lactose)."""
    return allergens_in(vehicle.name, *(a.name for a in additives))


_WATER_SOURCE = (
    "a tablet dispersed in water is the usual home and pharmacy LDN liquid (domain.md §6.1) [S]; "
    "water without a preservative is a non-preserved aqueous preparation (USP <795>; domain.md §2.1) [S]"
)
_NZ_SOURCE = (
    "naltrexone 1 mg/mL vehicle: glycerol 20 mL, ascorbic acid 0.5 g, sodium benzoate 0.1 g, "
    "water to 100 mL (pharminfotech.co.nz; Fawcett et al. 1997; domain.md §1.4) [V]"
)
_AHS_SOURCE = (
    "Alberta Health Services recipe 156: tablets with ascorbic acid, sodium benzoate, glycerin "
    "and water; labelled 'Shake well' (domain.md §1.4) [V]"
)
_ORAL_SWEET_SOURCE = (
    "syrup vehicle with potassium sorbate, sodium benzoate and methyl- and propylparaben as "
    "preservatives (Oral Sweet product page, swissmedicareltd.com) [S]"
)
_MCT_SOURCE = (
    "a fixed oil with no water is a nonaqueous vehicle (USP <795> water-activity classes; "
    "domain.md §2.1) [S]; its use for naltrexone was not seen in a source [U]"
)

#: Named vehicles; the category each gives is derived by :func:`classify`.
VEHICLES: tuple[Vehicle, ...] = (
    Vehicle(key="purified-water", name="purified water", aqueous=True, source=_WATER_SOURCE),
    Vehicle(
        key="nz-preserved",
        name="glycerol-ascorbic acid-sodium benzoate aqueous vehicle (NZ formula)",
        aqueous=True,
        preservative="sodium benzoate",
        source=_NZ_SOURCE,
    ),
    Vehicle(
        key="ahs-preserved",
        name="glycerin-ascorbic acid-sodium benzoate aqueous vehicle (AHS recipe 156)",
        aqueous=True,
        preservative="sodium benzoate",
        source=_AHS_SOURCE,
    ),
    Vehicle(
        key="syrup-preserved",
        name="preserved syrup vehicle (Oral Sweet type)",
        aqueous=True,
        preservative="potassium sorbate, sodium benzoate, methylparaben, propylparaben",
        source=_ORAL_SWEET_SOURCE,
    ),
    Vehicle(
        key="mct-oil",
        name="medium-chain triglyceride oil",
        aqueous=False,
        water_activity_basis="a fixed oil with no water in the formula",
        source=_MCT_SOURCE,
    ),
)


def vehicle(key: str) -> Vehicle:
    """The table vehicle with ``key``; refuses others naming the table."""
    return table_entry(
        VEHICLES, key, lambda v: v.key, field="vehicle", what="a vehicle", code="unknown-vehicle"
    )
