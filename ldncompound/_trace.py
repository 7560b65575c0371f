"""What every result carries besides its amounts: the calculation trace, the warnings and
the values the library supplied itself (defaults, echoed with their source).

A :class:`Recorder` collects them while a preparation is computed; results hold the frozen
tuples.
"""

from __future__ import annotations

from typing import TypeVar

import attrs

from ._units import Quantity

__all__ = ["DefaultUsed", "Recorder", "ResultWarning", "Step"]

Value = Quantity | str
V = TypeVar("V", Quantity, str)


@attrs.frozen(kw_only=True)
class Step:
    """One calculation step: what it computes, the formula, its inputs and its result."""

    key: str
    description: str
    formula: str
    inputs: dict[str, Value]
    result: Value


@attrs.frozen(kw_only=True)
class ResultWarning:
    """A warning a careful pharmacist would raise. ``code`` is stable; ``message`` is prose."""

    code: str
    message: str
    field: str | None = None


@attrs.frozen(kw_only=True)
class DefaultUsed:
    """A value the caller did not give and the library supplied, with where it comes from."""

    field: str
    value: Value
    source: str


@attrs.define
class Recorder:
    """Collects steps, warnings and defaults while a preparation is computed."""

    steps: list[Step] = attrs.Factory(list)
    warnings: list[ResultWarning] = attrs.Factory(list)
    defaults: list[DefaultUsed] = attrs.Factory(list)

    def step(self, key: str, description: str, formula: str, result: V, **inputs: Value) -> V:
        """Record a step and hand its result back, so formulas read inline."""
        self.steps.append(
            Step(key=key, description=description, formula=formula, inputs=inputs, result=result)
        )
        return result

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        """Record a warning once (the same code and field are not repeated)."""
        for w in self.warnings:
            if w.code == code and w.field == field:
                return
        self.warnings.append(ResultWarning(code=code, message=message, field=field))

    def default(self, field: str, value: Value, source: str) -> None:
        """Echo a value the library supplied."""
        self.defaults.append(DefaultUsed(field=field, value=value, source=source))

    def extend(self, other: Recorder) -> None:
        """Record what ``other`` recorded, after what this one has (a trial kept)."""
        self.steps.extend(other.steps)
        for w in other.warnings:
            self.warn(w.code, w.message, w.field)
        self.defaults.extend(other.defaults)
