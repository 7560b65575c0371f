"""JSON Schemas (draft 2020-12) of the documents the library reads and writes.

They are generated from the classes, never written by hand, and shipped in
``ldncompound/schemas/`` (``tools/generate_schemas.py`` writes them; a test regenerates and
compares). One file per schema id:

* order documents, one per registered preparation (``ldncompound/order/capsules/1``);
* result documents, one per preparation's result class (``ldncompound/capsules/2``), each
  order in it by its order schema, and per document class registered with ``register_schema``
  (records);
* label documents: a class registered with ``register_schema`` under an id starting
  ``ldncompound/label/`` gets its schema the same way (issue 4 adds the first);
* batch records (``ldncompound/batch-record/1``), which refer to the result schemas.

A schema's ``$id`` is ``urn:ldncompound:`` followed by the rest of the schema id. Nothing here
imports a validator: validating is the caller's business (the test suite uses ``jsonschema``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from . import _registry
from ._batch import BATCH_RECORD_SCHEMA
from ._errors import InputError
from ._json import _SCHEMAS, schema_of
from ._orders import order_kinds

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


_ORDER_NOTE = (
    " Its order is an order document, as ldncompound.order_document writes it and "
    "ldncompound.load_order reads it (a drug that is not built in is written in full)."
)


def _document_schema(schema_id: str, cls: type, what: str) -> dict[str, Any]:
    body, defs = schema_of(cls)  # from the codec's table: the writers' own types
    body["properties"] = dict(body["properties"], schema={"const": schema_id})
    return _root(
        schema_id,
        f"{cls.__name__} ({schema_id})",
        f"The JSON {what} document the library writes for {cls.__name__} "
        "(ldncompound.to_json); ldncompound.from_json reads it back without loss."
        + (_ORDER_NOTE if any(k.startswith("order-") for k in defs) else ""),
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
