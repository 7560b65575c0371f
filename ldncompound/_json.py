"""The documented JSON form of results: decimal strings, unit codes, ISO dates, enum codes.

Every result is an attrs value; :func:`to_json` turns it into plain JSON data and
:func:`from_json` turns that back into an equal value, without loss. cattrs does the
structural work (imported on first use, so ``import ldncompound`` stays light); the hooks
below fix the representation of our scalar types:

* :class:`Quantity` -> ``{"value": "4.5", "unit": "mg"}`` (exact decimal string, unit code)
* ``Decimal`` -> ``"0.9035"``; ``datetime.date`` -> ``"2027-03-31"``; enums -> their code.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import types
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ._drug import BUILTIN_DRUGS, Drug
from ._errors import InputError
from ._numbers import plain
from ._parse import parse_date, parse_exact_decimal
from ._units import Quantity

if TYPE_CHECKING:
    import cattrs

__all__ = ["dumps", "from_json", "register_schema", "to_json"]

T = TypeVar("T")

_SCHEMAS: dict[str, type[Any]] = {}
_LOADERS: dict[str, Callable[[Any], Any]] = {}
_lock = threading.Lock()
_converter: cattrs.Converter | None = None


def register_schema(
    schema: str, cls: type[Any], loader: Callable[[Any], Any] | None = None
) -> None:
    """Map a schema id (``"ldncompound/capsules/1"``) to its class, and optionally to a loader
    for documents that embed other documents (a record holds a result of any schema)."""
    _SCHEMAS[schema] = cls
    if loader is not None:
        _LOADERS[schema] = loader


def _is_value_union(t: Any) -> bool:
    return isinstance(t, types.UnionType) and set(t.__args__) == {Quantity, str}


def _structure_value(data: Any, _t: Any) -> Quantity | str:
    if isinstance(data, dict):
        return Quantity.from_json(data)
    if isinstance(data, str):
        return data
    raise InputError.about("value", data, "is neither a quantity object nor text", "either")


def _builtin_drug(name: str) -> Drug:
    drug = BUILTIN_DRUGS.get(name)
    if drug is None:
        known = ", ".join(sorted(BUILTIN_DRUGS))
        raise InputError.about(
            "drug", name, "is not a built-in drug", f"one of {known}, or a full drug object"
        )
    return drug


def _build() -> cattrs.Converter:
    import cattrs  # noqa: PLC0415 - ~10 ms; paid only by callers who serialise

    c = cattrs.Converter(forbid_extra_keys=True, omit_if_default=False)
    c.register_unstructure_hook(Quantity, Quantity.to_json)
    c.register_structure_hook(Quantity, lambda d, _t: Quantity.from_json(d))
    c.register_unstructure_hook(Decimal, plain)
    c.register_structure_hook(Decimal, lambda d, _t: parse_exact_decimal(d, field="number"))
    c.register_unstructure_hook(dt.date, dt.date.isoformat)
    c.register_structure_hook(dt.date, lambda d, _t: parse_date(d, field="date"))
    c.register_structure_hook_func(_is_value_union, _structure_value)
    base_unstructure = c.get_unstructure_hook(Drug)
    base_structure = c.get_structure_hook(Drug)
    c.register_unstructure_hook(
        Drug, lambda d: d.name if BUILTIN_DRUGS.get(d.name) == d else base_unstructure(d)
    )
    c.register_structure_hook(
        Drug, lambda d, t: _builtin_drug(d) if isinstance(d, str) else base_structure(d, t)
    )
    c.register_unstructure_hook_func(
        _is_value_union, lambda v: v.to_json() if isinstance(v, Quantity) else v
    )
    return c


def converter() -> cattrs.Converter:
    """The shared converter (built once, thread-safe)."""
    global _converter  # noqa: PLW0603 - built lazily once, then read-only
    built = _converter
    if built is None:
        with _lock:
            if _converter is None:
                _converter = _build()
            built = _converter
    return built


def to_json(value: Any) -> Any:
    """Plain JSON data (dicts, lists, strings, numbers, None) for a result or value object."""
    return converter().unstructure(value)


def from_json(data: Any, cls: type[T] | None = None) -> T:
    """Rebuild a value from :func:`to_json` output; results are found by their ``schema`` id."""
    if cls is None:
        schema = data.get("schema") if isinstance(data, dict) else None
        if schema not in _SCHEMAS:
            known = ", ".join(sorted(_SCHEMAS))
            raise InputError.about(
                "schema", schema, "is not a known result schema", f"one of {known}"
            )
        if schema in _LOADERS:
            return _LOADERS[schema](data)  # type: ignore[no-any-return]
        cls = _SCHEMAS[schema]
    return converter().structure(data, cls)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON text for a result (keys in field order; non-ASCII kept as is)."""
    return json.dumps(to_json(value), indent=indent, ensure_ascii=False)
