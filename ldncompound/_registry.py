"""Where the library finds a preparation by a schema id, loading built-in ones on first use.

``import ldncompound`` imports no preparation: the table :data:`BUILTIN` names the module that
registers each built-in schema id, and the lookups here import that module the first time the
id is met (an order document of that schema, a result read back, a batch line). Python's
import lock makes a first use from several threads import and register the module once; the
others wait for it. Every generic module (orders, batch, JSON, schemas, labels, records)
asks here; the preparation modules themselves never import this module (a static test checks
it, with this table counted as imports).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ._preparation import (
    DOCUMENTS,
    Preparation,
    by_order_schema,
    by_result_schema,
    registered,
)

#: schema id -> the library module that registers it (imported on first use)
BUILTIN: dict[str, str] = {
    "ldncompound/order/capsules/1": "_capsules",
    "ldncompound/capsules/2": "_capsules",
    "ldncompound/order/liquid/1": "_liquids",
    "ldncompound/liquid/2": "_liquids",
    "ldncompound/order/drops/1": "_drops",
    "ldncompound/drops/2": "_drops",
    "ldncompound/order/troches/1": "_troches",
    "ldncompound/troches/2": "_troches",
    "ldncompound/titration/2": "_titration",
    "ldncompound/dropper-calibration/1": "_drops",
}


def load(schema: object) -> None:
    """Import the built-in module that registers ``schema``, if it has one (once)."""
    module = BUILTIN.get(schema) if isinstance(schema, str) else None
    if module is not None:
        importlib.import_module(f"{__package__}.{module}")


def load_all() -> None:
    """Import every built-in preparation module."""
    for module in sorted(set(BUILTIN.values())):
        importlib.import_module(f"{__package__}.{module}")


def for_order(schema: object) -> Preparation | None:
    """The preparation whose order documents carry ``schema`` (``None`` if there is none)."""
    return _registered(schema, by_order_schema)


def for_result(schema: object) -> Preparation | None:
    """The preparation whose results carry ``schema`` (``None`` if there is none)."""
    return _registered(schema, by_result_schema)


def _registered(
    schema: object, by_schema: Callable[[object], Preparation | None]
) -> Preparation | None:
    """The preparation ``by_schema`` finds, its built-in module imported first if need be."""
    prep = by_schema(schema)
    if prep is None and isinstance(schema, str) and schema in BUILTIN:
        load(schema)
        prep = by_schema(schema)
    return prep


def preparations() -> tuple[Preparation, ...]:
    """Every preparation, built-in ones loaded, by name."""
    load_all()
    return registered()


def known_results() -> list[str]:
    """Every document schema id ``from_json`` knows or can load, sorted."""
    built_in = (s for s in BUILTIN if not s.startswith("ldncompound/order/"))
    return sorted({*DOCUMENTS, *built_in})
