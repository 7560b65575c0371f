"""The preparation descriptor: everything the library knows of one preparation, registered once.

A preparation is one module that ends with one registration, ``register(Preparation(...))``
(docs/architecture.md, "Adding a preparation", shows one), and then order documents
(``load_order``, ``run_order``, ``batch``), the JSON Schemas, ``from_json``, labels, records
and the worksheet all find it here. Those generic modules ask :mod:`ldncompound._registry`,
which imports a built-in preparation's module the first time one of its schema ids is met.
This module imports nothing of the library, so that every preparation can import it; a
preparation names its worksheet renderer (``"._worksheet:_capsules"``) rather than import it,
and the renderer's module is imported the first time a worksheet is printed.

Documents that are not a preparation's result (a label, a compounding record, a verify
report) register their class with :func:`register_document`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ._vocabulary import MasterFacts, PreparationFacts, TableValue

ORDER_PREFIX = "ldncompound/order/"


@attrs.frozen
class Named:
    """A function named by ``"module:function"``, imported on its first call; the module is
    absolute (``mypackage.sheets``) or relative to this library (``._worksheet``)."""

    ref: str

    def __attrs_post_init__(self) -> None:
        module, colon, name = self.ref.partition(":")
        if not (module and colon and name.isidentifier()):
            raise ValueError(f"a function is named 'module:function', not {self.ref!r}")

    @property
    def function(self) -> Callable[..., Any]:
        """The function named, its module imported if it is not yet."""
        module, _, name = self.ref.partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(module, __package__), name)
        return function

    def __call__(self, *args: Any) -> Any:
        return self.function(*args)


def _named(function: Callable[[Any], Any] | str | None) -> Callable[[Any], Any] | None:
    return Named(function) if isinstance(function, str) else function


@attrs.frozen(eq=False, kw_only=True)
class Preparation:
    """One preparation: its documents, its calculation and how the rest of the library
    presents its results. Only ``name``, the classes, the result's schema id and ``formulate``
    are required; a preparation without ``order_schema`` has no order documents, without
    ``label_facts`` no label, without ``master_record`` no compounding record, and without
    ``worksheet`` the generic worksheet."""

    #: short name (``capsules``), also the CLI command's
    name: str
    #: its order class
    order: type[Any]
    #: schema id its results carry (``ldncompound/capsules/1``)
    result_schema: str
    result: type[Any]
    #: ``formulate(order, *, today=None) -> result``
    formulate: Callable[..., Any]
    #: schema id of its order documents (``ldncompound/order/capsules/1``); ``None`` for a
    #: preparation not made from an order document of its own (a titration kit)
    order_schema: str | None = None
    #: result -> what goes on its label
    label_facts: Callable[[Any], PreparationFacts] | None = None
    #: result -> what its master formulation record says of it
    master_record: Callable[[Any], MasterFacts] | None = None
    #: result -> the preparation's own table values in a record (besides drug, BUD, defaults)
    record_tables: Callable[[Any], tuple[TableValue, ...]] | None = None
    #: result -> the lines of its worksheet; a ``"module:function"`` name is imported on first use
    worksheet: Callable[[Any], list[str]] | None = attrs.field(default=None, converter=_named)
    #: result -> the same result computed again from itself, when that is not
    #: ``formulate(result.order, today=result.bud.compounded_on)`` (a titration kit)
    recompute: Callable[[Any], Any] | None = None
    #: the CLI's option table (option -> document path); built by the CLI
    cli: Any = None

    def __attrs_post_init__(self) -> None:
        schema = self.order_schema
        if schema is not None and (
            not schema.startswith(ORDER_PREFIX) or not schema.rsplit("/", 1)[-1].isdigit()
        ):
            raise ValueError(f"order schema ids look like {ORDER_PREFIX}<preparation>/<version>")

    def compute_again(self, result: Any) -> Any:
        """The result computed again from the order it carries, on its date compounded."""
        if self.recompute is not None:
            return self.recompute(result)
        return self.formulate(result.order, today=result.bud.compounded_on)


#: result (and other document) schema id -> its class, for ``from_json`` and the JSON Schemas
DOCUMENTS: dict[str, type[Any]] = {}
#: schema id -> a loader for documents that embed other documents (a record holds a result)
LOADERS: dict[str, Callable[[Any], Any]] = {}

_BY_NAME: dict[str, Preparation] = {}
_BY_ORDER: dict[str, Preparation] = {}
_BY_RESULT: dict[str, Preparation] = {}
_lock = threading.Lock()


def register(prep: Preparation) -> Preparation:
    """Register a preparation, once: a second preparation with its name or one of its
    schema ids is refused (``ValueError``)."""
    with _lock:
        taken = (
            _BY_NAME.get(prep.name),
            _BY_RESULT.get(prep.result_schema),
            _BY_ORDER.get(prep.order_schema or ""),
        )
        for other in taken:
            if other is not None and other is not prep:
                raise ValueError(
                    f"{other.name} ({other.result_schema}) is already registered; "
                    f"a preparation is registered once"
                )
        _BY_NAME[prep.name] = prep
        _BY_RESULT[prep.result_schema] = prep
        if prep.order_schema is not None:
            _BY_ORDER[prep.order_schema] = prep
        DOCUMENTS[prep.result_schema] = prep.result
    return prep


def unregister(name: str) -> None:
    """Forget a registered preparation (for tests and plug-ins that replace one)."""
    with _lock:
        prep = _BY_NAME.pop(name)
        _BY_RESULT.pop(prep.result_schema, None)
        DOCUMENTS.pop(prep.result_schema, None)
        if prep.order_schema is not None:
            _BY_ORDER.pop(prep.order_schema, None)


def register_document(
    schema: str, cls: type[Any], loader: Callable[[Any], Any] | None = None
) -> None:
    """Map a schema id (``"ldncompound/record/1"``) to its class, and optionally to a loader
    for documents that embed other documents (a record holds a result of any schema)."""
    DOCUMENTS[schema] = cls
    if loader is not None:
        LOADERS[schema] = loader


def registered() -> tuple[Preparation, ...]:
    """The preparations registered so far, by name (see ``_registry`` for all of them)."""
    return tuple(_BY_NAME[k] for k in sorted(_BY_NAME))


def by_name(name: str) -> Preparation | None:
    """The registered preparation called ``name``."""
    return _BY_NAME.get(name)


def by_order_schema(schema: object) -> Preparation | None:
    """The registered preparation whose order documents carry ``schema``."""
    return _BY_ORDER.get(schema) if isinstance(schema, str) else None


def by_result_schema(schema: object) -> Preparation | None:
    """The registered preparation whose results carry ``schema``."""
    return _BY_RESULT.get(schema) if isinstance(schema, str) else None
