"""Order documents: the JSON form of an order of any registered preparation, and running one.

A preparation's descriptor (``_preparation.Preparation``) names its order schema id, order
class and formulate function; :func:`load_order` / :func:`run_order` then accept its documents
(a built-in preparation's module is imported when its schema id is first met). The document
form of each class is derived from the class itself (see ``_documents.py``); nothing is
written per preparation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from . import _registry
from ._documents import ObjectNode, node_for, register_variants
from ._errors import InputError
from ._preparation import ORDER_PREFIX, Preparation, registered
from ._strict import decode as _decode
from ._strict import read_json
from ._weighing import Balance


@attrs.frozen(eq=False)
class OrderKind:
    """A preparation's order documents: schema id, order class and formulate function."""

    schema: str
    order: type[Any]
    formulate: Callable[..., Any]

    @property
    def name(self) -> str:
        """``"capsules"`` for ``ldncompound/order/capsules/1``."""
        return self.schema.removeprefix(ORDER_PREFIX).rsplit("/", 1)[0]

    @property
    def node(self) -> ObjectNode:
        """The document form: the order class's fields, tagged by ``schema``."""
        key = (self.schema, self.order)
        node = _TOP.get(key)
        if node is None:
            base = node_for(self.order, self.order.__name__)
            if not isinstance(base, ObjectNode):  # pragma: no cover - orders are attrs classes
                raise TypeError(base)
            node = _TOP[key] = attrs.evolve(base, tag=("schema", self.schema))
        return node


_KINDS: dict[str, OrderKind] = {}
_TOP: dict[tuple[str, type[Any]], ObjectNode] = {}


def _kind(prep: Preparation, schema: str) -> OrderKind:
    kind = _KINDS.get(schema)
    if kind is None or kind.order is not prep.order or kind.formulate is not prep.formulate:
        kind = _KINDS[schema] = OrderKind(schema, prep.order, prep.formulate)
    return kind


def order_kinds() -> tuple[OrderKind, ...]:
    """Every preparation made from order documents (built-in ones loaded), by schema id."""
    kinds = [_kind(p, p.order_schema) for p in _registry.preparations() if p.order_schema]
    return tuple(sorted(kinds, key=lambda k: k.schema))


def order_kind(schema: object) -> OrderKind:
    """The preparation for an order schema id; refuses others naming the known ones."""
    prep = _registry.for_order(schema)
    if prep is not None and prep.order_schema is not None:
        return _kind(prep, prep.order_schema)
    known = ", ".join(k.schema for k in order_kinds())
    problem = "is missing" if schema is None else "is not a known order schema"
    raise InputError.about("schema", schema, problem, f"one of {known}", code="unknown-schema")


# Balance has one constructor per minimum-weight rule; its document form follows them.
register_variants(
    Balance,
    "rule",
    {
        "class-iii": Balance.class_iii,
        "documented": Balance.documented,
        "sensitivity": Balance.torsion,
        "usp41": Balance.usp41,
    },
)


def parse_json(text: str) -> Any:
    """JSON text to data; refuses duplicate keys, NaN and Infinity, and bad JSON (one sentence):
    the library's strict reader, :func:`ldncompound.read_json`."""
    return read_json(text)


def decode(raw: bytes, what: str = "document") -> str:
    """UTF-8 bytes to text; anything else is refused whole (nothing is guessed)."""
    return _decode(raw, what, None)


def _data(document: Mapping[str, Any] | str | bytes) -> Any:
    if isinstance(document, bytes):
        document = decode(document)
    if isinstance(document, str):
        return parse_json(document)
    return document


def load(data: Any, *, textual: bool = False) -> tuple[OrderKind, Any]:
    """The preparation and the order object for parsed document data."""
    if not isinstance(data, Mapping):
        raise InputError(
            "the document is not a JSON object; expected an order document "
            '{"schema": "ldncompound/order/...", ...}.',
            expected="a JSON object",
            code="not-an-object",
        )
    kind = order_kind(data.get("schema"))
    return kind, kind.node.load(data, "", textual)


def load_order(document: Mapping[str, Any] | str | bytes) -> Any:
    """The order object (``CapsuleOrder``, ...) for an order document (data or JSON text).

    Every refusal is an :class:`InputError` naming the field's document path
    (``source.average_weight``): a missing or unknown field, ``null``, ``"default"`` where
    the library has no default, a wrong JSON type, and everything the input grammar and the
    order classes refuse.
    """
    return load(_data(document))[1]


def run_order(document: Mapping[str, Any] | str | bytes, *, today: dt.date | None = None) -> Any:
    """Load an order document and compute it: the preparation's result (``CapsuleResult``...).

    ``today`` is the compounding date for an order whose ``compounded_on`` is ``"default"``.
    Raises :class:`InputError` for a refused document and the preparation's errors otherwise.
    """
    kind, order = load(_data(document))
    return kind.formulate(order, today=today)


def order_document(order: Any) -> dict[str, Any]:
    """The order document for an order object (the inverse of :func:`load_order`).

    ``None`` fields are written ``"default"``. Refuses an order that has no document form
    (a custom drug; an amount with more decimals than the input grammar takes is written
    but refused when loaded).
    """
    for prep in registered():  # an order object's preparation is loaded already
        if type(order) is prep.order and prep.order_schema is not None:
            return _kind(prep, prep.order_schema).node.dump(order)
    raise TypeError(f"{type(order).__name__} is not a registered order class")
