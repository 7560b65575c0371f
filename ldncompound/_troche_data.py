"""Cited tables for molded troches and rapid-dissolve tablets: bases and typical molds.

Every value carries its source and status mark (domain.md): [V] verified, [S] secondary,
[D] derived, [U] unverified. A base's entry says only what decides the arithmetic and the
beyond-use date: whether it contains water, and whether it is preserved. A mold's entry is a
*typical* figure, never a calibration: the average blank weight depends on the base lot and
the mold, so a calculation from it is echoed as an estimate and warned about.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ._units import Quantity, Unit
from ._validate import table_entry


@attrs.frozen(kw_only=True)
class TrocheBase:
    """A troche or RDT base and whether it contains water (which decides the BUD class).

    ``forms`` are the dosage forms it is made for (``troche``, ``rdt``): a slowly dissolving
    troche base is not a rapid-dissolve tablet base, and the reverse. ``water_overridable``
    marks a ``contains_water`` that is an [U] default the order may override (echoed)."""

    key: str
    name: str
    contains_water: bool
    preservative: str | None
    source: str
    allergens: tuple[str, ...] = ()
    forms: tuple[str, ...] = ("troche",)
    water_overridable: bool = False


TROCHE_BASES: tuple[TrocheBase, ...] = (
    TrocheBase(
        key="peg",
        name="polyethylene glycol troche base (PEG 1450)",
        contains_water=False,
        preservative=None,
        source=(
            "polyethylene glycol bases are anhydrous polymers melted without water; molded troches "
            "are nonaqueous solids under USP <795> (domain.md §2.1, §6.4) [U]"
        ),
    ),
    TrocheBase(
        key="gelatin",
        name="glycerinated gelatin troche base (gelatin, glycerin, purified water)",
        contains_water=True,
        preservative=None,
        source=(
            "glycerinated gelatin troche and gummy bases are made with purified water, so they are "
            "not nonaqueous (domain.md §2.1: water activity decides the class) [U]"
        ),
    ),
    TrocheBase(
        key="rdt",
        name="rapid-dissolve tablet base (blank oral RDT base, Medisca type)",
        contains_water=False,
        preservative=None,
        forms=("rdt",),
        water_overridable=True,
        source=(
            "Medisca blank oral rapid-dissolve tablets formula: 96 cavities of 750 mg [0.93 mL], "
            "actives added by reducing the base 1:1 by weight, 5-9 % excess (domain.md §4.4, "
            "§6.4) [V]; made without water, so nonaqueous [U]: a default the order overrides "
            "with base.contains_water when the base's certificate says otherwise"
        ),
    ),
)

#: The dosage forms a table base may be molded into, by form value.
FORM_NAMES = {"troche": "troches", "rdt": "rapid-dissolve tablets"}


def troche_base(key: str) -> TrocheBase:
    """The table base with ``key``; refuses others naming the table."""
    return table_entry(
        TROCHE_BASES,
        key,
        lambda b: b.key,
        field="base.base",
        what="a base",
        code="unknown-base",
        otherwise=", or a declared base name with whether it contains water",
    )


@attrs.frozen(kw_only=True)
class MoldSpec:
    """A commercial mold with a published blank weight (an estimate for any other base lot)."""

    key: str
    name: str
    cavities: int
    cavity_volume: Quantity
    blank_weight: Quantity
    source: str


TROCHE_MOLDS: tuple[MoldSpec, ...] = (
    MoldSpec(
        key="medisca-rdt",
        name="Medisca RDT mold, 96 cavities",
        cavities=96,
        cavity_volume=Quantity(Decimal("0.93"), Unit.ML),
        blank_weight=Quantity(Decimal(750), Unit.MG),
        source=(
            "Medisca blank oral rapid-dissolve tablets formula: 96 x 750 mg [0.93 mL] "
            "(domain.md §4.4, §6.4) [V]; a typical figure, not a calibration of this base lot"
        ),
    ),
)


def mold_spec(key: str) -> MoldSpec:
    """The table mold with ``key``; refuses others naming the table."""
    return table_entry(
        TROCHE_MOLDS, key, lambda m: m.key, field="mold", what="a mold", code="unknown-mold"
    )
