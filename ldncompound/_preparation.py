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
import inspect
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast, get_type_hints

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


def classes_of(formulate: Callable[..., Any]) -> tuple[type[Any], type[Any]]:
    """The order and result classes of ``formulate``: the annotations of its first parameter
    and of its return, both attrs classes (anything else is refused with a ``TypeError``: a
    preparation names its classes once, in its calculation's signature)."""
    what = getattr(formulate, "__qualname__", repr(formulate))
    try:
        hints = get_type_hints(formulate)
        first = next(iter(inspect.signature(formulate).parameters), None)
    except (NameError, TypeError, ValueError) as err:
        raise TypeError(f"formulate {what} has no annotations that can be read ({err})") from err
    found = {"first parameter": hints.get(first or ""), "return": hints.get("return")}
    for where, cls in found.items():
        if not (isinstance(cls, type) and attrs.has(cls)):
            shown = "not annotated" if cls is None else f"annotated {cls!r}"
            raise TypeError(
                f"formulate {what}: its {where} is {shown}, where an attrs class is expected "
                f"(a preparation's order and result classes are read from these annotations)"
            )
    order, result = found.values()
    return cast("type[Any]", order), cast("type[Any]", result)


@attrs.frozen(eq=False, kw_only=True)
class Preparation:
    """One preparation: its documents, its calculation and how the rest of the library
    presents its results. Only ``name`` and ``formulate`` are required; its order and result
    classes are the annotations of ``formulate``'s first parameter and return, and their
    schema ids are the classes' own ``SCHEMA`` (see :func:`classes_of`). A preparation whose
    order class has no ``SCHEMA`` has no order documents, without ``label_facts`` no label,
    without ``master_record`` no compounding record, and without ``worksheet`` the generic
    worksheet."""

    #: short name (``capsules``), also the CLI command's
    name: str
    #: ``formulate(order: Order, *, today=None) -> Result``, both classes annotated
    formulate: Callable[..., Any]
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
    #: its order class, ``formulate``'s first parameter's
    order: type[Any] = attrs.field(init=False)
    #: its result class, what ``formulate`` returns
    result: type[Any] = attrs.field(init=False)
    #: schema id of its order documents (``ldncompound/order/capsules/1``), the order class's
    #: ``SCHEMA``; ``None`` for a preparation not made from an order document of its own (a
    #: titration kit)
    order_schema: str | None = attrs.field(init=False)
    #: schema id its results carry (``ldncompound/capsules/2``), the result class's ``SCHEMA``
    result_schema: str = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        order, result = classes_of(self.formulate)
        order_schema = getattr(order, "SCHEMA", None)
        result_schema = getattr(result, "SCHEMA", None)
        if order_schema is not None and (
            not isinstance(order_schema, str)
            or not order_schema.startswith(ORDER_PREFIX)
            or not order_schema.rsplit("/", 1)[-1].isdigit()
        ):
            raise ValueError(
                f"{order.__qualname__}.SCHEMA is {order_schema!r}, but order schema ids look "
                f"like {ORDER_PREFIX}<preparation>/<version>"
            )
        if not isinstance(result_schema, str) or result_schema.startswith(ORDER_PREFIX):
            said = "has no SCHEMA" if result_schema is None else f"has SCHEMA {result_schema!r}"
            raise ValueError(
                f"the result class {result.__qualname__} {said}, where it names the schema id "
                f"its results carry (ldncompound/<preparation>/<version>)"
            )
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "result", result)
        object.__setattr__(self, "order_schema", order_schema)
        object.__setattr__(self, "result_schema", result_schema)

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
