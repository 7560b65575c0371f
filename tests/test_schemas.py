"""The shipped JSON Schemas: generated from the classes, valid, and true of every document."""

from __future__ import annotations

import io
import json
from importlib import resources

import attrs
import conftest
import examples
import pytest
import schema_check
from examples import capsules, full_capsules, replaced, without
from hypothesis import given
from jsonschema import Draft202012Validator
from strategies import capsule_orders

import ldncompound as lc
from ldncompound import _json
from ldncompound._schemas import LABEL_PREFIX, json_schemas, render, schema_file

ORDER = lc.CAPSULES_ORDER_SCHEMA
SHIPPED = resources.files("ldncompound").joinpath("schemas")


def test_shipped_schemas_are_exactly_what_the_classes_generate():
    """Run tools/generate_schemas.py after changing an order, result or label class."""
    generated = {schema_file(i): render(s) for i, s in json_schemas().items()}
    shipped = {
        p.name: p.read_text(encoding="utf-8")
        for p in SHIPPED.iterdir()
        if p.name.endswith(".schema.json")
    }
    assert sorted(shipped) == sorted(generated)
    for name, text in generated.items():
        assert shipped[name] == text, f"{name} is stale: run tools/generate_schemas.py"


def test_every_schema_is_draft_2020_12_with_a_versioned_id():
    for schema_id, schema in json_schemas().items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].startswith("urn:ldncompound:")
        assert schema_id.rsplit("/", 1)[1].isdigit()
        assert lc.json_schema(schema_id) == schema


def test_every_registered_preparation_has_order_result_and_batch_schemas():
    ids = set(json_schemas())
    for prep in ("capsules", "liquid", "drops", "troches"):
        assert {f"ldncompound/order/{prep}/1", f"ldncompound/{prep}/2"} <= ids
    assert {lc.BATCH_RECORD_SCHEMA, lc.TITRATION_SCHEMA, lc.RECORD_SCHEMA, lc.VERIFY_SCHEMA} <= ids
    assert {i for i in ids if i.startswith(LABEL_PREFIX)} == {lc.LABEL_SCHEMA}


def test_an_unknown_schema_id_is_refused():
    with pytest.raises(lc.InputError, match="has no shipped JSON Schema"):
        lc.json_schema("ldncompound/order/ointment/1")


@pytest.mark.parametrize(
    "doc",
    [
        capsules(),
        full_capsules(),
        capsules(source=examples.api_source()),
        capsules(source=examples.stock_source()),
        capsules(balance={"rule": "usp41", "readability": "0.1 mg", "name": "default"}),
        capsules(
            balance={
                "rule": "sensitivity",
                "sensitivity": "6 mg",
                "max_error": "5 %",
                "readability": "10 mg",
                "name": "Torbal",
            }
        ),
    ],
)
def test_order_documents_validate(doc):
    schema_check.validate(doc, ORDER)
    schema_check.validate(lc.order_document(lc.load_order(doc)), ORDER)


@given(capsule_orders)
def test_every_order_document_the_library_writes_validates(order):
    schema_check.validate(lc.order_document(order), ORDER)


@pytest.mark.parametrize(
    "doc",
    [
        replaced(capsules(), "dose", "4,5 mg"),
        replaced(capsules(), "dose", "4.5 mL"),
        replaced(capsules(), "count", "30"),
        replaced(capsules(), "overage", None),
        replaced(capsules(), "source.kind", "pills"),
        replaced(capsules(), "balance.rule", "guess"),
        replaced(capsules(), "storage", "freezer"),
        replaced(capsules(), "compounded_on", "21/11/2026"),
        without(capsules(), "source.lot"),
        capsules(colour="red"),
    ],
)
def test_documents_the_library_refuses_the_schema_refuses_too(doc):
    with pytest.raises(lc.InputError):
        lc.load_order(doc)
    assert schema_check.errors(doc, ORDER)


def test_results_and_batch_records_validate():
    result = lc.run_order(full_capsules())
    schema_check.validate(lc.to_json(result))
    data = b"\n".join(
        [json.dumps(capsules()).encode(), b"{", json.dumps(capsules(dose="45 mg")).encode()]
    )
    records = list(lc.run_batch(io.BytesIO(data)))
    assert [r.ok for r in records] == [True, False, False]
    for r in records:
        schema_check.validate(json.loads(r.json_line()), lc.BATCH_RECORD_SCHEMA)


def test_the_suite_checks_results_as_it_computes_them():
    """The session fixture in conftest.py wraps every formulate function."""
    before = conftest.CHECKED[0]
    lc.run_order(capsules(count=77))
    lc.formulate_capsules(lc.load_order(capsules(count=78)))
    assert conftest.CHECKED[0] == before + 2


@attrs.frozen(kw_only=True)
class ToyLabel:
    schema: str
    lines: tuple[str, ...]
    dose: lc.Quantity


def test_labels_plug_in_by_registering_their_class(monkeypatch):
    """The extension point for issue 4: register the label class under a label id."""
    label_id = f"{LABEL_PREFIX}capsules/1"
    monkeypatch.setitem(_json._SCHEMAS, label_id, ToyLabel)
    schemas = json_schemas()
    assert schema_file(label_id) == "label-capsules-1.schema.json"
    schema = schemas[label_id]
    Draft202012Validator.check_schema(schema)
    label = ToyLabel(schema=label_id, lines=("LDN 4.5 mg",), dose=lc.mass("4.5 mg"))
    Draft202012Validator(schema).validate(lc.to_json(label))
    assert lc.from_json(lc.to_json(label)) == label
    batch = schemas[lc.BATCH_RECORD_SCHEMA]
    assert "label" not in json.dumps(batch)
