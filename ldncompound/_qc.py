"""Quality-control arithmetic on weights measured after compounding: mean, RSD, range, yield.

These are record fields the caller fills in; the library only computes and compares.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ._errors import InputError
from ._numbers import CONTEXT, HUNDRED, private_context
from ._units import Dimension, Quantity, Unit


@attrs.frozen(kw_only=True)
class WeightWindow:
    """A target unit weight and the window each unit must fall in (90-110 % by default)."""

    target: Quantity
    low: Quantity
    high: Quantity
    sample_size: int

    @classmethod
    def around(cls, target: Quantity, *, percent: Decimal, sample_size: int) -> WeightWindow:
        span = CONTEXT.divide(percent, HUNDRED)
        return cls(
            target=target,
            low=Quantity(CONTEXT.multiply(target.magnitude, 1 - span), target.unit),
            high=Quantity(CONTEXT.multiply(target.magnitude, 1 + span), target.unit),
            sample_size=sample_size,
        )


@attrs.frozen(kw_only=True)
class WeightCheck:
    """The result of weighing units: mean, SD, RSD, range, and which units fall outside."""

    count: int
    mean: Quantity
    standard_deviation: Quantity
    rsd: Quantity
    minimum: Quantity
    maximum: Quantity
    outside: tuple[int, ...]
    mean_deviation: Quantity
    passed: bool


@private_context
def check_weights(
    window: WeightWindow, weights: tuple[Quantity, ...], *, field: str = "weights"
) -> WeightCheck:
    """Compare measured net unit weights with ``window`` (1-based indices of failures).

    Refuses an empty list, a non-mass weight, and fewer weights than the window's sample size.
    """
    if not weights:
        raise InputError.about(field, [], "is empty", "the measured unit weights")
    if len(weights) < window.sample_size:
        raise InputError.about(
            field,
            len(weights),
            "is fewer than the sample size",
            f"at least {window.sample_size} weights",
        )
    unit = window.target.unit
    values = []
    for i, w in enumerate(weights, start=1):
        w.require(Dimension.MASS, f"{field}[{i}]")
        values.append(w.m_as(unit))
    n = Decimal(len(values))
    mean = sum(values, Decimal(0)) / n
    var = (
        sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)
        if len(values) > 1
        else Decimal(0)
    )
    sd = var.sqrt()
    low, high = window.low.m_as(unit), window.high.m_as(unit)
    outside = tuple(i for i, v in enumerate(values, start=1) if v < low or v > high)
    return WeightCheck(
        count=len(values),
        mean=Quantity(mean, unit),
        standard_deviation=Quantity(sd, unit),
        rsd=Quantity(sd / mean * HUNDRED, Unit.PERCENT),
        minimum=Quantity(min(values), unit),
        maximum=Quantity(max(values), unit),
        outside=outside,
        mean_deviation=Quantity((mean / window.target.m_as(unit) - 1) * HUNDRED, Unit.PERCENT),
        passed=not outside,
    )
