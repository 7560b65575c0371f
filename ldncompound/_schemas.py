"""JSON Schemas (draft 2020-12) of the documents the library reads and writes.

They are generated from the classes, never written by hand, and shipped in
``ldncompound/schemas/`` (``tools/generate_schemas.py`` writes them; a test regenerates and
compares). One file per schema id:

* order documents, one per registered preparation (``ldncompound/order/capsules/1``);
* result documents, one per preparation's result class (``ldncompound/capsules/1``) and per
  document class registered with ``register_schema`` (records);
* label documents: a class registered with ``register_schema`` under an id starting
  ``ldncompound/label/`` gets its schema the same way (issue 4 adds the first);
* batch records (``ldncompound/batch-record/1``), which refer to the result schemas.

A schema's ``$id`` is ``urn:ldncompound:`` followed by the rest of the schema id. Nothing here
imports a validator: validating is the caller's business (the test suite uses ``jsonschema``).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import types
import typing
from decimal import Decimal
from importlib import resources
from typing import Any, Literal

import attrs

from . import _registry
from ._batch import BATCH_RECORD_SCHEMA
from ._drug import BUILTIN_DRUGS, Drug
from ._errors import InputError
from ._json import _SCHEMAS
from ._orders import order_kinds
from ._units import Quantity, Unit
from ._validate import OMIT_IF_DEFAULT

__all__ = ["LABEL_PREFIX", "json_schema", "json_schemas", "schema_file", "schema_uri"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
LABEL_PREFIX = "ldncompound/label/"


def schema_uri(schema_id: str) -> str:
    """``ldncompound/order/capsules/1`` -> ``urn:ldncompound:order/capsules/1``."""
    return "urn:" + schema_id.replace("/", ":", 1)


def schema_file(schema_id: str) -> str:
    """``ldncompound/order/capsules/1`` -> ``order-capsules-1.schema.json``."""
    return schema_id.removeprefix("ldncompound/").replace("/", "-") + ".schema.json"


def _root(schema_id: str, title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "$id": schema_uri(schema_id),
        "title": title,
        "description": description,
        **body,
    }


# --- results and labels: the to_json form ------------------------------------------------------

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
}
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


def _shared(name: str, defs: dict[str, Any]) -> dict[str, Any]:
    if name not in defs:
        defs[name] = _SHARED[name]
        if name == "quantity":
            _shared("decimal", defs)
    return {"$ref": f"#/$defs/{name}"}


def _data_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:  # noqa: PLR0911 - one type each
    """The JSON Schema of ``to_json`` output for values of type ``tp``."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return {"anyOf": [_data_schema(a, defs) for a in typing.get_args(tp)]}
    if tp is Any:
        # an embedded document of its own schema (a record's result): checked against that one
        return {
            "type": "object",
            "description": "a document with its own schema id, validated against that schema",
            "properties": {"schema": {"type": "string"}},
            "required": ["schema"],
        }
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if tp is Quantity:
        return _shared("quantity", defs)
    if tp is Decimal:
        return _shared("decimal", defs)
    if tp is dt.date:
        return _shared("date", defs)
    if tp is Drug:
        return {"anyOf": [{"enum": sorted(BUILTIN_DRUGS)}, _class_schema(Drug, defs)]}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
    if origin is tuple and args[1:] == (Ellipsis,):
        return {"type": "array", "items": _data_schema(args[0], defs)}
    if origin is dict and args[0] is str:
        return {"type": "object", "additionalProperties": _data_schema(args[1], defs)}
    if isinstance(tp, type) and attrs.has(tp):
        return _class_schema(tp, defs)
    raise TypeError(f"no JSON Schema for {tp!r}")


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    name = cls.__name__
    owners: dict[str, type] = defs.setdefault("__owners__", {})
    if owners.setdefault(name, cls) is not cls:
        raise TypeError(f"two classes named {name} in one document: {owners[name]} and {cls}")
    if name not in defs:
        defs[name] = {}  # reserved first, so a class may refer to itself
        hints = typing.get_type_hints(cls)
        props = {a.name: _data_schema(hints[a.name], defs) for a in attrs.fields(cls)}
        later = {a.name for a in attrs.fields(cls) if a.metadata.get(OMIT_IF_DEFAULT)}
        defs[name] = {
            "type": "object",
            "properties": props,
            "required": [n for n in props if n not in later],
            "additionalProperties": False,
        }
    return {"$ref": f"#/$defs/{name}"}


def _document_schema(schema_id: str, cls: type, what: str) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    _class_schema(cls, defs)
    del defs["__owners__"]
    body = dict(defs.pop(cls.__name__))
    body["properties"] = dict(body["properties"], schema={"const": schema_id})
    return _root(
        schema_id,
        f"{cls.__name__} ({schema_id})",
        f"The JSON {what} document the library writes for {cls.__name__} "
        "(ldncompound.to_json); ldncompound.from_json reads it back without loss.",
        {**body, "$defs": defs},
    )


# --- orders: the document form ------------------------------------------------------------------


def _order_schema(schema_id: str) -> dict[str, Any]:
    kind = next(k for k in order_kinds() if k.schema == schema_id)
    defs: dict[str, Any] = {}
    ref = kind.node.schema(defs)["$ref"].rsplit("/", 1)[1]
    body = defs.pop(ref)
    return _root(
        schema_id,
        f"{kind.name} order ({schema_id})",
        f"An order document for {kind.name} (ldncompound.run_order). Every field is present; "
        "'default' asks for the library's default. Amounts are text in the input grammar; the "
        "library, not this schema, is the authority on values.",
        {**body, "$defs": defs},
    )


def _batch_record_schema() -> dict[str, Any]:
    results = [s for s in sorted(_SCHEMAS) if not s.startswith(LABEL_PREFIX)]
    common = {
        "schema": {"const": BATCH_RECORD_SCHEMA},
        "record": {"type": "integer", "minimum": 1},
        "line": {"type": "integer", "minimum": 1},
    }
    ok = {
        "type": "object",
        "properties": {
            **common,
            "status": {"const": "ok"},
            "result": {"anyOf": [{"$ref": schema_uri(s)} for s in results]},
        },
        "required": [*common, "status", "result"],
        "additionalProperties": False,
    }
    error = {
        "type": "object",
        "properties": {
            **common,
            "status": {"const": "error"},
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string", "minLength": 1},
                },
                "required": ["code", "field", "message"],
                "additionalProperties": False,
            },
        },
        "required": [*common, "status", "error"],
        "additionalProperties": False,
    }
    return _root(
        BATCH_RECORD_SCHEMA,
        f"batch record ({BATCH_RECORD_SCHEMA})",
        "One line of `ldncompound batch` output: the input record's number and starting line, "
        "and either its result or why it was not computed.",
        {"oneOf": [ok, error]},
    )


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every schema the library has, generated now from the registered classes, by schema id."""
    from . import _labels, _records  # noqa: F401, PLC0415 - they register label and record documents

    _registry.load_all()
    out: dict[str, dict[str, Any]] = {}
    for kind in order_kinds():
        out[kind.schema] = _order_schema(kind.schema)
    for schema_id in sorted(_SCHEMAS):
        what = "label" if schema_id.startswith(LABEL_PREFIX) else "result"
        out[schema_id] = _document_schema(schema_id, _SCHEMAS[schema_id], what)
    out[BATCH_RECORD_SCHEMA] = _batch_record_schema()
    return out


def json_schema(schema_id: str) -> dict[str, Any]:
    """The shipped JSON Schema for a schema id (read from the package, not generated)."""
    path = resources.files("ldncompound").joinpath("schemas", schema_file(schema_id))
    if not path.is_file():
        raise InputError.about(
            "schema", schema_id, "has no shipped JSON Schema", "a schema id the library writes"
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def render(schema: dict[str, Any]) -> str:
    """The text of a shipped schema file (stable: two-space indent, a final newline)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
