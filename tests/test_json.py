"""The JSON form of results: plain data, decimal strings with unit codes, exact round trips."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal

import attrs
import orders as valid
import pytest
import strategies
import test_drops
import test_liquids
import test_titration
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_capsules import orders

import ldncompound as lc

DAY = dt.date(2026, 11, 21)


def _walk(value, path="$"):
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), path
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def _result() -> lc.CapsuleResult:
    api = lc.ApiLot(
        form="hcl-dihydrate",
        assay=lc.percent("99.1 %"),
        assay_basis=lc.AssayBasis.ANHYDROUS,
        water_content=lc.percent("8.8 %"),
        expiry=dt.date(2028, 1, 1),
        lot="A",
    )
    return lc.formulate_capsules(
        lc.CapsuleOrder(dose=lc.mass("0.5 mg"), count=30, source=api, compounded_on=DAY)
    )


def test_result_json_is_plain_data_with_unit_codes():
    data = lc.to_json(_result())
    assert data["schema"] == "ldncompound/capsules/2"
    assert data["library_version"] == lc.__version__
    assert data["dose"] == {"value": "0.5", "unit": "mg"}
    assert data["bud"]["date"] == "2027-05-19"
    assert data["order"]["source"]["kind"] == "api"
    assert data["order"]["source"]["drug"] == "naltrexone"
    for path, leaf in _walk(data):
        assert leaf is None or isinstance(leaf, (str, int, bool)), path
        assert not isinstance(leaf, float), path
    for w in data["weighings"]:
        assert set(w["amount"]) == {"value", "unit"}
    assert {"key", "description", "formula", "inputs", "result"} == set(data["trace"][0])
    assert all({"code", "message", "field"} == set(w) for w in data["warnings"])
    assert all({"field", "value", "source"} == set(d) for d in data["defaults"])


def test_round_trip_through_json_text_is_exact():
    r = _result()
    text = lc.dumps(r)
    back = lc.from_json(json.loads(text))
    assert back == r
    assert lc.dumps(back) == text


@given(orders)
def test_every_result_round_trips(order):
    r = lc.formulate_capsules(order)
    assert lc.from_json(json.loads(lc.dumps(r, indent=None))) == r
    assert pickle.loads(pickle.dumps(r)) == r


def test_custom_drugs_are_written_in_full():
    drug = lc.Drug.from_salt_factor("x", base_name="x", salt_name="x HCl", factor=Decimal("1.1"))
    api = lc.ApiLot(
        form="salt",
        assay=lc.percent("100 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A",
        drug=drug,
    )
    r = lc.formulate_capsules(
        lc.CapsuleOrder(dose=lc.mass("10 mg"), count=30, source=api, compounded_on=DAY)
    )
    data = lc.to_json(r)
    assert data["order"]["source"]["drug"]["name"] == "x"
    assert lc.from_json(data) == r


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(schema="ldncompound/unknown/1"),
        lambda d: d.pop("schema"),
        lambda d: d["order"]["source"].update(drug="aspirin"),
    ],
)
def test_unknown_schemas_and_drugs_refused(mutate):
    data = lc.to_json(_result())
    mutate(data)
    with pytest.raises(Exception) as info:
        lc.from_json(data)
    text = repr(info.value) + "".join(repr(e) for e in getattr(info.value, "exceptions", ()))
    assert "schema" in text or "drug" in text


# --- one codec: the order inside a result is its order document ---------------------------------

_KIT_STEPS = st.lists(
    st.builds(
        lambda dose, days: lc.TitrationStep(dose=lc.Quantity(dose, lc.Unit.MG), days=days),
        st.sampled_from([Decimal(x) for x in ("0.5", "1", "1.5", "2", "4")]),
        st.integers(min_value=7, max_value=14),
    ),
    min_size=1,
    max_size=3,
)


def _kit(steps, form):
    start = dt.date(2026, 12, 1)
    if form == "capsules":
        kit = {"capsules": lc.CapsuleKit(template=test_titration.TEMPLATE)}
    elif form == "liquid":
        template = test_liquids.order(days_supply=30, source=test_liquids.api())
        kit = {"liquid": lc.LiquidKit(template=template, syringes=test_titration.SYRINGES)}
    else:
        kit = {"drops": lc.DropsKit(template=test_drops.order())}
    order = lc.TitrationOrder(
        steps=tuple(steps),
        maintenance=lc.mass("4 mg"),
        maintenance_days=14,
        start=start,
        form=lc.KitForm(form),
        **kit,
    )
    return lc.plan_titration(order, today=start)


_PREPARATIONS = st.one_of(
    orders.map(lambda o: ("capsules", o)),
    strategies.troche_orders().map(lambda o: ("troches", o)),
    test_liquids.liquid_orders.map(lambda o: ("liquid", o)),
    test_drops.drops_orders.map(lambda o: ("drops", o)),
    st.tuples(_KIT_STEPS, st.sampled_from(["capsules", "liquid", "drops"])).map(
        lambda k: ("titration", k)
    ),
)


def _formulate(kind, order):
    if kind == "titration":
        return _kit(*order)
    return valid.FORMULATE[kind](order)


def _orders_inside(result):
    """Every (result, its JSON data) pair that carries an order: the result, and a kit's
    batches."""
    yield result
    yield from (
        *getattr(result, "capsule_batches", ()),
        *getattr(result, "liquid_fills", ()),
        *getattr(result, "drops_fills", ()),
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_PREPARATIONS)
def test_every_result_round_trips_and_its_order_is_an_order_document(prepared):
    """to_json -> JSON text -> from_json is exact for every preparation; the order inside a
    result (and inside each batch of a kit) is what order_document writes, load_order reads
    it back equal, and running the loaded order again gives the same result."""
    kind, order = prepared
    try:
        result = _formulate(kind, order)
    except lc.LdnCompoundError:
        assume(False)
    data = json.loads(lc.dumps(result, indent=None))
    assert lc.from_json(data) == result
    assert lc.dumps(lc.from_json(data)) == lc.dumps(result)
    for inner in _orders_inside(result):
        written = lc.to_json(inner)["order"]
        if inner is result and kind == "titration":  # a kit's template is an order document
            template = getattr(inner.order, order[1]).template
            assert written[order[1]]["template"] == lc.order_document(template)
            assert lc.plan_titration(inner.order, today=inner.order.start) == inner
            continue
        assert written == lc.order_document(inner.order)
        loaded = lc.load_order(written)
        assert loaded == inner.order
        assert lc.run_order(written, today=inner.order.compounded_on) == inner


def test_an_order_is_written_as_its_document_everywhere():
    r = _result()
    data = lc.to_json(r)
    assert data["order"] == lc.order_document(r.order) == lc.to_json(r.order)
    assert data["order"]["dose"] == "0.5 mg"
    assert data["order"]["schema"] == "ldncompound/order/capsules/1"
    assert data["order"]["overage"] == "default"  # the library's default, echoed in defaults
    assert lc.from_json(data["order"], lc.CapsuleOrder) == r.order


def test_a_custom_drug_travels_as_a_document_and_one_with_a_solubility_in_full():
    drug = lc.Drug.from_salt_factor("x", base_name="x", salt_name="x HCl", factor=Decimal("1.1"))
    for custom, in_documents in (
        (drug, True),
        (attrs.evolve(drug, water_solubility=lc.Quantity(Decimal(10), lc.Unit.MG_PER_ML)), False),
    ):
        api = lc.ApiLot(
            form="salt",
            assay=lc.percent("100 %"),
            assay_basis=lc.AssayBasis.AS_IS,
            expiry=dt.date(2028, 1, 1),
            lot="A",
            drug=custom,
        )
        r = lc.formulate_capsules(
            lc.CapsuleOrder(dose=lc.mass("10 mg"), count=30, source=api, compounded_on=DAY)
        )
        data = json.loads(lc.dumps(r))
        assert data["order"]["source"]["drug"]["name"] == "x"
        assert lc.from_json(data) == r
        if in_documents:  # name, forms and default basis: the order document's drug
            assert lc.load_order(data["order"]) == r.order
            continue
        with pytest.raises(lc.InputError) as info:  # a solubility has no document form
            lc.load_order(data["order"])
        assert info.value.field is not None and info.value.field.startswith("source.drug")
        with pytest.raises(lc.InputError):
            lc.order_document(r.order)


def test_the_writers_write_every_scalar_by_the_table():
    drug = lc.Drug.from_salt_factor("x", base_name="x", salt_name="x HCl", factor=Decimal("1.1"))
    assert lc.to_json(lc.NALTREXONE) == "naltrexone"
    assert lc.to_json(drug)["name"] == "x"
    assert lc.from_json(lc.to_json(drug), lc.Drug) == drug
    assert lc.to_json(Decimal("1.50")) == "1.5"
    assert lc.to_json(DAY) == "2026-11-21"
    assert lc.to_json(lc.Unit.MG) == "mg"
    assert lc.to_json(lc.mass("4.5 mg")) == {"value": "4.5", "unit": "mg"}
    assert lc.to_json(None) is None
    assert lc.to_json({"a": (1, lc.Unit.MG)}) == {"a": [1, "mg"]}
    with pytest.raises(TypeError, match="no JSON form"):
        lc.to_json(object())


@given(orders, st.text(st.characters(exclude_categories=())))
def test_dumps_writes_the_standard_librarys_text(order, text):
    """dumps(indent=2) uses orjson; its text must be json.dumps' text, byte for byte, including
    for any caller text (control characters, quotes, non-ASCII, lone surrogates)."""
    r = lc.formulate_capsules(order)
    data = lc.to_json(r)
    data["reference"] = text
    expected = json.dumps(data, indent=2, ensure_ascii=False)
    from ldncompound import _json  # noqa: PLC0415

    assert _json.to_json(data) == data
    assert lc.dumps(data) == expected
    assert lc.dumps(r) == json.dumps(lc.to_json(r), indent=2, ensure_ascii=False)
    assert lc.dumps(r, indent=None) == json.dumps(lc.to_json(r), ensure_ascii=False)


def test_dumps_falls_back_where_orjson_refuses():
    data = {"lot": "\ud800", "big": 2**70}
    assert lc.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"order": 5}, "wrong-type", "order"),
        ({"count": "thirty"}, "not-a-result", "count"),
        ({"bud": []}, "not-a-result", "bud"),
        ({"extra": 1}, "not-a-result", None),
        ({"schema": "ldncompound/capsules/0"}, "unknown-schema", "schema"),
        ({"schema": "ldncompound/capsules/1"}, "retired-schema", "schema"),
    ],
)
def test_from_json_refuses_data_it_did_not_write_in_one_sentence(change, code, field):
    """The readers name the first place the data does not fit, in one sentence."""
    r = lc.formulate_capsules(valid.capsules())
    with pytest.raises(lc.InputError) as info:
        lc.from_json(lc.to_json(r) | change)
    err = info.value
    assert (err.code, err.field) == (code, field)
    assert err.message.startswith(field or "the document") and "\n" not in err.message


def test_a_result_written_by_0_1_0_is_refused_naming_the_schema():
    data = lc.to_json(lc.formulate_capsules(valid.capsules()))
    data["schema"] = "ldncompound/capsules/1"
    data["order"] = {"dose": {"value": "4.5", "unit": "mg"}}  # the 0.1.0 form
    with pytest.raises(lc.InputError) as info:
        lc.from_json(data)
    assert info.value.code == "retired-schema"
    assert "ldncompound/capsules/1" in info.value.message
    assert "expected ldncompound/capsules/2" in info.value.message


@pytest.mark.parametrize(
    ("path", "value", "code", "field"),
    [
        (("order", "dose"), "0 mg", "zero", "order.dose"),
        (("order", "dose"), {"value": "4.5", "unit": "mg"}, "wrong-type", "order.dose"),
        (("order", "overage"), None, "null", "order.overage"),
        (("order", "schema"), "ldncompound/order/liquid/1", "not-a-result", "order.schema"),
        (("bud", "date"), 20270101, "not-a-result", "bud.date"),
        (("warnings",), {}, "not-a-result", "warnings"),
        (("dose",), {"value": "4.5", "unit": "furlong"}, "invalid-unit", "dose"),
        (("balance", "rule"), "x", "not-a-result", "balance.rule"),
    ],
)
def test_from_json_names_the_path_of_what_it_refuses(path, value, code, field):
    data = lc.to_json(lc.formulate_capsules(valid.capsules()))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(lc.InputError) as info:
        lc.from_json(data)
    assert (info.value.code, info.value.field) == (code, field), info.value.message
    assert "\n" not in info.value.message


def test_a_balance_none_of_its_constructors_makes_is_written_in_full_inside_a_result():
    balance = lc.Balance(
        name="bench",
        readability=lc.mass("1 mg"),
        minimum_weight=lc.mass("50 mg"),
        rule=lc.MinimumWeightRule.DOCUMENTED,
        source="",
    )
    order = valid.capsules(balance=balance)
    r = lc.formulate_capsules(order)
    data = json.loads(lc.dumps(r))
    assert data["order"]["balance"]["rule"] == "documented"
    # every field but a capacity not stated (omittable: written only when it holds one)
    assert set(data["order"]["balance"]) == {a.name for a in attrs.fields(lc.Balance)} - {
        "capacity"
    }
    assert lc.from_json(data) == r
    stated = attrs.evolve(balance, capacity=lc.mass("120 g"))
    data = json.loads(lc.dumps(lc.formulate_capsules(valid.capsules(balance=stated))))
    assert data["order"]["balance"]["capacity"] == {"value": "120", "unit": "g"}
    with pytest.raises(lc.InputError):  # an order document names one of the constructors
        lc.load_order(data["order"])


def _capsule_data():
    return lc.to_json(lc.formulate_capsules(valid.capsules()))


@pytest.mark.parametrize(
    ("edit", "code", "field"),
    [
        (lambda d: d.pop("count"), "not-a-result", "count"),
        (lambda d: d["trace"][0].update(inputs=[]), "not-a-result", "trace[0].inputs"),
        (lambda d: d["trace"][0].update(inputs={"a": 5}), "not-a-result", "trace[0].inputs.a"),
        (lambda d: d["warnings"].append(None), "not-a-result", None),
    ],
)
def test_from_json_names_missing_fields_and_wrong_containers(edit, code, field):
    data = _capsule_data()
    edit(data)
    with pytest.raises(lc.InputError) as info:
        lc.from_json(data)
    assert info.value.code == code
    if field is not None:
        assert info.value.field == field, info.value.message


def test_the_readers_refuse_what_the_writers_never_write():
    with pytest.raises(lc.InputError) as info:
        lc.from_json("aspirin", lc.Drug)
    assert info.value.code == "unknown-drug"
    api = lc.to_json(valid.api())
    with pytest.raises(lc.InputError) as info:
        lc.from_json(api | {"kind": "tablets"}, lc.ApiLot)
    assert (info.value.code, info.value.field) == ("not-a-result", "kind")
    with pytest.raises(lc.InputError) as info:
        lc.from_json(None, lc.ApiLot)
    assert "is null" in info.value.message
    record = lc.to_json(
        lc.make_record(
            lc.formulate_capsules(valid.capsules()),
            record_id="R",
            compounded_by="A",
            yield_units=30,
        )
    )
    for schema, code in (("x/1", "not-a-result"), ("ldncompound/capsules/1", "retired-schema")):
        data = record | {"result": record["result"] | {"schema": schema}}
        with pytest.raises(lc.InputError) as info:
            lc.from_json(data, lc.CompoundingRecord)
        assert (info.value.code, info.value.field) == (code, "result.schema")
    assert lc.read_result(lc.dumps(lc.formulate_capsules(valid.capsules()))).count == 30
