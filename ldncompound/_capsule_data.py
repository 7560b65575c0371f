"""Cited tables for capsules: shell sizes and volumes, empty-shell weights, filler densities.

Every value carries its source and status mark (domain.md): [V] verified, [S] secondary,
[D] derived, [U] unverified. Table values are defaults the caller can override with a
measurement (a pack stat, a measured density, a weighed shell); when a table value is used,
results echo it with its source.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ._units import Quantity, Unit
from ._validate import table_entry

__all__ = ["CAPSULE_SIZES", "FILLERS", "CapsuleSize", "Filler", "capsule_size", "filler"]

SIZE_SOURCE = "UNC Pharmaceutics Lab capsule table (pharmlabs.unc.edu/labs/capsules/gelatin.htm; domain.md §3.1) [V]"
SHELL_SOURCE = (
    "typical empty hard-gelatin shell weights by size, manufacturer literature recalled [U]"
)


@attrs.frozen(kw_only=True)
class CapsuleSize:
    """A hard-capsule size: closed-capsule volume and a typical empty-shell weight."""

    code: str
    volume: Quantity
    shell_weight: Quantity


def _size(code: str, ml: str, shell_mg: int) -> CapsuleSize:
    return CapsuleSize(
        code=code,
        volume=Quantity(Decimal(ml), Unit.ML),
        shell_weight=Quantity(Decimal(shell_mg), Unit.MG),
    )


#: Smallest first; auto-selection walks this order.
CAPSULE_SIZES: tuple[CapsuleSize, ...] = (
    _size("5", "0.13", 28),
    _size("4", "0.20", 38),
    _size("3", "0.30", 48),
    _size("2", "0.37", 61),
    _size("1", "0.50", 76),
    _size("0", "0.68", 96),
    _size("00", "0.95", 118),
    _size("000", "1.37", 163),
)


def capsule_size(code: str) -> CapsuleSize:
    """The size with ``code`` ("000" to "5"); refuses others naming the table."""
    return table_entry(
        CAPSULE_SIZES,
        code,
        lambda s: s.code,
        field="size",
        what="a capsule size",
        code="unknown-size",
    )


@attrs.frozen(kw_only=True)
class Filler:
    """A capsule filler (diluent) and what the library knows about it.

    ``density`` is a typical bulk density (an estimate: lots differ); ``None`` means no
    usable figure, so a pack stat or measured density is required.
    """

    key: str
    name: str
    density: Quantity | None
    density_source: str
    slow_release: bool = False
    calcium_carbonate: bool = False
    allergens: tuple[str, ...] = ()


_IFF = "IFF Avicel technical data sheet, loose bulk density (domain.md §3.3)"

FILLERS: tuple[Filler, ...] = (
    Filler(
        key="mcc",
        name="microcrystalline cellulose (Avicel PH-102)",
        density=Quantity(Decimal("0.30"), Unit.G_PER_ML),
        density_source=f"{_IFF}: 0.28-0.33 g/mL, midpoint [V]",
    ),
    Filler(
        key="mcc-ph105",
        name="microcrystalline cellulose (Avicel PH-105)",
        density=Quantity(Decimal("0.30"), Unit.G_PER_ML),
        density_source="about 0.3 g/mL implied for 'most other grades' by IFF; not published for PH-105 [U]",
    ),
    Filler(
        key="mcc-ph112",
        name="microcrystalline cellulose (Avicel PH-112)",
        density=Quantity(Decimal("0.31"), Unit.G_PER_ML),
        density_source=f"{_IFF}: 0.28-0.34 g/mL, midpoint [V]",
    ),
    Filler(
        key="mcc-ph301",
        name="microcrystalline cellulose (Avicel PH-301)",
        density=Quantity(Decimal("0.40"), Unit.G_PER_ML),
        density_source=f"{_IFF}: 0.34-0.45 g/mL, about 0.4 [V]",
    ),
    Filler(
        key="lactose",
        name="lactose monohydrate",
        density=Quantity(Decimal("0.978"), Unit.G_PER_ML),
        density_source=(
            "packed density reproducing the UNC lactose fill table, 1340 mg / 1.37 mL "
            "(domain.md §3.2) [D]"
        ),
        allergens=("lactose",),
    ),
    Filler(
        key="hpmc",
        name="hypromellose (HPMC)",
        density=Quantity(Decimal("0.5"), Unit.G_PER_ML),
        density_source="vendor data sheets, 0.25-0.70 g/mL, typically about 0.5 (domain.md §3.3) [S]",
        slow_release=True,
    ),
    Filler(
        key="methylcellulose",
        name="methylcellulose",
        density=None,
        density_source="no usable bulk density in the references",
        slow_release=True,
    ),
    Filler(
        key="calcium-carbonate",
        name="calcium carbonate",
        density=None,
        density_source="bulk density ranges 0.1-1.3 g/mL by grade (domain.md §3.3) [S]",
        calcium_carbonate=True,
    ),
    Filler(
        key="sucrose",
        name="sucrose",
        density=None,
        density_source="no pharmaceutical bulk density found (domain.md §3.3) [U]",
    ),
    Filler(
        key="rice-flour",
        name="rice flour",
        density=None,
        density_source="no pharmaceutical bulk density found (domain.md §3.3) [U]",
    ),
)


def filler(key: str) -> Filler:
    """The table filler with ``key``; refuses others naming the table."""
    return table_entry(
        FILLERS, key, lambda f: f.key, field="filler", what="a filler", code="unknown-filler"
    )
