"""Scaling a formula: every ingredient in proportion, exactly (rounding only for display).

Textbook "reducing and enlarging formulas" (worked example WE-28): a formula written for
``from_units`` made for ``to_units`` multiplies every amount by ``to_units / from_units``; a
per-unit formula with a q.s. ingredient makes the q.s. amount the remainder of the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ._errors import InputError
from ._numbers import CONTEXT, private_context
from ._units import Dimension, Quantity


def _positive_count(field: str, n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError.about(field, n, "is not a positive whole number", "a number of units")


@private_context
def scale_formula(
    amounts: Mapping[str, Quantity], *, from_units: int, to_units: int
) -> dict[str, Quantity]:
    """Each ingredient of a formula for ``from_units`` units, scaled to ``to_units`` units.

    The result keeps each ingredient's unit and is exact (to 34 digits); refuses non-positive
    counts and amounts that are not masses or volumes.
    """
    _positive_count("from_units", from_units)
    _positive_count("to_units", to_units)
    factor = CONTEXT.divide(Decimal(to_units), Decimal(from_units))
    out: dict[str, Quantity] = {}
    for name, q in amounts.items():
        if q.unit.dimension not in (Dimension.MASS, Dimension.VOLUME) or q.magnitude <= 0:
            raise InputError.about(
                name, str(q), "is not a positive mass or volume", "an ingredient amount"
            )
        out[name] = Quantity(CONTEXT.multiply(q.magnitude, factor), q.unit)
    return out


@private_context
def formula_with_qs(
    per_unit: Mapping[str, Quantity], *, qs: str, unit_weight: Quantity, units: int
) -> dict[str, Quantity]:
    """The batch amounts of a per-unit formula whose ``qs`` ingredient fills each unit to
    ``unit_weight`` (all masses, in the unit weight's unit); refuses a formula whose other
    ingredients already weigh the unit weight or more."""
    _positive_count("units", units)
    unit_weight.require(Dimension.MASS, "unit_weight")
    unit = unit_weight.unit
    out: dict[str, Quantity] = {}
    used = Decimal(0)
    for name, q in per_unit.items():
        q.require(Dimension.MASS, name)
        amount = q.m_as(unit)
        used += amount
        out[name] = Quantity(amount * units, unit)
    remainder = unit_weight.magnitude - used
    if remainder <= 0:
        raise InputError.about(
            qs,
            str(unit_weight),
            "leaves nothing for the q.s. ingredient",
            "a unit weight above the other ingredients",
        )
    out[qs] = Quantity(remainder * units, unit)
    return out
