"""The documented JSON form of results, and the one codec that writes, reads and describes it.

Every result is an attrs value; :func:`to_json` turns it into plain JSON data and
:func:`from_json` turns that back into an equal value, without loss. One table,
:func:`entry`, gives for each type its writer, its reader and its JSON Schema fragment:

* :class:`Quantity` -> ``{"value": "4.5", "unit": "mg"}`` (exact decimal string, unit code)
* ``Decimal`` -> ``"0.9035"``; ``datetime.date`` -> ``"2027-03-31"``; enums -> their code;
* a built-in :class:`Drug` -> its name (other drugs are written in full);
* an order (the ``order`` of a result, a record, a kit) -> its order document, exactly what
  :func:`ldncompound.order_document` writes and :func:`ldncompound.load_order` reads
  (``"dose": "4.5 mg"``, a value the library defaulted as ``"default"``), from the nodes of
  ``_documents.py``; a drug that is not built in is written in full there too;
* attrs classes field by field, tuples as lists, dicts as objects, ``None`` as null.

Writers and readers of attrs classes are generated once per class from that table (to_json
is on the path of every formulation written out). The readers refuse anything the writers
do not write (a missing or unknown field, a value of another type), naming its path
(``order.count``). JSON text is read by one strict reader, :func:`read_json`.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import threading
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, TypeVar

import attrs
import orjson

from ._documents import FULL, Defs, Node, join, json_kind
from ._drug import BUILTIN_DRUGS, Drug
from ._errors import InputError, LdnCompoundError, printable
from ._numbers import parse_exact_decimal, plain
from ._parse import parse_date
from ._preparation import DOCUMENTS, LOADERS, register_document, registered
from ._strict import read_json
from ._units import Quantity, Unit
from ._validate import OMITTABLE

T = TypeVar("T")
Writer = Callable[[Any], Any]
Reader = Callable[[Any, str], Any]

#: schema id -> class, and -> loader: the preparation registry's document tables
_SCHEMAS: dict[str, type[Any]] = DOCUMENTS
_LOADERS: dict[str, Callable[[Any], Any]] = LOADERS
_lock = threading.RLock()


#: a document that is not a preparation's result (a label, a record) registers its class here
register_schema = register_document


def retired(schema: object) -> str | None:
    """The schema id that replaced ``schema`` when ``schema`` is an earlier version of a
    registered one (``ldncompound/capsules/1``, written by 0.1.0 -> ``ldncompound/capsules/2``)."""
    if not isinstance(schema, str):
        return None
    base, _, version = schema.rpartition("/")
    if not version.isdigit() or int(version) < 1:  # versions count from 1
        return None
    from . import _registry  # noqa: PLC0415 - built-in ids count before their module loads

    known = _registry.known_results()
    newer = [s for s in known if s.startswith(base + "/") and s.rpartition("/")[2].isdigit()]
    later = [s for s in newer if int(s.rpartition("/")[2]) > int(version)]
    return max(later, key=lambda s: int(s.rpartition("/")[2])) if later else None


def retired_error(field: str, schema: str, current: str) -> InputError:
    """The one sentence for a document of an earlier version (its order in the old form)."""
    return InputError(
        f"{field}: {schema!r} is a document written by an earlier version of ldncompound "
        f"(0.1.0), whose order is not in document form; expected {current} (compute it again "
        "from its order, or read it with ldncompound 0.1.0).",
        field=field,
        value=schema,
        expected=current,
        code="retired-schema",
    )


# --- refusals of the readers ------------------------------------------------------------------


class _Mismatch(Exception):  # noqa: N818 - internal: becomes the caller's InputError
    """Data the writers never write, at ``path`` (turned into one sentence by the caller)."""

    def __init__(self, path: str, value: Any, expected: str, *, as_written: bool = False) -> None:
        super().__init__(path)
        self.path, self.value, self.expected = path, value, expected
        #: the value would read as what is expected if it were written as the library writes
        #: it ("33" for 33, true for 1): a stored record says so (``not-as-written``)
        self.as_written = as_written


_JSON_TYPES = ((bool, "a boolean"), (int, "a whole number"), (str, "text"), (list, "a list"))


def mismatch_error(err: _Mismatch, code: str, prefix: str = "") -> InputError:
    """One sentence for a refusal of the readers, naming its path (below ``prefix``)."""
    path = printable(join(prefix, err.path) if err.path else prefix)
    if err.as_written and code == "not-a-record":
        return InputError(
            f"{path}: {printable(repr(err.value))} is not written as this library writes it; "
            f"expected {err.expected}.",
            field=path,
            value=err.value,
            expected=err.expected,
            code="not-as-written",
        )
    if err.expected.startswith("<"):  # a missing or unknown field: the sentence is given
        sentence = err.expected[1:]
    else:
        shown = printable(repr(err.value)) if isinstance(err.value, (str, int)) else ""
        sentence = (
            f" {shown + ' ' if shown else ''}is {json_kind(err.value, _JSON_TYPES, 'a ')}; expected {err.expected} "
            "as this library writes it."
        )
    return InputError(
        f"{path or 'the document'}{sentence}",
        field=path or None,
        value=err.value if isinstance(err.value, (str, int)) else None,
        expected=err.expected.lstrip("<"),
        code=code,
    )


def _relocate(err: LdnCompoundError, path: str, data: dict[str, Any]) -> LdnCompoundError:
    """A class's own refusal (its validator names its field, ``dose``) named by its path in
    the document (``order.dose``): the field is below ``path`` when the data holds it."""
    own = err.field or ""
    parts = own.split(".")
    below = next(
        (
            ".".join(parts[i:])
            for i in range(len(parts))
            if re.split(r"[\[]", parts[i], maxsplit=1)[0] in data
        ),
        "",
    )
    where = join(path, below) if below else (path or own)
    if where == own:
        return err
    message = err.message
    message = (
        where + message[len(own) :] if own and message.startswith(own) else f"{where}: {message}"
    )
    return type(err)(message, field=where, value=err.value, expected=err.expected, code=err.code)


# --- the table: type -> writer, reader, schema --------------------------------------------------


@attrs.frozen
class Entry:
    """How one type appears in JSON: its writer, its reader (data, path) and its JSON Schema
    fragment (shared definitions go into the schema's ``$defs``)."""

    write: Writer
    read: Reader
    schema: Callable[[Defs], dict[str, Any]]


_TABLE: dict[Any, Entry] = {}
_building: set[Any] = set()


def entry(tp: Any) -> Entry:
    """The table's entry for a declared type (built once, cached)."""
    found = _TABLE.get(tp)
    if found is not None:
        return found
    with _lock:
        found = _TABLE.get(tp)
        if found is None:
            if tp in _building:  # a class that contains itself: looked up when used
                return Entry(
                    lambda v: entry(tp).write(v),
                    lambda d, p: entry(tp).read(d, p),
                    lambda defs: entry(tp).schema(defs),
                )
            _building.add(tp)
            try:
                found = _build(tp)
            finally:
                _building.discard(tp)
            _TABLE[tp] = found
        return found


def _identity(value: Any) -> Any:
    return value


def _exactly(cls: type[Any], what: str) -> Reader:
    def read(data: Any, path: str) -> Any:
        if type(data) is not cls:
            raise _Mismatch(path, data, what, as_written=_convertible(data, cls))
        return data

    return read


def _convertible(data: Any, cls: type[Any]) -> bool:
    """Whether ``data`` holds a ``cls`` written another way (``"33"``, ``true`` for a number;
    a number for text)."""
    if cls is int:
        return isinstance(data, bool) or (
            isinstance(data, str) and data.isascii() and data.isdigit()
        )
    if cls is str:
        return isinstance(data, int)
    return False


def _shared(name: str) -> Callable[[Defs], dict[str, Any]]:
    def schema(defs: Defs) -> dict[str, Any]:
        if name not in defs:
            defs[name] = _SHARED[name]
            if name == "quantity":
                schema_decimal(defs)
        return {"$ref": f"#/$defs/{name}"}

    return schema


_SHARED: dict[str, dict[str, Any]] = {
    "quantity": {
        "type": "object",
        "description": "an exact decimal string and a unit code",
        "properties": {
            "value": {"$ref": "#/$defs/decimal"},
            "unit": {"enum": [u.code for u in Unit]},
        },
        "required": ["value", "unit"],
        "additionalProperties": False,
    },
    "decimal": {"type": "string", "pattern": "^-?[0-9]{1,40}(\\.[0-9]{1,40})?$"},
    "date": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
}
schema_decimal = _shared("decimal")


def _quantity(q: Quantity) -> dict[str, str]:
    return {"value": plain(q.magnitude), "unit": q.unit.code}


def _read_quantity(data: Any, path: str) -> Quantity:
    return Quantity.from_json(data, field=path or "quantity")


def _read_decimal(data: Any, path: str) -> Decimal:
    return parse_exact_decimal(data, field=path or "number")


def _read_date(data: Any, path: str) -> dt.date:
    if type(data) is not str:
        raise _Mismatch(path, data, "a date YYYY-MM-DD")
    return parse_date(data, field=path or "date")


def _write_drug(d: Drug) -> Any:
    builtin = BUILTIN_DRUGS.get(d.name)
    if builtin is d or builtin == d:
        return d.name
    return _attrs_writer(Drug)(d)


def _read_drug(data: Any, path: str) -> Drug:
    if isinstance(data, str):
        drug = BUILTIN_DRUGS.get(data)
        if drug is None:
            known = ", ".join(sorted(BUILTIN_DRUGS))
            raise InputError.about(
                path or "drug",
                data,
                "is not a built-in drug",
                f"one of {known}, or a full drug object",
                code="unknown-drug",
            )
        return drug
    return _attrs_reader(Drug)(data, path)  # type: ignore[no-any-return]


def _drug_schema(defs: Defs) -> dict[str, Any]:
    return {"anyOf": [{"enum": sorted(BUILTIN_DRUGS)}, _class_schema(Drug, defs)]}


#: The scalars: how each is written, read and described.
_SCALARS: dict[Any, Entry] = {
    str: Entry(_identity, _exactly(str, "text"), lambda _d: {"type": "string"}),
    int: Entry(_identity, _exactly(int, "a whole number"), lambda _d: {"type": "integer"}),
    bool: Entry(_identity, _exactly(bool, "true or false"), lambda _d: {"type": "boolean"}),
    type(None): Entry(_identity, _exactly(type(None), "null"), lambda _d: {"type": "null"}),
    Quantity: Entry(_quantity, _read_quantity, _shared("quantity")),
    Decimal: Entry(plain, _read_decimal, _shared("decimal")),
    dt.date: Entry(dt.date.isoformat, _read_date, _shared("date")),
    Drug: Entry(_write_drug, _read_drug, _drug_schema),
}


def _read_document(data: Any, path: str) -> Any:
    """An embedded document of its own schema (a record's result), or null."""
    if data is None:
        return None
    schema = data.get("schema") if isinstance(data, dict) else None
    from . import _registry  # noqa: PLC0415 - a built-in preparation loads on first use

    _registry.load(schema)  # a label of a liquid read before any liquid result (probe2 P1)
    if schema not in _SCHEMAS:
        current = retired(schema)
        if current is not None:
            raise retired_error(join(path, "schema"), typing.cast("str", schema), current)
        raise _Mismatch(join(path, "schema"), schema, "a result schema id")
    return entry(_SCHEMAS[schema]).read(data, path)


def _any_schema(_defs: Defs) -> dict[str, Any]:
    # an embedded document of its own schema (a record's result): checked against that one
    return {
        "type": "object",
        "description": "a document with its own schema id, validated against that schema",
        "properties": {"schema": {"type": "string"}},
        "required": ["schema"],
    }


def _build(tp: Any) -> Entry:  # noqa: PLR0911 - one return per kind of type
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp is Any:
        return Entry(_write, _read_document, _any_schema)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return _union(tp, args)
    if origin is Literal:
        return _literal(args)
    if origin is tuple and args[1:] == (Ellipsis,):
        return _sequence(entry(args[0]))
    if origin is dict and args[0] is str:
        return _mapping(entry(args[1]))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp)
    if isinstance(tp, type) and attrs.has(tp):
        document = _document_form(tp)
        if document is not None:
            return _order_entry(*document)
        return Entry(_attrs_writer(tp), _attrs_reader(tp), lambda defs: _class_schema(tp, defs))
    raise TypeError(f"no JSON form for {tp!r}")


def _union(tp: Any, args: tuple[Any, ...]) -> Entry:
    if len(args) == 2 and type(None) in args:
        (inner_type,) = (a for a in args if a is not type(None))
        inner = entry(inner_type)

        def read_optional(data: Any, path: str) -> Any:
            return None if data is None else inner.read(data, path)

        return Entry(
            lambda v: None if v is None else inner.write(v),
            read_optional,
            lambda defs: {"anyOf": [inner.schema(defs), {"type": "null"}]},
        )
    if set(args) == {Quantity, str}:  # a trace value: an amount or a text

        def read_value(data: Any, path: str) -> Any:
            if isinstance(data, dict):
                return _read_quantity(data, path)
            if isinstance(data, str):
                return data
            raise _Mismatch(path, data, "a quantity object or text")

        return Entry(
            _write,
            read_value,
            lambda defs: {"anyOf": [_SCALARS[Quantity].schema(defs), {"type": "string"}]},
        )
    raise TypeError(f"no JSON form for the union {tp!r}")  # pragma: no cover


def _literal(args: tuple[Any, ...]) -> Entry:
    def read(data: Any, path: str) -> Any:
        if type(data) is not str or data not in args:
            raise _Mismatch(path, data, " or ".join(repr(a) for a in args))
        return data

    return Entry(
        _identity,
        read,
        lambda _d: {"const": args[0]} if len(args) == 1 else {"enum": list(args)},
    )


def _sequence(item: Entry) -> Entry:
    def read(data: Any, path: str) -> tuple[Any, ...]:
        if type(data) is not list:
            raise _Mismatch(path, data, "a list")
        return tuple(item.read(v, f"{path}[{i}]") for i, v in enumerate(data))

    return Entry(
        lambda v: [item.write(x) for x in v],
        read,
        lambda defs: {"type": "array", "items": item.schema(defs)},
    )


def _mapping(value: Entry) -> Entry:
    def read(data: Any, path: str) -> dict[str, Any]:
        if type(data) is not dict:
            raise _Mismatch(path, data, "an object")
        return {k: value.read(v, join(path, k)) for k, v in data.items()}

    return Entry(
        lambda v: {k: value.write(x) for k, x in v.items()},
        read,
        lambda defs: {"type": "object", "additionalProperties": value.schema(defs)},
    )


def _enum(cls: type[enum.Enum]) -> Entry:
    members = {m.value: m for m in cls}
    expected = "one of " + ", ".join(repr(v) for v in members)

    def read(data: Any, path: str) -> enum.Enum:
        member = members.get(data) if isinstance(data, (str, int)) else None
        if member is None or type(data) is not type(member.value):
            raise _Mismatch(path, data, expected)
        return member

    return Entry(_enum_value, read, lambda _d: {"enum": list(members)})


def _enum_value(e: enum.Enum) -> Any:
    return e.value


# --- orders: their document form ---------------------------------------------------------------


def _document_form(cls: type[Any]) -> tuple[Node, str] | None:
    """The document node of a registered order class (tagged by its order schema id), which
    is written as its order document wherever it appears, else nothing. (A titration kit's
    order is not a registered order: its fields are written as any class's, and the
    template orders in it as order documents.)"""
    from ._orders import order_kind  # noqa: PLC0415 - deferred: the registry fills at import

    # only the registered preparations: a class that exists has had its module imported, and
    # asking every built-in one would import them all (a troche result read back would load
    # the capsules)
    for prep in registered():
        if prep.order is cls and prep.order_schema is not None:
            kind = order_kind(prep.order_schema)
            return kind.node, kind.schema
    return None


def _read_full(cls: type[Any], data: Any, path: str) -> Any:
    return entry(cls).read(data, path)


def _write_full(value: Any) -> Any:
    return _write(value)


#: how a value without a document form is written and read inside a result's order
_FULL = (_write_full, _read_full)


def _order_entry(node: Node, schema_id: str) -> Entry:
    def write(order: Any) -> Any:
        try:
            return node.dump(order)
        except InputError:  # a value without a document form: written in full, as it is
            token = FULL.set(_FULL)  # in a result (on the batch path only when needed)
            try:
                return node.dump(order)
            finally:
                FULL.reset(token)

    def read(data: Any, path: str) -> Any:
        if isinstance(data, dict) and data.get("schema") != schema_id:
            raise _Mismatch(join(path, "schema"), data.get("schema"), repr(schema_id))
        token = FULL.set(_FULL)
        try:
            return node.load(data, path, textual=False)
        finally:
            FULL.reset(token)

    def schema(defs: Defs) -> dict[str, Any]:
        prefix, full = defs.prefix, defs.full
        defs.full = lambda cls: entry(cls).schema(defs)
        defs.prefix = "order-"
        try:
            return node.schema(defs)
        finally:
            defs.prefix, defs.full = prefix, full

    return Entry(write, read, schema)


# --- attrs classes: generated writers and readers ----------------------------------------------

_writers: dict[type[Any], Writer] = dict.fromkeys((str, int, bool, float, type(None)), _identity)
_writers.update({t: e.write for t, e in _SCALARS.items() if isinstance(t, type)})


def _write(value: Any) -> Any:
    """The plain JSON data for ``value``, by its runtime type."""
    writer = _writers.get(type(value))
    if writer is None:
        writer = _writer_for(type(value))
    return writer(value)


def _write_sequence(value: Any) -> list[Any]:
    return [_write(v) for v in value]


def _write_mapping(value: Any) -> dict[Any, Any]:
    return {k if type(k) is str else _write(k): _write(v) for k, v in value.items()}


def _writer_for(t: type[Any]) -> Writer:
    writer: Writer
    if t in (tuple, list):
        writer = _write_sequence
    elif t is dict:
        writer = _write_mapping
    else:
        writer = entry(t).write
    _writers[t] = writer  # idempotent: a race builds the same writer twice
    return writer


_DIRECT = {str, int, bool, str | None, int | None, bool | None}
_attrs_writers: dict[type[Any], Writer] = {}
_attrs_readers: dict[type[Any], Reader] = {}


def _compile(name: str, source: str, what: str, namespace: dict[str, Any]) -> Any:
    code = compile(source, f"<ldncompound JSON {what}>", "exec")
    exec(code, namespace)  # noqa: S102 - source generated from attrs field names
    return namespace[name]


def _attrs_writer(cls: type[Any]) -> Writer:
    """A function writing an instance of attrs class ``cls``: every field ``__init__`` takes,
    in order, each by its declared type's entry, with the writing of text, numbers,
    quantities, decimals, dates, enums and their tuples spelled out inline."""
    writer: Writer | None = _attrs_writers.get(cls)
    if writer is not None:
        return writer
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"_write": _write, "_plain": plain, "_Quantity": Quantity}
    entries = []
    for i, a in enumerate(attrs.fields(cls)):
        if not a.init:
            continue
        value = _expr(hints.get(a.name, Any), f"o.{a.name}", namespace, 0)
        if a.metadata.get(OMITTABLE):  # written only when it is not its default
            namespace[f"_d{i}"] = a.default
            entries.append(f"**({{{a.name!r}: {value}}} if o.{a.name} != _d{i} else {{}})")
        else:
            entries.append(f"{a.name!r}: {value}")
    source = f"def write(o):\n    return {{{', '.join(entries)}}}\n"
    writer = _compile("write", source, f"writer for {cls.__qualname__}", namespace)
    _attrs_writers[cls] = writer
    return writer


def _expr(declared: Any, ref: str, namespace: dict[str, Any], depth: int) -> str:  # noqa: PLR0911 - one return per kind of type
    """Python source writing the value at ``ref``, whose declared type is ``declared``."""
    if declared in _DIRECT:
        return ref
    origin, args = typing.get_origin(declared), typing.get_args(declared)
    if origin in (types.UnionType, typing.Union):
        return _union_expr(args, ref, namespace, depth)
    if declared is Quantity:
        return f"{{'value': _plain({ref}.magnitude), 'unit': {ref}.unit._value_}}"
    if declared is Decimal:
        return f"_plain({ref})"
    if declared is dt.date:
        return f"{ref}.isoformat()"
    if isinstance(declared, type) and issubclass(declared, enum.Enum):
        return f"{ref}.value"
    item = f"x{depth}"
    if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (
        origin is list and len(args) == 1
    ):
        return f"[{_expr(args[0], item, namespace, depth + 1)} for {item} in {ref}]"
    if origin is dict and len(args) == 2 and args[0] is str:
        value = _expr(args[1], item, namespace, depth + 1)
        return f"{{k{depth}: {value} for k{depth}, {item} in {ref}.items()}}"
    if declared is Any:
        return f"_write({ref})"
    key = f"_w{len(namespace)}"
    namespace[key] = entry(declared).write
    return f"{key}({ref})"


def _union_expr(args: tuple[Any, ...], ref: str, namespace: dict[str, Any], depth: int) -> str:
    if len(args) == 2 and type(None) in args:
        (inner_type,) = (a for a in args if a is not type(None))
        inner = _expr(inner_type, ref, namespace, depth)
        return ref if inner == ref else f"(None if {ref} is None else {inner})"
    if set(args) == {Quantity, str}:  # a trace value: written as _quantity writes it
        quantity = f"{{'value': _plain({ref}.magnitude), 'unit': {ref}.unit._value_}}"
        return f"({quantity} if isinstance({ref}, _Quantity) else {ref})"
    return f"_write({ref})"


def _attrs_reader(cls: type[Any]) -> Reader:
    """A function reading what :func:`_attrs_writer` writes for ``cls`` back into an equal
    instance: exactly its fields, each by its declared type's entry, naming the path of the
    first thing that does not fit; the class's own validators run as for any caller."""
    reader: Reader | None = _attrs_readers.get(cls)
    if reader is not None:
        return reader
    hints = typing.get_type_hints(cls)
    fields = [a for a in attrs.fields(cls) if a.init]
    names = tuple(a.name for a in fields)
    omittable = frozenset(a.name for a in fields if a.metadata.get(OMITTABLE))
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_keys": frozenset(names),
        "_required": frozenset(names) - omittable,
        "_names": names,
        "_omittable": omittable,
        "_shape": _shape,
        "_Lib": LdnCompoundError,
        "_relocate": _relocate,
        "_Mismatch": _Mismatch,
        "_what": f"a {cls.__name__} object",
    }
    lines = [
        "def read(d, p):",
        "    if type(d) is not dict or not (_required <= d.keys() <= _keys):",
        "        _shape(d, p, _names, _omittable)",
        "    q = p + '.' if p else ''",
    ]
    for i, a in enumerate(fields):
        namespace[f"_r{i}"] = entry(hints.get(a.name, Any)).read
        read = f"_r{i}(d[{a.name!r}], q + {a.name!r})"
        if a.name in omittable:  # written only while it holds something: absent is its default
            namespace[f"_d{i}"] = a.default
            read = f"{read} if {a.name!r} in d else _d{i}"
        lines.append(f"    v{i} = {read}")
    arguments = ", ".join(f"{a.alias}=v{i}" for i, a in enumerate(fields))
    lines += [
        "    try:",
        f"        return _cls({arguments})",
        "    except _Lib as e:",
        "        raise _relocate(e, p, d) from None",
        "    except (TypeError, ValueError):",
        "        raise _Mismatch(p, d, _what) from None",
    ]
    reader = _compile("read", "\n".join(lines) + "\n", f"reader for {cls.__qualname__}", namespace)
    _attrs_readers[cls] = reader
    return reader


def _shape(
    data: Any, path: str, names: tuple[str, ...], omittable: frozenset[str] = frozenset()
) -> None:
    """Refuse an object that is not one, or whose fields are not exactly ``names``."""
    if type(data) is not dict:
        raise _Mismatch(path, data, "an object")
    for key in data:
        if key not in names:
            shown = printable(repr(key)[:42])
            raise _Mismatch(
                path,
                None,
                f"< has unknown field(s) {shown}; expected only the fields this library writes.",
            )
    for name in names:
        if name not in data and name not in omittable:
            raise _Mismatch(
                join(path, name), None, "< is missing; expected every field this library writes."
            )


def _class_schema(cls: type, defs: Defs) -> dict[str, Any]:
    name = cls.__name__
    owners: dict[str, type] = defs.setdefault("__owners__", {})
    if owners.setdefault(name, cls) is not cls:
        raise TypeError(f"two classes named {name} in one document: {owners[name]} and {cls}")
    if name not in defs:
        defs[name] = {}  # reserved first, so a class may refer to itself
        hints = typing.get_type_hints(cls)
        props = {
            a.name: entry(hints.get(a.name, Any)).schema(defs) for a in attrs.fields(cls) if a.init
        }
        omitted = {a.name for a in attrs.fields(cls) if a.metadata.get(OMITTABLE)}
        defs[name] = {
            "type": "object",
            "properties": props,
            "required": [k for k in props if k not in omitted],
            "additionalProperties": False,
        }
    return {"$ref": f"#/$defs/{name}"}


def schema_of(cls: type[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of ``to_json`` output for attrs class ``cls``: its own object schema
    and the shared definitions it refers to."""
    defs = Defs()
    _class_schema(cls, defs)
    del defs["__owners__"]
    body = dict(defs.pop(cls.__name__))
    return body, dict(defs)


# --- the public functions -----------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """Plain JSON data (dicts, lists, strings, numbers, None) for a result or value object."""
    return _write(value)


def from_json(data: Any, cls: type[T] | None = None) -> T:
    """Rebuild a value from :func:`to_json` output; results are found by their ``schema`` id.

    Refuses, in one sentence naming the path (``order.count``), anything :func:`to_json`
    does not write (``not-a-result``), a document of an earlier version whose order is not
    in document form (``retired-schema``) and whatever the classes refuse (their codes).
    """
    loader: Callable[[Any], Any] | None = None
    if cls is None:
        schema = data.get("schema") if isinstance(data, dict) else None
        from . import _registry  # noqa: PLC0415 - a built-in preparation loads on first use

        _registry.load(schema)
        if not isinstance(schema, str) or schema not in _SCHEMAS:
            current = retired(schema)
            if current is not None:
                raise retired_error("schema", typing.cast("str", schema), current)
            known = ", ".join(_registry.known_results())
            raise InputError.about(
                "schema",
                schema,
                "is not a known result schema",
                f"one of {known}",
                code="unknown-schema",
            )
        loader = _LOADERS.get(schema)
        cls = _SCHEMAS[schema]
    if loader is not None:
        return loader(data)  # type: ignore[no-any-return]
    return read_strictly(data, cls, "", "not-a-result")  # type: ignore[no-any-return]


def read_strictly(data: Any, tp: Any, prefix: str, code: str) -> Any:
    """``data`` read as type ``tp`` by the table's reader; a refusal names its path below
    ``prefix`` (``result``) and carries ``code`` unless it is a class's own refusal."""
    try:
        return entry(tp).read(data, prefix)
    except _Mismatch as err:
        raise mismatch_error(err, code) from None
    except RecursionError:
        raise InputError(
            f"{prefix or 'the document'}: nested too deeply to be a document this library wrote.",
            field=prefix or None,
            code="too-deep",
        ) from None


def read_result(raw: bytes | str) -> Any:
    """A result (or label, record, kit) from its JSON text, read by :func:`read_json` and
    rebuilt by :func:`from_json`."""
    return from_json(read_json(raw, what="result"))


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON text for a result (keys in field order; non-ASCII kept as is)."""
    data = to_json(value)
    if indent == 2:
        # orjson writes the same text as json.dumps(indent=2, ensure_ascii=False) for the data
        # to_json makes (text, integers, None, lists, dicts with text keys), 40x faster: the
        # standard library's indenting encoder is pure Python. Whatever orjson refuses (a lone
        # surrogate in a caller's text, an integer beyond 64 bits) takes the standard path.
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(data, indent=indent, ensure_ascii=False)
