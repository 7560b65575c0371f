"""What every result carries besides its amounts: the calculation trace, the warnings and
the values the library supplied itself (defaults, echoed with their source), and what every
document the library writes begins with (its schema id and the library version).

A :class:`Recorder` collects them while a preparation is computed; results hold the frozen
tuples, as :meth:`Recorder.provenance` gives them. :func:`stamp` gives the beginning.
"""

from __future__ import annotations

from typing import TypedDict, TypeVar

import attrs

from ._units import Quantity
from ._version import __version__

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


# Every formulation records dozens of these, from values it computed itself; attrs' frozen
# __init__ sets each slot through a checked setattr. The recorder sets the slots directly, as
# Quantity does: the same objects (equal, same repr), built in half the time. None of the
# three classes has a validator or converter, so nothing is skipped.
_new = object.__new__
_STEP_SLOTS = tuple(Step.__dict__[a.name].__set__ for a in attrs.fields(Step))
_WARNING_SLOTS = tuple(ResultWarning.__dict__[a.name].__set__ for a in attrs.fields(ResultWarning))
_DEFAULT_SLOTS = tuple(DefaultUsed.__dict__[a.name].__set__ for a in attrs.fields(DefaultUsed))
(_set_key, _set_description, _set_formula, _set_inputs, _set_result) = _STEP_SLOTS
(_set_code, _set_message, _set_warning_field) = _WARNING_SLOTS
(_set_default_field, _set_value, _set_source) = _DEFAULT_SLOTS


class Stamp(TypedDict):
    """What every document the library writes begins with: its schema id and the version of
    the library that wrote it."""

    schema: str
    library_version: str


def stamp(schema: str) -> Stamp:
    """The beginning of a document of ``schema`` written by this library."""
    return {"schema": schema, "library_version": __version__}


class Provenance(TypedDict):
    """What every result keeps of its :class:`Recorder`: the warnings, the defaults the library
    supplied and the calculation trace (the result classes declare them in this order, last or
    before their own trailing fields)."""

    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]
    trace: tuple[Step, ...]


def _warning(code: str, message: str, field: str | None) -> ResultWarning:
    w = _new(ResultWarning)
    _set_code(w, code)
    _set_message(w, message)
    _set_warning_field(w, field)
    return w


@attrs.define
class Recorder:
    """Collects steps, warnings and defaults while a preparation is computed.

    ``acknowledged`` holds the codes the order acknowledges (its ``acknowledge``): a
    plausibility check whose code is among them warns instead of refusing.
    """

    acknowledged: frozenset[str] = frozenset()
    steps: list[Step] = attrs.Factory(list)
    warnings: list[ResultWarning] = attrs.Factory(list)
    defaults: list[DefaultUsed] = attrs.Factory(list)

    def step(self, key: str, description: str, formula: str, result: V, **inputs: Value) -> V:
        """Record a step and hand its result back, so formulas read inline."""
        # _step written out: a dozen steps an order
        s = _new(Step)
        _set_key(s, key)
        _set_description(s, description)
        _set_formula(s, formula)
        _set_inputs(s, inputs)
        _set_result(s, result)
        self.steps.append(s)
        return result

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        """Record a warning once (the same code and field are not repeated)."""
        for w in self.warnings:
            if w.code == code and w.field == field:
                return
        self.warnings.append(_warning(code, message, field))

    def default(self, field: str, value: Value, source: str) -> None:
        """Echo a value the library supplied."""
        # _default written out: a dozen defaults an order
        d = _new(DefaultUsed)
        _set_default_field(d, field)
        _set_value(d, value)
        _set_source(d, source)
        self.defaults.append(d)

    def provenance(self) -> Provenance:
        """What a result keeps of this recording, frozen (``**rec.provenance()`` in its call)."""
        return {
            "warnings": tuple(self.warnings),
            "defaults": tuple(self.defaults),
            "trace": tuple(self.steps),
        }

    def extend(self, other: Recorder) -> None:
        """Record what ``other`` recorded, after what this one has (a trial kept)."""
        self.steps.extend(other.steps)
        for w in other.warnings:
            self.warn(w.code, w.message, w.field)
        self.defaults.extend(other.defaults)
