"""The documented JSON form of results: decimal strings, unit codes, ISO dates, enum codes.

Every result is an attrs value; :func:`to_json` turns it into plain JSON data and
:func:`from_json` turns that back into an equal value, without loss. The representation of
our scalar types is fixed in one table, :data:`_SCALARS`:

* :class:`Quantity` -> ``{"value": "4.5", "unit": "mg"}`` (exact decimal string, unit code)
* ``Decimal`` -> ``"0.9035"``; ``datetime.date`` -> ``"2027-03-31"``; enums -> their code;
* a built-in :class:`Drug` -> its name (other drugs are written in full).

:func:`to_json` runs on writers generated once per attrs class from that table (it is on
the path of every formulation written out, and cattrs costs several times more there);
:func:`from_json` uses cattrs with hooks from the same table (imported on first use, so
``import ldncompound`` stays light). ``tests/test_json.py`` checks that the writers give
exactly what cattrs' unstructuring gives. A new scalar type gets its entry in
:data:`_SCALARS`; attrs classes, tuples, lists, dicts and enums need nothing.
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
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import orjson

from ._drug import BUILTIN_DRUGS, Drug
from ._errors import InputError, LdnCompoundError, printable
from ._numbers import parse_exact_decimal, plain
from ._parse import parse_date
from ._preparation import DOCUMENTS, LOADERS, register_document
from ._units import Quantity
from ._validate import OMIT_IF_DEFAULT

if TYPE_CHECKING:
    import cattrs

__all__ = ["dumps", "from_json", "read_json", "read_result", "register_schema", "to_json"]

T = TypeVar("T")
Writer = Callable[[Any], Any]

#: schema id -> class, and -> loader: the preparation registry's document tables
_SCHEMAS: dict[str, type[Any]] = DOCUMENTS
_LOADERS: dict[str, Callable[[Any], Any]] = LOADERS
_lock = threading.Lock()
_converter: cattrs.Converter | None = None


#: a document that is not a preparation's result (a label, a record) registers its class here
register_schema = register_document


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


def _quantity(q: Quantity) -> dict[str, str]:
    return {"value": plain(q.magnitude), "unit": q.unit.code}


def _drug(d: Drug) -> Any:
    builtin = BUILTIN_DRUGS.get(d.name)
    if builtin is d or builtin == d:
        return d.name
    return _attrs_writer(Drug)(d)


#: How each scalar type is written (and, for cattrs, unstructured).
_SCALARS: dict[type[Any], Writer] = {
    Quantity: _quantity,
    Decimal: plain,
    dt.date: dt.date.isoformat,
    Drug: _drug,
}

_IDENTITY = (str, int, bool, float, type(None))
_writers: dict[type[Any], Writer] = dict.fromkeys(_IDENTITY, lambda v: v)
_writers.update(_SCALARS)


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
    if issubclass(t, enum.Enum):
        writer = _enum_value
    elif t in (tuple, list):
        writer = _write_sequence
    elif t is dict:
        writer = _write_mapping
    elif attrs.has(t):
        writer = _attrs_writer(t)
    else:  # anything else is cattrs' business, exactly as before
        writer = converter().unstructure
    _writers[t] = writer  # idempotent: a race builds the same writer twice
    return writer


def _enum_value(e: enum.Enum) -> Any:
    return e.value


_DIRECT = {str, int, bool, str | None, int | None, bool | None}
_attrs_writers: dict[type[Any], Writer] = {}
_building: set[type[Any]] = set()


def _attrs_writer(cls: type[Any]) -> Writer:
    """A function writing an instance of attrs class ``cls`` as cattrs unstructures it: every
    field ``__init__`` takes, in order, each by its declared type (as cattrs dispatches),
    with the writing of text, numbers, quantities, decimals, dates, enums, attrs classes and
    their tuples, lists and dicts spelled out inline; anything else by runtime type."""
    writer: Writer | None = _attrs_writers.get(cls)
    if writer is not None:
        return writer
    _building.add(cls)
    try:
        hints = typing.get_type_hints(cls)
        namespace: dict[str, Any] = {
            "_write": _write,
            "_quantity": _quantity,
            "_plain": plain,
            "_Quantity": Quantity,
        }
        fields = [a for a in attrs.fields(cls) if a.init]
        entries = [
            f"{a.name!r}: {_expr(hints.get(a.name, Any), f'o.{a.name}', namespace, 0)}"
            for a in fields
            if not a.metadata.get(OMIT_IF_DEFAULT)
        ]
        # a field added after the documents were published: written only when not its default
        later = []
        for i, a in enumerate(fields):
            if a.metadata.get(OMIT_IF_DEFAULT):
                namespace[f"_d{i}"] = a.default
                value = _expr(hints.get(a.name, Any), f"o.{a.name}", namespace, 0)
                later.append(f"    if o.{a.name} != _d{i}:\n        d[{a.name!r}] = {value}\n")
    finally:
        _building.discard(cls)
    name = f"write_{cls.__name__}"
    if later:
        source = f"def {name}(o):\n    d = {{{', '.join(entries)}}}\n{''.join(later)}    return d\n"
    else:
        source = f"def {name}(o):\n    return {{{', '.join(entries)}}}\n"
    code = compile(source, f"<ldncompound JSON writer for {cls.__qualname__}>", "exec")
    exec(code, namespace)  # noqa: S102 - source generated above from attrs field names
    writer = namespace[name]
    _attrs_writers[cls] = writer
    return writer


def _expr(declared: Any, ref: str, namespace: dict[str, Any], depth: int) -> str:  # noqa: PLR0911 - one return per kind of type
    """Python source writing the value at ``ref``, whose declared type is ``declared``."""
    if declared in _DIRECT:
        return ref
    origin, args = typing.get_origin(declared), typing.get_args(declared)
    if origin in (types.UnionType, typing.Union):
        if len(args) == 2 and type(None) in args:
            (inner_type,) = (a for a in args if a is not type(None))
            inner = _expr(inner_type, ref, namespace, depth)
            return ref if inner == ref else f"(None if {ref} is None else {inner})"
        if set(args) == {Quantity, str}:  # a trace value: written as _quantity writes it
            quantity = f"{{'value': _plain({ref}.magnitude), 'unit': {ref}.unit._value_}}"
            return f"({quantity} if isinstance({ref}, _Quantity) else {ref})"
        return f"_write({ref})"
    if declared is Quantity:
        return f"{{'value': _plain({ref}.magnitude), 'unit': {ref}.unit._value_}}"
    if declared is Decimal:
        return f"_plain({ref})"
    if declared is dt.date:
        return f"{ref}.isoformat()"
    if isinstance(declared, type) and issubclass(declared, enum.Enum):
        return f"{ref}.value"
    if isinstance(declared, type) and (declared in _SCALARS or attrs.has(declared)):
        if declared in _building:  # a class that contains itself: by runtime type
            return f"_write({ref})"
        key = f"_w{len(namespace)}"
        namespace[key] = _SCALARS.get(declared) or _attrs_writer(declared)
        return f"{key}({ref})"
    item = f"x{depth}"
    if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (
        origin is list and len(args) == 1
    ):
        return f"[{_expr(args[0], item, namespace, depth + 1)} for {item} in {ref}]"
    if origin is dict and len(args) == 2 and args[0] is str:
        value = _expr(args[1], item, namespace, depth + 1)
        return f"{{k{depth}: {value} for k{depth}, {item} in {ref}.items()}}"
    return f"_write({ref})"


def _build() -> cattrs.Converter:
    import cattrs  # noqa: PLC0415 - ~10 ms; paid only by callers who read JSON

    c = cattrs.Converter(forbid_extra_keys=True, omit_if_default=False)
    c.register_unstructure_hook_factory(_has_omittable, lambda cls: _omitting(c, cls))
    for t, write in _SCALARS.items():
        if t is not Drug:
            c.register_unstructure_hook(t, write)
    c.register_structure_hook(Quantity, lambda d, _t: Quantity.from_json(d))
    c.register_structure_hook(Decimal, lambda d, _t: parse_exact_decimal(d, field="number"))
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


def _has_omittable(cls: Any) -> bool:
    return attrs.has(cls) and any(a.metadata.get(OMIT_IF_DEFAULT) for a in attrs.fields(cls))


def _omitting(c: cattrs.Converter, cls: type[Any]) -> Callable[[Any], Any]:
    from cattrs.gen import make_dict_unstructure_fn, override  # noqa: PLC0415

    omit = {
        a.name: override(omit_if_default=True)
        for a in attrs.fields(cls)
        if a.metadata.get(OMIT_IF_DEFAULT)
    }
    return make_dict_unstructure_fn(cls, c, **omit)  # type: ignore[arg-type]


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
    return _write(value)


def from_json(data: Any, cls: type[T] | None = None) -> T:
    """Rebuild a value from :func:`to_json` output; results are found by their ``schema`` id."""
    loader: Callable[[Any], Any] | None = None
    if cls is None:
        schema = data.get("schema") if isinstance(data, dict) else None
        from . import _registry  # noqa: PLC0415 - a built-in preparation loads on first use

        _registry.load(schema)
        if not isinstance(schema, str) or schema not in _SCHEMAS:
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
    try:
        if loader is not None:
            return loader(data)  # type: ignore[no-any-return]
        return converter().structure(data, cls)
    except Exception as err:  # noqa: BLE001 - cattrs reports groups of errors; the caller gets ours
        raise _not_written_here(err, cls) from None


def _not_written_here(err: BaseException, cls: type[Any] | None) -> LdnCompoundError:
    """The library's own error inside a cattrs error group (a validator's refusal), or one
    sentence naming the first place the data does not fit (``order.count``)."""
    pending = [err]
    while pending:
        e = pending.pop(0)
        if isinstance(e, LdnCompoundError):
            return e
        pending += list(getattr(e, "exceptions", ()))
    import cattrs  # noqa: PLC0415 - imported with the converter already

    where = ""
    if isinstance(err, cattrs.BaseValidationError):
        first = cattrs.transform_error(err)[0]
        problem, _, where = first.partition(" @ $")
        where = where.lstrip(".")
    else:
        problem = f"{type(err).__name__}: {err}"
    what = cls.__name__ if cls is not None else "result"
    return InputError(
        f"{where or 'the data'}: {problem}; expected a {what} document this library wrote.",
        field=where or None,
        expected=f"a {what} document",
        code="not-a-result",
    )


def read_json(raw: bytes | str, *, what: str = "document") -> Any:
    """JSON data from UTF-8 bytes or text, read strictly: refuses bytes that are not UTF-8
    (``bad-encoding``), a key given twice in one object (``duplicate-field``: which value is
    meant is unknowable), ``NaN`` and ``Infinity`` (not JSON) and malformed JSON
    (``bad-json``). The reader for results, labels and order templates (orders use the
    same rules); records are read more strictly still, with paths, by :func:`loads_strict`
    (the two are to become one)."""
    from ._orders import decode, parse_json  # noqa: PLC0415 - the order reader's rules

    text = decode(raw, what) if isinstance(raw, bytes) else raw
    return parse_json(text)


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


# --- strict reading of documents the library wrote (records, results, labels) ------------------------

#: Longest integer a document the library wrote can hold (a count, a number of a weighing):
#: anything longer is refused before Python turns it into an int.
MAX_INTEGER_DIGITS = 18

_NUMBERISH = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


class _Pairs(list[tuple[str, Any]]):
    """An object as the parser met it: its pairs in order, duplicates kept (checked later)."""


@attrs.frozen
class _Refused:
    """A number the parser met that a document the library wrote never holds."""

    text: str
    problem: str


def _refuse_constant(name: str) -> _Refused:
    return _Refused(name, "is not a JSON number (NaN and infinities are not numbers)")


def _refuse_float(text: str) -> _Refused:
    return _Refused(text, "is a JSON number with a fraction or an exponent")


def _parse_int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Refused(text[:24] + "...", f"has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _strict_error(what: str, path: str, value: Any, problem: str, expected: str, code: str) -> Any:
    where = ": ".join(x for x in (what, path) if x) or "the document"
    return InputError(
        f"{where}: {printable(repr(value))} {problem}; expected {expected}.",
        field=path or what or None,
        value=value,
        expected=expected,
        code=code,
    )


def plain_data(data: Any, *, what: str, path: str = "") -> Any:
    """``data`` checked to be plain JSON as this library writes it, with objects from
    :func:`loads_strict` turned into dicts: refuses, naming the path, a duplicate or
    non-text key, a float (NaN, infinities, ``4.5``), an integer of more than
    :data:`MAX_INTEGER_DIGITS` digits, a number written in digits other than ASCII 0-9,
    and any value that is not text, a whole number, a boolean, null, a list or an object."""
    try:
        return _plain(data, what, path)
    except RecursionError:
        raise InputError(
            f"{what}: nested too deeply to be a document this library wrote.",
            field=what,
            expected="a document this library wrote",
            code="too-deep",
        ) from None


def _plain(data: Any, what: str, path: str) -> Any:
    if isinstance(data, (_Pairs, dict)):
        pairs = data if isinstance(data, _Pairs) else list(data.items())
        out: dict[str, Any] = {}
        for key, value in pairs:
            if not isinstance(key, str):
                raise _strict_error(
                    what, path, key, "is a key that is not text", "text keys", "non-text-key"
                )
            shown = printable(key[:40]) + ("..." if len(key) > 40 else "")
            inner = f"{path}.{shown}" if path else shown
            if key in out:
                raise _strict_error(
                    what,
                    inner,
                    key,
                    "appears twice in one object (which one is meant is unknowable)",
                    "each field once",
                    "duplicate-field",
                )
            out[key] = _plain(value, what, inner)
        return out
    if isinstance(data, list):
        return [_plain(v, what, f"{path}[{i}]") for i, v in enumerate(data)]
    if isinstance(data, _Refused):
        raise _strict_error(what, path, data.text, data.problem, "numbers as text", "not-a-number")
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        if len(str(abs(data))) > MAX_INTEGER_DIGITS:
            raise _strict_error(
                what, path, data, "is too long a number", "a whole number", "too-large"
            )
        return data
    if isinstance(data, str):
        if _NUMBERISH.fullmatch(data) and not data.isascii():
            raise _strict_error(
                what,
                path,
                data,
                "is a number written in digits other than ASCII 0-9",
                "ASCII digits",
                "non-ascii-digit",
            )
        return data
    if isinstance(data, float):
        raise _strict_error(
            what, path, data, "is a binary float", "numbers as text", "not-a-number"
        )
    raise _strict_error(
        what, path, data, f"is a {type(data).__name__}", "plain JSON data", "wrong-type"
    )


def loads_strict(text: str | bytes, *, what: str) -> Any:
    """Plain JSON data for the JSON text of a document this library wrote (a record, a
    result, a label). Refuses, in one sentence starting with ``what`` and naming the path:
    bytes that are not UTF-8, text that is not JSON, and everything :func:`plain_data`
    refuses (duplicate keys, NaN, infinities, fractions and exponents, over-long integers,
    numbers in digits other than ASCII)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(
                f"{what}: the file is not UTF-8 text (byte {err.start}).",
                field=what,
                code="bad-encoding",
            ) from None
    try:
        data = json.loads(
            text,
            object_pairs_hook=_Pairs,
            parse_constant=_refuse_constant,
            parse_float=_refuse_float,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as err:
        raise InputError(
            f"{what}: not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}).",
            field=what,
            code="bad-json",
        ) from None
    except (RecursionError, ValueError) as err:
        raise InputError(
            f"{what}: cannot be read as JSON ({type(err).__name__}).", field=what, code="bad-json"
        ) from None
    return plain_data(data, what=what)
