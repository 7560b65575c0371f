"""Validate documents against the shipped JSON Schemas with the jsonschema package."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import referencing
from jsonschema import Draft202012Validator

from ldncompound._schemas import json_schema, schema_uri


@functools.cache
def registry() -> referencing.Registry:
    """Every shipped schema by its $id, so batch records can refer to result schemas."""
    folder = resources.files("ldncompound").joinpath("schemas")
    resources_ = []
    for entry in folder.iterdir():
        if entry.name.endswith(".schema.json"):
            import json  # noqa: PLC0415

            contents = json.loads(entry.read_text(encoding="utf-8"))
            resources_.append((contents["$id"], referencing.Resource.from_contents(contents)))
    return referencing.Registry().with_resources(resources_)


@functools.cache
def validator(schema_id: str) -> Draft202012Validator:
    schema = json_schema(schema_id)
    assert schema["$id"] == schema_uri(schema_id)
    return Draft202012Validator(
        schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def validate(data: Any, schema_id: str | None = None) -> None:
    """Raise jsonschema.ValidationError unless ``data`` is valid for its schema id (and an
    embedded result, as in a compounding record, for its own)."""
    validator(schema_id or data["schema"]).validate(data)
    embedded = data.get("result") if isinstance(data, dict) else None
    if isinstance(embedded, dict) and "schema" in embedded:
        validator(embedded["schema"]).validate(embedded)


def errors(data: Any, schema_id: str | None = None) -> list[str]:
    return [e.message for e in validator(schema_id or data["schema"]).iter_errors(data)]
