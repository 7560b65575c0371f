"""A new preparation is one registration: documents, batch, CSV columns, schemas, JSON,
worksheet and the CLI's batch follow (issue 16, section 2).

A toy preparation with field types the capsules do not use (a volume, a written strength, a
list of dates) is registered with one descriptor, as a real one is, and everything works. The
descriptor reads the order and result classes from ``formulate``'s signature and their schema
ids from the classes, so a registration that disagrees with itself cannot be written; the
ones that cannot be read are refused.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import ClassVar

import attrs
import pytest
from click.testing import CliRunner
from examples import api_source, capsules
from jsonschema import Draft202012Validator
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._orders import order_kind
from ldncompound._preparation import ORDER_PREFIX, Named, Preparation, register, unregister
from ldncompound._validate import qfield

TOY_ORDER, TOY_RESULT = "ldncompound/order/toy/1", "ldncompound/toy/1"


@attrs.frozen(kw_only=True)
class ToyOrder:
    SCHEMA: ClassVar[str] = TOY_ORDER

    volume: lc.Quantity = qfield(lc.Dimension.VOLUME)
    strength: lc.Strength
    source: lc.Source
    opened: tuple[dt.date, ...] = ()
    storage: lc.Storage | None = None


@attrs.frozen(kw_only=True)
class ToyResult:
    SCHEMA: ClassVar[str] = TOY_RESULT

    schema: str
    order: ToyOrder
    drug: lc.Quantity


def formulate_toy(order: ToyOrder, *, today: dt.date | None = None) -> ToyResult:  # noqa: ARG001
    mg = order.strength.concentration.m_as(lc.Unit.MG_PER_ML) * order.volume.m_as(lc.Unit.ML)
    return ToyResult(schema=TOY_RESULT, order=order, drug=lc.Quantity(mg, lc.Unit.MG))


TOY = Preparation(name="toy", formulate=formulate_toy)


@pytest.fixture
def toy():
    register(TOY)
    yield
    unregister("toy")


def toy_document(**changes):
    doc = {
        "schema": TOY_ORDER,
        "volume": "30 mL",
        "strength": "250 mg/5 mL",
        "source": api_source(form="hcl", assay_basis="as-is", water_content="default"),
        "opened": ["2026-11-01", "2026-11-08"],
        "storage": "default",
    }
    return doc | changes


@pytest.mark.usefixtures("toy")
def test_a_registered_preparation_runs_from_documents():
    result = lc.run_order(toy_document())
    assert result.drug == lc.mass("1500 mg")
    assert result.order.opened == (dt.date(2026, 11, 1), dt.date(2026, 11, 8))
    assert lc.order_document(result.order) == toy_document() | {
        "source": toy_document()["source"] | {"drug": "naltrexone"}
    }
    assert lc.from_json(lc.to_json(result)) == result


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"volume": "30 mg"}, "volume", "is a mass"),
        ({"strength": "250 mg/5 cc"}, "strength", "'cc'"),
        ({"opened": ["2026-11-31"]}, "opened[0]", "not a calendar date"),
        ({"storage": None}, "storage", "is null"),
    ],
)
@pytest.mark.usefixtures("toy")
def test_its_refusals_name_the_document_path(changes, field, fragment):
    with pytest.raises(lc.InputError) as info:
        lc.load_order(toy_document(**changes))
    assert info.value.field == field
    assert fragment in str(info.value)


@pytest.mark.usefixtures("toy")
def test_a_batch_mixes_preparations():
    data = b"\n".join(json.dumps(d).encode() for d in (capsules(), toy_document(), capsules()))
    records = list(lc.run_batch(io.BytesIO(data), today=dt.date(2026, 11, 21)))
    assert [type(r.result).__name__ for r in records] == [
        "CapsuleResult",
        "ToyResult",
        "CapsuleResult",
    ]


@pytest.mark.usefixtures("toy")
def test_its_csv_columns_and_schemas_are_generated():
    columns = dict(lc.csv_columns(TOY_ORDER))
    assert columns["strength"] == "a strength such as '1 mg/mL' or '250 mg/5 mL'"
    assert columns["opened"].startswith("a date YYYY-MM-DD items separated by ';'")
    schemas = lc.json_schemas()
    for schema in (schemas[TOY_ORDER], schemas[TOY_RESULT]):
        Draft202012Validator.check_schema(schema)
    Draft202012Validator(schemas[TOY_ORDER]).validate(toy_document())
    result = lc.run_order(toy_document())
    Draft202012Validator(schemas[TOY_RESULT]).validate(lc.to_json(result))
    assert "urn:ldncompound:toy/1" in json.dumps(schemas[lc.BATCH_RECORD_SCHEMA])
    bad = toy_document(strength="250 mg per 5 mL")
    assert not Draft202012Validator(schemas[TOY_ORDER]).is_valid(bad)


@attrs.frozen(kw_only=True)
class Broken:
    SCHEMA: ClassVar[str] = "ldncompound/order/broken/1"

    amount: lc.Quantity  # no qfield: the dimension is unknown
    ratio: Decimal


@attrs.frozen(kw_only=True)
class BrokenResult:
    SCHEMA: ClassVar[str] = "ldncompound/broken/1"

    schema: str


def formulate_broken(order: Broken) -> BrokenResult:  # noqa: ARG001
    return BrokenResult(schema=BrokenResult.SCHEMA)


@pytest.mark.usefixtures("toy")
def test_a_field_type_without_a_document_form_is_a_programming_error():
    register(Preparation(name="broken", formulate=formulate_broken))
    try:
        with pytest.raises(TypeError, match="without a declared dimension"):
            lc.load_order({"schema": "ldncompound/order/broken/1"})
    finally:
        unregister("broken")


@pytest.mark.usefixtures("toy")
def test_its_batch_lines_worksheet_and_json_follow():
    data = json.dumps(toy_document()).encode() + b"\n"
    ((ok, line),) = lc.run_batch_lines(io.BytesIO(data), today=dt.date(2026, 11, 21))
    assert ok
    result = lc.from_json(json.loads(line)["result"])
    assert result == lc.run_order(toy_document())
    assert lc.read_result(lc.dumps(result)) == result
    sheet = lc.render_worksheet(result)
    assert sheet.startswith(f"ToyResult ({TOY_RESULT})\n")
    assert "drug" in sheet and "1500 mg" in sheet


@pytest.mark.usefixtures("toy")
def test_the_cli_batch_runs_it(tmp_path):
    orders = tmp_path / "orders.jsonl"
    orders.write_text(json.dumps(toy_document()) + "\n" + json.dumps(capsules()) + "\n")
    out = tmp_path / "results.jsonl"
    res = CliRunner().invoke(cli, ["batch", str(orders), "-o", str(out)])
    assert res.exit_code == 0, res.output
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["result"]["schema"] for r in records] == [TOY_RESULT, lc.CAPSULES_SCHEMA]


@pytest.mark.usefixtures("toy")
def test_a_preparation_is_registered_once():
    with pytest.raises(ValueError, match="registered once"):
        register(attrs.evolve(TOY, formulate=lc.formulate_capsules))
    with pytest.raises(ValueError, match="registered once"):
        register(attrs.evolve(TOY, name="other"))  # the same schema ids
    register(TOY)  # the same descriptor again is no second registration


def test_the_descriptor_reads_its_classes_from_formulate_and_their_schema_ids():
    assert (TOY.order, TOY.result) == (ToyOrder, ToyResult)
    assert (TOY.order_schema, TOY.result_schema) == (TOY_ORDER, TOY_RESULT)
    broken = attrs.evolve(TOY, formulate=formulate_broken)  # a new formulate, new classes
    assert (broken.order, broken.result_schema) == (Broken, "ldncompound/broken/1")
    kinds = {p.name: p for p in lc._registry.preparations()}
    assert kinds["capsules"].order is lc.CapsuleOrder
    assert kinds["capsules"].order_schema == lc.CAPSULES_ORDER_SCHEMA == lc.CapsuleOrder.SCHEMA
    assert order_kind(lc.CAPSULES_ORDER_SCHEMA).name == "capsules"
    assert kinds["troches"].result is lc.TrocheResult
    assert kinds["troches"].result_schema == lc.TROCHES_SCHEMA == lc.TrocheResult.SCHEMA
    assert kinds["titration"].order is lc.TitrationOrder
    assert kinds["titration"].order_schema is None  # no order documents of its own
    assert kinds["titration"].result_schema == lc.TITRATION_SCHEMA
    for prep in kinds.values():
        assert prep.order_schema is None or prep.order_schema.startswith(ORDER_PREFIX)


def test_the_classes_cannot_be_given_beside_formulate():
    with pytest.raises(TypeError, match="order"):
        Preparation(name="toy", formulate=formulate_toy, order=Broken)
    with pytest.raises(TypeError, match="result_schema"):
        Preparation(name="toy", formulate=formulate_toy, result_schema="ldncompound/toy/2")


def unannotated(order, *, today=None):  # noqa: ARG001
    return None


def returns_a_dict(order: ToyOrder) -> dict[str, str]:  # noqa: ARG001
    return {}


class PlainOrder:
    SCHEMA: ClassVar[str] = "ldncompound/order/plain/1"


def takes_a_plain_class(order: PlainOrder) -> ToyResult:
    raise NotImplementedError


def names_an_unknown_class(order: NoSuchOrder) -> ToyResult:  # noqa: F821
    raise NotImplementedError


@pytest.mark.parametrize(
    ("formulate", "message"),
    [
        (
            unannotated,
            "formulate unannotated: its first parameter is not annotated, where an attrs class is expected",
        ),
        (lambda order: order, "formulate <lambda>: its first parameter is not annotated"),
        (
            returns_a_dict,
            "formulate returns_a_dict: its return is annotated dict[str, str], where an attrs class is expected",
        ),
        (
            takes_a_plain_class,
            "its first parameter is annotated <class 'test_registration.PlainOrder'>, where",
        ),
        (
            names_an_unknown_class,
            "formulate names_an_unknown_class has no annotations that can be read (name 'NoSuchOrder'",
        ),
    ],
)
def test_a_formulate_without_attrs_classes_in_its_signature_is_refused(formulate, message):
    with pytest.raises(TypeError) as info:
        Preparation(name="toy", formulate=formulate)
    assert message in str(info.value)
    with pytest.raises(TypeError, match=r"attrs class|annotations"):
        attrs.evolve(TOY, formulate=formulate)


@attrs.frozen(kw_only=True)
class Unnamed:
    schema: str


@attrs.frozen(kw_only=True)
class OrderNamed:
    SCHEMA: ClassVar[str] = "ldncompound/order/toy/1"


@attrs.frozen(kw_only=True)
class Misnamed:
    SCHEMA: ClassVar[str] = "ldncompound/misnamed/1"  # not an order schema id


def unnamed_result(order: ToyOrder) -> Unnamed:
    raise NotImplementedError


def order_named_result(order: ToyOrder) -> OrderNamed:
    raise NotImplementedError


def misnamed_order(order: Misnamed) -> ToyResult:
    raise NotImplementedError


@pytest.mark.parametrize(
    ("formulate", "message"),
    [
        (
            unnamed_result,
            "the result class Unnamed has no SCHEMA, where it names the schema id its results carry",
        ),
        (
            order_named_result,
            "the result class OrderNamed has SCHEMA 'ldncompound/order/toy/1', where it names",
        ),
        (
            misnamed_order,
            "Misnamed.SCHEMA is 'ldncompound/misnamed/1', but order schema ids look like ldncompound/order/<preparation>/<version>",
        ),
    ],
)
def test_a_class_without_a_well_formed_schema_id_is_refused(formulate, message):
    with pytest.raises(ValueError) as info:
        Preparation(name="toy", formulate=formulate)
    assert str(info.value).startswith(message)


@pytest.mark.usefixtures("toy")
def test_its_result_has_no_record_until_it_says_how():
    result = lc.run_order(toy_document())
    with pytest.raises(lc.InputError) as info:
        lc.make_record(result, record_id="R1", compounded_by="A", container="bottle")
    assert info.value.code == "unknown-schema"
    assert "ldncompound/capsules/2" in str(info.value)


def toy_sheet(result: ToyResult) -> list[str]:
    """The toy's own worksheet, named by the registration rather than imported by it."""
    return [f"toy worksheet: {result.drug}"]


def test_a_worksheet_named_module_colon_function_is_found_when_printed():
    register(attrs.evolve(TOY, worksheet="test_registration:toy_sheet"))
    try:
        sheet = lc.render_worksheet(lc.run_order(toy_document()))
    finally:
        unregister("toy")
    assert sheet == "toy worksheet: 1500 mg\n"
    capsules_prep = lc._registry.for_result(lc.CAPSULES_SCHEMA)
    assert capsules_prep is not None
    assert capsules_prep.worksheet == Named("._worksheet:_capsules")


def test_every_built_in_preparation_names_a_worksheet_that_exists():
    built_in = {f"ldncompound.{m}" for m in lc._registry.BUILTIN.values()}
    for prep in lc._registry.preparations():
        if prep.formulate.__module__ not in built_in:
            continue
        assert isinstance(prep.worksheet, Named), prep.name
        assert callable(prep.worksheet.function), prep.worksheet
        assert prep.worksheet.function.__module__ == "ldncompound._worksheet"


@pytest.mark.parametrize("ref", ["_worksheet", "._worksheet:", ":_capsules", "x:not-a-name"])
def test_a_worksheet_name_without_module_and_function_is_refused(ref):
    with pytest.raises(ValueError, match="'module:function'"):
        attrs.evolve(TOY, worksheet=ref)
