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


def _filler(
    key: str,
    name: str,
    density: str | None,
    source: str,
    *,
    slow_release: bool = False,
    calcium_carbonate: bool = False,
    allergens: tuple[str, ...] = (),
) -> Filler:
    """One row of :data:`FILLERS`: the density in g/mL as written in the source, or ``None``."""
    return Filler(
        key=key,
        name=name,
        density=None if density is None else Quantity(Decimal(density), Unit.G_PER_ML),
        density_source=source,
        slow_release=slow_release,
        calcium_carbonate=calcium_carbonate,
        allergens=allergens,
    )


_MCC = "microcrystalline cellulose"
_NO_BULK = "no pharmaceutical bulk density found (domain.md §3.3) [U]"

FILLERS: tuple[Filler, ...] = (
    _filler("mcc", f"{_MCC} (Avicel PH-102)", "0.30", f"{_IFF}: 0.28-0.33 g/mL, midpoint [V]"),
    _filler(
        "mcc-ph105",
        f"{_MCC} (Avicel PH-105)",
        "0.30",
        "about 0.3 g/mL implied for 'most other grades' by IFF; not published for PH-105 [U]",
    ),
    _filler(
        "mcc-ph112", f"{_MCC} (Avicel PH-112)", "0.31", f"{_IFF}: 0.28-0.34 g/mL, midpoint [V]"
    ),
    _filler(
        "mcc-ph301", f"{_MCC} (Avicel PH-301)", "0.40", f"{_IFF}: 0.34-0.45 g/mL, about 0.4 [V]"
    ),
    _filler(
        "lactose",
        "lactose monohydrate",
        "0.978",
        "packed density reproducing the UNC lactose fill table, 1340 mg / 1.37 mL "
        "(domain.md §3.2) [D]",
        allergens=("lactose",),
    ),
    _filler(
        "hpmc",
        "hypromellose (HPMC)",
        "0.5",
        "vendor data sheets, 0.25-0.70 g/mL, typically about 0.5 (domain.md §3.3) [S]",
        slow_release=True,
    ),
    _filler(
        "methylcellulose",
        "methylcellulose",
        None,
        "no usable bulk density in the references",
        slow_release=True,
    ),
    _filler(
        "calcium-carbonate",
        "calcium carbonate",
        None,
        "bulk density ranges 0.1-1.3 g/mL by grade (domain.md §3.3) [S]",
        calcium_carbonate=True,
    ),
    _filler("sucrose", "sucrose", None, _NO_BULK),
    _filler("rice-flour", "rice flour", None, _NO_BULK),
)


def filler(key: str) -> Filler:
    """The table filler with ``key``; refuses others naming the table."""
    return table_entry(
        FILLERS, key, lambda f: f.key, field="filler", what="a filler", code="unknown-filler"
    )
